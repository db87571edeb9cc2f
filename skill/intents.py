"""Reading an IntentRequest safely: its intent name, and slots by entity-resolution id.

Slots are read the way Alexa fills them, by resolved id, never by the raw spoken words.

Only an `ER_SUCCESS_MATCH` counts. A missing slot, an unmatched value (`ER_SUCCESS_NO_MATCH`)
or a malformed one all read as None, which callers treat as "no refinement", never as an error.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest

MATCH = "ER_SUCCESS_MATCH"


def intent_name(handler_input: HandlerInput) -> str | None:
    """The intent's name, or None for other request types or a malformed intent."""
    request = handler_input.request_envelope.request
    name = getattr(getattr(request, "intent", None), "name", None)
    return name if isinstance(request, IntentRequest) and isinstance(name, str) else None


def _slot(handler_input: HandlerInput, slot_name: str) -> object:
    """The slot object of an IntentRequest, or None."""
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None:
        return None
    return (request.intent.slots or {}).get(slot_name)


def resolved_id(handler_input: HandlerInput, slot_name: str) -> str | None:
    """The canonical value id Alexa resolved for `slot_name`, or None."""
    slot = _slot(handler_input, slot_name)
    resolutions = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None)
    for authority in resolutions or ():
        status = getattr(getattr(authority, "status", None), "code", None)
        if getattr(status, "value", status) != MATCH:
            continue
        for match in authority.values or ():
            value_id = getattr(getattr(match, "value", None), "id", None)
            if isinstance(value_id, str):
                return value_id
    return None


def heard(handler_input: HandlerInput, slot_name: str) -> bool:
    """Whether Alexa filled `slot_name` with any words at all, resolved or not."""
    value = getattr(_slot(handler_input, slot_name), "value", None)
    return isinstance(value, str) and bool(value.strip())
