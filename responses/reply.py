"""The plain value a turn produces: what Alexa says, shows and whether it keeps listening."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from responses.ssml import is_speech


@dataclass(frozen=True)
class Reply:
    ssml: str
    """A complete `<speak>` document (built by responses.ssml.speak)."""
    reprompt: str | None
    """Said if the listener stays silent; None means nothing was asked and the session ends."""
    card_title: str | None = None
    """Title of the Alexa app card and of the screen; None sends no card."""
    card_text: str = ""
    points: tuple[str, ...] = ()
    """Up to three key points for a device with a screen."""
    topic: str | None = None
    """The article topic this reply answers, if any ("tell me more" expands it)."""
    offer: str | None = None
    """The topic its closing question offers: what Yes leads to."""
    concern: str | None = None
    """The safety line it says, if any ("emergency", "clarify", "urgent", "warning", "worry",
    "medicine", "person"): data for whoever needs to know (tests, evaluation, the console), so
    nothing has to rebuild it from the words."""

    @property
    def end_session(self) -> bool:
        return self.reprompt is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, written out (dataclasses.asdict's deep copy costs more per turn than
        the rest of our handling)."""
        return {
            "ssml": self.ssml,
            "reprompt": self.reprompt,
            "card_title": self.card_title,
            "card_text": self.card_text,
            "points": list(self.points),
            "topic": self.topic,
            "offer": self.offer,
            "concern": self.concern,
        }

    @classmethod
    def from_dict(cls, raw: object) -> Reply | None:
        """Rebuild a stored reply, or None if the stored value is not one we wrote.

        Only replies that kept the session open are stored (for "repeat"), so the reprompt is
        checked exactly like the speech: both are said again as stored, and anything but a
        document `speak` could have written (a number, plain text, an `<audio>` tag) would break
        Alexa's response rules or say what we never wrote.
        """
        if not isinstance(raw, dict) or not (is_speech(raw.get("ssml")) and is_speech(raw.get("reprompt"))):
            return None
        reprompt, title, text = raw["reprompt"], raw.get("card_title"), raw.get("card_text")
        points = raw.get("points")
        if not (title is None or isinstance(title, str)) or not isinstance(text, str):
            return None
        if not isinstance(points, (list, tuple)) or not all(isinstance(p, str) for p in points):
            return None
        labels = [raw.get(name) for name in ("topic", "offer", "concern")]
        if not all(label is None or isinstance(label, str) for label in labels):
            return None
        return cls(raw["ssml"], reprompt, title, text, tuple(points), *labels)
