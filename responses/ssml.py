"""The one place where spoken text becomes SSML.

Every string the skill speaks passes through `speak`, which escapes it and wraps it in a
`<speak>` document, so no handler or content file ever writes markup by hand.
"""

from __future__ import annotations

from html import escape, unescape

MAX_SSML_CHARS = 8000
"""Alexa rejects output speech longer than this (SSML tags included)."""

PAUSE = '<break time="300ms"/>'
"""A short breath between the parts of a reply (disclaimer, answer, offer)."""


def speak(*parts: str) -> str:
    """Return a `<speak>` document saying each non-empty part in turn, with a short pause between.

    Raises ValueError when the result would exceed Alexa's limit: content is ours, so an
    over-long reply is a bug to find in tests, not something to truncate silently.
    """
    body = f" {PAUSE} ".join(escape(part.strip(), quote=False) for part in parts if part.strip())
    ssml = f"<speak>{body}</speak>"
    if len(ssml) > MAX_SSML_CHARS:
        raise ValueError(f"SSML of {len(ssml)} characters exceeds Alexa's {MAX_SSML_CHARS}")
    return ssml


def is_speech(ssml: object) -> bool:
    """Whether `ssml` is a document `speak` could have written, saying something: what a stored
    reply (session attributes, perhaps from another version of the skill) must be before it is
    said again."""
    if not isinstance(ssml, str) or not ssml.startswith("<speak>") or not ssml.endswith("</speak>"):
        return False
    body = ssml[len("<speak>") : -len("</speak>")]
    if not body:
        return False
    try:
        return speak(*(unescape(part) for part in body.split(f" {PAUSE} "))) == ssml
    except ValueError:
        return False
