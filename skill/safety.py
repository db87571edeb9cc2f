"""What counts as which safety concern (docs/safety.md): one table, read by the handlers.

A question is first checked for a concern; only a request with none gets an article answer.
Concerns come from the intent itself (a person describing an emergency, a feared illness, a
medicine) and from resolved slot ids (a warning sign said inside a "why" question). A slot that
Alexa heard but could not resolve (ER_SUCCESS_NO_MATCH) counts where an unknown value is itself
a worry: a symptom or cause we do not know is "only a doctor can tell", never the general answer.
So is an illness people name as the cause that the article does not cover (the model's
OTHER_ILLNESS cause: thyroid, diabetes, a virus).
A fear that twitching means damage (nerve or muscle damage) is a worry too, never a cause to
confirm. So is a medicine named as the cause: a professional's question.
Only a named emergency is an emergency. The emergency intent heard with no emergency word ("what
should I do"), or with words naming none we know ("I feel great"), is unclear: the reply says the
number in case and asks what they feel, and the session stays open. When several apply, the most
urgent wins.

Once a concern is said, the session remembers it, and REPLACED says which kinds of answer it
replaces for the rest of that session (responses.Guide reads it).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import IntEnum

from ask_sdk_core.handler_input import HandlerInput

from skill.intents import heard, intent_name, resolved_id


class Concern(IntEnum):
    """Safety classes, most urgent first (a lower value wins)."""

    EMERGENCY = 0
    URGENT = 1
    WARNING = 2
    UNCLEAR = 3
    WORRY = 4
    PROFESSIONAL = 5


ANY = "*"
"""Any resolved id of the slot."""
UNMATCHED = "?"
"""Words heard in the slot that match none of its type's values."""

SLOT_CONCERNS: dict[str, dict[str, Concern]] = {
    "Emergency": {ANY: Concern.EMERGENCY, UNMATCHED: Concern.UNCLEAR},
    "Symptom": {
        "DARK_URINE": Concern.URGENT,
        **dict.fromkeys(
            ("WEAKNESS", "NUMBNESS", "PAIN", "PERSISTENT", "SPREADING", "SHRINKING", "DAILY_LIFE", "CRAMPS"),
            Concern.WARNING,
        ),
        UNMATCHED: Concern.WORRY,
    },
    "Condition": {ANY: Concern.WORRY, UNMATCHED: Concern.WORRY},
    "Cause": {
        **dict.fromkeys(("OTHER_ILLNESS", "NERVE_DAMAGE", "MUSCLE_DAMAGE"), Concern.WORRY),
        "MEDICATION": Concern.PROFESSIONAL,
        UNMATCHED: Concern.WORRY,
    },
    "Person": {ANY: Concern.PROFESSIONAL},
    "Medicine": {ANY: Concern.PROFESSIONAL, UNMATCHED: Concern.PROFESSIONAL},
}
"""Slot name -> resolved id (or ANY, UNMATCHED) -> the concern it raises, in any intent. Among
equally urgent concerns the first slot here wins (a child's medicine: the child)."""

PAIRED_CONCERNS: dict[tuple[tuple[str, str], ...], Concern] = {
    (("Symptom", "PAIN"), ("BodyPart", "CHEST")): Concern.EMERGENCY,
}
"""Slot ids that together raise more than either alone: "I have pain in my chest" is chest pain."""
PAIRED_SLOTS = tuple({slot for pairs in PAIRED_CONCERNS for slot, _ in pairs} - set(SLOT_CONCERNS))

INTENT_CONCERNS: dict[str, Concern] = {
    "NamedEmergency": Concern.EMERGENCY,
    "EmergencySymptom": Concern.UNCLEAR,
    "IllnessWorry": Concern.WORRY,
    "MedicineQuestion": Concern.PROFESSIONAL,
}
"""Intents that are a concern whatever their slots hold, unless a slot heard in them is unclear.
NamedEmergency's every sample names an emergency in its own words ("chest pain", "I fainted");
EmergencySymptom's samples carry the emergency in their slot ("I think I'm having {Emergency}"),
so heard without one ("what should I do") it is unclear, never an emergency."""

REPLACED: dict[str, frozenset[str]] = {
    "urgent": frozenset({"reassurance", "self_care", "information"}),
    "warning": frozenset({"reassurance"}),
    "worry": frozenset({"reassurance"}),
    "person": frozenset({"reassurance", "self_care"}),
    "medicine": frozenset({"reassurance"}),
}
"""Once a safety line (responses' name for it) has been said in a session, the kinds of article
answer (responses' Topic.kind) that the session hears that line again instead of. Nothing
reassures after any concern; after dark urine nothing but "get care today" is said, not even
self-care tips; tips meant for adults are not given for a child, a baby or a pregnancy."""


@dataclass(frozen=True)
class Found:
    concern: Concern
    slot: str | None = None
    """The slot that raised it (None: the intent itself)."""
    value: str | None = None
    """That slot's resolved id, if any: which warning sign, which person."""


def concern_of(handler_input: HandlerInput) -> Found | None:
    """The most urgent concern in an IntentRequest, or None when there is none."""
    slots = (*SLOT_CONCERNS, *PAIRED_SLOTS)
    ids = {slot: resolved_id(handler_input, slot) for slot in slots}
    unmatched = {slot for slot in SLOT_CONCERNS if ids[slot] is None and heard(handler_input, slot)}
    found = {slot: (value,) if value is not None else () for slot, value in ids.items()}
    return most_urgent(intent_name(handler_input), found, unmatched)


def most_urgent(
    intent: str | None, ids: Mapping[str, Collection[str]], unmatched: Collection[str] = ()
) -> Found | None:
    """The most urgent concern raised by an intent (None: no intent, as in free text), the resolved
    ids of each slot (any number per slot), and the slots heard with words matching none of their
    type's values; None when there is none."""
    found: list[Found] = []
    for slot, table in SLOT_CONCERNS.items():
        for value in ids.get(slot, ()):
            concern = table.get(value, table.get(ANY))
            if concern is not None:
                found.append(Found(concern, slot, value))
        if slot in unmatched and UNMATCHED in table:
            found.append(Found(table[UNMATCHED], slot))
    if intent in INTENT_CONCERNS and all(item.concern is not Concern.UNCLEAR for item in found):
        found.append(Found(INTENT_CONCERNS[intent]))
    for pairs, concern in PAIRED_CONCERNS.items():
        if all(value in ids.get(slot, ()) for slot, value in pairs):
            found.append(Found(concern, *pairs[0]))
    return min(found, key=lambda item: (item.concern, item.value is None), default=None)
