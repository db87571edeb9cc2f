"""The health questions: a safety concern first (skill/safety.py), else which topic was asked.

Slot values arrive as entity-resolution ids (see interaction_model/); this module is the one
map from (intent, slot id) to a topic in the content files.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from responses import Conversation, Guide, Reply
from skill.handlers.base import GuideHandler
from skill.intents import intent_name, resolved_id
from skill.safety import INTENT_CONCERNS, Concern, Found, concern_of

INTENT_TOPICS = {
    "WhyTwitching": "why",
    "HowToPrevent": "prevent",
    "WhenSeeDoctor": "doctor",
    "WhatIsTwitch": "what",
    "HowLong": "how_long",
    "WhyProne": "why_prone",
    "TreatTwitch": "treat",
    "StretchingTears": "stretch_tears",
    "DescribeSymptom": "why",
    "TreatmentOptions": "treat_options",
    "UncoveredQuestion": "uncovered",
}
"""Each custom question intent and the topic it answers when no slot refines it (a twitch
described with no warning sign gets the general "why")."""

UNCOVERED_TOPICS = {
    "NIGHT": "uncovered_night",
    "EXERCISE_AGAIN": "uncovered_exercise",
    "ICE_HEAT": "uncovered_ice_heat",
}
"""Benign questions the article does not answer: an honest line, then the nearest it covers."""

SLOT_TOPICS: dict[tuple[str, str], dict[str, str]] = {
    ("UncoveredQuestion", "Uncovered"): UNCOVERED_TOPICS,
    ("WhyTwitching", "Uncovered"): UNCOVERED_TOPICS,
    ("WhyTwitching", "Cause"): {
        "DEHYDRATION": "why_fluids",
        "ELECTROLYTES": "why_fluids",
        "MAGNESIUM": "why_minerals",
        "CALCIUM": "why_minerals",
        "POTASSIUM": "why_minerals",
        "FATIGUE": "why_fatigue",
        "OVERTRAINING": "why_overtraining",
        "STRETCHING": "stretch_tears",
        "STRESS": "why_stress",
        "CAFFEINE": "why_caffeine",
        "ALCOHOL": "why_alcohol",
        "SLEEP": "why_sleep",
    },
    ("WhyTwitching", "BodyPart"): {"EYELID": "why_eyelid"},
    ("DescribeSymptom", "BodyPart"): {"EYELID": "why_eyelid"},
    ("HowToPrevent", "Uncovered"): UNCOVERED_TOPICS,
    ("TreatTwitch", "Uncovered"): UNCOVERED_TOPICS,
    ("HowToPrevent", "Step"): {
        "FLUIDS": "prevent_fluids",
        "SPORTS_DRINKS": "prevent_sports_drinks",
        "FOOD": "prevent_food",
        "STRETCHING": "prevent_stretching",
        "REST": "prevent_rest",
        "GRADUAL": "prevent_rest",
        "CAFFEINE": "prevent_lifestyle",
        "ALCOHOL": "prevent_lifestyle",
        "STRESS": "prevent_lifestyle",
    },
}
"""Slot ids that lead to a more specific topic; the first slot that matches wins (a question the
article does not cover before anything it names). Causes the article treats as a concern
(damage, a medicine, another illness) are in skill/safety.py, not here."""


def topic_for(handler_input: HandlerInput, intent: str) -> str:
    for (slot_intent, slot_name), topics in SLOT_TOPICS.items():
        if slot_intent == intent:
            topic = topics.get(resolved_id(handler_input, slot_name) or "")
            if topic is not None:
                return topic
    return INTENT_TOPICS[intent]


def address(guide: Guide, conversation: Conversation, found: Found) -> Reply:
    """The reply SAFETY.md gives each concern."""
    if found.concern is Concern.EMERGENCY:
        return guide.emergency(conversation)
    if found.concern is Concern.URGENT:
        return guide.urgent(conversation)
    if found.concern is Concern.WARNING and found.value is not None:
        return guide.warning(conversation, found.value)
    if found.concern is Concern.UNCLEAR:
        return guide.clarify(conversation)
    if found.concern is Concern.PROFESSIONAL:
        if found.slot == "Person" and found.value is not None:
            return guide.person(conversation, found.value)
        return guide.medicine(conversation)
    return guide.worry(conversation)


class QuestionHandler(GuideHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        name = intent_name(handler_input)
        return name in INTENT_TOPICS or name in INTENT_CONCERNS

    def respond(self, handler_input: HandlerInput, guide: Guide, conversation: Conversation) -> Reply:
        found = concern_of(handler_input)
        if found is not None:
            return address(guide, conversation, found)
        return guide.answer(conversation, topic_for(handler_input, intent_name(handler_input) or ""))
