"""From raw Alexa request JSON to response JSON: shared by Lambda, the web service and tools.

One skill object is built per process and reused for every request (handlers are stateless;
conversation state travels in session attributes).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from random import Random
from typing import Any, NamedTuple, cast

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, ResponseEnvelope

from responses import DEFAULT_LOCALE, Conversation, Guide, load
from skill.handlers import exception_handlers, request_handlers
from skill.render import render
from skill.safety import REPLACED

log = logging.getLogger(__name__)


class InvalidRequest(ValueError):
    """The payload is not an Alexa request envelope we can read."""


class WrongSkill(ValueError):
    """The request is for another skill id than the one configured."""


class RequestLogger(AbstractRequestInterceptor):
    """Logs what kind of request arrived, never its content (utterances, slots, user ids)."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        log.info(
            "request=%s type=%s intent=%s locale=%s",
            getattr(request, "request_id", None),
            getattr(request, "object_type", None),
            intent,
            getattr(request, "locale", None),
        )


def build_skill(rng: Random) -> CustomSkill:
    """The skill, its handlers choosing wordings with `rng`."""
    builder = SkillBuilder()
    for handler in request_handlers(rng):
        builder.add_request_handler(handler)
    for exception_handler in exception_handlers(rng):
        builder.add_exception_handler(exception_handler)
    builder.add_global_request_interceptor(RequestLogger())
    return builder.create()


WORDINGS = Random()
"""Which wording of an answer, welcome or goodbye is said: the skill's one source of chance.
Unseeded in service (variety is the point); tests seed it per test (tests/conftest.py) or choose
the wording, so what a test hears never depends on luck."""

SKILL = build_skill(WORDINGS)


def configured_skill_id() -> str | None:
    """ALEXA_SKILL_ID from the environment, if set (amzn1.ask.skill.…)."""
    return os.environ.get("ALEXA_SKILL_ID", "").strip() or None


MAX_NESTING = 100
"""How deeply session attributes may nest. The SDK deep-copies them before any handler runs, so
attributes nested some hundreds of levels deep would exhaust the stack; ours nest three levels.
Everything else in an envelope is read field by field against the SDK's models (free-form
fields are not walked), and the JSON decoder itself refuses absurd depth."""


def containers(value: object) -> Iterator[tuple[dict[str, Any] | list[Any], int]]:
    """Every object and list in decoded JSON with its depth (1 for `value`), without recursion."""
    pending = [(value, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, (dict, list)):
            yield node, level
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, level + 1) for child in children)


def nesting(value: object) -> int:
    """How deeply lists and objects nest in decoded JSON."""
    return max((level for _, level in containers(value)), default=0)


def has_internal_key(data: object) -> bool:
    """Whether any object in decoded JSON has a key starting with `__`. The SDK's deserializer
    setattr()s every key a model does not know onto the model object, so `"__dict__": {}` wipes
    an object's attributes; Alexa never sends such keys."""
    return any(
        isinstance(node, dict) and any(key.startswith("__") for key in node) for node, _ in containers(data)
    )


class Parsed(NamedTuple):
    """A request read both ways. The checks (skill id, and the web service's timestamp) read
    `data`, the decoded JSON: the SDK's deserializer copies unknown keys onto its model objects,
    so a request can overwrite the very attributes a check would read (`object_type`, ...).
    The skill runs on `envelope`."""

    data: dict[str, Any]
    envelope: RequestEnvelope


def parse(payload: str | bytes) -> Parsed:
    """Read a request envelope from JSON text, refusing anything that is not one (raises
    InvalidRequest)."""
    try:
        text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, TypeError, RecursionError) as error:
        raise InvalidRequest("request body is not an Alexa request envelope") from error
    envelope = envelope_of(data, text)
    return Parsed(cast("dict[str, Any]", data), envelope)


def envelope_of(data: object, text: str) -> RequestEnvelope:
    """The envelope in `data`, decoded JSON whose text is `text` (the SDK's serializer reads text)."""
    unreadable = InvalidRequest("request body is not an Alexa request envelope")
    if not isinstance(data, dict):
        raise unreadable
    session = data.get("session")
    if isinstance(session, dict) and nesting(session.get("attributes")) > MAX_NESTING:
        raise InvalidRequest("session attributes nest deeper than any this skill writes")
    if has_internal_key(data):
        raise InvalidRequest("request JSON has a Python-internal key (__...)")
    try:
        envelope = SKILL.serializer.deserialize(payload=text, obj_type=RequestEnvelope)
    except (SerializationException, ValueError, TypeError, RecursionError) as error:
        raise unreadable from error
    if not isinstance(envelope, RequestEnvelope) or envelope.request is None:
        raise InvalidRequest("request envelope has no request")
    return envelope


def field(data: object, *path: str) -> object:
    """The value at `path` in decoded JSON, or None where a step is missing or not an object."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def application_id(data: object) -> str | None:
    """The skill id a request is for, from its JSON: `context.System.application.applicationId`,
    where Amazon documents it and ask-sdk-core checks it. Never the session's: some requests have
    no session, so a request without the context's id is refused, whatever its session says."""
    value = field(data, "context", "System", "application", "applicationId")
    return value if isinstance(value, str) else None


def check_skill_id(data: object, expected: str | None) -> None:
    """Refuse requests for another skill (Amazon's "verify the skill id" requirement)."""
    if expected is not None and application_id(data) != expected:
        raise WrongSkill("request is for a different skill")


def invoke(envelope: RequestEnvelope, context: Any = None) -> dict[str, Any]:
    """Run the skill on a parsed envelope and return the response as JSON-ready data."""
    response = SKILL.invoke(request_envelope=envelope, context=context)
    return cast("dict[str, Any]", SKILL.serializer.serialize(response))


def apology() -> dict[str, Any]:
    """The spoken answer for a payload too broken to dispatch (Lambda has no HTTP 400)."""
    reply = Guide(load(DEFAULT_LOCALE), WORDINGS, REPLACED).error(Conversation())
    envelope = ResponseEnvelope(version="1.0", response=render(ResponseFactory(), reply, False))
    return cast("dict[str, Any]", SKILL.serializer.serialize(envelope))


def handle_event(event: Any, context: Any = None, skill_id: str | None = None) -> dict[str, Any]:
    """Lambda's contract: a decoded JSON event in, a response dict out, never an exception for
    bad input. A request for another skill id raises WrongSkill, which Lambda reports as an
    error."""
    try:
        envelope = envelope_of(event, json.dumps(event))
    except (InvalidRequest, TypeError, ValueError, RecursionError):
        log.warning("unreadable Lambda event; answering with an apology")
        return apology()
    check_skill_id(event, skill_id)
    return invoke(envelope, context)
