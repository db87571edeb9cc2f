"""Muscle Twitch Guide's response layer: words, variety, offers, disclaimers and SSML.

Plain Python with no Alexa SDK import: give it a locale, a topic and the conversation so far,
get back a Reply. `skill/` turns that into Alexa's response JSON.
"""

from __future__ import annotations

from responses.content import DEFAULT_LOCALE, SUPPORTED_LOCALES, load, supported_locale
from responses.conversation import Conversation
from responses.guide import Guide
from responses.reply import Reply

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "Conversation",
    "Guide",
    "Reply",
    "load",
    "supported_locale",
]
