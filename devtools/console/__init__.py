"""The local test console's core, shared by the web page and the terminal chat.

A `Console` is one simulated Alexa conversation driven by typed text: the resolver turns each
line into the request Alexa would send, the simulator wraps it in a full envelope and carries
the session, and the skill answers in-process through `skill.entry`, exactly as on Lambda.
Nothing here goes through `POST /`, so request verification is never bypassed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from devtools.alexa.resolver import Match, resolver_for
from devtools.alexa.simulator import Simulator
from responses import SUPPORTED_LOCALES
from responses.conversation import ATTRIBUTES_KEY
from skill.entry import handle_event

LOCALES = SUPPORTED_LOCALES
"""The skill's locales, in the order the page and `--locale` offer them (en-US first)."""

EXAMPLES = (
    "open muscle twitch guide",
    "ask muscle twitch guide why do my legs twitch after running",
    "why is my eyelid twitching",
    "is it dehydration",
    "how do I prevent muscle twitches",
    "does stretching help",
    "what should I eat",
    "when should I see a doctor",
    "should I see a doctor if I have numbness",
    "what is a twitch",
    "how do I make it stop right now",
    "does stretching cause tears",
    "yes",
    "tell me more",
    "say that again",
    "go back",
    "help",
    "stop",
)
"""Questions to pick from: docs/console.md's "What to say" list, each resolved by tests/test_console.py."""

APL_RENDER = "Alexa.Presentation.APL.RenderDocument"


def plain(ssml: str) -> str:
    """What a listener hears: the words of an SSML document without its tags."""
    return " ".join("".join(ET.fromstring(ssml).itertext()).split())


def _spoken(speech: dict[str, Any] | None) -> str:
    return plain(speech["ssml"]) if speech and "ssml" in speech else ""


def reply_concern(response: dict[str, Any]) -> str | None:
    """The safety line a response of our skill says ("emergency", "warning", ...), as the skill
    itself records it in the session attributes; None for any other answer."""
    state = (response.get("sessionAttributes") or {}).get(ATTRIBUTES_KEY) or {}
    concern = state.get("reply_concern") if isinstance(state, dict) else None
    return concern if isinstance(concern, str) else None


def heard_slots(envelope: dict[str, Any]) -> list[dict[str, str]]:
    """The filled slots of a request envelope (ours or one the real Alexa sent), each with the
    words heard, entity resolution's status and the entity id it resolved to ("" for none)."""
    intent = envelope.get("request", {}).get("intent") or {}
    found = []
    for slot in (intent.get("slots") or {}).values():
        if "value" not in slot:
            continue
        authorities = (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or [{}]
        resolution = authorities[0]
        values = resolution.get("values") or [{}]
        found.append(
            {
                "name": slot["name"],
                "value": slot["value"],
                "status": (resolution.get("status") or {}).get("code", ""),
                "id": values[0].get("value", {}).get("id", ""),
            }
        )
    return found


@dataclass(frozen=True)
class Turn:
    """One exchange: what was typed, what Alexa made of it, and the envelopes both ways."""

    text: str
    match: Match
    request: dict[str, Any]
    response: dict[str, Any]

    @property
    def body(self) -> dict[str, Any]:
        return self.response.get("response") or {}

    @property
    def ssml(self) -> str:
        return str((self.body.get("outputSpeech") or {}).get("ssml", ""))

    @property
    def speech(self) -> str:
        return _spoken(self.body.get("outputSpeech"))

    @property
    def reprompt(self) -> str:
        return _spoken((self.body.get("reprompt") or {}).get("outputSpeech"))

    @property
    def card(self) -> dict[str, str] | None:
        card = self.body.get("card")
        return {"title": card.get("title", ""), "text": card.get("text", "")} if card else None

    @property
    def screen(self) -> dict[str, Any] | None:
        """Title and points of the APL document's data, as a screen device would show them."""
        for directive in self.body.get("directives") or ():
            if directive.get("type") == APL_RENDER:
                for data in (directive.get("datasources") or {}).values():
                    return {"title": data.get("title", ""), "points": list(data.get("points", []))}
        return None

    @property
    def new_session(self) -> bool:
        """Whether this turn opened a session: the first turn, or one after the skill ended the
        last session, after the new-session button, or a line that names the skill."""
        return bool((self.request.get("session") or {}).get("new"))

    @property
    def ended(self) -> bool:
        return bool(self.body.get("shouldEndSession", True))

    @property
    def slots(self) -> list[dict[str, str]]:
        """The slots the skill received, with Alexa's entity-resolution verdict on each."""
        return heard_slots(self.request)

    def view(self) -> dict[str, Any]:
        """Everything the page shows, JSON-ready."""
        return {
            "request_type": self.match.request,
            "intent": self.match.intent,
            "slots": self.slots,
            "score": round(self.match.score, 1),
            "sample": self.match.sample,
            "speech": self.speech,
            "reprompt": self.reprompt,
            "card": self.card,
            "screen": self.screen,
            "new_session": self.new_session,
            "ended": self.ended,
            "request": self.request,
            "response": self.response,
        }


class Console:
    """One developer talking to the skill: one locale, one simulated device, one session."""

    def __init__(self, locale: str = "en-US", screen: bool = False) -> None:
        if locale not in LOCALES:
            raise ValueError(f"unknown locale {locale!r}; one of {', '.join(LOCALES)}")
        self.resolver = resolver_for(locale)
        self.simulator = Simulator(self._invoke, locale, screen, model=self.resolver.model)
        self._sent: dict[str, Any] = {}

    @property
    def locale(self) -> str:
        return self.simulator.locale

    def _invoke(self, envelope: dict[str, Any]) -> dict[str, Any]:
        self._sent = envelope
        return handle_event(envelope)

    def say(self, text: str) -> Turn:
        match = self.resolver.resolve(text)
        if match.invoked:
            self.simulator.new_session()
        if match.request == "LaunchRequest":
            response = self.simulator.launch()
        elif match.request == "SessionEndedRequest":
            response = self.simulator.session_ended()
        else:
            response = self.simulator.intent(str(match.intent), ids=match.ids, **match.slots)
        return Turn(text, match, self._sent, response)

    def new_session(self) -> None:
        self.simulator.new_session()
