"""The skill as a web service (Flask): POST / takes Alexa requests, GET /health answers probes.

Use the application factory: `create_app()` reads the environment; tests pass a config dict and
the verification seams (trust store, chain loader, clock), so every check runs for real offline.
`create_app(production=True)` is what gunicorn serves (see skill/gunicorn_conf.py).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from cryptography.x509.verification import Store
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from skill.entry import (
    InvalidRequest,
    WrongSkill,
    check_skill_id,
    configured_skill_id,
    field,
    invoke,
    parse,
)
from skill.verify import (
    ChainLoader,
    Clock,
    RequestVerifier,
    VerificationFailed,
    check_timestamp,
    download_chain,
    read_capped,
    utc_now,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
"""Alexa requests are a few kilobytes (session attributes included, ours stay under 4 KB);
anything past 64 KB is not from Alexa: refused from its Content-Length before it is read, and
a chunked body (no length; Flask does not cap those) as soon as it passes the limit."""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
"""An API that answers JSON only: nothing to sniff, cache, frame or load."""


class ConfigError(RuntimeError):
    """The environment asks for something the service refuses to run with."""


def env_flag(name: str, default: bool) -> bool:
    """A true/false environment variable; anything else stops the start rather than guessing
    which way a typo in a security switch was meant."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def settings_from_env() -> dict[str, Any]:
    return {
        "ALEXA_SKILL_ID": configured_skill_id(),
        "ALLOW_ANY_SKILL_ID": env_flag("ALLOW_ANY_SKILL_ID", False),
        "ASK_SDK_VERIFY_SIGNATURE": env_flag("ASK_SDK_VERIFY_SIGNATURE", True),
        "ASK_SDK_VERIFY_TIMESTAMP": env_flag("ASK_SDK_VERIFY_TIMESTAMP", True),
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    }


def create_app(
    config: dict[str, Any] | None = None,
    *,
    production: bool = False,
    trust_store: Store | None = None,
    chain_loader: ChainLoader = download_chain,
    clock: Clock = utc_now,
) -> Flask:
    """Build the service. `production` refuses to start without ALEXA_SKILL_ID (unless
    ALLOW_ANY_SKILL_ID) and never runs in debug mode; verification is on everywhere unless
    ASK_SDK_VERIFY_SIGNATURE / ASK_SDK_VERIFY_TIMESTAMP say false."""
    app = Flask(__name__)
    app.config.update(settings_from_env())
    app.config.update(config or {})
    skill_id: str | None = app.config["ALEXA_SKILL_ID"]
    if production:
        app.debug = False
        if skill_id is None and not app.config["ALLOW_ANY_SKILL_ID"]:
            raise ConfigError(
                "ALEXA_SKILL_ID is not set: set it to the skill id from the developer console, "
                "or set ALLOW_ANY_SKILL_ID=true to serve requests for any skill"
            )
    if skill_id is None:
        log.warning(
            "ALEXA_SKILL_ID is not set: requests for any skill id are accepted (expected in local use; "
            "set it to your skill's id where Alexa calls this service)"
        )
    verifier = None
    if app.config["ASK_SDK_VERIFY_SIGNATURE"]:
        verifier = RequestVerifier(trust_store, chain_loader, clock)
    else:
        log.warning("ASK_SDK_VERIFY_SIGNATURE is off: unsigned requests are accepted")
    verify_timestamp: bool = app.config["ASK_SDK_VERIFY_TIMESTAMP"]
    if not verify_timestamp:
        log.warning("ASK_SDK_VERIFY_TIMESTAMP is off: old requests are accepted")

    def refuse(status: int, reason: str) -> tuple[Response, int]:
        log.warning("refused request: %s", reason)
        return jsonify(error=reason), status

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    @app.post("/")
    def alexa() -> Response | tuple[Response, int]:
        if request.mimetype != "application/json":
            return refuse(415, "content type must be application/json")
        body = read_capped(request.stream, MAX_BODY_BYTES)
        if body is None:
            raise RequestEntityTooLarge()
        if not body:
            return refuse(400, "empty body")
        try:
            if verifier is not None:
                verifier.verify_signature(request.headers, body)
            data, envelope = parse(body)
            if verify_timestamp:
                check_timestamp(field(data, "request", "timestamp"), field(data, "request", "type"), clock())
            check_skill_id(data, skill_id)
        except (VerificationFailed, InvalidRequest, WrongSkill) as error:
            return refuse(400, str(error))
        return jsonify(invoke(envelope))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> BaseResponse:
        """Flask's own refusals (404, 405, 413, and 500 for bugs) as short JSON too."""
        response = error.get_response()
        response.data = json.dumps({"error": error.name.lower()})
        response.content_type = "application/json"
        return response

    @app.after_request
    def security_headers(response: Response) -> Response:
        """Added where a route has not set its own (the console page allows its inline script)."""
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
