"""The one adapter from a plain Reply to the SDK's response: speech, reprompt, card, screen."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response
from ask_sdk_model.ui import Reprompt, SsmlOutputSpeech, StandardCard

from responses import Reply

APL_DOCUMENT = Path(__file__).parent / "apl" / "topic.json"
APL_TOKEN = "muscleTwitchGuideTopic"


@lru_cache(maxsize=None)
def apl_document() -> dict[str, Any]:
    with APL_DOCUMENT.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def has_screen(handler_input: HandlerInput) -> bool:
    """True when the device renders APL (supportedInterfaces has Alexa.Presentation.APL)."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def render(builder: ResponseFactory, reply: Reply, screen: bool) -> Response:
    """Fill `builder` from `reply`; `screen` says whether the device shows APL."""
    builder.response.output_speech = SsmlOutputSpeech(ssml=reply.ssml)
    if reply.reprompt is not None:
        builder.response.reprompt = Reprompt(output_speech=SsmlOutputSpeech(ssml=reply.reprompt))
    if reply.card_title is not None:
        builder.set_card(StandardCard(title=reply.card_title, text=reply.card_text))
    if screen and reply.points and reply.card_title is not None:
        # Imported here: the APL models are a hundred modules, a fifth of a cold start, and
        # a device without a screen never needs them.
        from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

        builder.add_directive(
            RenderDocumentDirective(
                token=APL_TOKEN,
                document=apl_document(),
                datasources={"topic": {"title": reply.card_title, "points": list(reply.points)}},
            )
        )
    builder.set_should_end_session(reply.end_session)
    return builder.response
