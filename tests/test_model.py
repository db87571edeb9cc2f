"""Contract between the interaction model, the handlers and the content."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections import Counter
from pathlib import Path

import pytest

import interaction_model
from interaction_model import LOCALES, load_model
from responses import SUPPORTED_LOCALES, content, load
from skill.handlers.moves import INTENT_MOVES
from skill.handlers.topics import INTENT_TOPICS, SLOT_TOPICS
from skill.safety import ANY, INTENT_CONCERNS, SLOT_CONCERNS, UNMATCHED, Concern

MODEL = load_model("en-US")
HANDLED = set(INTENT_TOPICS) | set(INTENT_CONCERNS) | set(INTENT_MOVES)
BUILT_INS = {
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.RepeatIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
    "AMAZON.StartOverIntent", "AMAZON.PreviousIntent",
}  # fmt: skip


def test_every_model_intent_has_a_handler_and_every_handled_intent_is_in_the_model() -> None:
    assert set(MODEL.intents) == HANDLED


def test_required_and_promised_built_ins_are_declared() -> None:
    assert set(MODEL.intents) >= BUILT_INS


def test_the_three_asked_for_intents_exist_with_enough_varied_samples() -> None:
    for name in ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor"):
        samples = MODEL.intents[name].samples
        assert len(samples) >= 80, name
        assert len({s.split()[0] for s in samples}) >= 8, f"{name}: samples start too alike"


def test_invocation_name() -> None:
    assert MODEL.invocation_name == "muscle twitch guide"


def test_no_sample_twice_within_or_across_intents() -> None:
    counts = Counter(s.lower() for intent in MODEL.intents.values() for s in intent.samples)
    assert [s for s, n in counts.items() if n > 1] == []


def test_every_slot_in_a_sample_is_declared_and_every_declared_slot_is_used() -> None:
    for intent in MODEL.intents.values():
        used = {name for s in intent.samples for name in re.findall(r"{(\w+)}", s)}
        assert used == set(intent.slots), intent.name
        for type_name in intent.slots.values():
            assert type_name in MODEL.types, type_name


def test_samples_use_only_characters_alexa_accepts() -> None:
    for intent in MODEL.intents.values():
        for sample in intent.samples:
            assert re.fullmatch(r"[a-zA-Z' .{}]+", sample), sample
            assert sample == sample.strip() and "  " not in sample


def test_slot_ids_the_code_maps_exist_in_the_model_and_lead_to_real_topics() -> None:
    topics = load("en-US").topics
    assert set(INTENT_TOPICS.values()) <= set(topics)
    for (intent, slot), mapping in SLOT_TOPICS.items():
        type_name = MODEL.intents[intent].slots[slot]
        ids = {value.id for value in MODEL.types[type_name]}
        assert set(mapping) <= ids, (intent, slot, set(mapping) - ids)
        assert set(mapping.values()) <= set(topics)


def test_every_safety_slot_id_exists_and_every_id_has_its_words() -> None:
    """The safety table names only ids the model has; every warning sign and person id has the
    words the safety lines need in every locale."""
    for slot, table in SLOT_CONCERNS.items():
        types = {intent.slots[slot] for intent in MODEL.intents.values() if slot in intent.slots}
        assert len(types) == 1, (slot, types)
        ids = {value.id for value in MODEL.types[types.pop()]}
        assert set(table) - {ANY, UNMATCHED} <= ids, slot
        if slot == "Symptom":
            assert ids == set(table) - {UNMATCHED}, "every symptom id raises a concern"
    warnings = {i for i, concern in SLOT_CONCERNS["Symptom"].items() if concern is Concern.WARNING}
    persons = {value.id for value in MODEL.types["PERSON"]}
    for locale in SUPPORTED_LOCALES:
        assert set(load(locale).signs) == warnings
        assert set(load(locale).persons) == persons


def test_question_intents_all_hear_warning_signs_and_emergencies() -> None:
    for name in ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor", "TreatTwitch"):
        assert {"Symptom", "Emergency"} <= set(MODEL.intents[name].slots), name


def test_slot_values_and_synonyms_are_unique_within_each_type() -> None:
    for type_name, values in MODEL.types.items():
        forms = Counter(form.lower() for value in values for form in value.spoken_forms())
        assert [f for f, n in forms.items() if n > 1] == [], type_name
        assert len({value.id for value in values}) == len(values)


FIXTURE = Path(__file__).parent / "fixtures" / "interaction_model"


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_builds_todays_model_byte_for_byte(locale: str) -> None:
    """The TOML sources build the JSON that was committed by hand before them. No locale has an
    overlay that changes its model, so every locale is en-US's: when one does on purpose, give it
    a fixture of its own."""
    built = json.dumps(interaction_model.build(locale), indent=2) + "\n"
    assert built == (FIXTURE / "en-US.json").read_text(encoding="utf-8")


def test_language_toml_lists_every_intent_and_type_file_once() -> None:
    language = tomllib.loads((interaction_model.SOURCE_DIR / "language.toml").read_text(encoding="utf-8"))
    for folder in ("intents", "types"):
        files = sorted(path.stem for path in (interaction_model.SOURCE_DIR / folder).glob("*.toml"))
        assert sorted(language[folder]) == files, folder
        assert len(set(language[folder])) == len(language[folder]), folder


def test_a_locale_overlay_overrides_single_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """locales/<locale>.toml merges over the en-US source as responses' locale files do."""
    shutil.copytree(interaction_model.SOURCE_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "en-GB.toml").write_text(
        'invocation_name = "muscle twitch helper"\n[intents.TellMeMore]\nsamples = ["go on then"]\n'
    )
    monkeypatch.setattr(interaction_model, "SOURCE_DIR", tmp_path)
    gb = interaction_model.build("en-GB")["interactionModel"]["languageModel"]
    us = interaction_model.build("en-US")["interactionModel"]["languageModel"]
    assert gb["invocationName"] == "muscle twitch helper"
    assert [i for i in gb["intents"] if i["name"] == "TellMeMore"] == [
        {"name": "TellMeMore", "slots": [], "samples": ["go on then"]}
    ]
    others = [i for i in gb["intents"] if i["name"] != "TellMeMore"]
    assert others == [i for i in us["intents"] if i["name"] != "TellMeMore"]
    assert gb["types"] == us["types"]


def test_made_up_locales_share_the_real_locales_cache_entries() -> None:
    """load_model and responses.load normalise the locale before their caches: 1,000 made-up
    locales (unknown, or ours in another case) add no entries beyond one per real locale."""
    made_up = [f"x{n}-{n}" for n in range(993)] + [locale.lower() for locale in LOCALES] + ["", " en-GB "]
    for locale in made_up:
        assert interaction_model.load_model(locale).locale in LOCALES
        assert load(locale).locale in LOCALES
    assert interaction_model._model.cache_info().currsize <= len(LOCALES)
    assert content._load.cache_info().currsize <= len(LOCALES)
    assert interaction_model.load_model("x1-1") is interaction_model.load_model("en-US")
