"""Offline checks of the interaction models and the skill manifest: what the developer
console's build and certification would refuse, found before anyone uploads anything.

Each rule names the Amazon documentation page it comes from. `python -m devtools lint` checks
the model JSON that interaction_model builds for every locale and skill-package/skill.json
(`--skill-package build/skill-package`: a built package) and exits non-zero on any problem.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.paths import REPO
from interaction_model import LOCALES, build

MANIFEST = REPO / "skill-package" / "skill.json"

DOCS = "https://developer.amazon.com/en-US/docs/alexa/custom-skills/"
INVOCATION_DOC = DOCS + "choose-the-invocation-name-for-a-custom-skill.html"
UTTERANCE_DOC = DOCS + "best-practices-for-sample-utterances-and-custom-slot-type-values.html"
INTENTS_DOC = DOCS + "create-intents-utterances-and-slots.html"
BUILT_IN_DOC = DOCS + "standard-built-in-intents.html"
LIMITS_DOC = DOCS + "create-the-interaction-model-for-your-skill.html"
PHRASES_DOC = DOCS + "understanding-how-users-invoke-custom-skills.html"
CERTIFICATION_DOC = DOCS + "certification-requirements-for-custom-skills.html"

LAUNCH_WORDS = {"launch", "ask", "tell", "load", "begin", "enable", "open", "start", "run", "use", "play"}
WAKE_AND_BRAND_WORDS = {"alexa", "amazon", "echo", "computer", "ziggy", "kindle", "audible"}
CONNECTING_WORDS = {"a", "an", "the", "for", "to", "of", "about", "by", "from", "in", "on", "with"}
REQUIRED_BUILT_INS = (
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
)
MAX_INTENTS = 250
MAX_UTTERANCE_CHARS = 200
MAX_SLOT_VALUE_CHARS = 140
MAX_SLOT_VALUES = 50_000
MAX_EXAMPLE_PHRASES = 3
SLOT = re.compile(r"{([^{}]*)}")
WORD = r"(?:(?:[^\W\d_]\.)+|[^\W\d_]+(?:'[^\W\d_]*)*)"
"""A word: letters with apostrophes inside or at the end (what's, legs'), or an abbreviation of
single letters each followed by a period (a. b. c., u.s.); a period anywhere else is punctuation."""


@dataclass(frozen=True)
class Problem:
    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.message}"


Found = Iterator[tuple[str, str]]
"""(where, message) pairs a rule yields for each problem it finds."""


@dataclass(frozen=True)
class Rule:
    id: str
    doc: str
    check: Callable[[dict[str, Any]], Found]


def language(model: dict[str, Any]) -> dict[str, Any]:
    language_model: dict[str, Any] = model["interactionModel"]["languageModel"]
    return language_model


def samples(model: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for intent in language(model)["intents"]:
        for sample in intent.get("samples", []):
            yield intent["name"], sample


# Invocation name ---------------------------------------------------------------------------------


def invocation_words(model: dict[str, Any]) -> list[str]:
    return str(language(model)["invocationName"]).split()


def invocation_two_words(model: dict[str, Any]) -> Found:
    if len(invocation_words(model)) < 2:
        yield "invocationName", "must have at least two words"


def invocation_characters(model: dict[str, Any]) -> Found:
    name = language(model)["invocationName"]
    if not re.fullmatch(r"[a-z][a-z' .]*", name) or "  " in name or name != name.strip():
        yield "invocationName", f"{name!r}: only lowercase letters, single spaces, apostrophes, periods"


def invocation_launch_words(model: dict[str, Any]) -> Found:
    for word in LAUNCH_WORDS & set(invocation_words(model)):
        yield "invocationName", f"contains the launch word {word!r}"


def invocation_wake_words(model: dict[str, Any]) -> Found:
    for word in (WAKE_AND_BRAND_WORDS | {"skill", "app"}) & set(invocation_words(model)):
        yield "invocationName", f"contains the wake word, brand or {word!r}"


def invocation_two_word_connectors(model: dict[str, Any]) -> Found:
    words = invocation_words(model)
    if len(words) == 2 and CONNECTING_WORDS & set(words):
        yield "invocationName", "a two-word name cannot use an article or preposition"


# Intents -----------------------------------------------------------------------------------------


def required_built_ins(model: dict[str, Any]) -> Found:
    names = {intent["name"] for intent in language(model)["intents"]}
    for name in REQUIRED_BUILT_INS:
        if name not in names:
            yield "intents", f"{name} is required"


def intent_names(model: dict[str, Any]) -> Found:
    names = [intent["name"] for intent in language(model)["intents"]]
    for name in names:
        if not re.fullmatch(r"(AMAZON\.)?[A-Za-z_]+", name):
            yield f"intent {name}", "names use letters and underscores only"
    for name, count in Counter(names).items():
        if count > 1:
            yield f"intent {name}", "declared more than once"
    if len(names) > MAX_INTENTS:
        yield "intents", f"{len(names)} intents; the limit is {MAX_INTENTS}"


def custom_intents_have_samples(model: dict[str, Any]) -> Found:
    for intent in language(model)["intents"]:
        if not intent["name"].startswith("AMAZON.") and not intent.get("samples"):
            yield f"intent {intent['name']}", "a custom intent needs sample utterances"


# Sample utterances -------------------------------------------------------------------------------


def utterance_characters(model: dict[str, Any]) -> Found:
    for intent, sample in samples(model):
        words = " ".join(SLOT.sub(" ", sample).split())
        if words and not re.fullmatch(rf"{WORD}(?: {WORD})*", words):
            yield (
                f"intent {intent}",
                f"{sample!r}: letters, spaces, apostrophes, and periods only in abbreviations "
                "such as 'a. b. c.' (numbers as words)",
            )


def utterance_length(model: dict[str, Any]) -> Found:
    for intent, sample in samples(model):
        if len(sample) > MAX_UTTERANCE_CHARS:
            yield f"intent {intent}", f"{sample[:40]!r}...: over {MAX_UTTERANCE_CHARS} characters"


def utterance_slot_syntax(model: dict[str, Any]) -> Found:
    for intent, sample in samples(model):
        outside = SLOT.sub("", sample)
        if "{" in outside or "}" in outside:
            yield f"intent {intent}", f"{sample!r}: unbalanced braces"
        for name in SLOT.findall(sample):
            if not re.fullmatch(r"[A-Za-z_]+", name):
                yield f"intent {intent}", f"{sample!r}: slot reference {{{name}}} is not a slot name"
        if re.search(r"}\s*{", sample):
            yield f"intent {intent}", f"{sample!r}: two slots side by side cannot be told apart"


def utterance_slots_declared(model: dict[str, Any]) -> Found:
    declared = {intent["name"]: {slot["name"] for slot in intent.get("slots", [])}
                for intent in language(model)["intents"]}  # fmt: skip
    for intent, sample in samples(model):
        for name in set(SLOT.findall(sample)) - declared[intent]:
            yield f"intent {intent}", f"{sample!r}: slot {{{name}}} is not declared"


def declared_slots_used(model: dict[str, Any]) -> Found:
    for intent in language(model)["intents"]:
        used = {name for sample in intent.get("samples", []) for name in SLOT.findall(sample)}
        for slot in intent.get("slots", []):
            if slot["name"] not in used:
                yield f"intent {intent['name']}", f"slot {slot['name']} is in no sample"


def utterance_duplicates(model: dict[str, Any]) -> Found:
    """Alexa hears words, not punctuation: "what's a twitch" and "whats a twitch." are one sample.
    Nor slot names: "my {Part} hurts" and "my {Limb} hurts", both slots of one type, are one
    sample too; in two intents, Amazon's conflict detection reports them (`python -m devtools
    conflicts`)."""
    seen: dict[str, str] = {}
    for intent in language(model)["intents"]:
        types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            key = " ".join(re.sub(r"[^\w\s{}]", "", _slot_types(sample, types).lower()).split())
            if key in seen:
                yield f"intent {intent['name']}", f"{sample!r} is also a sample of {seen[key]}"
            else:
                seen[key] = intent["name"]


def _slot_types(sample: str, types: dict[str, str]) -> str:
    """`sample` with each {Slot} written as {its type}."""
    return SLOT.sub(lambda slot: "{" + types.get(slot.group(1), slot.group(1)) + "}", sample)


def utterance_not_only_a_slot(model: dict[str, Any]) -> Found:
    for intent, sample in samples(model):
        if not SLOT.sub("", sample).strip():
            yield f"intent {intent}", f"{sample!r}: a sample needs words besides its slots"


# Slot types --------------------------------------------------------------------------------------


def slot_types_declared(model: dict[str, Any]) -> Found:
    custom = {slot_type["name"] for slot_type in language(model).get("types", [])}
    for intent in language(model)["intents"]:
        for slot in intent.get("slots", []):
            if not slot["type"].startswith("AMAZON.") and slot["type"] not in custom:
                yield f"intent {intent['name']}", f"slot {slot['name']} has undeclared type {slot['type']}"


def slot_values(model: dict[str, Any]) -> Found:
    total = 0
    for slot_type in language(model).get("types", []):
        where = f"type {slot_type['name']}"
        values = slot_type.get("values", [])
        total += len(values)
        if not values:
            yield where, "a custom slot type needs values"
        forms: Counter[str] = Counter()
        for value in values:
            name = value["name"]
            for form in (name["value"], *name.get("synonyms", [])):
                forms[" ".join(form.lower().split())] += 1
                if len(form) > MAX_SLOT_VALUE_CHARS:
                    yield where, f"{form[:40]!r}: over {MAX_SLOT_VALUE_CHARS} characters"
        for form, count in forms.items():
            if count > 1:
                yield where, f"{form!r} appears {count} times among values and synonyms"
    if total > MAX_SLOT_VALUES:
        yield "types", f"{total} slot values; the limit is {MAX_SLOT_VALUES}"


def slot_value_ids(model: dict[str, Any]) -> Found:
    for slot_type in language(model).get("types", []):
        ids = [value.get("id") for value in slot_type.get("values", [])]
        for value_id in ids:
            if not value_id:
                yield f"type {slot_type['name']}", "every value needs an id (the code matches on ids)"
        for value_id, count in Counter(ids).items():
            if value_id and count > 1:
                yield f"type {slot_type['name']}", f"id {value_id!r} is used {count} times"


MODEL_RULES: tuple[Rule, ...] = (
    Rule("invocation-two-words", INVOCATION_DOC, invocation_two_words),
    Rule("invocation-characters", INVOCATION_DOC, invocation_characters),
    Rule("invocation-launch-words", INVOCATION_DOC, invocation_launch_words),
    Rule("invocation-wake-words", INVOCATION_DOC, invocation_wake_words),
    Rule("invocation-two-word-connectors", INVOCATION_DOC, invocation_two_word_connectors),
    Rule("required-built-ins", BUILT_IN_DOC, required_built_ins),
    Rule("intent-names", INTENTS_DOC, intent_names),
    Rule("custom-intent-samples", INTENTS_DOC, custom_intents_have_samples),
    Rule("utterance-characters", UTTERANCE_DOC, utterance_characters),
    Rule("utterance-length", LIMITS_DOC, utterance_length),
    Rule("utterance-slot-syntax", INTENTS_DOC, utterance_slot_syntax),
    Rule("utterance-slots-declared", INTENTS_DOC, utterance_slots_declared),
    Rule("declared-slots-used", INTENTS_DOC, declared_slots_used),
    Rule("utterance-duplicates", UTTERANCE_DOC, utterance_duplicates),
    Rule("utterance-not-only-a-slot", UTTERANCE_DOC, utterance_not_only_a_slot),
    Rule("slot-types-declared", INTENTS_DOC, slot_types_declared),
    Rule("slot-values", UTTERANCE_DOC, slot_values),
    Rule("slot-value-ids", INTENTS_DOC, slot_value_ids),
)


def lint_model(model: dict[str, Any], name: str = "model") -> list[Problem]:
    """Every problem every model rule finds; a model too malformed to read is one problem."""
    problems = []
    for rule in MODEL_RULES:
        try:
            problems += [Problem(rule.id, f"{name} {where}", message) for where, message in rule.check(model)]
        except (KeyError, TypeError, AttributeError) as error:
            problems.append(Problem(rule.id, name, f"model is malformed: {error!r}"))
    return problems


# The manifest ------------------------------------------------------------------------------------


def phrase_matches(utterance: str, sample: str, types: dict[str, set[str]], slots: dict[str, str]) -> bool:
    """Whether `utterance` is `sample` word for word, each slot filled with one of its values."""
    parts = re.split(r"({\w+})", sample)
    if not (utterance.startswith(parts[0]) and utterance.endswith(parts[-1])):
        return False  # the words before the first slot and after the last already differ
    pattern = ""
    for part in parts:
        name = part[1:-1] if part.startswith("{") else None
        if name is None:
            pattern += re.escape(part)
        else:
            values = sorted(types.get(slots.get(name, ""), set()), key=len, reverse=True)
            pattern += "(?:" + "|".join(re.escape(value) for value in values) + ")" if values else "(?!)"
    return re.fullmatch(pattern, utterance) is not None


def example_phrases(manifest: dict[str, Any], models: dict[str, dict[str, Any]]) -> Iterator[Problem]:
    locales = manifest["manifest"]["publishingInformation"]["locales"]
    for locale, info in locales.items():
        where = f"skill.json {locale} examplePhrases"
        phrases = info.get("examplePhrases", [])
        if not 1 <= len(phrases) <= MAX_EXAMPLE_PHRASES:
            yield Problem("example-phrases", where, f"give 1 to {MAX_EXAMPLE_PHRASES} example phrases")
        model = models.get(locale)
        if model is None:
            yield Problem("example-phrases", where, f"no interaction model for {locale}")
            continue
        invocation = language(model)["invocationName"]
        types = {
            slot_type["name"]: {form for value in slot_type["values"]
                                for form in (value["name"]["value"], *value["name"].get("synonyms", []))}
            for slot_type in language(model).get("types", [])
        }  # fmt: skip
        for phrase in phrases:
            if phrase == f"Alexa, open {invocation}":
                continue
            prefix = f"Alexa, ask {invocation} "
            utterance = phrase.removeprefix(prefix)
            matched = phrase.startswith(prefix) and any(
                phrase_matches(
                    utterance, sample, types, {s["name"]: s["type"] for s in intent.get("slots", [])}
                )
                for intent in language(model)["intents"]
                for sample in intent.get("samples", [])
            )
            if not matched:
                yield Problem(
                    "example-phrases",
                    where,
                    f"{phrase!r} must be 'Alexa, open {invocation}' or 'Alexa, ask {invocation} ' "
                    "followed by a sample utterance word for word",
                )


def health_disclaimer(manifest: dict[str, Any], models: dict[str, dict[str, Any]]) -> Iterator[Problem]:
    for locale, info in manifest["manifest"]["publishingInformation"]["locales"].items():
        description = info.get("description", "").lower()
        for needed in ("not a substitute for professional medical advice", "emergency"):
            if needed not in description:
                yield Problem("health-disclaimer", f"skill.json {locale} description", f"must say {needed!r}")


MANIFEST_RULES: tuple[
    tuple[str, str, Callable[[dict[str, Any], dict[str, dict[str, Any]]], Iterable[Problem]]], ...
] = (
    ("example-phrases", PHRASES_DOC, example_phrases),
    ("health-disclaimer", CERTIFICATION_DOC, health_disclaimer),
)
RULE_COUNT = len(MODEL_RULES) + len(MANIFEST_RULES)


def lint_manifest(manifest: dict[str, Any], models: dict[str, dict[str, Any]]) -> list[Problem]:
    return [problem for _, _, check in MANIFEST_RULES for problem in check(manifest, models)]


def read_models(folder: Path) -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


def built_models() -> dict[str, dict[str, Any]]:
    """Every locale's model as interaction_model builds it from its TOML."""
    return {locale: build(locale) for locale in LOCALES}


def lint_project(models: dict[str, dict[str, Any]] | None = None, manifest: Path = MANIFEST) -> list[Problem]:
    models = built_models() if models is None else models
    problems = [
        problem for locale, model in models.items() for problem in lint_model(model, f"{locale}.json")
    ]
    return problems + lint_manifest(json.loads(manifest.read_text(encoding="utf-8")), models)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `lint` subcommand, for devtools/__main__.py."""
    parser = commands.add_parser("lint", help="check the interaction models and the manifest offline")
    parser.add_argument(
        "--skill-package", type=Path, help="a built skill package (default: our models and manifest)"
    )
    parser.set_defaults(handler=lambda args: main(args.skill_package))


def main(skill_package: Path | None = None) -> int:
    """Lint this project's models and manifest, or a skill package as `make package` writes it."""
    if skill_package is None:
        problems = lint_project()
    else:
        folder = skill_package / "interactionModels" / "custom"
        problems = lint_project(read_models(folder), skill_package / "skill.json")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s); {RULE_COUNT} rules checked")
    return 1 if problems else 0
