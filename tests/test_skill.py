"""The skill through lambda_handler, as Alexa drives it: every request type and built-in intent."""

from __future__ import annotations

import copy
import dataclasses
import json
import logging

import pytest

from devtools.alexa.simulator import APPLICATION_ID, Simulator
from responses import load
from skill.entry import MAX_NESTING, InvalidRequest, WrongSkill, nesting, parse
from skill.handlers import base
from skill.lambda_function import lambda_handler
from tests.alexa_rules import check_response, check_ssml, plain
from tests.conftest import ends, nested, reprompt, speech, state

CONTENT = load("en-US")
DISCLAIMER = CONTENT.line("disclaimer")
SUMMARIES = {key: topic.summary for key, topic in CONTENT.topics.items()}


def said_summary(text: str, topic: str) -> bool:
    return any(summary in text for summary in SUMMARIES[topic])


def wording(text: str, topic: str) -> str:
    """Which of the topic's summary wordings `text` says."""
    return next(summary for summary in SUMMARIES[topic] if summary in text)


def spoken(*parts: str) -> str:
    """What the listener hears for these parts in turn (as `plain` reads a reply's SSML)."""
    return " ".join(" ".join(part.split()) for part in parts)


def offered(response: dict) -> tuple[str, str]:
    """The question and reprompt of the offer the response made."""
    offer = CONTENT.topics[state(response)["offer"]].offer
    assert offer is not None
    return offer.ask, offer.reprompt


def test_launch_welcomes_names_the_three_questions_and_reprompts(alexa: Simulator) -> None:
    response = alexa.launch()
    assert speech(response) in CONTENT.variants("welcome")
    for welcome in CONTENT.variants("welcome"):
        assert all(word in welcome for word in ("why", "prevent", "doctor"))
    assert not ends(response)
    assert reprompt(response) == CONTENT.line("welcome_reprompt")
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
    ask, asked_again = offered(response)
    assert text.endswith(ask), "an open answer ends with its offer"
    assert not ends(response)
    assert reprompt(response) == asked_again


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
    assert state(why)["offer"] == "how_long"
    assert speech(why).endswith(CONTENT.topics["how_long"].offer.ask)
    assert DISCLAIMER not in speech(why), "the welcome said it"

    yes = alexa.intent("AMAZON.YesIntent")
    assert said_summary(speech(yes), "how_long")

    more = alexa.intent("TellMeMore")
    assert CONTENT.topics["how_long"].more in speech(more)
    assert not ends(more)
    assert reprompt(more) == offered(more)[1]

    repeat = alexa.intent("AMAZON.RepeatIntent")
    assert speech(repeat) == speech(more)
    assert reprompt(repeat) == reprompt(more)
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
    assert speech(declined) in [
        spoken(no, CONTENT.line("anything_else")) for no in CONTENT.variants("decline")
    ]
    assert reprompt(declined) == CONTENT.line("anything_else_reprompt")
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
    assert text == CONTENT.line("help")
    assert len(text) > len(welcome)
    assert "tell me more" in text.lower()
    assert text.endswith("?")
    assert reprompt(response) == CONTENT.line("help_reprompt")


def test_fallback_says_what_it_can_do_and_keeps_listening(alexa: Simulator) -> None:
    response = alexa.intent("AMAZON.FallbackIntent")
    assert speech(response) == CONTENT.line("fallback")
    assert reprompt(response) == CONTENT.line("fallback_reprompt")


@pytest.mark.parametrize("intent", ["AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent"])
def test_start_over_and_home_welcome_again_and_forget_topics(alexa: Simulator, intent: str) -> None:
    alexa.intent("WhyTwitching")
    response = alexa.intent(intent)
    assert speech(response) in CONTENT.variants("welcome")
    assert state(response)["heard"] == []
    assert state(response)["disclaimer_given"] is True
    assert reprompt(response) == CONTENT.line("welcome_reprompt")


def test_repeat_before_anything_was_said_asks_what_they_want(alexa: Simulator) -> None:
    response = alexa.intent("AMAZON.RepeatIntent")
    assert speech(response) == spoken(CONTENT.line("nothing_to_repeat"), CONTENT.line("anything_else"))
    assert reprompt(response) == CONTENT.line("anything_else_reprompt")


def test_tell_me_more_before_any_answer_asks_for_a_question(alexa: Simulator) -> None:
    response = alexa.intent("TellMeMore")
    assert speech(response) == CONTENT.line("ask_first")
    assert reprompt(response) == CONTENT.line("anything_else_reprompt")


def test_tell_me_more_twice_says_there_is_no_more_and_still_offers(alexa: Simulator) -> None:
    alexa.intent("WhyTwitching")
    alexa.intent("TellMeMore")
    again = alexa.intent("TellMeMore")
    assert speech(again) == spoken(CONTENT.line("nothing_more"), offered(again)[0])
    assert reprompt(again) == offered(again)[1]


@pytest.mark.parametrize("choice", [0, 1, 2])
def test_asking_again_never_repeats_the_same_wording_in_a_row(
    alexa: Simulator, choose_wording, choice
) -> None:
    """Whichever wording the skill would pick, the one it said last is not among its options."""
    choose_wording(choice)
    for topic, intent in (("why", "WhyTwitching"), ("prevent", "HowToPrevent"), ("doctor", "WhenSeeDoctor")):
        first, second = (wording(speech(alexa.intent(intent)), topic) for _ in range(2))
        assert first == SUMMARIES[topic][choice % len(SUMMARIES[topic])]
        assert second != first


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


def test_alexa_error_report_outside_a_session_gets_no_speech_either(alexa: Simulator, caplog) -> None:
    alexa.session_id = None
    with caplog.at_level(logging.WARNING):
        response = alexa.send(
            {"type": "System.ExceptionEncountered", "error": {"type": "INTERNAL_SERVICE_ERROR"}}
        )
    assert response["response"] == {}
    assert "sessionAttributes" not in response
    assert [record.levelno for record in caplog.records] == [logging.WARNING]


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
    ("event", "answer"),
    [
        ({}, "error"),
        ({"version": "1.0"}, "error"),
        ({"version": "1.0", "request": "not a request"}, "error"),
        ({"version": "1.0", "request": {"type": "IntentRequest"}}, "fallback"),
        ({"version": "1.0", "request": {"type": "IntentRequest", "intent": None}}, "fallback"),
        ({"version": "1.0", "request": {"type": "IntentRequest", "intent": {"name": 7}}}, "fallback"),
        ({"version": "1.0", "request": {"type": "LaunchRequest"}, "session": {"attributes": []}}, "error"),
        (["a", "list"], "error"),
        ("a string", "error"),
        (None, "error"),
    ],
)
def test_malformed_events_get_a_spoken_way_forward_not_a_crash(event, answer: str) -> None:
    """Unreadable events get the apology; a readable request with no intent we know of, the
    fallback's menu (the SDK dispatches it to the catch-all)."""
    response = lambda_handler(copy.deepcopy(event), None)
    check_response(response)
    assert speech(response) == CONTENT.line(answer)
    assert reprompt(response) == CONTENT.line(f"{answer}_reprompt")


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
    assert speech(response) in CONTENT.variants("welcome")


def test_corrupt_session_attributes_from_another_version_are_ignored(alexa: Simulator) -> None:
    alexa.new = False
    alexa.attributes = {
        "guide": {
            "topic": 5,
            "offer": "nonexistent",
            "heard": "why",
            "wording": {"why": "x", "prevent": -1, "doctor": True},
            "fallbacks": -3,
            "last": {"ssml": 1},
            "disclaimer_given": "yes",
        },
        "someOtherKey": {"a": 1},
    }
    response = alexa.intent("AMAZON.YesIntent")
    suggested = state(response)["offer"]
    assert speech(response) == CONTENT.topics[suggested].offer.ask, "no offer we know of was pending"
    assert state(response)["fallbacks"] == 0 and state(response)["disclaimer_given"] is False
    assert state(response)["wording"] == {} and state(response)["heard"] == []
    alexa.attributes["guide"]["last"] = {"ssml": 1}
    response = alexa.intent("AMAZON.RepeatIntent")
    assert speech(response) == spoken(CONTENT.line("nothing_to_repeat"), CONTENT.line("anything_else"))
    response = alexa.intent("TellMeMore")
    assert speech(response) == CONTENT.line("ask_first")


def test_configured_skill_id_refuses_other_skills(monkeypatch) -> None:
    from skill.entry import WrongSkill

    monkeypatch.setenv("ALEXA_SKILL_ID", "amzn1.ask.skill.ours")
    with pytest.raises(WrongSkill):
        Simulator(lambda event: lambda_handler(event, None)).launch()
    ours = Simulator(lambda event: lambda_handler(event, None), application_id="amzn1.ask.skill.ours")
    assert speech(ours.launch()) in CONTENT.variants("welcome")


def test_without_configured_skill_id_any_application_is_served(monkeypatch) -> None:
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    assert APPLICATION_ID.startswith("amzn1.ask.skill.")
    response = Simulator(
        lambda event: lambda_handler(event, None), application_id="amzn1.ask.skill.theirs"
    ).launch()
    assert speech(response) in CONTENT.variants("welcome")


# Repeat says again only what the skill could have written -----------------------------------------


@pytest.mark.parametrize(
    "stored_reprompt",
    [42, "Plain text, not SSML?", '<speak><audio src="https://example.com/a.mp3"/></speak>', None],
    ids=["number", "plain-text", "audio-tag", "none"],
)
def test_repeat_refuses_a_stored_reply_whose_reprompt_we_never_wrote(
    alexa: Simulator, stored_reprompt
) -> None:
    alexa.intent("WhyTwitching")
    alexa.attributes["guide"]["last"]["reprompt"] = stored_reprompt
    response = alexa.intent("AMAZON.RepeatIntent")
    assert speech(response) == spoken(CONTENT.line("nothing_to_repeat"), CONTENT.line("anything_else"))
    assert reprompt(response) == CONTENT.line("anything_else_reprompt")


def test_text_with_ampersand_and_angle_brackets_is_escaped_end_to_end(monkeypatch) -> None:
    """No content has `&` or `<` today: one put in proves the one escaping place works for the
    spoken answer, the plain-text card and a repeat of the stored reply."""
    said = "Fluids & salts matter more than <anything> in a bottle."
    content = load("en-US")
    why = dataclasses.replace(content.topics["why"], summary=(said,))
    with_symbols = dataclasses.replace(content, topics={**content.topics, "why": why})
    monkeypatch.setattr(base, "load", lambda locale: with_symbols)
    alexa = Simulator(lambda event: lambda_handler(event, None))

    answer = alexa.intent("WhyTwitching")
    check_ssml(answer["response"]["outputSpeech"]["ssml"])
    assert said in speech(answer)
    assert "&amp; salts matter more than &lt;anything&gt;" in answer["response"]["outputSpeech"]["ssml"]
    assert said in answer["response"]["card"]["text"]
    repeat = alexa.intent("AMAZON.RepeatIntent")
    assert repeat["response"]["outputSpeech"] == answer["response"]["outputSpeech"]
    assert plain(repeat["response"]["reprompt"]["outputSpeech"]["ssml"]) == reprompt(answer)


# What the logs say: request ids and types, never what was said ----------------------------------


def logged_turn(caplog, request: dict, session: bool = True) -> tuple[str, list[logging.LogRecord]]:
    """Send one request through lambda_handler; its request id and the log records it left."""
    sent: list[dict] = []
    alexa = Simulator(lambda event: sent.append(event) or lambda_handler(event, None))
    if not session:
        alexa.session_id = None
    with caplog.at_level(logging.INFO):
        alexa.send(request)
    return sent[0]["request"]["requestId"], caplog.records


@pytest.mark.parametrize(
    ("request_", "line"),
    [
        (
            {"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"},
            "session ended: request={id} reason=EXCEEDED_MAX_REPROMPTS error=None",
        ),
        (
            {"type": "SessionEndedRequest", "reason": "ERROR", "error": {"type": "INVALID_RESPONSE"}},
            "session ended: request={id} reason=ERROR error=INVALID_RESPONSE",
        ),
        ({"type": "SessionEndedRequest"}, "session ended: request={id} reason=None error=None"),
        (
            {"type": "System.ExceptionEncountered", "error": {"type": "INVALID_RESPONSE"}},
            "Alexa reported an error: request={id} type=INVALID_RESPONSE",
        ),
        ({"type": "Alexa.Presentation.APL.UserEvent"}, "unhandled request: request={id}"),
    ],
)
def test_each_request_is_logged_by_id_and_type_only(caplog, request_: dict, line: str) -> None:
    request_id, records = logged_turn(caplog, request_)
    assert [record.getMessage() for record in records] == [
        f"request={request_id} type={request_['type']} intent=None locale=en-US",
        line.format(id=request_id),
    ]


def test_an_intent_is_logged_by_name_and_locale(caplog) -> None:
    request_id, records = logged_turn(
        caplog, {"type": "IntentRequest", "intent": {"name": "WhyTwitching", "slots": {}}}
    )
    assert (
        records[0].getMessage() == f"request={request_id} type=IntentRequest intent=WhyTwitching locale=en-US"
    )


def test_a_request_without_an_id_is_logged_with_a_dash(caplog) -> None:
    with caplog.at_level(logging.INFO):
        lambda_handler({"version": "1.0", "request": {"type": "IntentRequest"}}, None)
    assert caplog.records[-1].getMessage() == "unhandled request: request=-"


def test_a_crash_is_logged_with_its_type_and_traceback(alexa: Simulator, caplog, monkeypatch) -> None:
    from responses.guide import Guide

    crash = RuntimeError("boom")

    def broken(self, conversation):
        raise crash

    monkeypatch.setattr(Guide, "welcome", broken)
    with caplog.at_level(logging.ERROR):
        alexa.launch()
    (record,) = caplog.records
    assert record.getMessage().endswith(": RuntimeError") and record.getMessage().startswith(
        "error handling request="
    )
    assert record.exc_info is not None and record.exc_info[1] is crash


def test_an_unreadable_lambda_event_is_logged_without_its_content(caplog) -> None:
    with caplog.at_level(logging.INFO):
        lambda_handler(["a", "list"], None)
    assert [record.getMessage() for record in caplog.records] == [
        "unreadable Lambda event; answering with an apology"
    ]


# Reading envelopes -------------------------------------------------------------------------------


def test_parse_reads_text_and_bytes_and_names_what_it_refuses() -> None:
    event = Simulator(lambda _: {}).envelope({"type": "LaunchRequest"})
    text = json.dumps(event)
    for payload in (text, text.encode()):
        assert parse(payload).envelope.request.object_type == "LaunchRequest"
    refusals = [
        ("{", "request body is not an Alexa request envelope"),
        ("[]", "request body is not an Alexa request envelope"),
        ('{"version": "1.0"}', "request envelope has no request"),
        (
            json.dumps({**event, "session": {"attributes": nested(MAX_NESTING + 1)}}),
            "session attributes nest deeper than any this skill writes",
        ),
    ]
    for payload, reason in refusals:
        with pytest.raises(InvalidRequest) as refused:
            parse(payload)
        assert str(refused.value) == reason


def test_nesting_counts_lists_and_objects_only() -> None:
    assert [nesting(value) for value in (5, "x", [], {}, [[1]], {"a": {"b": [2]}})] == [0, 0, 1, 1, 2, 3]


def test_the_skill_id_is_read_from_the_context_only(monkeypatch) -> None:
    """Where Amazon documents it (and ask-sdk-core checks it): the session's id neither overrides
    the context's nor stands in for a missing one."""
    monkeypatch.setenv("ALEXA_SKILL_ID", "amzn1.ask.skill.ours")
    event = Simulator(lambda _: {}, application_id="amzn1.ask.skill.ours").envelope({"type": "LaunchRequest"})
    event["session"]["application"] = {"applicationId": "amzn1.ask.skill.theirs"}
    assert speech(lambda_handler(copy.deepcopy(event), None)) in CONTENT.variants("welcome")
    event["session"]["application"]["applicationId"] = "amzn1.ask.skill.ours"
    del event["context"]["System"]["application"]
    with pytest.raises(WrongSkill):
        lambda_handler(event, None)


# Chosen wordings: every handler that draws one uses the skill's rng --------------------------------


@pytest.mark.parametrize("choice", [0, 1])
def test_welcome_and_goodbye_say_the_chosen_wording(alexa: Simulator, choose_wording, choice: int) -> None:
    choose_wording(choice)
    assert speech(alexa.launch()) == CONTENT.variants("welcome")[choice]
    assert speech(alexa.intent("AMAZON.StopIntent")) == CONTENT.variants("goodbye")[choice]


# Cards: what the Alexa app shows, word for word --------------------------------------------------


def test_an_answer_card_is_the_answer_its_source_and_the_disclaimer(alexa: Simulator, choose_wording) -> None:
    choose_wording(0)
    why = CONTENT.topics["why"]
    source = CONTENT.line("source").format(source=why.source)
    red_flag = CONTENT.line("red_flag")
    card = alexa.intent("WhyTwitching")["response"]["card"]
    assert card == {
        "type": "Standard",
        "title": why.title,
        "text": f"{why.summary[0]} {red_flag}\n\n{source}\n\n{CONTENT.line('card_disclaimer')}",
    }
    more = alexa.intent("TellMeMore")["response"]["card"]
    assert more["text"] == f"{why.more} {red_flag}\n\n{source}\n\n{CONTENT.line('card_disclaimer')}"


@pytest.mark.parametrize("move", ["launch", "AMAZON.HelpIntent", "AMAZON.FallbackIntent"])
def test_menus_show_the_menu_card_and_screen_and_yes_takes_the_first_option(make_alexa, move: str) -> None:
    alexa = make_alexa(screen=True)
    response = alexa.launch() if move == "launch" else alexa.intent(move)
    assert response["response"]["card"] == {
        "type": "Standard",
        "title": CONTENT.line("menu_title"),
        "text": speech(response),
    }
    (directive,) = response["response"]["directives"]
    assert directive["datasources"]["topic"] == {
        "title": CONTENT.line("menu_title"),
        "points": list(CONTENT.variants("menu")),
    }
    or_question = move != "AMAZON.HelpIntent"  # help asks "what would you like to know?"
    assert state(response)["offer"] == (CONTENT.suggestions[0] if or_question else None), (
        "Yes: the first option"
    )
    goodbye = alexa.intent("AMAZON.NoIntent")
    assert ends(goodbye) and speech(goodbye) in CONTENT.variants("goodbye"), "no after a menu is goodbye"
