"""Property-based fuzzing: whatever arrives, the skill answers with valid Alexa JSON and SSML.

Envelopes start as what Alexa really sends (built by the simulator from our interaction model,
for every request type Alexa can send a custom skill) and are then mutated: fields removed or
given wrong types, extra fields added (including the SDK's own Python attribute names, which its
deserializer copies onto the model objects), odd unicode, huge strings, unknown intents and
slots, and session attributes another version of the skill might have written.

`make test` runs the same bounded examples on every checkout (Hypothesis profile "ci", in
tests/conftest.py); `make fuzz` explores at random, 20,000 examples per property. Whatever it finds
is pinned here as an `@example` (and a named test) before it is fixed.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from devtools.alexa.simulator import Simulator
from harness.signing import body_of, envelope, make_app, post, signed_headers
from interaction_model import load_model
from responses import Conversation, Guide, load
from skill.lambda_function import lambda_handler
from skill.safety import REPLACED
from tests.alexa_rules import check_response

MODEL = load_model("en-US")
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
CONTENT = load("en-US")
TOPICS = tuple(CONTENT.topics)

ODD_STRINGS = (
    "",
    " ",
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e\u200b\ufeff",
    "🦵💪🏽" * 3,
    "<speak>",
    "</speak><audio src='https://example.com/x.mp3'/>",
    "&amp; & < > \" '",
    "]]><!--",
    "${jndi:ldap://x}",
    "%s%n{0}{sign}",
    "amzn1.ask.skill.00000000-0000-4000-8000-000000000000",
    "AMAZON.StopIntent",
    "null",
    "16:20:51",
    "2024-01-01T00:00:00+99:00",
    "2024-02-30T00:00:00Z",
)
SDK_ATTRIBUTE_NAMES = (
    "object_type",
    "request_id",
    "session_id",
    "application_id",
    "user_id",
    "device_id",
    "api_access_token",
    "supported_interfaces",
    "alexa_presentation_apl",
    "resolutions_per_authority",
    "confirmation_status",
    "dialog_state",
    "slot_value",
    "system",
    "viewport",
    "__dict__",
)
"""The SDK's Python names for JSON fields, and Python's own `__dict__`: its deserializer copies
unknown keys onto the model objects with setattr, so an envelope can overwrite an attribute the
handlers (or the checks) read, or all of them at once."""
REQUEST_TYPES = (
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "System.ExceptionEncountered",
    "CanFulfillIntentRequest",
    "AlexaSkillEvent.SkillEnabled",
    "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillPermissionAccepted",
    "AlexaSkillEvent.SkillPermissionChanged",
    "AlexaSkillEvent.SkillAccountLinked",
    "AlexaSkillEvent.ProactiveSubscriptionChanged",
    "Alexa.Presentation.APL.UserEvent",
    "Alexa.Presentation.APL.LoadIndexListData",
    "Connections.Response",
    "Display.ElementSelected",
    "Dialog.InputRequest",
)

huge_strings = st.builds(
    lambda unit, times: unit * times,
    st.sampled_from(("x", "é", "🦵", "<", "&", " ", "\ud800")),
    st.integers(min_value=1_000, max_value=100_000),
)
odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=("Cs", "Cc", "Cf", "Zs", "So")), max_size=20),
    st.sampled_from(ODD_STRINGS),
    huge_strings,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=8,
)


# Valid requests, one strategy per request family ------------------------------------------------


def spoken(type_name: str) -> st.SearchStrategy[str | None]:
    forms = [form for value in MODEL.types.get(type_name, ()) for form in value.spoken_forms()]
    said = st.sampled_from(forms) if forms else st.text(max_size=20)
    return st.one_of(st.none(), said, odd_text)


@st.composite
def model_intents(draw: st.DrawFn, sim: Simulator) -> dict[str, Any]:
    intent = MODEL.intents[draw(st.sampled_from(sorted(MODEL.intents)))]
    slots = {
        name: sim.slot(name, type_name, draw(spoken(type_name))) for name, type_name in intent.slots.items()
    }
    return {
        "type": draw(st.sampled_from(("IntentRequest", "CanFulfillIntentRequest"))),
        "dialogState": draw(st.sampled_from(("STARTED", "IN_PROGRESS", "COMPLETED"))),
        "intent": {
            "name": intent.name,
            "confirmationStatus": draw(st.sampled_from(("NONE", "CONFIRMED", "DENIED"))),
            "slots": slots,
        },
    }


unknown_intents = st.builds(
    lambda name, slots: {"type": "IntentRequest", "intent": {"name": name, "slots": slots}},
    st.one_of(
        st.sampled_from(("AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.SelectIntent")),
        odd_text,
    ),
    st.dictionaries(
        odd_text,
        st.fixed_dictionaries({"name": odd_text, "value": odd_text, "confirmationStatus": odd_text}),
        max_size=3,
    ),
)
other_requests = st.one_of(
    st.just({"type": "LaunchRequest"}),
    st.builds(
        lambda reason, error: {"type": "SessionEndedRequest", "reason": reason, "error": error},
        st.sampled_from(("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS")) | odd_text,
        st.fixed_dictionaries({"type": odd_text, "message": odd_text}),
    ),
    st.builds(
        lambda error: {
            "type": "System.ExceptionEncountered",
            "error": error,
            "cause": {"requestId": "amzn1.echo-api.request.0"},
        },
        st.fixed_dictionaries(
            {"type": st.sampled_from(("INVALID_RESPONSE", "INTERNAL_SERVICE_ERROR")) | odd_text}
        ),
    ),
    st.builds(
        lambda kind, body: {"type": kind, "body": body, "eventCreationTime": "2024-01-01T00:00:00Z"},
        st.sampled_from([t for t in REQUEST_TYPES if t.startswith("AlexaSkillEvent.")]),
        json_values,
    ),
    st.builds(
        lambda token, arguments: {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": token,
            "arguments": arguments,
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "x"},
        },
        odd_text,
        st.lists(json_values, max_size=3),
    ),
    st.builds(lambda kind: {"type": kind}, st.sampled_from(REQUEST_TYPES) | odd_text),
)


# Session attributes: ours, and what another version (or anything) might have left ---------------


def _replies() -> tuple[dict[str, Any], ...]:
    guide = Guide(CONTENT, random.Random(0), REPLACED)
    replies = [guide.answer(Conversation(), topic) for topic in TOPICS]
    replies += [guide.welcome(Conversation()), guide.help(Conversation())]
    return tuple(json.loads(json.dumps(reply.to_dict())) for reply in replies)


REPLIES = _replies()
topics = st.sampled_from(TOPICS)
our_state = st.builds(
    lambda *fields: {
        "guide": dict(
            zip(
                ("disclaimer_given", "topic", "offer", "heard", "wording", "expanded", "fallbacks", "last"),
                fields,
                strict=True,
            )
        )
    },
    st.booleans(),
    st.none() | topics,
    st.none() | topics,
    st.lists(topics, max_size=10),
    st.dictionaries(topics, st.integers(0, 3)),
    st.booleans(),
    st.integers(0, 3),
    st.none() | st.sampled_from(REPLIES),
)
other_versions = st.one_of(
    st.builds(lambda state: {"guide": {"version": 2, "state": state}}, json_values),
    st.builds(lambda value: {"guide": value}, json_values),
    st.builds(
        lambda reply: {"guide": {"last": reply}},
        st.dictionaries(
            st.sampled_from(("ssml", "reprompt", "card_title", "card_text", "points")), json_values
        ),
    ),
    st.builds(
        lambda ssml: {"guide": {"last": {**REPLIES[0], "ssml": ssml}}},
        odd_text | st.sampled_from(("<speak>unclosed", "<speak><script/></speak>", "<speak></speak>")),
    ),
    st.builds(lambda key: {"guide": {"heard": [key] * 10, "topic": key, "offer": key}}, huge_strings),
    st.builds(
        lambda count: {"guide": {"wording": {f"topic_{i}": i for i in range(count)}}},
        st.integers(100, 3000),
    ),
    st.dictionaries(odd_text, json_values, max_size=4),
)
attributes = st.one_of(st.just({}), our_state, other_versions)


# Mutations --------------------------------------------------------------------------------------


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document, the root excluded."""
    found = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found.append((*prefix, key))
        found.extend(paths(child, (*prefix, key)))
    return found


def containers(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every object (dict) in a JSON document, the root included."""
    found = [prefix] if isinstance(node, dict) else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found.extend(containers(child, (*prefix, key)))
    return found


def at(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """`document` with a few fields deleted, replaced by other JSON, or added."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(("delete", "replace", "add")))
        if action == "add":
            parent = at(document, draw(st.sampled_from(containers(document))))
            parent[draw(st.sampled_from(SDK_ATTRIBUTE_NAMES) | odd_text)] = draw(json_values)
            continue
        candidates = paths(document)
        if not candidates:
            continue
        path = draw(st.sampled_from(candidates))
        parent = at(document, path[:-1])
        if action == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return document


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    sim = Simulator(lambda event: event, locale=draw(st.sampled_from(LOCALES)), screen=draw(st.booleans()))
    request = draw(st.one_of(model_intents(sim), unknown_intents, other_requests))
    if draw(st.booleans()):
        sim.new, sim.attributes = False, draw(attributes)
    if draw(st.integers(0, 9)) == 0:
        sim.session_id = None
    return draw(mutated(sim.envelope(request)))


@pytest.fixture(autouse=True, scope="module")
def any_skill_id():
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("ALEXA_SKILL_ID", raising=False)
        yield


@given(envelopes())
def test_lambda_answers_every_envelope_with_valid_alexa_json(event: dict[str, Any]) -> None:
    check_response(lambda_handler(event, None))


@given(json_values)
@example({"__dict__": {}})  # found by make fuzz: the SDK's setattr replaced the envelope's attributes
def test_lambda_answers_any_json_event(event: Any) -> None:
    check_response(lambda_handler(event, None))


# The web layer: signed mutated envelopes, and anything at all -----------------------------------

WEB = make_app().test_client()
HEADER_NAMES = ("Content-Type", "SignatureCertChainUrl", "Signature-256", "Signature", "Content-Length")


def answered_properly(response: Any) -> None:
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    if response.status_code == 200:
        check_response(response.get_json())
    else:
        assert set(response.get_json()) == {"error"}


def launch_with(**request: Any) -> dict[str, Any]:
    """A launch envelope whose `request` has these fields added or replaced."""
    event = envelope()
    event["request"].update(request)
    return event


@given(envelopes())
@example(launch_with(object_type=True))  # found by make test (issue 14): the SDK copied it onto the model
@example({**envelope(), "__dict__": {}})  # found by make fuzz (Lambda): the envelope lost its attributes
def test_web_answers_signed_envelopes_with_200_or_4xx(event: dict[str, Any]) -> None:
    answered_properly(post(WEB, body_of(event)))


UNVERIFIED = make_app(ASK_SDK_VERIFY_SIGNATURE=False, ASK_SDK_VERIFY_TIMESTAMP=False).test_client()


@given(envelopes())
@example(launch_with(timestamp="2024-01-01T00:00:00+99:00"))
@example(launch_with(object_type=True))
def test_web_without_verification_answers_envelopes_with_200_or_4xx(event: dict[str, Any]) -> None:
    """Both switches off (a local run, a replayed request): the parser and the skill alone."""
    answered_properly(UNVERIFIED.post("/", data=body_of(event), content_type="application/json"))


@given(
    st.binary(max_size=2048) | json_values.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(
        st.sampled_from(HEADER_NAMES),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200),
    ),
    st.booleans(),
)
def test_web_answers_any_body_and_headers_with_4xx(body: bytes, headers: dict[str, str], sign: bool) -> None:
    if sign:
        headers = {**signed_headers(body), **headers}
    answered_properly(WEB.post("/", data=body, headers=headers))
