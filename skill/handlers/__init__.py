"""All request handlers, in the one order the SDK tries them: first `can_handle` wins.

Specific before general: questions, then built-in moves, then lifecycle requests, and the
catch-all last. The exception handler answers anything that raises on the way.
"""

from __future__ import annotations

from random import Random

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler

from skill.handlers.errors import (
    ErrorHandler,
    ExceptionEncounteredHandler,
    SessionEndedHandler,
    UnhandledHandler,
)
from skill.handlers.moves import LaunchHandler, MoveHandler
from skill.handlers.topics import QuestionHandler


def request_handlers(rng: Random) -> tuple[AbstractRequestHandler, ...]:
    """The request handlers in dispatch order; those that speak choose wordings with `rng`."""
    return (
        LaunchHandler(rng),
        QuestionHandler(rng),
        MoveHandler(rng),
        SessionEndedHandler(),
        ExceptionEncounteredHandler(),
        UnhandledHandler(rng),
    )


def exception_handlers(rng: Random) -> tuple[AbstractExceptionHandler, ...]:
    """The handlers for anything that raises on the way (the apology)."""
    return (ErrorHandler(rng),)
