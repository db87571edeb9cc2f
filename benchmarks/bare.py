"""The reference: the smallest possible ask-sdk-core skill (one handler, one fixed sentence),
behind the same Lambda contract as ours, so every figure can be a ratio measured side by side in
the same run. It imports only the SDK (the web side is benchmarks/bare_web.py), so its cold
start and memory are the SDK's own."""

from __future__ import annotations

import json
from typing import Any, cast

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, Response


class Fixed(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak("Hello.").set_should_end_session(True).response


def build() -> Any:
    builder = SkillBuilder()
    builder.add_request_handler(Fixed())
    return builder.create()


BARE = build()


def answer(payload: str) -> dict[str, Any]:
    """Request JSON text in, response JSON data out, as the SDK's own handlers do it."""
    envelope = BARE.serializer.deserialize(payload=payload, obj_type=RequestEnvelope)
    return cast(
        dict[str, Any], BARE.serializer.serialize(BARE.invoke(request_envelope=envelope, context=None))
    )


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The SDK's own `SkillBuilder.lambda_handler()` contract (event in, JSON out), without its
    per-call skill construction, so the reference is as lean as ours."""
    return answer(json.dumps(event))
