"""The one `handle()` every speaking handler shares: load state, ask the guide, save, render.

Subclasses only say when they apply (`can_handle`) and which guide move to make (`respond`).
"""

from __future__ import annotations

from abc import abstractmethod
from random import Random

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from responses import DEFAULT_LOCALE, Conversation, Guide, Reply, load
from skill.render import has_screen, render
from skill.safety import REPLACED


def guide_for(handler_input: HandlerInput, rng: Random) -> Guide:
    """The guide speaking the request's locale (unknown locales get US English), choosing its
    wordings with `rng`: the skill's one source of variety, handed in so tests can seed it."""
    request = handler_input.request_envelope.request
    return Guide(load(getattr(request, "locale", None) or DEFAULT_LOCALE), rng, REPLACED)


def conversation_of(handler_input: HandlerInput) -> Conversation:
    if handler_input.request_envelope.session is None:
        return Conversation()
    return Conversation.from_attributes(handler_input.attributes_manager.session_attributes)


def respond_with(handler_input: HandlerInput, conversation: Conversation, reply: Reply) -> Response:
    if handler_input.request_envelope.session is not None:
        conversation.reply_concern = reply.concern
        handler_input.attributes_manager.session_attributes = conversation.to_attributes()
    return render(handler_input.response_builder, reply, has_screen(handler_input))


class GuideHandler(AbstractRequestHandler):
    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def handle(self, handler_input: HandlerInput) -> Response:
        conversation = conversation_of(handler_input)
        reply = self.respond(handler_input, guide_for(handler_input, self.rng), conversation)
        return respond_with(handler_input, conversation, reply)

    @abstractmethod
    def respond(self, handler_input: HandlerInput, guide: Guide, conversation: Conversation) -> Reply:
        """Make this handler's move in the conversation."""
