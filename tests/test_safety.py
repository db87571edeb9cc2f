"""The safety net (../shared/docs/SAFETY.md), end to end: full envelopes through lambda_handler,
and typed words through the offline resolver (which hears only what the interaction model holds),
in every locale, as a one-shot and in the middle of a conversation."""

from __future__ import annotations

import re

import pytest

from devtools.alexa.simulator import Simulator
from devtools.console import Console
from devtools.understanding.evaluate import kind_of
from interaction_model import load_model
from responses import SUPPORTED_LOCALES, load
from skill.handlers.topics import INTENT_TOPICS
from skill.safety import SLOT_CONCERNS, Concern
from tests.conftest import ends, reprompt, speech, state

MODEL = load_model("en-US")
EMERGENCY_NUMBERS = {
    "en-US": ("nine one one", "911"),
    "en-CA": ("nine one one", "911"),
    "en-GB": ("nine nine nine", "999"),
    "en-AU": ("triple zero", "000"),
    "en-IN": ("one one two", "112"),
}
DOCTOR = {"en-US": "doctor", "en-CA": "doctor", "en-GB": "GP", "en-AU": "GP", "en-IN": "doctor"}
REASSURANCE = re.compile(r"\b(usually|harmless|nothing to worry|most likely|normal|don't worry)\b", re.I)
QUESTIONS = ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor", "TreatTwitch")
SYMPTOM_INTENTS = sorted(name for name, intent in MODEL.intents.items() if "Symptom" in intent.slots)
"""Every intent a warning sign can be said in: the questions, a description, an illness worry,
how long, a medicine."""
WARNING_SIGNS = sorted(key for key, concern in SLOT_CONCERNS["Symptom"].items() if concern is Concern.WARNING)


def spoken_form(type_name: str, value_id: str) -> str:
    return next(value.name for value in MODEL.types[type_name] if value.id == value_id)


def assert_emergency(response: dict, locale: str) -> None:
    spoken, digits = EMERGENCY_NUMBERS[locale]
    assert speech(response) == load(locale).safety["emergency"]
    assert spoken in speech(response)
    assert ends(response)
    assert digits in response["response"]["card"]["text"]


# Through lambda_handler: the handler side of the table ------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("value", [v.id for v in MODEL.types["EMERGENCY"]])
def test_every_emergency_gets_the_local_number_at_once_mid_conversation(
    make_alexa, locale: str, value: str
) -> None:
    alexa = make_alexa(locale)
    alexa.launch()
    alexa.intent("WhyTwitching")
    assert_emergency(alexa.intent("EmergencySymptom", Emergency=spoken_form("EMERGENCY", value)), locale)


@pytest.mark.parametrize("intent", [*QUESTIONS, "EmergencySymptom"])
def test_an_emergency_wins_over_every_other_slot_and_needs_no_resolved_value(
    alexa: Simulator, intent: str
) -> None:
    slots = {"Emergency": "chest pain"}
    if "Cause" in MODEL.intents[intent].slots:
        slots["Cause"] = "dehydration"
    assert_emergency(alexa.intent(intent, **slots), "en-US")


def assert_clarify(response: dict, locale: str) -> None:
    """The number in case, a question, and the session open: no emergency was named."""
    assert speech(response) == load(locale).safety["clarify"]
    assert EMERGENCY_NUMBERS[locale][0] in speech(response)
    assert not ends(response)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_emergency_intent_with_no_emergency_word_asks_and_keeps_the_session_open(
    make_alexa, locale: str
) -> None:
    assert_clarify(make_alexa(locale).intent("EmergencySymptom"), locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("intent", [*QUESTIONS, "EmergencySymptom"])
def test_words_in_the_emergency_slot_that_name_no_emergency_get_the_number_and_a_question(
    make_alexa, locale: str, intent: str
) -> None:
    """Alexa fills a custom slot with whatever stands where a sample puts it ("I feel {Emergency}"
    hears "I feel great"): no emergency is called on words that name none, and the number is
    still said, with the session kept open to say more."""
    assert_clarify(make_alexa(locale).intent(intent, Emergency="great"), locale)


def test_pain_in_the_chest_counts_as_chest_pain(alexa: Simulator) -> None:
    assert_emergency(alexa.intent("DescribeSymptom", Symptom="pain", BodyPart="chest"), "en-US")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("intent", ["DescribeSymptom", "WhenSeeDoctor", "WhyTwitching"])
def test_dark_urine_gets_medical_care_today_and_no_tips(make_alexa, locale: str, intent: str) -> None:
    response = make_alexa(locale).intent(intent, Symptom="dark urine")
    text = speech(response)
    assert text.startswith(load(locale).safety["urgent"])
    assert "today" in text and not REASSURANCE.search(text)
    assert state(response)["offer"] is None and not ends(response)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("sign", WARNING_SIGNS)
@pytest.mark.parametrize("intent", SYMPTOM_INTENTS)
def test_a_warning_sign_gets_the_doctor_once_no_reassurance_and_no_tips(
    make_alexa, locale: str, sign: str, intent: str
) -> None:
    response = make_alexa(locale).intent(intent, Symptom=spoken_form("SYMPTOM", sign))
    content = load(locale)
    text = speech(response)
    assert text.startswith(content.safety["warning"].format(sign=content.signs[sign]))
    assert len(re.findall(rf"\b{DOCTOR[locale]}\b", text)) == 1
    assert not REASSURANCE.search(text)
    assert state(response)["offer"] is None, "no prevention offer in that turn"
    assert not ends(response) and reprompt(response)


@pytest.mark.parametrize(
    ("intent", "slots"),
    [
        ("IllnessWorry", {"Condition": "a. l. s."}),
        ("IllnessWorry", {"Condition": "multiple sclerosis"}),
        ("IllnessWorry", {"Condition": "something serious"}),
        ("IllnessWorry", {"Condition": "lupus"}),
        ("IllnessWorry", {}),
        ("WhyTwitching", {"Cause": "lupus"}),
        ("WhyTwitching", {"Cause": "my thyroid"}),
        ("DescribeSymptom", {"Symptom": "a rash"}),
        ("WhenSeeDoctor", {"Symptom": "purple spots"}),
    ],
)
def test_a_worry_or_an_unknown_cause_gets_only_a_doctor_can_tell(
    alexa: Simulator, intent: str, slots: dict[str, str]
) -> None:
    response = alexa.intent(intent, **slots)
    text = speech(response)
    assert text.startswith(load("en-US").safety["worry"])
    assert not REASSURANCE.search(text)
    for summary in load("en-US").topics["why"].summary:
        assert summary not in text, "never the general answer"
    assert state(response)["offer"] is None and not ends(response)


@pytest.mark.parametrize(
    ("intent", "slots", "line"),
    [
        ("MedicineQuestion", {"Medicine": "ibuprofen"}, "medicine"),
        ("MedicineQuestion", {"Medicine": "magnesium supplements"}, "medicine"),
        ("MedicineQuestion", {}, "medicine"),
        ("WhyTwitching", {"Person": "baby"}, "person"),
        ("DescribeSymptom", {"Person": "pregnant"}, "person"),
        ("MedicineQuestion", {"Medicine": "paracetamol", "Person": "child"}, "person"),
    ],
)
def test_medicines_children_and_pregnancy_go_to_a_doctor_or_pharmacist(
    alexa: Simulator, intent: str, slots: dict[str, str], line: str
) -> None:
    text = speech(alexa.intent(intent, **slots))
    assert "pharmacist" in text and "doctor" in text
    assert not re.search(r"\b(mg|milligrams?|dose of|take \w+ (?:tablets|pills))\b", text, re.I)
    safety = load("en-US").safety[line]
    assert text.startswith(safety.split("{")[0])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_fallback_and_the_goodbye_after_misses_carry_the_emergency_number(
    make_alexa, locale: str
) -> None:
    alexa = make_alexa(locale)
    spoken, _ = EMERGENCY_NUMBERS[locale]
    first = alexa.intent("AMAZON.FallbackIntent")
    second = alexa.intent("AMAZON.FallbackIntent")
    assert spoken in speech(first) and not ends(first)
    assert spoken in speech(second) and ends(second)


def test_a_question_with_no_concern_still_gets_its_article_answer(alexa: Simulator) -> None:
    for intent, topic in INTENT_TOPICS.items():
        text = speech(alexa.intent(intent))
        assert any(summary in text for summary in load("en-US").topics[topic].summary), intent


# Through the resolver: what the interaction model lets Alexa hear -------------------------------

EMERGENCY_WORDS = [
    "chest pain",
    "my chest hurts",
    "I have chest pain",
    "I've got a tight chest",
    "I'm having chest pains",
    "there's pressure in my chest",
    "I have pain in my chest",
    "I'm short of breath",
    "it is hard to breathe",
    "I can't breathe",
    "I fainted",
    "I passed out after running",
    "I collapsed",
    "my face is drooping",
    "I have weakness on one side",
    "my speech is slurred",
    "I can't move my leg",
    "I'm having a seizure",
    "my heart is racing and I feel faint",
    "I think I'm having a stroke",
]


SAID_ALONE_ELSEWHERE = {"keeps going": 'TellMeMore\'s "keep going"'}
"""Symptom words that, said with nothing round them, are rightly heard as something else."""
KIND_ALONE = {"EMERGENCY": "emergency", "SYMPTOM": "doctor", "DARK_URINE": "urgent"}
"""The kind of answer a type's words (or one value's, by id) get said on their own."""


@pytest.mark.slow
@pytest.mark.parametrize("type_name", ["EMERGENCY", "SYMPTOM"])
def test_every_emergency_word_and_warning_sign_said_on_its_own_gets_its_line(type_name: str) -> None:
    """Each of the model's words for an emergency or a warning sign, said alone mid-conversation:
    no carrier phrase may turn one into something milder ("my chest is really tight" is chest
    pain, not a chest with unknown words in it)."""
    missed = []
    for value in MODEL.types[type_name]:
        kind = KIND_ALONE.get(value.id, KIND_ALONE[type_name])
        for said in set(value.spoken_forms()) - set(SAID_ALONE_ELSEWHERE):
            console = Console("en-US")
            console.say("open muscle twitch guide")
            if kind_of(console.say(said).response) != kind:
                missed.append(said)
    assert not missed


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("said", EMERGENCY_WORDS)
def test_everyday_emergency_words_are_heard_as_one_shots_and_mid_conversation(locale: str, said: str) -> None:
    console = Console(locale)
    assert_emergency(console.say(f"ask muscle twitch guide {said}").response, locale)
    console.say("open muscle twitch guide")
    console.say("why do my legs twitch")
    assert_emergency(console.say(said).response, locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize(
    "said", ["I feel great", "I'm fine thanks", "is this normal", "I'm having a bad day"]
)
def test_everyday_words_in_an_emergency_carrier_are_not_called_an_emergency(locale: str, said: str) -> None:
    console = Console(locale)
    console.say("open muscle twitch guide")
    text = console.say(said).speech
    assert load(locale).safety["emergency"] not in text
    assert EMERGENCY_NUMBERS[locale][0] in text


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("my pee is dark after a marathon", "urgent"),
        ("my leg has gone numb", "warning"),
        ("my leg twitches and feels weak", "warning"),
        ("I have pins and needles in my arm", "warning"),
        ("my calf has been twitching for three weeks", "warning"),
        ("my leg is weak, could it be ALS", "warning"),
        ("is it ALS", "worry"),
        ("could it be MS", "worry"),
        ("is it serious", "worry"),
        ("could it be something bad", "worry"),
        ("could it be my thyroid making my legs twitch", "worry"),
        ("cancer", "worry"),
        ("why do my legs twitch after running, could it be ALS", "worry"),
        ("is it because of my diabetes", "worry"),
        ("why is my baby twitching", "person"),
        ("I'm pregnant and twitching", "person"),
        ("how much magnesium should I take", "medicine"),
        ("can I take ibuprofen", "medicine"),
    ],
)
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_everyday_worries_are_heard_and_get_the_right_kind_of_answer(
    locale: str, said: str, kind: str
) -> None:
    text = Console(locale).say(f"ask muscle twitch guide {said}").speech
    line = load(locale).safety[kind]
    assert all(part.strip() in text for part in re.split(r"{\w+}", line) if part.strip()), text
