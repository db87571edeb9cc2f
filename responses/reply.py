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
        return cls(raw["ssml"], reprompt, title, text, tuple(points))
