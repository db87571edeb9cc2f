"""Everything that is not a question: session end, Alexa's error reports, the unknown, and bugs.

Logs carry request ids, types and reasons, never what the listener said (privacy).
"""

from __future__ import annotations

import logging
from random import Random

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from responses import Conversation, Guide, Reply
from skill.handlers.base import GuideHandler, conversation_of, guide_for, respond_with

log = logging.getLogger(__name__)


def _request_id(handler_input: HandlerInput) -> str:
    return str(getattr(handler_input.request_envelope.request, "request_id", None) or "-")


def _error_type(handler_input: HandlerInput) -> str | None:
    """The type of the error Alexa reports in the request, if any (INVALID_RESPONSE and the like)."""
    error = getattr(handler_input.request_envelope.request, "error", None)
    value = getattr(getattr(error, "object_type", None), "value", None)
    return value if isinstance(value, str) else None


def _silence(handler_input: HandlerInput) -> Response:
    """An empty response for a request Alexa takes no answer to. The SDK would echo the session
    attributes back; the session is over, so no state goes with it (whatever the request held).
    Without a session (System.ExceptionEncountered may come outside one) there is nothing to
    clear, and the SDK refuses to set attributes at all."""
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = {}
    return handler_input.response_builder.response


class SessionEndedHandler(AbstractRequestHandler):
    """The session closed (user exit, silence, error): log why; Alexa accepts no speech here."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        reason = getattr(getattr(handler_input.request_envelope.request, "reason", None), "value", None)
        log.info(
            "session ended: request=%s reason=%s error=%s",
            _request_id(handler_input),
            reason,
            _error_type(handler_input),
        )
        return _silence(handler_input)


class ExceptionEncounteredHandler(AbstractRequestHandler):
    """Alexa reports that our previous response failed. Amazon's request reference says a skill
    cannot answer System.ExceptionEncountered, so it is logged and given an empty response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        log.warning(
            "Alexa reported an error: request=%s type=%s",
            _request_id(handler_input),
            _error_type(handler_input),
        )
        return _silence(handler_input)


class UnhandledHandler(GuideHandler):
    """Catch-all, registered last: an intent or request type nothing else handles."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def respond(self, handler_input: HandlerInput, guide: Guide, conversation: Conversation) -> Reply:
        log.info("unhandled request: request=%s", _request_id(handler_input))
        return guide.fallback(conversation)


class ErrorHandler(AbstractExceptionHandler):
    """A bug or a request the SDK could not dispatch: log once, apologise, keep listening."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error(
            "error handling request=%s: %s",
            _request_id(handler_input),
            type(exception).__name__,
            exc_info=exception,
        )
        conversation = conversation_of(handler_input)
        return respond_with(
            handler_input, conversation, guide_for(handler_input, self.rng).error(conversation)
        )
