"""Plays Alexa's part offline: builds the request envelopes Alexa sends, from our own model.

A `Simulator` keeps one session the way Alexa does (session id, `new` flag, attributes carried
from each response into the next request, a fresh session after the skill ends one) and refuses
intents and slots the interaction model does not declare, so tests and the local console can
only send what Alexa could. Slot values get entity resolution as Alexa fills it for custom types:
to the entity ids the console's resolver found, or, for a test that gives only the words, to the
value those words name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from interaction_model import InteractionModel, SlotValue, load_model

Invoke = Callable[[dict[str, Any]], dict[str, Any]]
APPLICATION_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
AUTHORITY = "amzn1.er-authority.echo-sdk.{application}.{type}"


class UnknownToModel(ValueError):
    """An intent or slot the interaction model does not have: Alexa could never send it."""


def _id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Simulator:
    def __init__(
        self,
        invoke: Invoke,
        locale: str = "en-US",
        screen: bool = False,
        application_id: str = APPLICATION_ID,
        model: InteractionModel | None = None,
    ) -> None:
        self.invoke = invoke
        self.locale = locale
        self.screen = screen
        self.application_id = application_id
        self.model = model or load_model(locale)
        self.user_id = _id("amzn1.ask.account")
        self.device_id = _id("amzn1.ask.device")
        self.new_session()

    def new_session(self) -> None:
        self.session_id: str | None = _id("amzn1.echo-api.session")
        self.new = True
        self.attributes: dict[str, Any] = {}

    # Requests ----------------------------------------------------------------------------------

    def launch(self) -> dict[str, Any]:
        return self.send({"type": "LaunchRequest"})

    def intent(
        self, name: str, /, ids: Mapping[str, str | None] | None = None, **spoken: str | None
    ) -> dict[str, Any]:
        """An IntentRequest for `name` with slots given as what the listener said, and, for the
        slots named in `ids`, the entity id those words were already resolved to (the console's
        resolver does that); the words of any other slot are resolved here."""
        declared = self.model.intents.get(name)
        if declared is None:
            raise UnknownToModel(f"the model has no intent {name!r}")
        slots = {}
        for slot_name, type_name in declared.slots.items():
            said = spoken.pop(slot_name, None)
            slots[slot_name] = self.slot(slot_name, type_name, said, ids)
        if spoken:
            raise UnknownToModel(f"intent {name!r} has no slot(s) {sorted(spoken)}")
        return self.send(
            {
                "type": "IntentRequest",
                "dialogState": "COMPLETED",
                "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots},
            }
        )

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        return self.send({"type": "SessionEndedRequest", "reason": reason})

    def slot(
        self, name: str, type_name: str, said: str | None, ids: Mapping[str, str | None] | None = None
    ) -> dict[str, Any]:
        """The slot `name` as heard (`said`), with entity resolution: to the value `ids` gives
        it if it has one there (None is no match), else to the value the words name."""
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if said is None:
            return slot
        slot["value"] = said
        if type_name.startswith("AMAZON."):
            return slot
        if ids is not None and name in ids:
            value = self._value(type_name, ids[name])
        else:
            value = self.model.resolve(type_name, said)
        authority = AUTHORITY.format(application=self.application_id, type=type_name)
        resolution: dict[str, Any] = {"authority": authority}
        if value is None:
            resolution["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
        else:
            resolution["status"] = {"code": "ER_SUCCESS_MATCH"}
            resolution["values"] = [{"value": {"name": value.name, "id": value.id}}]
        slot["resolutions"] = {"resolutionsPerAuthority": [resolution]}
        return slot

    def _value(self, type_name: str, id: str | None) -> SlotValue | None:
        if id is None:
            return None
        value = self.model.value(type_name, id)
        if value is None:
            raise UnknownToModel(f"slot type {type_name!r} has no value with id {id!r}")
        return value

    def envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        """The full envelope Alexa would POST for `request` in the current session."""
        application = {"applicationId": self.application_id}
        user = {"userId": self.user_id}
        interfaces: dict[str, Any] = {}
        if self.screen:
            interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": "2023.3"}}
        envelope: dict[str, Any] = {
            "version": "1.0",
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": self.device_id, "supportedInterfaces": interfaces},
                    "apiEndpoint": "https://api.amazonalexa.com",
                    "apiAccessToken": "simulated-token",
                },
            },
            "request": {
                "requestId": _id("amzn1.echo-api.request"),
                "timestamp": timestamp(),
                "locale": self.locale,
                **request,
            },
        }
        if self.session_id is not None:
            envelope["session"] = {
                "new": self.new,
                "sessionId": self.session_id,
                "application": application,
                "attributes": self.attributes,
                "user": user,
            }
        return envelope

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request in this session and carry the session on as Alexa would."""
        response = self.invoke(self.envelope(request))
        body = response.get("response") or {}
        if request["type"] == "SessionEndedRequest" or body.get("shouldEndSession", True):
            self.new_session()
        else:
            self.new = False
            self.attributes = response.get("sessionAttributes") or {}
        return response
