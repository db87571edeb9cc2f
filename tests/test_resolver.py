"""The resolver: our own interaction model heard the way Alexa hears it.

Two checks. Every sample utterance of every locale's model, with its slots filled from the
model's own values, must come back as its own intent with exactly those slots. And a table of
paraphrases, typos, launch phrasings, built-in phrasings and near-misses (things that are not
ours, or slot values outside their type) measures how well the fuzzy matching generalises; its
accuracy is printed and must not fall. PARAPHRASES was used to choose MIN_SCORE and the penalties;
HELD_OUT was written after they were fixed, so it is the fairer estimate. When the safety
intents came, rows whose meaning they changed were relabelled, not tuned for: a symptom stated
is DescribeSymptom or EmergencySymptom, "is it serious" is IllnessWorry. The larger corpus with
safety classes is tests/corpus/ (`python -m devtools evaluate`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from devtools.alexa import resolver as resolver_module
from devtools.alexa.resolver import FALLBACK, Match, resolver_for
from devtools.alexa.simulator import Simulator, UnknownToModel
from devtools.console import LOCALES, Console
from interaction_model import load_model
from tests.conftest import invoke_checked

pytestmark = pytest.mark.slow

Row = tuple[str, str, dict[str, str]]
"""(typed text, expected intent or request type, slots that must be heard exactly so)."""

PARAPHRASES: list[Row] = [
    # launch and one-shot phrasings
    ("open muscle twitch guide", "LaunchRequest", {}),
    ("Alexa, open Muscle Twitch Guide.", "LaunchRequest", {}),
    ("start muscle twitch guide", "LaunchRequest", {}),
    ("talk to muscle twitch guide", "LaunchRequest", {}),
    ("launch the muscle twitch guide", "LaunchRequest", {}),
    ("open muscle twitch guides", "LaunchRequest", {}),
    ("ask muscle twitch guide why do my legs twitch", "WhyTwitching", {"BodyPart": "legs"}),
    ("ask muscle twitch guide about stretching tears", "StretchingTears", {}),
    ("ask muscle twitch guide if it is dehydration", "WhyTwitching", {"Cause": "dehydration"}),
    ("tell muscle twitch guide I have numbness", "DescribeSymptom", {"Symptom": "numbness"}),
    ("ask muscle twitch guide when should I see a doctor", "WhenSeeDoctor", {}),
    ("why do my legs twitch using muscle twitch guide", "WhyTwitching", {"BodyPart": "legs"}),
    ("alexa ask muscle twitch guide how to prevent twitching", "HowToPrevent", {}),
    # paraphrases of the custom intents
    ("why do my legs keep twitching after running", "WhyTwitching", {"BodyPart": "legs"}),
    ("why are my calves twitching after a run", "WhyTwitching", {"BodyPart": "calves"}),
    ("why is my eye twitching", "WhyTwitching", {"BodyPart": "eye"}),
    ("my eyelid keeps twitching why", "DescribeSymptom", {"BodyPart": "eyelid"}),
    ("why do my thighs twitch after squats", "WhyTwitching", {"BodyPart": "thighs"}),
    ("what causes muscles to twitch", "WhyTwitching", {}),
    ("could it be low magnesium", "WhyTwitching", {"Cause": "low magnesium"}),
    ("is it because I'm dehydrated", "WhyTwitching", {}),
    ("can caffeine cause twitching", "WhyTwitching", {"Cause": "caffeine"}),
    ("does stress cause muscle twitching", "WhyTwitching", {"Cause": "stress"}),
    ("is it normal that my muscles twitch after exercise", "WhyTwitching", {}),
    ("why do muscles twitch after working out", "WhyTwitching", {}),
    ("how can I stop muscle twitches", "HowToPrevent", {}),
    ("how do I avoid twitching after workouts", "HowToPrevent", {}),
    ("what can I do to avoid muscle twitches", "HowToPrevent", {}),
    ("does drinking more water help", "HowToPrevent", {"Step": "drinking more water"}),
    ("would more sleep help", "HowToPrevent", {"Step": "more sleep"}),
    ("should I drink more water", "HowToPrevent", {"Step": "drink more water"}),
    ("do bananas help with twitching", "HowToPrevent", {}),
    ("any tips for preventing twitches", "HowToPrevent", {}),
    ("when do I need to see a doctor about twitching", "WhenSeeDoctor", {}),
    ("when should I go to the doctor", "WhenSeeDoctor", {}),
    ("is muscle twitching dangerous", "IllnessWorry", {}),
    ("should I be worried about twitching", "WhenSeeDoctor", {}),
    ("should I see a doctor if I have weakness", "WhenSeeDoctor", {"Symptom": "weakness"}),
    ("what if my leg feels numb", "DescribeSymptom", {"Symptom": "numb"}),
    ("I have chest pain", "EmergencySymptom", {"Emergency": "chest pain"}),
    ("what is a muscle twitch exactly", "WhatIsTwitch", {}),
    ("what are muscle twitches anyway", "WhatIsTwitch", {}),
    ("what exactly is twitching", "WhatIsTwitch", {}),
    ("how do I stop a twitch right now", "TreatTwitch", {}),
    ("how do I get rid of twitching", "TreatTwitch", {}),
    ("how do I make my leg stop twitching now", "TreatTwitch", {"BodyPart": "leg"}),
    ("does stretching cause tiny tears", "StretchingTears", {}),
    ("can stretching damage muscles", "StretchingTears", {}),
    ("is stretching bad for you", "StretchingTears", {}),
    ("tell me more about it", "TellMeMore", {}),
    ("more details please", "TellMeMore", {}),
    ("can you explain that in more detail", "TellMeMore", {}),
    # case, punctuation, spacing and typos
    ("WHY DO MY LEGS TWITCH?!", "WhyTwitching", {"BodyPart": "legs"}),
    ("why   do my  legs twitch", "WhyTwitching", {"BodyPart": "legs"}),
    ("why do my legs twich", "WhyTwitching", {"BodyPart": "legs"}),
    ("why do my calfs twitch after runing", "WhyTwitching", {"BodyPart": "calf"}),
    ("how do i prevent muscle twiches", "HowToPrevent", {}),
    ("when should i see a docter", "WhenSeeDoctor", {}),
    ("is it dehydation", "WhyTwitching", {"Cause": "dehydration"}),
    ("does streching help", "HowToPrevent", {"Step": "stretching"}),
    ("whats the reason for muscle twitches", "WhyTwitching", {}),
    # built-in intents
    ("stop", "AMAZON.StopIntent", {}),
    ("Alexa, stop.", "AMAZON.StopIntent", {}),
    ("cancel", "AMAZON.CancelIntent", {}),
    ("never mind", "AMAZON.CancelIntent", {}),
    ("yes", "AMAZON.YesIntent", {}),
    ("yeah", "AMAZON.YesIntent", {}),
    ("yes please", "AMAZON.YesIntent", {}),
    ("sure", "AMAZON.YesIntent", {}),
    ("no", "AMAZON.NoIntent", {}),
    ("nope", "AMAZON.NoIntent", {}),
    ("no thanks", "AMAZON.NoIntent", {}),
    ("say that again", "AMAZON.RepeatIntent", {}),
    ("repeat", "AMAZON.RepeatIntent", {}),
    ("can you repeat that", "AMAZON.RepeatIntent", {}),
    ("help", "AMAZON.HelpIntent", {}),
    ("what can I ask", "AMAZON.HelpIntent", {}),
    ("start over", "AMAZON.StartOverIntent", {}),
    ("go back", "AMAZON.PreviousIntent", {}),
    ("go home", "AMAZON.NavigateHomeIntent", {}),
    ("exit", "SessionEndedRequest", {}),
    # near misses: slot values outside the type still reach the intent
    ("why does my ear twitch", "WhyTwitching", {"BodyPart": "ear"}),
    ("is it the weather", "WhyTwitching", {"Cause": "the weather"}),
    ("does yoga help", "HowToPrevent", {"Step": "yoga"}),
    # near misses: not ours at all
    ("what's the weather like today", "AMAZON.FallbackIntent", {}),
    ("play some music", "AMAZON.FallbackIntent", {}),
    ("set a timer for ten minutes", "AMAZON.FallbackIntent", {}),
    ("tell me a joke", "AMAZON.FallbackIntent", {}),
    ("what time is it", "AMAZON.FallbackIntent", {}),
    ("how do I cook rice", "AMAZON.FallbackIntent", {}),
    ("why is the sky blue", "AMAZON.FallbackIntent", {}),
    ("turn on the lights", "AMAZON.FallbackIntent", {}),
    # "last night" is near the model's "at night": heard as a question the guide does not cover.
    ("who won the game last night", "UncoveredQuestion", {"Uncovered": "at night"}),
    ("order more paper towels", "AMAZON.FallbackIntent", {}),
    ("what is the capital of france", "AMAZON.FallbackIntent", {}),
    ("how tall is mount everest", "AMAZON.FallbackIntent", {}),
    ("open the pod bay doors", "AMAZON.FallbackIntent", {}),
    ("why does my car make a noise", "AMAZON.FallbackIntent", {}),
    ("what should I watch tonight", "AMAZON.FallbackIntent", {}),
    ("asdf qwerty", "AMAZON.FallbackIntent", {}),
]

HELD_OUT: list[Row] = [
    ("hey alexa open muscle twitch guide", "LaunchRequest", {}),
    ("begin muscle twitch guide", "LaunchRequest", {}),
    ("ask muscle twitch guide what is a fasciculation", "WhatIsTwitch", {}),
    (
        "tell muscle twitch guide my calf is twitching and it hurts",
        "DescribeSymptom",
        {"BodyPart": "calf", "Symptom": "it hurts"},
    ),
    (
        "ask muscle twitch guide whether coffee causes twitching",
        "WhyTwitching",
        {"Cause": "coffee"},
    ),
    (
        "why does my arm twitch after lifting weights",
        "WhyTwitching",
        {"BodyPart": "arm", "Activity": "lifting weights"},
    ),
    ("why is my lip twitching", "WhyTwitching", {"BodyPart": "lip"}),
    ("what makes muscles twitch", "WhyTwitching", {}),
    ("could dehydration cause my twitching", "WhyTwitching", {}),
    ("can low potassium cause muscle twitching", "WhyTwitching", {"Cause": "low potassium"}),
    ("my hamstrings twitch after football why", "WhyTwitching", {}),
    ("how do I stop my legs twitching", "HowToPrevent", {"BodyPart": "legs"}),
    ("how can I prevent muscle twitching", "HowToPrevent", {}),
    ("will resting help", "HowToPrevent", {"Step": "resting"}),
    ("does eating bananas help", "HowToPrevent", {}),
    ("should I cut out coffee", "HowToPrevent", {"Step": "cut out coffee"}),
    ("what helps stop twitching", "HowToPrevent", {}),
    ("when should I see a doctor about my twitching", "WhenSeeDoctor", {}),
    ("is it serious if my eye keeps twitching", "IllnessWorry", {"BodyPart": "eye"}),
    ("should I worry about muscle twitching", "WhenSeeDoctor", {}),
    ("I can't breathe", "NamedEmergency", {}),
    ("what are the warning signs to look for", "WhenSeeDoctor", {}),
    ("what is a fasciculation", "WhatIsTwitch", {}),
    ("what does twitching feel like", "WhatIsTwitch", {}),
    ("how do I treat muscle twitching", "TreatTwitch", {}),
    ("how do I calm down a twitching muscle", "TreatTwitch", {}),
    ("can stretching tear muscles", "StretchingTears", {}),
    ("does stretching damage muscle", "StretchingTears", {}),
    ("go on please", "TellMeMore", {}),
    ("tell me more please", "TellMeMore", {}),
    ("yes I would", "AMAZON.YesIntent", {}),
    ("okay", "AMAZON.YesIntent", {}),
    ("no thank you", "AMAZON.NoIntent", {}),
    ("please repeat that", "AMAZON.RepeatIntent", {}),
    ("I need help", "AMAZON.HelpIntent", {}),
    ("cancel that please", "AMAZON.CancelIntent", {}),
    ("let's start over", "AMAZON.StartOverIntent", {}),
    ("quit", "SessionEndedRequest", {}),
    ("Why do my Legs twitch??", "WhyTwitching", {"BodyPart": "legs"}),
    ("how do I prevnt muscle twitches", "HowToPrevent", {}),
    ("does strechting cause tears", "StretchingTears", {}),
    ("why does my nose twitch", "WhyTwitching", {"BodyPart": "nose"}),
    ("should I try acupuncture", "HowToPrevent", {"Step": "acupuncture"}),
    ("what's on my calendar today", "AMAZON.FallbackIntent", {}),
    ("add milk to my shopping list", "AMAZON.FallbackIntent", {}),
    ("how far is the moon", "AMAZON.FallbackIntent", {}),
    ("sing me a song", "AMAZON.FallbackIntent", {}),
    ("what's the score of the match", "AMAZON.FallbackIntent", {}),
    ("why do cats purr", "AMAZON.FallbackIntent", {}),
    ("call mom", "AMAZON.FallbackIntent", {}),
]

KNOWN_MISSES = {
    # "about X" leaves a topic word, not a question; no sample is close enough.
    "ask muscle twitch guide about stretching tears",
    # No sample is close to "any tips for ..." (deliberately not added: this row is held out).
    "any tips for preventing twitches",
    # "what should I {Step}" takes any verb, as Alexa's carrier phrases do: NO_MATCH, not Fallback.
    "what should I watch tonight",
}
"""Rows the resolver gets wrong today, each marked xfail(strict): fixing one flags it here."""


def outcome(match: Match) -> str:
    return match.intent or match.request


def correct(match: Match, expected: str, slots: dict[str, str]) -> bool:
    return outcome(match) == expected and all(match.slots.get(k) == v for k, v in slots.items())


def rows(table: list[Row]) -> list[object]:
    return [
        pytest.param(*row, id=row[0], marks=[pytest.mark.xfail(strict=True)] * (row[0] in KNOWN_MISSES))
        for row in table
    ]


@pytest.mark.parametrize(("text", "expected", "slots"), rows(PARAPHRASES + HELD_OUT))
def test_table_row(text: str, expected: str, slots: dict[str, str]) -> None:
    match = resolver_for("en-US").resolve(text)
    assert correct(match, expected, slots), match


def test_accuracy_on_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    resolver = resolver_for("en-US")
    scores = {}
    for name, table in (("paraphrases", PARAPHRASES), ("held out", HELD_OUT)):
        right = sum(correct(resolver.resolve(text), expected, slots) for text, expected, slots in table)
        scores[name] = (right, len(table))
    with capsys.disabled():
        print(
            "\nresolver accuracy: "
            + ", ".join(f"{name} {r}/{n} ({100 * r / n:.0f}%)" for name, (r, n) in scores.items())
        )
    assert sum(r for r, _ in scores.values()) == sum(n for _, n in scores.values()) - len(KNOWN_MISSES)


SLOT = re.compile(r"\{(\w+)\}")


def fill(sample: str, values: dict[str, str]) -> str:
    return SLOT.sub(lambda found: values[found[1]], sample)


def forms(locale: str, type_name: str) -> list[str]:
    return [form for value in load_model(locale).types[type_name] for form in value.spoken_forms()]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sample_resolves_to_its_own_intent_and_slots(locale: str) -> None:
    """Each sample once, its slots filled with values and synonyms that vary from sample to
    sample, so every type's words are used across the model."""
    model, resolver = load_model(locale), resolver_for(locale)
    wrong, count = [], 0
    for intent in model.intents.values():
        for turn, sample in enumerate(intent.samples):
            slots = {}
            for index, name in enumerate(SLOT.findall(sample)):
                choices = forms(locale, intent.slots[name])
                slots[name] = choices[(7 * turn + index) % len(choices)]
            match = resolver.resolve(fill(sample, slots))
            count += 1
            if (match.intent, match.slots) != (intent.name, slots):
                wrong.append((fill(sample, slots), intent.name, outcome(match), match.slots))
    assert count > 100
    assert not wrong


AMBIGUOUS = {
    "why do my muscles twitch",
    "why are my muscles twitching",
    "how do I prevent muscle twitches",
    "why my muscles twitch after running",
    "should I stretching before exercise",
}
"""A slot value that makes a sample read word for word as another sample of the same intent
("why do my {BodyPart} twitch" with "muscles"): Alexa too can only pick one reading."""


FORMS_PER_SLOT = 6
"""Values tried in each sample slot, at least: the samples take a type's values and synonyms in
turn, so each is tried in some of its type's sample slots without trying every one in every
sample (a type with more forms than its slots can take six at a time tries more per slot)."""


def test_every_value_and_synonym_fills_sample_slots_of_its_type() -> None:
    model, resolver = load_model("en-US"), resolver_for("en-US")
    tried: Counter[tuple[str, str]] = Counter()
    cursor: Counter[str] = Counter()
    """Per slot type, how far through its forms the samples have got (they go round)."""
    uses = Counter(
        intent.slots[name]
        for intent in model.intents.values()
        for sample in intent.samples
        for name in SLOT.findall(sample)
    )
    for intent in model.intents.values():
        for sample in intent.samples:
            names = SLOT.findall(sample)
            first = {name: forms("en-US", intent.slots[name])[0] for name in names}
            for name in names:
                type_name = intent.slots[name]
                type_forms = forms("en-US", type_name)
                per_slot = max(FORMS_PER_SLOT, -(-len(type_forms) // uses[type_name]))
                start = cursor[type_name]
                cursor[type_name] += per_slot
                for step in range(min(per_slot, len(type_forms))):
                    form = type_forms[(start + step) % len(type_forms)]
                    slots = {**first, name: form}
                    match = resolver.resolve(fill(sample, slots))
                    tried[type_name, form] += 1
                    assert match.intent == intent.name, fill(sample, slots)
                    if fill(sample, slots) not in AMBIGUOUS:
                        assert match.slots == slots, fill(sample, slots)
    for type_name in model.types:
        if any(type_name in intent.slots.values() for intent in model.intents.values()):
            assert all(tried[type_name, form] for form in forms("en-US", type_name)), type_name


@pytest.mark.parametrize(
    ("text", "request_type", "invoked"),
    [
        ("open muscle twitch guide", "LaunchRequest", True),
        ("Alexa,   OPEN muscle-twitch guide!", "LaunchRequest", True),
        ("muscle twitch guide", "LaunchRequest", True),
        ("ask muscle twitch guide why do my legs twitch", "IntentRequest", True),
        ("why do my legs twitch", "IntentRequest", False),
        ("exit", "SessionEndedRequest", False),
    ],
)
def test_launch_one_shot_and_in_session_lines(text: str, request_type: str, invoked: bool) -> None:
    match = resolver_for("en-US").resolve(text)
    assert (match.request, match.invoked) == (request_type, invoked)


@pytest.mark.parametrize("text", ["", "   ", "?!", "alexa", "the", "x" * 300])
def test_empty_or_meaningless_lines_are_fallback_not_errors(text: str) -> None:
    assert resolver_for("en-US").resolve(text).intent == FALLBACK


def slot(console: Console, text: str, name: str) -> dict[str, Any]:
    """The slot `name` as the skill received it when `text` was typed."""
    slots: dict[str, dict[str, Any]] = console.say(text).request["request"]["intent"]["slots"]
    return slots[name]


def test_slot_values_are_resolved_in_the_envelope_as_alexa_fills_them() -> None:
    """The skill gets ER_SUCCESS_MATCH with the value's id for a synonym, and
    ER_SUCCESS_NO_MATCH (and the words heard) for a value outside the type."""
    console = Console()
    known = slot(console, "why do my calves twitch", "BodyPart")
    resolution = known["resolutions"]["resolutionsPerAuthority"][0]
    assert known["value"] == "calves"
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"] == {"name": "legs", "id": "LEGS"}

    unknown = slot(console, "why does my ear twitch", "BodyPart")
    resolution = unknown["resolutions"]["resolutionsPerAuthority"][0]
    assert unknown["value"] == "ear"
    assert resolution["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert "values" not in resolution


@pytest.mark.parametrize(
    ("text", "slot_name", "entity"),
    [
        ("why do my calves twitch", "BodyPart", "LEGS"),
        ("is it dehydation", "Cause", "DEHYDRATION"),
        ("why does my ear twitch", "BodyPart", None),
    ],
)
def test_each_slot_carries_the_id_of_the_value_the_resolver_found(
    text: str, slot_name: str, entity: str | None
) -> None:
    """A synonym and a typo carry their value's id; words outside the type carry none."""
    match = resolver_for("en-US").resolve(text)
    assert match.ids == {slot_name: entity}, match


def test_the_simulator_builds_resolutions_from_the_ids_it_is_given() -> None:
    """Given an id, the simulator resolves nothing again: the skill receives that value (or no
    match), and an id the type does not have is refused like any slot the model lacks."""
    sent: list[dict[str, Any]] = []

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        sent.append(event)
        return invoke_checked(event)

    alexa = Simulator(invoke)
    for entity, status in (("ARMS", "ER_SUCCESS_MATCH"), (None, "ER_SUCCESS_NO_MATCH")):
        alexa.intent("WhyTwitching", ids={"BodyPart": entity}, BodyPart="calves")
        slot = sent[-1]["request"]["intent"]["slots"]["BodyPart"]
        resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
        assert (slot["value"], resolution["status"]["code"]) == ("calves", status)
        assert [value["value"]["id"] for value in resolution.get("values", [])] == (
            [entity] if entity else []
        )
    with pytest.raises(UnknownToModel):
        alexa.intent("WhyTwitching", ids={"BodyPart": "ELBOW"}, BodyPart="elbow")


def test_a_typo_in_a_slot_value_is_heard_as_the_value() -> None:
    match = resolver_for("en-US").resolve("is it dehydation")
    assert (match.intent, match.slots) == ("WhyTwitching", {"Cause": "dehydration"})


def test_a_rambling_line_is_heard_only_as_a_sample_whose_every_slot_it_names() -> None:
    """Naming an activity alone never makes "I was {Activity} and now {Emergency}" the nearest
    sample, and with it an emergency nobody described."""
    match = resolver_for("en-US").resolve("um I was out cycling earlier today and yeah")
    sample = match.sample or ""
    assert match.intent != "EmergencySymptom" and "{Emergency}" not in sample, match


def test_a_value_said_beside_the_sample_fills_its_slot_even_with_a_word_of_the_sample() -> None:
    """ "my" is in the sample too; the value still brings words of its own, so it is a slot."""
    match = resolver_for("en-US").resolve(
        "I cant catch my breath after pickleball and my arm wont quit twitching"
    )
    assert match.slots.get("Emergency") == "can't catch my breath", match


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is twitching genetic or is it just me", "WhyProne"),
        ("is twitching hereditary because my dad gets it too", "WhyProne"),
        ("what's the weather like tomorrow in London", FALLBACK),
    ],
)
def test_a_whole_sample_said_inside_a_longer_line_is_heard_as_that_sample(text: str, intent: str) -> None:
    assert resolver_for("en-US").resolve(text).intent == intent


def test_a_value_before_the_clitic_s_is_heard() -> None:
    match = resolver_for("en-US").resolve("my arm's gone weak after tennis")
    assert match.slots.get("BodyPart") == "arm", match


def test_hesitations_inside_a_sentence_are_heard_past() -> None:
    match = resolver_for("en-US").resolve("is stretching um kinda bad for my muscles")
    assert match.intent == "StretchingTears", match


def test_made_up_locales_share_en_us_resolver() -> None:
    """The cache is keyed by the supported locale, not the raw string."""
    for n in range(1000):
        assert resolver_for(f"x{n}-{n}") is resolver_for("en-US")
    assert resolver_module._resolver.cache_info().currsize <= len(LOCALES)
