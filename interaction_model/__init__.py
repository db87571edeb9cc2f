"""The interaction model: authored once for en-US in TOML, built into Alexa's JSON per locale.

language.toml holds the invocation name and the order of intents and slot types; intents/<name>.toml
one intent's slots and samples; types/<name>.toml one slot type's values (id, name, synonyms);
locales/<locale>.toml, where a locale has one, overrides single keys of that source, merged as
responses/content/en-GB.toml is over en.toml. `build(locale)` is the JSON that `make package`
writes and the linter checks; `load_model` reads it for the tools that play Alexa's part offline
(simulator, console, tests) and for the Alexa+ add-on's vocabulary (addon/safety.py). The skill
itself never needs it at run time.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from responses.content import SUPPORTED_LOCALES, merge, supported_locale

SOURCE_DIR = Path(__file__).parent
LOCALES = SUPPORTED_LOCALES


@dataclass(frozen=True)
class SlotValue:
    id: str
    name: str
    synonyms: tuple[str, ...]

    def spoken_forms(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


@dataclass(frozen=True)
class Intent:
    name: str
    slots: dict[str, str]
    """Slot name -> slot type name."""
    samples: tuple[str, ...]


@dataclass(frozen=True)
class InteractionModel:
    locale: str
    invocation_name: str
    intents: dict[str, Intent]
    types: dict[str, tuple[SlotValue, ...]]
    raw: dict[str, Any]

    def resolve(self, type_name: str, spoken: str) -> SlotValue | None:
        """The value whose name or synonym matches what was said (case-insensitive), as Alexa's
        entity resolution does for custom types; None is Alexa's ER_SUCCESS_NO_MATCH."""
        wanted = " ".join(spoken.lower().split())
        for value in self.types.get(type_name, ()):
            if wanted in (form.lower() for form in value.spoken_forms()):
                return value
        return None

    def value(self, type_name: str, id: str) -> SlotValue | None:
        """The value of the type with entity id `id`, if the type has one."""
        return next((value for value in self.types.get(type_name, ()) if value.id == id), None)


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _source(locale: str) -> dict[str, Any]:
    """The TOML of `locale` as one table: invocation_name, intents and types by name, in order,
    the en-US files with the locale's overlay merged over them."""
    language = _read(SOURCE_DIR / "language.toml")
    en_us = {
        "invocation_name": language["invocation_name"],
        "intents": {name: _read(SOURCE_DIR / "intents" / f"{name}.toml") for name in language["intents"]},
        "types": {name: _read(SOURCE_DIR / "types" / f"{name}.toml") for name in language["types"]},
    }
    return merge(en_us, _read(SOURCE_DIR / "locales" / f"{supported_locale(locale)}.toml"))


def _intent(name: str, intent: dict[str, Any]) -> dict[str, Any]:
    # The skill elicits no slot itself (no dialog model), so no slot has samples of its own.
    built: dict[str, Any] = {"name": name}
    if "slots" in intent:
        built["slots"] = [{**slot, "samples": []} for slot in intent["slots"]]
    return {**built, "samples": intent["samples"]}


def _type(name: str, slot_type: dict[str, Any]) -> dict[str, Any]:
    values = [
        {"id": value["id"], "name": {"value": value["name"], "synonyms": value["synonyms"]}}
        for value in slot_type["values"]
    ]
    return {"name": name, "values": values}


def build(locale: str) -> dict[str, Any]:
    """Alexa's interaction model JSON for `locale` (unknown locales get en-US's)."""
    model = _source(locale)
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": model["invocation_name"],
                "intents": [_intent(name, intent) for name, intent in model["intents"].items()],
                "types": [_type(name, slot_type) for name, slot_type in model["types"].items()],
            }
        }
    }


def parse_model(locale: str, raw: dict[str, Any]) -> InteractionModel:
    language = raw["interactionModel"]["languageModel"]
    intents = {
        intent["name"]: Intent(
            name=intent["name"],
            slots={slot["name"]: slot["type"] for slot in intent.get("slots", [])},
            samples=tuple(intent.get("samples", [])),
        )
        for intent in language["intents"]
    }
    types = {
        slot_type["name"]: tuple(
            SlotValue(
                id=value.get("id") or value["name"]["value"],
                name=value["name"]["value"],
                synonyms=tuple(value["name"].get("synonyms", [])),
            )
            for value in slot_type.get("values", [])
        )
        for slot_type in language.get("types", [])
    }
    return InteractionModel(locale, language["invocationName"], intents, types, raw)


def load_model(locale: str = "en-US") -> InteractionModel:
    """The model for `locale`, or the en-US one when the locale has no model of its own."""
    return _model(supported_locale(locale))


@cache
def _model(locale: str) -> InteractionModel:
    """One parsed model per supported locale per process."""
    return parse_model(locale, build(locale))
