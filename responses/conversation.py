"""What the skill remembers within one session, as one small typed object.

Alexa hands session attributes back on every turn; they are the only state the skill has, so
any number of Lambda instances or web workers can serve a conversation. Loading is forgiving:
attributes written by another version of the skill, or tampered with, are dropped field by field
rather than trusted or allowed to crash the turn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from responses.reply import Reply

ATTRIBUTES_KEY = "guide"
"""All our state sits under this one session-attribute key (stable across versions)."""

MAX_HISTORY = 30
"""More than there are topics, so an offer never comes back for a topic heard long ago."""
MAX_ANSWERS = 2
"""Answers kept word for word: the last one, and the one "go back" replays."""
MAX_STATE_CHARS = 8192
"""Our state is under 5 KB as JSON (the last reply, the two last answers and every topic heard).
Anything larger was not written by this version, and keeping it would send it back to Alexa on
every turn, where a whole response may be at most 24 KB; it is dropped whole."""


@dataclass
class Conversation:
    disclaimer_given: bool = False
    topic: str | None = None
    """The topic of the last answer ("tell me more" expands it)."""
    offer: str | None = None
    """The topic the last reply offered: what Yes leads to."""
    offers: list[str] = field(default_factory=list)
    """Every topic offered this session, even if declined: no offer is made twice."""
    heard: list[str] = field(default_factory=list)
    """Topics answered this session, oldest first; offers skip them, "go back" walks them."""
    wording: dict[str, int] = field(default_factory=dict)
    """Index of the last summary wording used per topic, so the next one differs."""
    expanded: bool = False
    """Whether "tell me more" already gave the longer version of `topic`."""
    fallbacks: int = 0
    """Fallbacks in a row; the second one ends the session politely."""
    last: Reply | None = None
    """The last reply that kept the session open, for Repeat."""
    answers: list[Reply] = field(default_factory=list)
    """The last answers (topics and safety lines), oldest first: "go back" replays the one before
    the last, word for word."""
    concern: str | None = None
    """The most recent safety line said this session ("urgent", "warning", "worry", "medicine",
    "person"): once raised, nothing in the session reassures. Lives only here, in session
    attributes, and dies with the session; it is never logged."""
    concern_value: str | None = None
    """Which warning sign or person that line named (an id of the content's [signs] or [persons])."""
    reply_concern: str | None = None
    """The safety line this turn's reply says (Reply.concern), rewritten every turn: data for
    whoever reads the response (the console, the evaluation), so none of them rebuilds it from
    the words. The skill never reads it back."""

    def to_attributes(self) -> dict[str, Any]:
        state = {
            "disclaimer_given": self.disclaimer_given,
            "topic": self.topic,
            "offer": self.offer,
            "offers": list(self.offers),
            "heard": list(self.heard),
            "wording": dict(self.wording),
            "expanded": self.expanded,
            "fallbacks": self.fallbacks,
            "last": self.last.to_dict() if self.last is not None else None,
            "answers": [answer.to_dict() for answer in self.answers],
            "concern": self.concern,
            "concern_value": self.concern_value,
            "reply_concern": self.reply_concern,
        }
        return {ATTRIBUTES_KEY: state}

    @classmethod
    def from_attributes(cls, attributes: object) -> Conversation:
        raw = attributes.get(ATTRIBUTES_KEY) if isinstance(attributes, dict) else None
        conversation = cls()
        if not isinstance(raw, dict) or len(json.dumps(raw)) > MAX_STATE_CHARS:
            return conversation
        for flag in ("disclaimer_given", "expanded"):
            if isinstance(raw.get(flag), bool):
                setattr(conversation, flag, raw[flag])
        for name in ("topic", "offer", "concern", "concern_value"):
            if isinstance(raw.get(name), str):
                setattr(conversation, name, raw[name])
        for name in ("heard", "offers"):
            items = raw.get(name)
            if isinstance(items, list):
                setattr(conversation, name, [item for item in items if isinstance(item, str)][-MAX_HISTORY:])
        wording = raw.get("wording")
        if isinstance(wording, dict):
            conversation.wording = {
                key: value
                for key, value in wording.items()
                if isinstance(key, str) and type(value) is int and value >= 0
            }
        fallbacks = raw.get("fallbacks")
        if type(fallbacks) is int and fallbacks >= 0:
            conversation.fallbacks = fallbacks
        conversation.last = Reply.from_dict(raw.get("last"))
        answers = raw.get("answers")
        if isinstance(answers, list):
            kept = (Reply.from_dict(answer) for answer in answers[-MAX_ANSWERS:])
            conversation.answers = [answer for answer in kept if answer is not None]
        return conversation
