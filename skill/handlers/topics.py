"""The health questions: which topic was asked about, refined by slots, and any red flags.

Slot values arrive as entity-resolution ids (see interaction_model/); this module is the one
map from (intent, slot id) to a topic in the content files.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from responses import Conversation, Guide, Reply
from skill.handlers.base import GuideHandler
from skill.intents import intent_name, resolved_id

INTENT_TOPICS = {
    "WhyTwitching": "why",
    "HowToPrevent": "prevent",
    "WhenSeeDoctor": "doctor",
    "WhatIsTwitch": "what",
    "TreatTwitch": "treat",
    "StretchingTears": "stretch_tears",
}
"""Each custom question intent and the topic it answers when no slot refines it."""

SLOT_TOPICS: dict[tuple[str, str], dict[str, str]] = {
    ("WhyTwitching", "Cause"): {
        "DEHYDRATION": "why_fluids",
        "ELECTROLYTES": "why_fluids",
        "MAGNESIUM": "why_minerals",
        "CALCIUM": "why_minerals",
        "POTASSIUM": "why_minerals",
        "FATIGUE": "why_fatigue",
        "OVERTRAINING": "why_overtraining",
        "STRETCHING": "stretch_tears",
        "STRESS": "why_lifestyle",
        "CAFFEINE": "why_lifestyle",
        "ALCOHOL": "why_lifestyle",
        "MEDICATION": "why_lifestyle",
    },
    ("WhyTwitching", "BodyPart"): {"EYELID": "why_eyelid"},
    ("HowToPrevent", "Step"): {
        "FLUIDS": "prevent_fluids",
        "FOOD": "prevent_food",
        "STRETCHING": "prevent_stretching",
        "REST": "prevent_rest",
        "GRADUAL": "prevent_rest",
        "CAFFEINE": "prevent_lifestyle",
        "ALCOHOL": "prevent_lifestyle",
        "STRESS": "prevent_lifestyle",
    },
}
"""Slot ids that lead to a more specific topic; the first slot that matches wins."""

SYMPTOM_SLOT = "Symptom"
EMERGENCY_SYMPTOMS = frozenset({"CHEST_PAIN", "BREATHING", "CANNOT_MOVE", "ONE_SIDED_WEAKNESS", "FAINTING"})
"""Symptom ids that get only the call-your-emergency-number line."""
RED_FLAG_SYMPTOMS = frozenset({"WEAKNESS", "NUMBNESS", "PAIN", "PERSISTENT", "DAILY_LIFE"})
"""Symptom ids that put see-a-professional advice first (ids match [signs] in the content)."""


def topic_for(handler_input: HandlerInput, intent: str) -> str:
    for (slot_intent, slot_name), topics in SLOT_TOPICS.items():
        if slot_intent == intent:
            topic = topics.get(resolved_id(handler_input, slot_name) or "")
            if topic is not None:
                return topic
    return INTENT_TOPICS[intent]


class QuestionHandler(GuideHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) in INTENT_TOPICS

    def respond(self, handler_input: HandlerInput, guide: Guide, conversation: Conversation) -> Reply:
        symptom = resolved_id(handler_input, SYMPTOM_SLOT)
        if symptom in EMERGENCY_SYMPTOMS:
            return guide.emergency(conversation)
        sign = symptom if symptom in RED_FLAG_SYMPTOMS else None
        return guide.answer(conversation, topic_for(handler_input, intent_name(handler_input) or ""), sign)
