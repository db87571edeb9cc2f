"""What a person said, as free text, to the safety concern and the line the skill says for it.

The words are matched against the interaction model's own slot vocabulary
(interaction_model/vocabulary.py: the words real Alexa hears for each slot type), the values
found are read through skill/safety.py's table exactly as the skill reads Alexa's resolved slots,
and the line is the one responses/ says for that concern. Free text has no intent, so only slot
values raise a concern here; structured hints (a body part, an activity, who it is about) count
as values of their slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from random import Random
from typing import Literal

from interaction_model import SlotValue, load_model
from interaction_model.vocabulary import Vocabulary, normalize
from responses import Conversation, Guide, load, supported_locale
from responses.content import Content
from skill.handlers.topics import address
from skill.safety import PAIRED_SLOTS, REPLACED, SLOT_CONCERNS, Found, most_urgent

Concern = Literal["emergency", "urgent", "doctor", "worry", "professional", "none"]
"""The classes the tool reports: docs/safety.md's kinds of answer (tests/corpus' classes)."""

HINTS = {"body_part": "BodyPart", "activity": "Activity", "person": "Person"}
"""Each structured hint and the slot whose values it names."""

CONCERN_CLASSES: dict[str, Concern] = {
    "emergency": "emergency",
    "urgent": "urgent",
    "warning": "doctor",
    "worry": "worry",
    "medicine": "professional",
    "person": "professional",
}
"""responses' name for each safety line -> the class the tool reports (tests/corpus' classes)."""


@dataclass(frozen=True)
class Check:
    concern: Concern
    """emergency, urgent, doctor, worry, professional or none."""
    say: str | None
    """The exact line to say for it, in the locale's words (None: no concern)."""
    locale: str
    """The locale whose words and emergency number were used."""
    found: dict[str, list[str]]
    """Slot name -> the entity ids named (never the words themselves)."""


@cache
def _model(locale: str) -> tuple[Vocabulary, dict[str, str]]:
    """The locale's slot vocabulary, and each slot name's type."""
    model = load_model(locale)
    slot_types = {name: kind for intent in model.intents.values() for name, kind in intent.slots.items()}
    return _vocabulary(tuple(model.types.items())), slot_types


@cache
def _vocabulary(types: tuple[tuple[str, tuple[SlotValue, ...]], ...]) -> Vocabulary:
    """One vocabulary for every locale with the same slot values (the English models are copies
    of one), so what it learns of one locale's words serves them all."""
    return Vocabulary(dict(types))


def _ids(vocabulary: Vocabulary, line: str, type_name: str) -> list[str]:
    """The entity ids `line` names of one slot type, each once, in the order said."""
    spans = sorted(
        (*vocabulary.spans(line, type_name), *vocabulary.loose_spans(line, type_name)),
        key=lambda span: span.start,
    )
    return list(dict.fromkeys(span.id for span in spans))


def check_text(text: str, locale: str | None = None, **hints: str | None) -> Check:
    """The most urgent concern in `text` plus `hints` (keys of HINTS), with its line."""
    locale = supported_locale(locale)
    vocabulary, slot_types = _model(locale)
    line = normalize(text)
    slots = dict.fromkeys((*SLOT_CONCERNS, *PAIRED_SLOTS, *HINTS.values()))
    found = {slot: _ids(vocabulary, line, slot_types[slot]) for slot in slots}
    for hint, slot in HINTS.items():
        said = hints.get(hint)
        if said:
            found[slot] = list(
                dict.fromkeys((*found[slot], *_ids(vocabulary, normalize(said), slot_types[slot])))
            )
    concern, say = _line(load(locale), most_urgent(None, found))
    return Check(
        concern=concern,
        say=say,
        locale=locale,
        found={slot: ids for slot, ids in found.items() if ids},
    )


def _line(content: Content, found: Found | None) -> tuple[Concern, str | None]:
    """The concern's class and the line the skill says for it (skill/handlers/topics.py's choice
    of line, responses' words)."""
    if found is None:
        return "none", None
    conversation = Conversation()
    guide = Guide(content, Random(0), REPLACED)
    reply = address(guide, conversation, found)
    line = content.safety["emergency"] if reply.concern == "emergency" else guide.concern_line(conversation)
    return CONCERN_CLASSES[reply.concern or ""], line
