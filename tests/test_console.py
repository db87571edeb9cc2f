"""The console's web side through Flask's test client: its JSON route, sessions across turns,
locale and screen toggles, the new-session button, bad input, and staying off in production."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from devtools import __main__ as cli
from devtools.alexa.resolver import FALLBACK, resolver_for
from devtools.alexa.simulator import Simulator
from devtools.console import EXAMPLES, LOCALES
from devtools.console.page import EXTENSION, MAX_TEXT, local_app
from responses import load
from skill.web import create_app
from tests.alexa_rules import check_response

CONTENT = load("en-US")


@pytest.fixture
def app() -> Flask:
    return local_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def say(client: FlaskClient, text: str, session: str | None = None, **device: Any) -> dict[str, Any]:
    reply = client.post("/console/say", json={"text": text, "session": session, **device})
    assert reply.status_code == 200, reply.get_json()
    data: dict[str, Any] = reply.get_json()
    check_response(data["turn"]["response"])
    return data


def said(turn: dict[str, Any], topic: str) -> bool:
    return any(summary in turn["speech"] for summary in CONTENT.topics[topic].summary)


def test_the_page_is_served_at_the_root_with_its_controls(client: FlaskClient) -> None:
    reply = client.get("/")
    assert reply.status_code == 200
    assert reply.mimetype == "text/html"
    page = reply.get_data(as_text=True)
    for element in ("locale", "screen", "new-session", "text", "examples", "speech", "intent"):
        assert f'id="{element}"' in page
    assert "/console/say" in page
    assert "http" not in page.replace("http-equiv", ""), "no CDN: the page works offline"
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]


def test_setup_lists_locales_and_examples_and_every_example_is_understood(
    client: FlaskClient,
) -> None:
    setup = client.get("/console/setup").get_json()
    assert setup == {"locales": list(LOCALES), "examples": list(EXAMPLES)}
    for locale in LOCALES:
        for example in EXAMPLES:
            assert resolver_for(locale).resolve(example).intent != FALLBACK, (locale, example)


def test_a_turn_shows_speech_reprompt_card_intent_slots_and_both_envelopes(
    client: FlaskClient,
) -> None:
    turn = say(client, "why do my legs twitch after running")["turn"]
    assert turn["intent"] == "WhyTwitching"
    assert said(turn, "why")
    assert "<" not in turn["speech"], "speech is shown without SSML tags"
    assert turn["reprompt"] == CONTENT.topics["how_long"].offer.reprompt
    assert turn["card"]["title"] == CONTENT.topics["why"].title
    assert any(summary in turn["card"]["text"] for summary in CONTENT.topics["why"].summary)
    assert {(s["name"], s["value"], s["status"], s["id"]) for s in turn["slots"]} == {
        ("BodyPart", "legs", "ER_SUCCESS_MATCH", "LEGS"),
        ("Activity", "running", "ER_SUCCESS_MATCH", "RUNNING"),
    }
    assert turn["request"]["request"]["intent"]["name"] == "WhyTwitching"
    assert turn["response"]["response"]["shouldEndSession"] is False
    assert turn["ended"] is False


def test_session_state_survives_turns_so_yes_takes_the_offer(client: FlaskClient) -> None:
    first = say(client, "open muscle twitch guide")
    second = say(client, "why do my legs twitch", first["session"])
    third = say(client, "yes", second["session"])
    assert first["session"] == second["session"] == third["session"]
    request = third["turn"]["request"]
    assert request["session"]["new"] is False
    assert request["session"]["attributes"] == second["turn"]["response"]["sessionAttributes"]
    assert said(third["turn"], "how_long"), "yes took the offer made by the answer before"


def test_each_turn_says_whether_it_opened_a_session(client: FlaskClient) -> None:
    first = say(client, "why do my legs twitch")
    key = first["session"]
    ended = say(client, "stop", key)["turn"]
    again = say(client, "tell me more", key)["turn"]
    assert first["turn"]["new_session"] is True
    assert ended["new_session"] is False
    assert ended["ended"] is True
    assert again["new_session"] is True, "the skill ended the last session, so this one is new"
    assert again["request"]["session"]["new"] is True


def test_a_turn_with_nothing_heard_has_no_slots(client: FlaskClient) -> None:
    assert say(client, "help")["turn"]["slots"] == []


def test_without_a_session_key_a_yes_starts_afresh(client: FlaskClient) -> None:
    say(client, "why do my legs twitch")
    turn = say(client, "yes")["turn"]
    assert turn["request"]["session"]["new"] is True
    assert not said(turn, "how_long")


def test_new_session_button_keeps_the_user_but_forgets_the_conversation(
    client: FlaskClient,
) -> None:
    answered = say(client, "why do my legs twitch")
    key = answered["session"]
    reply = client.post("/console/new", json={"session": key})
    assert reply.get_json() == {"session": key}
    after = say(client, "yes", key)["turn"]["request"]
    before = answered["turn"]["request"]
    assert after["session"]["new"] is True
    assert after["session"]["attributes"] == {}
    assert after["session"]["sessionId"] != before["session"]["sessionId"]
    assert after["session"]["user"] == before["session"]["user"]


def test_locale_picker_starts_a_new_session_in_that_locale(client: FlaskClient) -> None:
    key = say(client, "open muscle twitch guide")["session"]
    british = say(client, "when should I see a doctor", key, locale="en-GB")
    assert british["session"] != key
    request = british["turn"]["request"]
    assert request["request"]["locale"] == "en-GB"
    assert request["session"]["new"] is True
    offer = british["turn"]["response"]["sessionAttributes"]["guide"]["offer"]
    assert british["turn"]["speech"].endswith(load("en-GB").topics[offer].offer.ask)
    assert load("en-GB").topics["doctor"].summary != CONTENT.topics["doctor"].summary
    assert any(summary in british["turn"]["speech"] for summary in load("en-GB").topics["doctor"].summary)


def test_screen_toggle_adds_the_apl_screen_and_keeps_the_session(client: FlaskClient) -> None:
    plain = say(client, "why do my legs twitch")
    assert plain["turn"]["screen"] is None
    screen = say(client, "tell me more", plain["session"], screen=True)
    turn = screen["turn"]
    assert screen["session"] == plain["session"]
    assert turn["request"]["session"]["new"] is False
    interfaces = turn["request"]["context"]["System"]["device"]["supportedInterfaces"]
    assert "Alexa.Presentation.APL" in interfaces
    assert turn["screen"] == {
        "title": CONTENT.topics["why"].title,
        "points": list(CONTENT.topics["why"].points),
    }


def test_exit_ends_the_session_with_a_session_ended_request(client: FlaskClient) -> None:
    key = say(client, "open muscle twitch guide")["session"]
    turn = say(client, "exit", key)["turn"]
    assert turn["request"]["request"]["type"] == "SessionEndedRequest"
    assert turn["ended"] is True
    assert turn["speech"] == ""
    again = say(client, "help", key)["turn"]
    assert again["request"]["session"]["new"] is True
    assert again["speech"] == CONTENT.line("help")


NOT_AN_OBJECT = "expected a JSON object"
BAD_TEXT = f"text must be 1 to {MAX_TEXT} characters"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", NOT_AN_OBJECT),
        (json.dumps(["a list"]), NOT_AN_OBJECT),
        (json.dumps({}), BAD_TEXT),
        (json.dumps({"text": ""}), BAD_TEXT),
        (json.dumps({"text": "   "}), BAD_TEXT),
        (json.dumps({"text": 42}), BAD_TEXT),
        (json.dumps({"text": "x" * (MAX_TEXT + 1)}), BAD_TEXT),
        (json.dumps({"text": "help", "locale": "fr-FR"}), f"locale must be one of {', '.join(LOCALES)}"),
        (json.dumps({"text": "help", "screen": "yes"}), "screen must be true or false"),
    ],
)
def test_bad_input_is_a_400_with_its_own_reason(client: FlaskClient, body: str, reason: str) -> None:
    reply = client.post("/console/say", data=body, content_type="application/json")
    assert reply.status_code == 400
    assert reply.get_json() == {"error": reason}


def test_text_of_exactly_the_longest_length_is_answered(client: FlaskClient) -> None:
    assert say(client, "help".ljust(MAX_TEXT))["turn"]["intent"] == "AMAZON.HelpIntent"


def test_new_session_refuses_bad_input_too(client: FlaskClient) -> None:
    assert client.post("/console/new", data="{", content_type="application/json").status_code == 400


def test_consoles_kept_in_memory_are_bounded(app: Flask) -> None:
    consoles = app.extensions[EXTENSION]
    consoles.capacity = 3
    client = app.test_client()
    keys = [say(client, "help")["session"] for _ in range(5)]
    assert list(consoles.consoles) == keys[-3:]
    assert say(client, "help", keys[0])["session"] != keys[0], "a dropped page starts afresh"


def test_the_console_never_bypasses_verification_on_the_alexa_endpoint(client: FlaskClient) -> None:
    envelope = Simulator(lambda envelope: envelope).envelope({"type": "LaunchRequest"})
    reply = client.post("/", json=envelope)
    assert reply.status_code == 400
    assert "Signature" in reply.get_json()["error"]
    assert client.post("/console/say", json={"text": "open muscle twitch guide"}).status_code == 200


@pytest.mark.parametrize("switch", ["1", "true", "0", ""])
def test_the_web_service_never_serves_the_console_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    monkeypatch.setenv("CONSOLE_ENABLED", switch)
    for app in (create_app(), create_app({"ALLOW_ANY_SKILL_ID": True}, production=True)):
        client = app.test_client()
        assert client.get("/").status_code == 405, "only POST / (Alexa) is served"
        assert client.post("/console/say", json={"text": "help"}).status_code == 404
        assert "console" not in app.blueprints


def test_the_development_server_serves_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Flask] = []
    monkeypatch.setattr(Flask, "run", lambda app, **_: served.append(app))
    assert cli.main(["run", "--port", "0"]) == 0
    assert "console" in served[0].blueprints
    assert served[0].test_client().get("/").status_code == 200


def test_page_keeps_its_own_content_security_policy_so_its_inline_script_runs() -> None:
    client = local_app().test_client()
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'unsafe-inline'" in policy
    assert client.get("/health").headers["Content-Security-Policy"].startswith("default-src 'none'")
