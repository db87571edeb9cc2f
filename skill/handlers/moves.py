"""Launch and the built-in intents: each is one move of the guide, chosen from one table."""

from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type

from responses import Conversation, Guide, Reply
from skill.handlers.base import GuideHandler
from skill.intents import intent_name

INTENT_MOVES: dict[str, Callable[[Guide, Conversation], Reply]] = {
    "AMAZON.HelpIntent": Guide.help,
    "AMAZON.YesIntent": Guide.accept,
    "AMAZON.NoIntent": Guide.decline,
    "TellMeMore": Guide.more,
    "AMAZON.RepeatIntent": Guide.repeat,
    "AMAZON.PreviousIntent": Guide.previous,
    "AMAZON.StartOverIntent": Guide.start_over,
    "AMAZON.NavigateHomeIntent": Guide.start_over,
    "AMAZON.StopIntent": Guide.goodbye,
    "AMAZON.CancelIntent": Guide.goodbye,
    "AMAZON.FallbackIntent": Guide.fallback,
}
"""What each built-in (and our TellMeMore) intent does, whatever point the conversation is at."""


class LaunchHandler(GuideHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def respond(self, handler_input: HandlerInput, guide: Guide, conversation: Conversation) -> Reply:
        return guide.welcome(conversation)


class MoveHandler(GuideHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return intent_name(handler_input) in INTENT_MOVES

    def respond(self, handler_input: HandlerInput, guide: Guide, conversation: Conversation) -> Reply:
        return INTENT_MOVES[intent_name(handler_input) or ""](guide, conversation)
