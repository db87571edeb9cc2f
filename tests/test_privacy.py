"""Privacy: at the default log level nothing personal reaches the logs.

A full conversation runs through Lambda, through the signed web endpoint and through the local
console with distinctive values in every personal field; every captured log line (messages,
arguments and tracebacks) is then searched for them. Request ids, request types, intent names
and locales may be logged: they say nothing about the person.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from devtools.alexa.simulator import Simulator
from devtools.console.page import local_app
from harness.signing import make_app, signed_invoke
from skill.lambda_function import lambda_handler

USER_ID = "amzn1.ask.account.PRIVATE-USER-7f3a"
DEVICE_ID = "amzn1.ask.device.PRIVATE-DEVICE-91c2"
TOKEN = "PRIVATE-ACCESS-TOKEN-e4d1"
SAID = {
    "BodyPart": "calves",
    "Activity": "a marathon",
    "Cause": "not drinking enough water",
    "Step": "electrolyte tablets",
    "Symptom": "pins and needles",  # unmatched on purpose: the raw value travels unresolved
}
TYPED = "why do my calves twitch after a marathon"
SECRETS = (USER_ID, DEVICE_ID, TOKEN, TYPED, *SAID.values())


def conversation(alexa: Simulator) -> None:
    alexa.user_id, alexa.device_id = USER_ID, DEVICE_ID
    original = alexa.envelope

    def with_token(request: dict[str, Any]) -> dict[str, Any]:
        envelope = original(request)
        envelope["context"]["System"]["apiAccessToken"] = TOKEN
        envelope["context"]["System"]["user"] = {"userId": USER_ID, "accessToken": TOKEN}
        return envelope

    alexa.envelope = with_token  # type: ignore[method-assign]
    alexa.launch()
    alexa.intent("WhyTwitching", BodyPart=SAID["BodyPart"], Activity=SAID["Activity"])
    alexa.intent("WhyTwitching", Cause=SAID["Cause"])
    alexa.intent("HowToPrevent", Step=SAID["Step"])
    alexa.intent("WhenSeeDoctor", Symptom=SAID["Symptom"])
    alexa.intent("AMAZON.FallbackIntent")
    alexa.intent("AMAZON.StopIntent")
    alexa.launch()
    alexa.session_ended("USER_INITIATED")


def logged(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def assert_private(caplog: pytest.LogCaptureFixture) -> None:
    text = logged(caplog)
    assert "request=amzn1.echo-api.request." in text, "requests are logged, by id"
    for secret in SECRETS:
        assert secret not in text


def test_lambda_logs_nothing_personal(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        conversation(Simulator(lambda event: lambda_handler(event, None)))
    assert_private(caplog)


def test_web_service_logs_nothing_personal(caplog: pytest.LogCaptureFixture) -> None:
    client = make_app().test_client()
    with caplog.at_level(logging.INFO):
        conversation(Simulator(signed_invoke(client)))
    assert_private(caplog)


def test_a_crash_logs_nothing_personal(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from responses.guide import Guide

    def broken(self: Guide, conversation: Any, topic_key: str, sign: str | None = None) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(Guide, "answer", broken)
    with caplog.at_level(logging.INFO):
        conversation(Simulator(lambda event: lambda_handler(event, None)))
    assert "RuntimeError" in logged(caplog)
    assert_private(caplog)


def test_console_logs_nothing_typed(caplog: pytest.LogCaptureFixture) -> None:
    client = local_app().test_client()
    with caplog.at_level(logging.INFO):
        for text in ("open muscle twitch guide", TYPED, "yes", "stop"):
            assert client.post("/console/say", json={"text": text}).status_code == 200
    text = logged(caplog)
    assert TYPED not in text and "calves" not in text
