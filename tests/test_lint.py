"""The interaction model linter: our files pass, and every rule catches a model that breaks it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from devtools.release.lint import (
    MANIFEST,
    MANIFEST_RULES,
    MODEL_RULES,
    RULE_COUNT,
    built_models,
    lint_manifest,
    lint_model,
    lint_project,
)

MODELS = built_models()
GOOD = MODELS["en-US"]


def test_our_models_and_manifest_pass_every_rule() -> None:
    assert lint_project() == []


def test_python_m_skill_lint_reports_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    from devtools.__main__ import main

    assert main(["lint"]) == 0
    assert f"0 problem(s); {RULE_COUNT} rules checked" in capsys.readouterr().out


def intents(model: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = model["interactionModel"]["languageModel"]["intents"]
    return result


def named(model: dict[str, Any], name: str) -> dict[str, Any]:
    return next(intent for intent in intents(model) if intent["name"] == name)


def types(model: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = model["interactionModel"]["languageModel"]["types"]
    return result


def invocation(name: str) -> Callable[[dict[str, Any]], None]:
    def change(model: dict[str, Any]) -> None:
        model["interactionModel"]["languageModel"]["invocationName"] = name

    return change


def add_sample(intent: str, sample: str) -> Callable[[dict[str, Any]], None]:
    return lambda model: named(model, intent)["samples"].append(sample)


def drop_intent(name: str) -> Callable[[dict[str, Any]], None]:
    def change(model: dict[str, Any]) -> None:
        intents(model).remove(named(model, name))

    return change


BREAKS: dict[str, list[Callable[[dict[str, Any]], None]]] = {
    "invocation-two-words": [invocation("twitches")],
    "invocation-characters": [
        invocation("Muscle Twitch Guide"),
        invocation("muscle twitch guide 2"),
        invocation("muscle-twitch guide"),
    ],
    "invocation-launch-words": [invocation("open muscle guide"), invocation("muscle twitch ask")],
    "invocation-wake-words": [
        invocation("alexa muscle guide"),
        invocation("muscle twitch skill"),
        invocation("amazon twitch"),
    ],
    "invocation-two-word-connectors": [invocation("the twitch")],
    "required-built-ins": [drop_intent("AMAZON.StopIntent"), drop_intent("AMAZON.FallbackIntent")],
    "intent-names": [
        lambda m: intents(m).append({"name": "Why-Twitching", "samples": ["why not"]}),
        lambda m: intents(m).append(copy.deepcopy(named(m, "TellMeMore"))),
    ],
    "custom-intent-samples": [lambda m: named(m, "TellMeMore").update(samples=[])],
    "utterance-characters": [
        add_sample("TellMeMore", "tell me 2 more"),
        add_sample("TellMeMore", "more, please"),
        add_sample("TellMeMore", "more?"),
        add_sample("WhatIsTwitch", "what is a twitch exactly."),
        add_sample("TellMeMore", "tell me. more"),
    ],
    "utterance-length": [add_sample("TellMeMore", "tell me more " * 20)],
    "utterance-slot-syntax": [
        add_sample("WhyTwitching", "why {BodyPart"),
        add_sample("WhyTwitching", "why {Body Part}"),
        add_sample("WhyTwitching", "why my {BodyPart} {Activity}"),
    ],
    "utterance-slots-declared": [add_sample("WhyTwitching", "why my {Elbow} twitches")],
    "declared-slots-used": [
        lambda m: named(m, "TellMeMore").update(slots=[{"name": "Unused", "type": "BODY_PART"}])
    ],
    "utterance-duplicates": [
        add_sample("TellMeMore", "Tell me   more"),
        add_sample("HowToPrevent", "what is a twitch"),
        add_sample("HowToPrevent", "whats the reason for muscle twitches"),
        add_sample("HowToPrevent", "what's the reason, for muscle twitches."),
        lambda m: (  # only the slot's name differs from WhyTwitching's "why do my {BodyPart} twitch"
            named(m, "HowLong")["slots"].append({"name": "Limb", "type": "BODY_PART"})
            or named(m, "HowLong")["samples"].append("why do my {Limb} twitch")
        ),
    ],
    "utterance-not-only-a-slot": [add_sample("WhyTwitching", "{Cause}")],
    "slot-types-declared": [
        lambda m: (
            named(m, "WhyTwitching")["slots"].append({"name": "Mood", "type": "MOOD"})
            or named(m, "WhyTwitching")["samples"].append("why when {Mood}")
        )
    ],
    "slot-values": [
        lambda m: types(m)[0]["values"][1]["name"]["synonyms"].append("EYELID"),
        lambda m: types(m)[0]["values"][0]["name"].update(value="x" * 141),
        lambda m: types(m)[0].update(values=[]),
    ],
    "slot-value-ids": [
        lambda m: types(m)[0]["values"][0].pop("id"),
        lambda m: types(m)[0]["values"][1].update(id=types(m)[0]["values"][0]["id"]),
    ],
}


def test_every_rule_has_a_breaking_model() -> None:
    assert set(BREAKS) == {rule.id for rule in MODEL_RULES}


@pytest.mark.parametrize(
    ("rule", "index"), [(rule, index) for rule, changes in BREAKS.items() for index in range(len(changes))]
)
def test_each_rule_catches_its_break_with_a_clear_message(rule: str, index: int) -> None:
    broken = copy.deepcopy(GOOD)
    BREAKS[rule][index](broken)
    problems = lint_model(broken, "en-US.json")
    assert rule in {problem.rule for problem in problems}, problems
    for problem in problems:
        assert problem.message and str(problem).startswith("en-US.json")


def test_every_rule_cites_amazon_documentation() -> None:
    docs = [rule.doc for rule in MODEL_RULES] + [doc for _, doc, _ in MANIFEST_RULES]
    assert all(doc.startswith("https://developer.amazon.com/") for doc in docs)
    assert RULE_COUNT == len(docs) == 20


def test_a_malformed_model_is_one_problem_per_rule_not_a_crash() -> None:
    problems = lint_model({"interactionModel": {}}, "broken.json")
    assert len(problems) == len(MODEL_RULES)
    assert all("malformed" in problem.message for problem in problems)


MANIFEST_JSON = json.loads(MANIFEST.read_text())


def locale_info(manifest: dict[str, Any], locale: str = "en-GB") -> dict[str, Any]:
    info: dict[str, Any] = manifest["manifest"]["publishingInformation"]["locales"][locale]
    return info


@pytest.mark.parametrize(
    "phrase",
    [
        "Alexa, ask muscle twitch guide why do my elbows twitch",  # not a slot value
        "Alexa, ask muscle twitch guide why do my legs twitch please",  # not word for word
        "Alexa ask muscle twitch guide when should I see a doctor",  # punctuation differs
        "Alexa, start muscle twitch guide",
        "Alexa, ask muscle twitch guide",
    ],
)
def test_example_phrases_must_be_samples_word_for_word(phrase: str) -> None:
    manifest = copy.deepcopy(MANIFEST_JSON)
    locale_info(manifest)["examplePhrases"][2] = phrase
    problems = lint_manifest(manifest, MODELS)
    assert [p.rule for p in problems] == ["example-phrases"]


def test_example_phrases_with_real_slot_values_pass_and_at_most_three_are_allowed() -> None:
    manifest = copy.deepcopy(MANIFEST_JSON)
    locale_info(manifest)["examplePhrases"][2] = "Alexa, ask muscle twitch guide why do my calves twitch"
    assert lint_manifest(manifest, MODELS) == []
    locale_info(manifest)["examplePhrases"].append("Alexa, open muscle twitch guide")
    assert [p.rule for p in lint_manifest(manifest, MODELS)] == ["example-phrases"]


def test_health_skills_must_carry_the_disclaimer_in_every_description() -> None:
    manifest = copy.deepcopy(MANIFEST_JSON)
    locale_info(manifest, "en-AU")["description"] = "Answers about muscle twitches."
    assert {p.rule for p in lint_manifest(manifest, MODELS)} == {"health-disclaimer"}


def test_manifest_names_the_right_emergency_number_per_locale() -> None:
    numbers = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}
    for locale, number in numbers.items():
        assert f"({number})" in locale_info(MANIFEST_JSON, locale)["description"]
    privacy = MANIFEST_JSON["manifest"]["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is False and privacy["isChildDirected"] is False
    assert MANIFEST_JSON["manifest"]["apis"]["custom"]["interfaces"] == [{"type": "ALEXA_PRESENTATION_APL"}]


def test_periods_pass_in_abbreviations_and_apostrophes_in_words() -> None:
    model = copy.deepcopy(GOOD)
    add_sample("TellMeMore", "tell me more about the u.s. and a. b. c. guides' advice")(model)
    assert [p for p in lint_model(model) if p.rule == "utterance-characters"] == []
