"""The web layer around the checks: 4xx for every kind of bad input (never 500), the skill id,
security headers, configuration from the environment, and a whole conversation over signed HTTP."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from devtools.alexa.simulator import Simulator
from harness.signing import SKILL_ID, ChainServer, body_of, envelope, make_app, post, signed_invoke, tampered
from skill.web import MAX_BODY_BYTES, ConfigError, create_app, env_flag, settings_from_env
from tests.alexa_rules import check_response

ENV_NAMES = (
    "ALEXA_SKILL_ID",
    "ALLOW_ANY_SKILL_ID",
    "ASK_SDK_VERIFY_SIGNATURE",
    "ASK_SDK_VERIFY_TIMESTAMP",
)


def web_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the web layer logged, message by message (exact text, not a substring)."""
    return [record.getMessage() for record in caplog.records if record.name == "skill.web"]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (*ENV_NAMES, "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_conversation_over_signed_http() -> None:
    client = make_app().test_client()
    alexa = Simulator(signed_invoke(client))
    welcome = alexa.launch()
    assert welcome["response"]["shouldEndSession"] is False
    answer = alexa.intent("AMAZON.HelpIntent")
    assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert alexa.intent("AMAZON.StopIntent")["response"]["shouldEndSession"] is True


def test_health() -> None:
    client = make_app().test_client()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert client.head("/health").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("GET", "/", 405, "method not allowed"),
        ("PUT", "/", 405, "method not allowed"),
        ("POST", "/health", 405, "method not allowed"),
        ("GET", "/admin", 404, "not found"),
        ("POST", "/alexa", 404, "not found"),
    ],
)
def test_other_routes_answer_json(method: str, path: str, status: int, error: str) -> None:
    response = make_app().test_client().open(path, method=method)
    assert response.status_code == status
    assert response.get_json() == {"error": error}


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "text/json", "multipart/form-data"],
)
def test_non_json_content_types_are_refused(content_type: str | None) -> None:
    response = tampered({"Content-Type": content_type})
    assert response.status_code == 415
    assert response.get_json() == {"error": "content type must be application/json"}


def test_plain_application_json_is_accepted() -> None:
    assert tampered({"Content-Type": "application/json"}).status_code == 200


def test_empty_body() -> None:
    response = post(make_app().test_client(), b"")
    assert response.status_code == 400
    assert response.get_json() == {"error": "empty body"}


def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    """64 KB: Alexa's requests are a few KB (ours carry under 4 KB of session attributes)."""
    server = ChainServer()
    payload = envelope()
    payload["session"]["attributes"] = {"padding": "x" * MAX_BODY_BYTES}
    response = post(make_app(server).test_client(), body_of(payload))
    assert response.status_code == 413
    assert response.get_json() == {"error": "request entity too large"}
    assert server.fetched == []


def test_a_body_just_under_the_limit_is_read() -> None:
    payload = envelope()
    payload["session"]["attributes"] = {"padding": ""}
    room = MAX_BODY_BYTES - len(body_of(payload))
    payload["session"]["attributes"] = {"padding": "x" * room}
    body = body_of(payload)
    assert len(body) == MAX_BODY_BYTES
    assert post(make_app().test_client(), body).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"not json",
        b"[]",
        b"null",
        b'"LaunchRequest"',
        b'{"version": "1.0"}',
        b'{"version": "1.0", "request": {"type": "NoSuchRequest"}}',
        b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": "yesterday"}}',
        b"\xff\xfe{}",
        b'{"version": "1.0", "request": {"type": "LaunchRequest"}, "context": [1, 2]}',
    ],
    ids=[
        "truncated",
        "text",
        "array",
        "null",
        "string",
        "no request",
        "unknown type",
        "bad timestamp",
        "not UTF-8",
        "context is a list",
    ],
)
def test_signed_garbage_is_refused_with_400(body: bytes) -> None:
    """Correctly signed, so only the parser stands between these bodies and the skill."""
    response = post(make_app().test_client(), body)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("request")


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        body_of(
            {**envelope(), "session": {**envelope()["session"], "attributes": {"guide": "deep"}}}
        ).replace(b'"deep"', b"[" * 5000 + b"]" * 5000),
    ],
    ids=["nested everywhere", "nested session attributes"],
)
def test_signed_deep_nesting_is_refused_with_400(body: bytes) -> None:
    response = post(make_app().test_client(), body)
    assert response.status_code == 400


def test_another_skill_id_is_refused() -> None:
    body = body_of(envelope(application_id="amzn1.ask.skill.someone-else"))
    response = post(make_app().test_client(), body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "request is for a different skill"}


WITHOUT_OUR_ID: dict[str, dict[str, Any]] = {
    "null id": {"application": {"applicationId": None}},
    "no id": {"application": {}},
    "null application": {"application": None},
    "no application": {},
    "empty id": {"application": {"applicationId": ""}},
    "id in a list": {"application": {"applicationId": [SKILL_ID]}},
}
"""What may stand in `context.System` where our application would be."""


@pytest.mark.parametrize("application", WITHOUT_OUR_ID.values(), ids=WITHOUT_OUR_ID.keys())
def test_the_skill_id_is_the_contexts_and_the_session_cannot_stand_in(application: dict[str, Any]) -> None:
    """Amazon documents `context.System.application.applicationId` as the id to check (some
    requests carry no session): without it the request is refused, however right the session's."""
    payload = envelope()
    system = payload["context"]["System"]
    del system["application"]
    system.update(application)
    assert payload["session"]["application"] == {"applicationId": SKILL_ID}
    response = post(make_app().test_client(), body_of(payload))
    assert response.status_code == 400
    assert response.get_json() == {"error": "request is for a different skill"}


def test_a_request_without_a_session_is_judged_by_the_contexts_skill_id() -> None:
    """Skill events carry no session: the context's id alone lets one in or keeps one out."""
    payload = envelope({"type": "AlexaSkillEvent.SkillEnabled", "eventCreationTime": "2026-01-01T00:00:00Z"})
    del payload["session"]
    assert post(make_app().test_client(), body_of(payload)).status_code == 200
    payload["context"]["System"]["application"] = {"applicationId": "amzn1.ask.skill.someone-else"}
    response = post(make_app().test_client(), body_of(payload))
    assert response.get_json() == {"error": "request is for a different skill"}


def test_the_skill_id_is_read_from_the_json_not_from_sdk_attributes() -> None:
    """The SDK copies unknown keys onto its model objects: `application_id` beside
    `applicationId` would overwrite the id the SDK read. The check reads the JSON."""
    payload = envelope(application_id="amzn1.ask.skill.someone-else")
    for holder in (payload["context"]["System"], payload["session"]):
        holder["application"]["application_id"] = SKILL_ID
    response = post(make_app().test_client(), body_of(payload))
    assert response.get_json() == {"error": "request is for a different skill"}


@pytest.mark.parametrize("verify", [True, False], ids=["verification on", "verification off"])
@pytest.mark.parametrize(
    "request_fields",
    [{"object_type": True}, {"object_type": ["LaunchRequest"]}, {"timestamp": "2024-01-01T00:00:00+99:00"}],
    ids=["object_type true", "object_type list", "offset +99:00"],
)
def test_request_fields_that_answered_500_answer_200_or_400(
    request_fields: dict[str, Any], verify: bool
) -> None:
    """Each of these answered 500 before (issue 14), signed, with verification on or off."""
    payload = envelope()
    payload["request"].update(request_fields)
    client = make_app(ASK_SDK_VERIFY_SIGNATURE=verify, ASK_SDK_VERIFY_TIMESTAMP=verify).test_client()
    response = post(client, body_of(payload))
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        check_response(response.get_json())


@pytest.mark.parametrize("where", [(), ("request",), ("context", "System"), ("session",)])
def test_python_internal_keys_are_refused_with_400(where: tuple[str, ...]) -> None:
    """The SDK's deserializer setattr()s every key it does not know onto its model objects, so
    `"__dict__": {}` would wipe an object's attributes (found by make fuzz through Lambda)."""
    payload = envelope()
    holder = payload
    for key in where:
        holder = holder[key]
    holder["__dict__"] = {}
    response = post(make_app().test_client(), body_of(payload))
    assert response.status_code == 400
    assert response.get_json() == {"error": "request JSON has a Python-internal key (__...)"}


def test_refusals_are_logged_without_the_body(caplog: pytest.LogCaptureFixture) -> None:
    client = make_app().test_client()
    payload = envelope(application_id="amzn1.ask.skill.someone-else")
    user_id = payload["session"]["user"]["userId"]
    with caplog.at_level(logging.DEBUG):
        post(client, body_of(payload))
        post(client, body_of(payload), {"Content-Type": "application/json"})
    assert web_log(caplog) == [
        "refused request: request is for a different skill",
        "refused request: no SignatureCertChainUrl header",
    ]
    assert user_id not in caplog.text
    assert "sessionId" not in caplog.text


@pytest.mark.parametrize("path", ["/", "/health", "/missing"])
def test_security_headers_on_every_answer(path: str) -> None:
    response = make_app().test_client().post(path, data=b"{}", content_type="application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.content_type == "application/json"


def test_unsigned_requests_pass_only_when_verification_is_off() -> None:
    server = ChainServer()
    client = make_app(server, ASK_SDK_VERIFY_SIGNATURE=False).test_client()
    response = post(client, body_of(envelope()), {"Content-Type": "application/json"})
    assert response.status_code == 200
    assert server.fetched == []


# Configuration ------------------------------------------------------------------------------


def test_verification_is_on_unless_the_environment_says_otherwise(clean_env: pytest.MonkeyPatch) -> None:
    app = create_app()
    assert app.config["ASK_SDK_VERIFY_SIGNATURE"] is True
    assert app.config["ASK_SDK_VERIFY_TIMESTAMP"] is True
    assert app.config["ALEXA_SKILL_ID"] is None
    clean_env.setenv("ASK_SDK_VERIFY_SIGNATURE", "false")
    clean_env.setenv("ASK_SDK_VERIFY_TIMESTAMP", "0")
    clean_env.setenv("ALEXA_SKILL_ID", " amzn1.ask.skill.mine ")
    app = create_app()
    assert app.config["ASK_SDK_VERIFY_SIGNATURE"] is False
    assert app.config["ASK_SDK_VERIFY_TIMESTAMP"] is False
    assert app.config["ALEXA_SKILL_ID"] == "amzn1.ask.skill.mine"


@pytest.mark.parametrize("value", ["flase", "disabled", "2"])
def test_a_mistyped_switch_stops_the_start(clean_env: pytest.MonkeyPatch, value: str) -> None:
    clean_env.setenv("ASK_SDK_VERIFY_SIGNATURE", value)
    with pytest.raises(ConfigError, match="ASK_SDK_VERIFY_SIGNATURE must be true or false"):
        create_app()


def test_production_refuses_to_start_without_a_skill_id(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as refused:
        create_app(production=True)
    assert str(refused.value) == (
        "ALEXA_SKILL_ID is not set: set it to the skill id from the developer console, "
        "or set ALLOW_ANY_SKILL_ID=true to serve requests for any skill"
    )
    clean_env.setenv("ALLOW_ANY_SKILL_ID", "true")
    assert create_app(production=True).config["ALEXA_SKILL_ID"] is None


def test_production_never_debugs(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FLASK_DEBUG", "1")
    clean_env.setenv("ALEXA_SKILL_ID", "amzn1.ask.skill.mine")
    assert create_app().debug is True
    assert create_app(production=True).debug is False


def test_without_a_skill_id_any_skill_is_served_outside_production(clean_env: pytest.MonkeyPatch) -> None:
    client = make_app(ALEXA_SKILL_ID=None).test_client()
    body = body_of(envelope(application_id="amzn1.ask.skill.someone-else"))
    response = post(client, body)
    assert response.status_code == 200
    assert json.loads(response.data)["version"] == "1.0"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        *((spelling, True) for spelling in ("1", "true", "TRUE", "yes", "Yes", "on", "ON", " yes ")),
        *((spelling, False) for spelling in ("0", "false", "False", "no", "NO", "off", "Off")),
    ],
)
def test_switches_take_every_documented_spelling(
    clean_env: pytest.MonkeyPatch, raw: str, value: bool
) -> None:
    clean_env.setenv("ALLOW_ANY_SKILL_ID", raw)
    assert env_flag("ALLOW_ANY_SKILL_ID", not value) is value


def test_settings_default_to_the_safe_side(clean_env: pytest.MonkeyPatch) -> None:
    assert settings_from_env() == {
        "ALEXA_SKILL_ID": None,
        "ALLOW_ANY_SKILL_ID": False,
        "ASK_SDK_VERIFY_SIGNATURE": True,
        "ASK_SDK_VERIFY_TIMESTAMP": True,
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    }


def test_each_check_turned_off_is_logged_once_at_start(
    clean_env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        create_app({"ALEXA_SKILL_ID": SKILL_ID})
    assert web_log(caplog) == []
    with caplog.at_level(logging.WARNING):
        create_app({"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False})
    assert web_log(caplog) == [
        "ALEXA_SKILL_ID is not set: requests for any skill id are accepted (expected in local use; "
        "set it to your skill's id where Alexa calls this service)",
        "ASK_SDK_VERIFY_SIGNATURE is off: unsigned requests are accepted",
        "ASK_SDK_VERIFY_TIMESTAMP is off: old requests are accepted",
    ]
