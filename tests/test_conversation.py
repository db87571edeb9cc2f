"""A real conversation: slot values, red flags, emergencies, follow-ups, screens and locales."""

from __future__ import annotations

import pytest

from responses import SUPPORTED_LOCALES, load
from skill.model import load_model
from skill.render import APL_TOKEN, apl_document
from skill.simulator import Simulator
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
    return CONTENT.line("anything_else_reprompt") if offer is None else CONTENT.offers[offer].reprompt


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
    ("WhyTwitching", "Cause", "stress", "why_lifestyle"),
    ("WhyTwitching", "Cause", "coffee", "why_lifestyle"),
    ("WhyTwitching", "Cause", "alcohol", "why_lifestyle"),
    ("WhyTwitching", "Cause", "medication", "why_lifestyle"),
    ("WhyTwitching", "BodyPart", "eyelid", "why_eyelid"),
    ("WhyTwitching", "BodyPart", "eye", "why_eyelid"),
    ("WhyTwitching", "BodyPart", "calves", "why"),
    ("HowToPrevent", "Step", "drink more water", "prevent_fluids"),
    ("HowToPrevent", "Step", "sports drinks", "prevent_fluids"),
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

    for intent, slot in SLOT_TOPICS:
        for value in MODEL.types[MODEL.intents[intent].slots[slot]]:
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
        ("TreatTwitch", "treat"),
        ("StretchingTears", "stretch_tears"),
    ],
)
def test_missing_or_unmatched_slots_fall_back_to_the_general_answer(
    alexa: Simulator, intent: str, topic: str
) -> None:
    assert topic_said(alexa.intent(intent), topic)
    unmatched = {slot: "purple giraffes" for slot in MODEL.intents[intent].slots}
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


# Red flags and emergencies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "sign"),
    [
        ("weak", "comes with weakness"),
        ("numbness", "comes with numbness"),
        ("it hurts", "comes with pain"),
        ("won't go away", "doesn't go away"),
        ("affects my daily life", "gets in the way of daily life"),
    ],
)
@pytest.mark.parametrize("intent", ["WhyTwitching", "HowToPrevent", "WhenSeeDoctor", "TreatTwitch"])
def test_red_flags_lead_with_see_a_professional_whatever_the_intent(
    alexa: Simulator, intent: str, said: str, sign: str
) -> None:
    response = alexa.intent(intent, Symptom=said)
    text = speech(response)
    assert text.startswith(f"Twitching that {sign} is worth getting checked by a doctor")
    assert "healthcare professional" in text.split(".")[0]
    assert reprompt(response) == offer_reprompt(response)


EMERGENCY_NUMBERS = {
    "en-US": ("nine one one", "911"),
    "en-CA": ("nine one one", "911"),
    "en-GB": ("nine nine nine", "999"),
    "en-AU": ("triple zero", "000"),
    "en-IN": ("one one two", "112"),
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize(
    "said",
    ["chest pain", "can't breathe", "can't move my leg", "weakness on one side", "fainted"],
)
def test_emergency_words_get_only_the_local_emergency_number(make_alexa, locale: str, said: str):
    alexa = make_alexa(locale)
    alexa.launch()
    response = alexa.intent("WhenSeeDoctor", Symptom=said)
    spoken_number, digits = EMERGENCY_NUMBERS[locale]
    text = speech(response)
    assert text == (
        f"That could be a medical emergency. Please call {spoken_number}, "
        "your local emergency number, right now."
    )
    assert ends(response)
    assert digits in response["response"]["card"]["text"]


def test_emergency_wins_over_any_other_slot(alexa: Simulator) -> None:
    response = alexa.intent("WhyTwitching", Cause="dehydration", Symptom="chest pain")
    assert "emergency" in speech(response) and ends(response)


# Follow-ups --------------------------------------------------------------------------------------


def test_offers_follow_why_prevention_doctor_then_done_without_repeating(alexa: Simulator) -> None:
    first = alexa.intent("WhyTwitching", Cause="dehydration")
    assert state(first)["offer"] == "prevent"
    second = alexa.intent("AMAZON.YesIntent")
    assert topic_said(second, "prevent") and state(second)["offer"] == "doctor"
    third = alexa.intent("AMAZON.YesIntent")
    assert topic_said(third, "doctor") and state(third)["offer"] is None
    done = alexa.intent("AMAZON.NoIntent")
    assert ends(done)
    assert speech(done) in CONTENT.variants("goodbye")


def test_offer_skips_what_was_already_heard(alexa: Simulator) -> None:
    alexa.intent("HowToPrevent")
    response = alexa.intent("WhyTwitching")
    assert state(response)["offer"] == "doctor"


def test_disclaimer_once_per_session_across_topics_and_said_again_in_a_new_session(
    alexa: Simulator,
) -> None:
    disclaimer = CONTENT.line("disclaimer")
    said = [disclaimer in speech(alexa.intent(name)) for name in ("WhatIsTwitch", "TreatTwitch")]
    assert said == [True, False]
    alexa.intent("AMAZON.StopIntent")
    assert disclaimer in speech(alexa.intent("WhyTwitching"))


def test_go_back_returns_to_the_previous_topic(alexa: Simulator) -> None:
    alexa.intent("WhyTwitching")
    alexa.intent("HowToPrevent")
    back = alexa.intent("AMAZON.PreviousIntent")
    assert topic_said(back, "why")
    assert state(back)["heard"] == ["why"]
    nothing = alexa.intent("AMAZON.PreviousIntent")
    assert speech(nothing) == f"{CONTENT.line('nothing_before')} {CONTENT.line('anything_else')}"
    assert reprompt(nothing) == CONTENT.line("anything_else_reprompt")


def test_go_back_after_three_topics_keeps_the_first(alexa: Simulator) -> None:
    for intent in ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor"):
        alexa.intent(intent)
    back = alexa.intent("AMAZON.PreviousIntent")
    assert topic_said(back, "prevent")
    assert state(back)["heard"] == ["why", "prevent"]


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
    clinician = "your GP" if locale in ("en-GB", "en-AU") else "a doctor"
    assert clinician in speech(response)


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE", "es-US", "xx"])
def test_other_locales_get_the_english_skill(make_alexa, locale: str) -> None:
    response = make_alexa(locale).intent("WhyTwitching")
    assert topic_said(response, "why")
