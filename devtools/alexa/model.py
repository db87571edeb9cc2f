"""Reads our interaction model (interaction_model/<locale>.json): intents, slots, slot types.

Used by tools that play Alexa's part offline (simulator, local console, linter, tests); the
skill itself never needs it at run time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from devtools.paths import REPO

MODEL_DIR = REPO / "interaction_model"


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


@cache
def load_model(locale: str = "en-US") -> InteractionModel:
    """The model for `locale`, or the en-US one when the locale has no model of its own."""
    path = MODEL_DIR / f"{locale}.json"
    if not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", locale) or not path.exists():
        locale, path = "en-US", MODEL_DIR / "en-US.json"
    with path.open(encoding="utf-8") as handle:
        return parse_model(locale, json.load(handle))
