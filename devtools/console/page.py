"""The test console's web page: GET / serves it, POST /console/say runs one turn in-process.

`local_app()` is the skill's web service with this page added: what `make run` serves. The
production service (`skill.web`) never imports it. Each page holds a random session key; the
server keeps that page's `Console` (simulator and Alexa session) in a small least-recently-used
table, so memory stays bounded however many pages come and go. Typed text is never logged.
"""

from __future__ import annotations

import argparse
import os
import secrets
import threading
from collections import OrderedDict
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState

from devtools.console import EXAMPLES, LOCALES, Console
from skill.web import create_app

MAX_SESSIONS = 64
"""Consoles kept at once; the least recently used is dropped first (its page starts afresh)."""
MAX_TEXT = 300
"""Longer than any question a person would type; longer input is refused with 400."""
EXTENSION = "muscle_twitch_guide_console"

blueprint = Blueprint("console", __name__)


class Consoles:
    """Session key -> Console, least recently used dropped past MAX_SESSIONS; thread-safe."""

    def __init__(self, capacity: int = MAX_SESSIONS) -> None:
        self.capacity = capacity
        self.lock = threading.Lock()
        self.consoles: OrderedDict[str, Console] = OrderedDict()

    def open(self, key: object, locale: str) -> tuple[str, Console]:
        """The page's console, or a new one (and key) when the key is unknown or the locale
        changed."""
        if isinstance(key, str) and key in self.consoles:
            console = self.consoles[key]
            if console.locale == locale:
                self.consoles.move_to_end(key)
                return key, console
        key, console = secrets.token_urlsafe(16), Console(locale)
        self.consoles[key] = console
        while len(self.consoles) > self.capacity:
            self.consoles.popitem(last=False)
        return key, console


@blueprint.record_once
def _install(state: BlueprintSetupState) -> None:
    state.app.extensions[EXTENSION] = Consoles()


def _consoles() -> Consoles:
    consoles: Consoles = current_app.extensions[EXTENSION]
    return consoles


class BadInput(ValueError):
    """The page sent something other than what it sends: answered with 400."""


def _fields() -> tuple[dict[str, object], object, str, bool]:
    """(body, session key, locale, screen) from the JSON body, checked."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadInput("expected a JSON object")
    locale, screen = body.get("locale", LOCALES[0]), body.get("screen", False)
    if locale not in LOCALES:
        raise BadInput(f"locale must be one of {', '.join(LOCALES)}")
    if not isinstance(screen, bool):
        raise BadInput("screen must be true or false")
    return body, body.get("session"), str(locale), screen


@blueprint.errorhandler(BadInput)
def _bad_input(error: BadInput) -> tuple[Response, int]:
    return jsonify(error=str(error)), 400


@blueprint.get("/")
def page() -> Response:
    html = resources.files(__package__).joinpath("page.html").read_text(encoding="utf-8")
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"
    )
    return response


@blueprint.get("/console/setup")
def setup() -> Response:
    return jsonify(locales=list(LOCALES), examples=list(EXAMPLES))


@blueprint.post("/console/say")
def say() -> Response:
    """One turn: {text, session, locale, screen} in; the turn's view and the session key out."""
    body, key, locale, screen = _fields()
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise BadInput(f"text must be 1 to {MAX_TEXT} characters")
    consoles = _consoles()
    with consoles.lock:
        key, console = consoles.open(key, locale)
        console.simulator.screen = screen
        turn = console.say(text)
    return jsonify(session=key, turn=turn.view())


@blueprint.post("/console/new")
def new_session() -> Response:
    """The new-session button: the next turn starts a fresh Alexa session (new: true, no
    attributes) for the same simulated user and device."""
    _, key, locale, _ = _fields()
    consoles = _consoles()
    with consoles.lock:
        key, console = consoles.open(key, locale)
        console.new_session()
    return jsonify(session=key)


def local_app(config: dict[str, Any] | None = None) -> Flask:
    """The skill's web service with the console page on it, for local development only."""
    app = create_app(config)
    app.register_blueprint(blueprint)
    return app


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `run` subcommand (what `make run` does), for devtools/__main__.py."""
    parser = commands.add_parser("run", help="serve the skill on a local port (development server)")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    local_app().run(host=args.host, port=args.port)
    return 0
