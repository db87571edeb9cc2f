"""The skill as a web service (Flask): POST / takes Alexa requests, GET /health answers probes.

Use the application factory: `create_app()` reads the environment; tests pass a config dict.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, Response, jsonify, request

from skill.entry import (
    InvalidRequest,
    WrongSkill,
    check_skill_id,
    configured_skill_id,
    invoke,
    parse,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
"""Alexa requests are a few kilobytes (session attributes included, ours stay under 4 KB);
anything past 64 KB is not from Alexa and is refused before it is read."""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(ALEXA_SKILL_ID=configured_skill_id(), MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.config.update(config or {})
    app.config.setdefault("CONSOLE_ENABLED", console_enabled())

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    @app.post("/")
    def alexa() -> Response | tuple[Response, int]:
        body = request.get_data(cache=False)
        try:
            envelope = parse(body)
            check_skill_id(envelope, app.config["ALEXA_SKILL_ID"])
        except (InvalidRequest, WrongSkill) as error:
            log.warning("refused request: %s", error)
            return jsonify(error=str(error)), 400
        return jsonify(invoke(envelope))

    if app.config["CONSOLE_ENABLED"]:
        from skill.console.web import blueprint  # imported only when on: production never loads it

        app.register_blueprint(blueprint)
    return app


def console_enabled() -> bool:
    """CONSOLE_ENABLED=1 serves the local test console at GET / (`python -m skill run` sets it
    unless told otherwise; production leaves it off)."""
    return os.environ.get("CONSOLE_ENABLED", "").strip().lower() in {"1", "true", "yes", "on"}
