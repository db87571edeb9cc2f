"""The skill through lambda_handler, as Alexa drives it: every request type and built-in intent."""

from __future__ import annotations

import copy
import logging

import pytest

from responses import load
from skill.entry import MAX_NESTING
from skill.lambda_function import lambda_handler
from skill.simulator import APPLICATION_ID, Simulator
from tests.alexa_rules import check_response
from tests.conftest import ends, nested, reprompt, speech, state

CONTENT = load("en-US")
DISCLAIMER = CONTENT.line("disclaimer")
SUMMARIES = {key: topic.summary for key, topic in CONTENT.topics.items()}


def said_summary(text: str, topic: str) -> bool:
    return any(summary in text for summary in SUMMARIES[topic])


def test_launch_welcomes_names_the_three_questions_and_reprompts(alexa: Simulator) -> None:
    response = alexa.launch()
    assert speech(response) in CONTENT.variants("welcome")
    for welcome in CONTENT.variants("welcome"):
        assert all(word in welcome for word in ("why", "prevent", "doctor"))
    assert not ends(response)
    assert reprompt(response)
    assert DISCLAIMER not in speech(response)


@pytest.mark.parametrize(
    ("intent", "topic"),
    [("WhyTwitching", "why"), ("HowToPrevent", "prevent"), ("WhenSeeDoctor", "doctor")],
)
def test_one_shot_answers_at_once_with_disclaimer_offer_and_reprompt(
    alexa: Simulator, intent: str, topic: str
) -> None:
    response = alexa.intent(intent)
    text = speech(response)
    assert said_summary(text, topic)
    assert any(text.startswith(summary) for summary in CONTENT.topics[topic].summary), "answer first"
    assert DISCLAIMER in text, "a one-shot hears the disclaimer once, after the answer"
    assert text.rstrip().endswith("?"), "an open answer ends with its offer"
    assert not ends(response)
    assert reprompt(response).endswith("?")


def test_the_brief_one_shot_why_my_legs_twitch_after_running(alexa: Simulator) -> None:
    response = alexa.intent("WhyTwitching", BodyPart="legs", Activity="running")
    assert said_summary(speech(response), "why")
    assert response["response"]["card"]["title"] == CONTENT.topics["why"].title


def test_doctor_answer_names_the_warning_signs_and_a_doctor(alexa: Simulator) -> None:
    for _ in range(3):
        text = speech(alexa.intent("WhenSeeDoctor")).lower()
        assert "a doctor" in text
        for sign in ("weakness", "numbness"):
            assert sign in text
        assert any(word in text for word in ("weeks", "persists", "won't go away"))


def test_full_conversation_launch_answer_yes_more_repeat_stop(alexa: Simulator) -> None:
    alexa.launch()
    why = alexa.intent("WhyTwitching")
    assert speech(why).endswith(CONTENT.topics["how_long"].offer.ask)
    assert DISCLAIMER not in speech(why), "the welcome said it"

    yes = alexa.intent("AMAZON.YesIntent")
    assert said_summary(speech(yes), "how_long")

    more = alexa.intent("TellMeMore")
    assert CONTENT.topics["how_long"].more in speech(more)
    assert not ends(more)

    repeat = alexa.intent("AMAZON.RepeatIntent")
    assert speech(repeat) == speech(more)
    assert not ends(repeat)

    stop = alexa.intent("AMAZON.StopIntent")
    assert ends(stop)
    assert "reprompt" not in stop["response"]


def test_yes_takes_the_offer_and_offers_move_on(alexa: Simulator) -> None:
    first = alexa.intent("WhyTwitching")
    assert state(first)["offer"] == "how_long"
    second = alexa.intent("AMAZON.YesIntent")
    assert said_summary(speech(second), "how_long")
    assert state(second)["offer"] == "prevent"
    third = alexa.intent("AMAZON.YesIntent")
    assert said_summary(speech(third), "prevent")
    assert state(third)["offer"] == "prevent_sports_drinks", "prevent's own follow-up"


def test_no_declines_politely_then_says_goodbye(alexa: Simulator) -> None:
    alexa.intent("WhyTwitching")
    declined = alexa.intent("AMAZON.NoIntent")
    assert speech(declined).endswith(CONTENT.line("anything_else"))
    assert not ends(declined)
    goodbye = alexa.intent("AMAZON.NoIntent")
    assert ends(goodbye)
    assert speech(goodbye) in CONTENT.variants("goodbye")


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_the_session_from_any_point(alexa: Simulator, intent: str) -> None:
    for setup in (lambda: None, alexa.launch, lambda: alexa.intent("HowToPrevent")):
        setup()
        response = alexa.intent(intent)
        assert ends(response)
        assert speech(response) in CONTENT.variants("goodbye")


def test_help_says_more_than_the_welcome_and_asks(alexa: Simulator) -> None:
    welcome = speech(alexa.launch())
    response = alexa.intent("AMAZON.HelpIntent")
    text = speech(response)
    assert len(text) > len(welcome)
    assert "tell me more" in text.lower()
    assert text.endswith("?")
    assert not ends(response)


def test_fallback_says_what_it_can_do_and_keeps_listening(alexa: Simulator) -> None:
    response = alexa.intent("AMAZON.FallbackIntent")
    assert speech(response) == CONTENT.line("fallback")
    assert not ends(response)


@pytest.mark.parametrize("intent", ["AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent"])
def test_start_over_and_home_welcome_again_and_forget_topics(alexa: Simulator, intent: str) -> None:
    alexa.intent("WhyTwitching")
    response = alexa.intent(intent)
    assert speech(response) in CONTENT.variants("welcome")
    assert state(response)["heard"] == []
    assert state(response)["disclaimer_given"] is True
    assert not ends(response)


def test_repeat_before_anything_was_said_asks_what_they_want(alexa: Simulator) -> None:
    response = alexa.intent("AMAZON.RepeatIntent")
    assert speech(response).startswith(CONTENT.line("nothing_to_repeat"))
    assert not ends(response)


def test_tell_me_more_before_any_answer_asks_for_a_question(alexa: Simulator) -> None:
    response = alexa.intent("TellMeMore")
    assert speech(response) == CONTENT.line("ask_first")
    assert not ends(response)


def test_tell_me_more_twice_says_there_is_no_more_and_still_offers(alexa: Simulator) -> None:
    alexa.intent("WhyTwitching")
    alexa.intent("TellMeMore")
    again = alexa.intent("TellMeMore")
    assert speech(again).startswith(CONTENT.line("nothing_more"))
    assert not ends(again)


def test_asking_twice_never_repeats_the_same_wording_in_a_row(alexa: Simulator) -> None:
    for topic, intent in (
        ("why", "WhyTwitching"),
        ("prevent", "HowToPrevent"),
        ("doctor", "WhenSeeDoctor"),
    ):
        previous = None
        for _ in range(12):
            text = speech(alexa.intent(intent))
            wording = next(s for s in SUMMARIES[topic] if s in text)
            assert wording != previous
            previous = wording


def test_session_ended_logs_reason_and_says_nothing(alexa: Simulator, caplog) -> None:
    alexa.launch()
    with caplog.at_level(logging.INFO):
        response = alexa.session_ended("EXCEEDED_MAX_REPROMPTS")
    assert "outputSpeech" not in response["response"]
    assert "EXCEEDED_MAX_REPROMPTS" in caplog.text


def test_alexa_error_report_is_logged_and_gets_no_speech(alexa: Simulator, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        response = alexa.send(
            {
                "type": "System.ExceptionEncountered",
                "error": {"type": "INVALID_RESPONSE", "message": "bad"},
                "cause": {"requestId": "amzn1.echo-api.request.1"},
            }
        )
    assert "outputSpeech" not in response["response"]
    assert "INVALID_RESPONSE" in caplog.text


def test_unknown_intent_gets_a_spoken_way_forward(alexa: Simulator) -> None:
    response = alexa.send({"type": "IntentRequest", "intent": {"name": "NoSuchIntent", "slots": {}}})
    assert speech(response) == CONTENT.line("fallback")
    assert not ends(response)


def test_unknown_request_type_gets_a_spoken_way_forward(alexa: Simulator) -> None:
    response = alexa.send({"type": "Alexa.Presentation.APL.UserEvent", "arguments": ["x"]})
    assert speech(response) == CONTENT.line("fallback")


def test_a_handler_error_is_apologised_for_and_logged_once(alexa: Simulator, caplog, monkeypatch) -> None:
    from responses.guide import Guide

    def broken(self, conversation, topic_key, sign=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(Guide, "answer", broken)
    with caplog.at_level(logging.ERROR):
        response = alexa.intent("WhyTwitching")
    assert speech(response) == CONTENT.line("error")
    assert not ends(response)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "amzn1.echo-api.request." in errors[0].getMessage()


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"version": "1.0"},
        {"version": "1.0", "request": "not a request"},
        {"version": "1.0", "request": {"type": "IntentRequest"}},
        {"version": "1.0", "request": {"type": "IntentRequest", "intent": None}},
        {"version": "1.0", "request": {"type": "IntentRequest", "intent": {"name": 7}}},
        {"version": "1.0", "request": {"type": "LaunchRequest"}, "session": {"attributes": []}},
        ["a", "list"],
        "a string",
        None,
    ],
)
def test_malformed_events_get_a_spoken_apology_not_a_crash(event) -> None:
    response = lambda_handler(copy.deepcopy(event), None)
    check_response(response)
    assert response["response"]["outputSpeech"]


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 900, 5000])
def test_deeply_nested_session_attributes_get_an_apology(alexa: Simulator, depth: int) -> None:
    """The SDK copies session attributes recursively: nesting we never write is refused first."""
    alexa.new = False
    alexa.attributes = {"guide": nested(depth)}
    assert speech(alexa.intent("WhyTwitching")) == CONTENT.line("error")
    alexa.attributes = {"guide": nested(MAX_NESTING - 1)}
    assert said_summary(speech(alexa.intent("WhyTwitching")), "why")


def test_deep_nesting_in_fields_the_skill_does_not_read_is_harmless(alexa: Simulator) -> None:
    event = alexa.envelope({"type": "LaunchRequest", "extra": nested(500)})
    event["context"]["extra"] = nested(500)
    response = lambda_handler(event, None)
    check_response(response)
    assert speech(response) != CONTENT.line("error") and not ends(response)


def test_corrupt_session_attributes_from_another_version_are_ignored(alexa: Simulator) -> None:
    alexa.new = False
    alexa.attributes = {
        "guide": {
            "topic": 5,
            "offer": "nonexistent",
            "heard": "why",
            "wording": {"why": "x"},
            "fallbacks": -3,
            "last": {"ssml": 1},
            "disclaimer_given": "yes",
        },
        "someOtherKey": {"a": 1},
    }
    response = alexa.intent("AMAZON.YesIntent")
    assert not ends(response)
    response = alexa.intent("AMAZON.RepeatIntent")
    assert not ends(response)
    response = alexa.intent("TellMeMore")
    assert speech(response) == CONTENT.line("ask_first")


def test_configured_skill_id_refuses_other_skills(monkeypatch) -> None:
    from skill.entry import WrongSkill

    monkeypatch.setenv("ALEXA_SKILL_ID", "amzn1.ask.skill.ours")
    with pytest.raises(WrongSkill):
        Simulator(lambda event: lambda_handler(event, None)).launch()
    ours = Simulator(lambda event: lambda_handler(event, None), application_id="amzn1.ask.skill.ours")
    assert speech(ours.launch())


def test_without_configured_skill_id_any_application_is_served(monkeypatch) -> None:
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    assert APPLICATION_ID.startswith("amzn1.ask.skill.")
    assert speech(Simulator(lambda event: lambda_handler(event, None)).launch())
