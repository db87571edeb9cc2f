"""A real conversation: slot values, red flags, emergencies, follow-ups, screens and locales."""

from __future__ import annotations

import pytest

from devtools.alexa.simulator import Simulator
from interaction_model import load_model
from responses import SUPPORTED_LOCALES, load
from skill.render import APL_TOKEN, apl_document
from skill.safety import SLOT_CONCERNS
from tests.conftest import ends, reprompt, speech, state

CONTENT = load("en-US")
MODEL = load_model("en-US")


def topic_said(response: dict, topic: str) -> bool:
    text = speech(response)
    return any(summary in text for summary in CONTENT.topics[topic].summary)


def offer_reprompt(response: dict) -> str:
    """What an answer's reprompt must say: its offer asked again, or "anything else?" when every
    follow-up was heard."""
    offer = state(response)["offer"]
    return CONTENT.line("anything_else_reprompt") if offer is None else CONTENT.topics[offer].offer.reprompt


# Each slot value family -> the article's specific answer -----------------------------------------

SLOT_CASES = [
    ("WhyTwitching", "Cause", "dehydration", "why_fluids"),
    ("WhyTwitching", "Cause", "not drinking enough water", "why_fluids"),
    ("WhyTwitching", "Cause", "electrolyte imbalance", "why_fluids"),
    ("WhyTwitching", "Cause", "low magnesium", "why_minerals"),
    ("WhyTwitching", "Cause", "calcium", "why_minerals"),
    ("WhyTwitching", "Cause", "potassium", "why_minerals"),
    ("WhyTwitching", "Cause", "tiredness", "why_fatigue"),
    ("WhyTwitching", "Cause", "overuse", "why_fatigue"),
    ("WhyTwitching", "Cause", "overtraining", "why_overtraining"),
    ("WhyTwitching", "Cause", "training too hard", "why_overtraining"),
    ("WhyTwitching", "Cause", "stretching", "stretch_tears"),
    ("WhyTwitching", "Cause", "stress", "why_stress"),
    ("WhyTwitching", "Cause", "coffee", "why_caffeine"),
    ("WhyTwitching", "Cause", "alcohol", "why_alcohol"),
    ("WhyTwitching", "Cause", "lack of sleep", "why_sleep"),
    ("WhyTwitching", "Uncovered", "ice", "uncovered_ice_heat"),
    ("HowToPrevent", "Uncovered", "at night", "uncovered_night"),
    ("UncoveredQuestion", "Uncovered", "train tomorrow", "uncovered_exercise"),
    ("WhyTwitching", "BodyPart", "eyelid", "why_eyelid"),
    ("WhyTwitching", "BodyPart", "eye", "why_eyelid"),
    ("WhyTwitching", "BodyPart", "calves", "why"),
    ("HowToPrevent", "Step", "drink more water", "prevent_fluids"),
    ("HowToPrevent", "Step", "sports drinks", "prevent_sports_drinks"),
    ("HowToPrevent", "Step", "electrolyte tablets", "prevent_sports_drinks"),
    ("HowToPrevent", "Step", "eat", "prevent_food"),
    ("HowToPrevent", "Step", "bananas", "prevent_food"),
    ("HowToPrevent", "Step", "stretching", "prevent_stretching"),
    ("HowToPrevent", "Step", "sleep", "prevent_rest"),
    ("HowToPrevent", "Step", "building up slowly", "prevent_rest"),
    ("HowToPrevent", "Step", "less coffee", "prevent_lifestyle"),
    ("HowToPrevent", "Step", "avoiding alcohol", "prevent_lifestyle"),
    ("HowToPrevent", "Step", "reducing stress", "prevent_lifestyle"),
]


@pytest.mark.parametrize(("intent", "slot", "said", "topic"), SLOT_CASES)
def test_slot_value_leads_to_its_answer(
    alexa: Simulator, intent: str, slot: str, said: str, topic: str
) -> None:
    response = alexa.intent(intent, **{slot: said})
    assert topic_said(response, topic)
    assert response["response"]["card"]["title"] == CONTENT.topics[topic].title
    assert reprompt(response) == offer_reprompt(response)


def test_every_resolvable_value_of_every_mapped_slot_answers_without_error(
    alexa: Simulator,
) -> None:
    from skill.handlers.topics import INTENT_TOPICS, SLOT_TOPICS
    from skill.safety import SLOT_CONCERNS

    for intent, slot in SLOT_TOPICS:
        for value in MODEL.types[MODEL.intents[intent].slots[slot]]:
            if value.id in SLOT_CONCERNS.get(slot, {}):
                continue  # a concern gets its safety answer (tests/test_safety.py), not a topic
            topic = SLOT_TOPICS[intent, slot].get(value.id, INTENT_TOPICS[intent])
            for said in value.spoken_forms():
                response = alexa.intent(intent, **{slot: said})
                assert topic_said(response, topic), (intent, slot, said)


@pytest.mark.parametrize(
    ("intent", "topic"),
    [
        ("WhyTwitching", "why"),
        ("HowToPrevent", "prevent"),
        ("WhenSeeDoctor", "doctor"),
        ("WhatIsTwitch", "what"),
        ("HowLong", "how_long"),
        ("WhyProne", "why_prone"),
        ("TreatTwitch", "treat"),
        ("StretchingTears", "stretch_tears"),
        ("DescribeSymptom", "why"),
    ],
)
def test_missing_or_unmatched_slots_fall_back_to_the_general_answer(
    alexa: Simulator, intent: str, topic: str
) -> None:
    """Unknown body parts, activities and steps refine nothing; unknown causes and symptoms are
    a worry (tests/test_safety.py), never this general answer."""
    assert topic_said(alexa.intent(intent), topic)
    slots = MODEL.intents[intent].slots
    unmatched = {slot: "purple giraffes" for slot in slots if slot not in SLOT_CONCERNS}
    response = alexa.intent(intent, **unmatched)
    assert topic_said(response, topic)


@pytest.mark.parametrize("choice", range(len(CONTENT.topics["treat"].summary)))
def test_treat_hedges_medicines_and_never_names_them(alexa: Simulator, choose_wording, choice: int) -> None:
    choose_wording(choice)
    answer = speech(alexa.intent("TreatTwitch"))
    assert CONTENT.topics["treat"].summary[choice] in answer
    more = speech(alexa.intent("TellMeMore"))
    assert CONTENT.topics["treat"].more in more
    for text in (answer.lower(), more.lower()):
        assert "botox" not in text and "relaxant" not in text
    assert "may suggest other treatments" in more.lower()


# Follow-ups --------------------------------------------------------------------------------------


def test_yes_after_yes_walks_new_topics_until_the_menu_without_a_loop(alexa: Simulator) -> None:
    """Saying yes to everything: every answer is a topic not heard before, no offer comes twice
    in a row or for a topic already heard, and it ends at the menu rather than going round."""
    response = alexa.intent("WhyTwitching", Cause="dehydration")
    heard, offers = ["why"], []
    for _ in range(len(CONTENT.topics)):
        offer = state(response)["offer"]
        if offer is None:
            response = alexa.intent("AMAZON.YesIntent")
            if state(response)["offer"] is None:
                break
            continue
        assert CONTENT.topics[offer].family not in heard, f"{offer} offered after {heard}"
        assert not offers or offers[-1] != offer
        offers.append(offer)
        response = alexa.intent("AMAZON.YesIntent")
        assert topic_said(response, offer)
        heard.append(CONTENT.topics[offer].family)
    assert speech(response) == CONTENT.line("help"), "all heard: the menu, not a loop"
    assert len(set(offers)) == len(offers) >= 6


def test_yes_to_what_else_offers_the_next_topic_not_the_same_question(alexa: Simulator) -> None:
    alexa.intent("WhyTwitching")
    declined = state(alexa.intent("AMAZON.NoIntent"))
    assert speech(alexa.intent("AMAZON.RepeatIntent")).endswith(CONTENT.line("anything_else"))
    offer_before = declined["offers"][-1]
    response = alexa.intent("AMAZON.YesIntent")
    offered = state(response)["offer"]
    assert offered is not None and offered != offer_before and offered != "why"
    assert speech(response) == CONTENT.topics[offered].offer.ask
    assert reprompt(response) == CONTENT.topics[offered].offer.reprompt
    assert topic_said(alexa.intent("AMAZON.YesIntent"), offered)


def test_tell_me_more_ends_with_another_follow_up_than_the_answer(alexa: Simulator) -> None:
    for intent in ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor", "TreatTwitch", "HowLong"):
        answer = state(alexa.intent(intent))["offer"]
        more = alexa.intent("TellMeMore")
        if answer is not None:
            assert state(more)["offer"] != answer, intent
            assert not speech(more).endswith(CONTENT.topics[answer].offer.ask), intent


def test_offer_skips_what_was_already_heard(alexa: Simulator) -> None:
    alexa.intent("HowToPrevent")
    response = alexa.intent("WhyTwitching")
    assert state(response)["offer"] == "how_long"
    assert state(alexa.intent("AMAZON.YesIntent"))["offer"] == "doctor", "prevent was heard"


def test_disclaimer_once_per_session_across_topics_and_said_again_in_a_new_session(
    alexa: Simulator,
) -> None:
    disclaimer = CONTENT.line("disclaimer")
    said = [disclaimer in speech(alexa.intent(name)) for name in ("WhatIsTwitch", "TreatTwitch")]
    assert said == [True, False]
    alexa.intent("AMAZON.StopIntent")
    assert disclaimer in speech(alexa.intent("WhyTwitching"))


def test_go_back_replays_the_answer_before_the_last_word_for_word(alexa: Simulator) -> None:
    why = alexa.intent("WhyTwitching")
    alexa.intent("HowToPrevent")
    back = alexa.intent("AMAZON.PreviousIntent")
    assert back["response"] == why["response"]
    assert state(back)["heard"] == ["why", "prevent"], "what was heard stays heard"
    assert state(back)["offer"] == state(why)["offer"], "Yes means what it meant then"
    alexa.new_session()
    nothing = alexa.intent("AMAZON.PreviousIntent")
    assert speech(nothing) == f"{CONTENT.line('nothing_before')} {CONTENT.line('anything_else')}"
    assert reprompt(nothing) == CONTENT.line("anything_else_reprompt")


def test_go_back_after_three_topics_replays_the_second(alexa: Simulator) -> None:
    answers = [alexa.intent(intent) for intent in ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor")]
    back = alexa.intent("AMAZON.PreviousIntent")
    assert back["response"] == answers[1]["response"]
    assert state(back)["heard"] == ["why", "prevent", "doctor"]


@pytest.mark.parametrize(
    "move",
    ["TellMeMore", "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.PreviousIntent"],
)
@pytest.mark.parametrize(
    "setup",
    [
        [],
        ["launch"],
        ["WhyTwitching"],
        ["WhyTwitching", "AMAZON.NoIntent"],
        ["AMAZON.FallbackIntent"],
    ],
)
def test_navigation_works_at_every_turn(alexa: Simulator, move: str, setup: list[str]) -> None:
    last = None
    for step in setup:
        last = alexa.launch() if step == "launch" else alexa.intent(step)
    response = alexa.intent(move)
    anything_else = (
        f"{CONTENT.line('nothing_to_repeat' if move == 'AMAZON.RepeatIntent' else 'nothing_before')} "
        f"{CONTENT.line('anything_else')}",
        CONTENT.line("anything_else_reprompt"),
    )
    heard = (speech(response), reprompt(response))
    if move == "TellMeMore" and "WhyTwitching" in setup:
        assert CONTENT.topics["why"].more in heard[0] and heard[1] == offer_reprompt(response)
    elif move == "TellMeMore":
        assert heard == (CONTENT.line("ask_first"), CONTENT.line("anything_else_reprompt"))
    elif move == "AMAZON.RepeatIntent":
        assert heard == ((speech(last), reprompt(last)) if last is not None else anything_else)
    elif move == "AMAZON.StartOverIntent":
        assert heard[0] in CONTENT.variants("welcome") and heard[1] == CONTENT.line("welcome_reprompt")
    else:
        assert heard == anything_else, "one topic heard at most: nothing to go back to"


def test_two_fallbacks_in_a_row_end_politely(alexa: Simulator) -> None:
    first = alexa.intent("AMAZON.FallbackIntent")
    assert speech(first) == CONTENT.line("fallback")
    assert reprompt(first) == CONTENT.line("fallback_reprompt")
    second = alexa.intent("AMAZON.FallbackIntent")
    assert ends(second)
    assert speech(second) == CONTENT.line("fallback_final")


def test_a_good_turn_between_fallbacks_resets_the_count(alexa: Simulator) -> None:
    alexa.intent("AMAZON.FallbackIntent")
    alexa.intent("WhyTwitching")
    again = alexa.intent("AMAZON.FallbackIntent")
    assert speech(again) == CONTENT.line("fallback")
    assert reprompt(again) == CONTENT.line("fallback_reprompt")


# Every device ------------------------------------------------------------------------------------


def test_every_answer_has_a_standard_card_with_source_and_disclaimer(alexa: Simulator) -> None:
    for intent in ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor", "TreatTwitch"):
        card = alexa.intent(intent)["response"]["card"]
        assert card["type"] == "Standard"
        assert "Based on:" in card["text"]
        assert "Not a substitute for professional medical advice" in card["text"]


def test_screen_devices_get_an_apl_document_with_title_and_three_points(make_alexa) -> None:
    response = make_alexa(screen=True).intent("HowToPrevent", Step="stretching")
    directives = response["response"]["directives"]
    assert [d["type"] for d in directives] == ["Alexa.Presentation.APL.RenderDocument"]
    directive = directives[0]
    assert directive["token"] == APL_TOKEN
    topic = directive["datasources"]["topic"]
    assert topic["title"] == CONTENT.topics["prevent_stretching"].title
    assert 1 <= len(topic["points"]) <= 3
    assert directive["document"] == apl_document()


def test_devices_without_a_screen_get_no_apl(alexa: Simulator) -> None:
    assert "directives" not in alexa.intent("HowToPrevent")["response"]


def test_apl_document_structure() -> None:
    """APL rules checked offline: document type and version, the template parameter bound to our
    datasource, only known component types, and every data binding pointing at a real field."""
    document = apl_document()
    assert document["type"] == "APL"
    assert tuple(int(part) for part in document["version"].split(".")) >= (1, 0), "compared as numbers"
    template = document["mainTemplate"]
    assert template["parameters"] == ["topic"]
    components = []

    def walk(items: list[dict]) -> None:
        for item in items:
            components.append(item)
            walk(item.get("items", []))

    walk(template["items"])
    assert {c["type"] for c in components} <= {"Container", "Text", "Frame", "Image"}
    bindings = [c["text"] for c in components if "text" in c] + [c["data"] for c in components if "data" in c]
    assert bindings == ["${topic.title}", "\u2022 ${data}", "${topic.points}"]


# Every English locale ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_locale_answers_in_its_own_words(make_alexa, locale: str) -> None:
    response = make_alexa(locale).intent("WhenSeeDoctor")
    clinician = "a GP" if locale in ("en-GB", "en-AU") else "a doctor"
    assert clinician in speech(response)


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE", "es-US", "xx"])
def test_other_locales_get_the_english_skill(make_alexa, locale: str) -> None:
    response = make_alexa(locale).intent("WhyTwitching")
    assert topic_said(response, "why")
