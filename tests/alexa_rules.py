"""Alexa's rules for a response, checked on every response the tests see.

From Amazon's custom-skill JSON reference and SSML reference: output speech at most 8,000
characters of well-formed SSML using only supported tags; whole response at most 24 KB; card
title plus content at most 8,000 characters; shouldEndSession set explicitly on spoken responses;
a reprompt exactly when the session stays open, and a shorter question than the one it repeats.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

SUPPORTED_TAGS = {
    "speak",
    "break",
    "emphasis",
    "lang",
    "p",
    "phoneme",
    "prosody",
    "s",
    "say-as",
    "sub",
    "voice",
    "w",
    "audio",
}
MAX_SSML = 8000
MAX_RESPONSE_BYTES = 24 * 1024
MAX_CARD = 8000
SPOKEN_SYMBOLS = re.compile(r"[&%/#@*+=<>$|~^_\\\[\]{}0-9]")


def plain(ssml: str) -> str:
    """The words of an SSML document, tags removed, whitespace folded."""
    root = ET.fromstring(ssml)
    return " ".join("".join(root.itertext()).split())


def check_ssml(ssml: str) -> None:
    assert len(ssml) <= MAX_SSML, f"SSML is {len(ssml)} characters"
    root = ET.fromstring(ssml)  # raises on malformed XML, unescaped & or <
    assert root.tag == "speak"
    for element in root.iter():
        assert element.tag in SUPPORTED_TAGS, f"unsupported SSML tag <{element.tag}>"
        if element.tag == "break":
            assert re.fullmatch(r"\d+ms", element.get("time", "")), element.attrib
    assert plain(ssml), "empty speech"


def check_spoken(ssml: str) -> None:
    """Valid SSML whose words read well aloud: no symbols or digits for Alexa to stumble on."""
    check_ssml(ssml)
    words = plain(ssml)
    assert not SPOKEN_SYMBOLS.search(words), f"symbol or digit read aloud: {words!r}"


def check_reprompt(speech: str, reprompt: str) -> None:
    """An open turn ends on a question, and its reprompt is a question in fewer words than it
    (Amazon's voice design guide: reprompts are short and restate what was asked)."""
    question = re.split(r"(?<=[.!?])\s+", speech)[-1]
    assert question.endswith("?"), f"an open turn ends with a question: {speech!r}"
    assert reprompt.endswith("?"), f"a reprompt is a question: {reprompt!r}"
    assert len(reprompt.split()) < len(question.split()), (question, reprompt)


def check_response(envelope: dict[str, Any]) -> None:
    """Assert that a full response envelope obeys Alexa's rules."""
    assert envelope["version"] == "1.0"
    assert len(json.dumps(envelope).encode()) <= MAX_RESPONSE_BYTES
    response = envelope["response"]
    speech = response.get("outputSpeech")
    if speech is None:
        assert "reprompt" not in response
        return
    assert speech["type"] == "SSML"
    check_spoken(speech["ssml"])
    assert isinstance(response.get("shouldEndSession"), bool), "shouldEndSession must be explicit"
    reprompt = response.get("reprompt")
    if response["shouldEndSession"]:
        assert reprompt is None, "a closing response must not reprompt"
    else:
        assert reprompt is not None, "an open session needs a reprompt"
        check_spoken(reprompt["outputSpeech"]["ssml"])
        check_reprompt(plain(speech["ssml"]), plain(reprompt["outputSpeech"]["ssml"]))
    card = response.get("card")
    if card is not None:
        assert card["type"] == "Standard"
        assert card["title"] and card["text"]
        assert len(card["title"]) + len(card["text"]) <= MAX_CARD
