"""Requests as Alexa sends them over HTTPS: a simulator envelope, its exact bytes, signed with the
test leaf key, posted to the real Flask app whose only stand-in is the chain download."""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Callable, Iterable
from datetime import datetime
from email.message import Message
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from devtools.alexa.simulator import APPLICATION_ID, Simulator
from harness.certs import CHAIN_URL, pki
from skill.verify import utc_now
from skill.web import create_app

SKILL_ID = APPLICATION_ID


def http_error(url: str, status: int) -> urllib.error.HTTPError:
    """What urllib raises for an HTTP error status from S3 (403 and 404: no such object, 503:
    slow down)."""
    return urllib.error.HTTPError(url, status, f"status {status}", Message(), None)


class ChainServer:
    """Stands in for S3: serves chain PEM per URL (or one chain for every URL), answers 404 for
    any other URL, and remembers every URL it was asked for, so tests can prove what was, and was
    not, fetched. `failures` are raised one per download, in turn, before it serves anything (a
    connection error, a timeout, a 5xx: what the network may do for a while)."""

    def __init__(
        self,
        chains: dict[str, bytes] | None = None,
        every_url: bytes | None = None,
        failures: Iterable[Exception] = (),
    ) -> None:
        self.chains = dict(chains if chains is not None else {CHAIN_URL: pki().chains["good"]})
        self.every_url = every_url
        self.failures = list(failures)
        self.fetched: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        if self.failures:
            raise self.failures.pop(0)
        if self.every_url is not None:
            return self.every_url
        if url not in self.chains:
            raise http_error(url, 404)
        return self.chains[url]


def make_app(
    server: ChainServer | None = None, clock: Callable[[], datetime] = utc_now, **config: Any
) -> Flask:
    settings = {
        "ALEXA_SKILL_ID": SKILL_ID,
        "ALLOW_ANY_SKILL_ID": False,
        "ASK_SDK_VERIFY_SIGNATURE": True,
        "ASK_SDK_VERIFY_TIMESTAMP": True,
        **config,
    }
    return create_app(settings, trust_store=pki().store, chain_loader=server or ChainServer(), clock=clock)


def envelope(request: dict[str, Any] | None = None, **simulator: Any) -> dict[str, Any]:
    """A full envelope from the simulator (a LaunchRequest unless told otherwise)."""
    return Simulator(lambda _: {}, **simulator).envelope(request or {"type": "LaunchRequest"})


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode("utf-8")


def signed_headers(body: bytes, url: str = CHAIN_URL) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "SignatureCertChainUrl": url,
        "Signature-256": pki().sign(body),
    }


def post(client: FlaskClient, body: bytes, headers: dict[str, str] | None = None) -> TestResponse:
    """POST exactly these bytes (signed for themselves unless headers are given)."""
    return client.post("/", data=body, headers=headers if headers is not None else signed_headers(body))


def tampered(changes: dict[str, str | None], body: bytes | None = None) -> TestResponse:
    """A correctly signed request (a fresh launch unless `body` is given) whose headers were then
    changed (None removes one), posted to a fresh app."""
    body = body if body is not None else body_of(envelope())
    headers = signed_headers(body)
    for name, value in changes.items():
        if value is None:
            del headers[name]
        else:
            headers[name] = value
    return post(make_app().test_client(), body, headers)


def signed_invoke(client: FlaskClient) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A Simulator `invoke` that goes over HTTP with real signatures, as Alexa does."""

    def invoke(payload: dict[str, Any]) -> dict[str, Any]:
        response = post(client, body_of(payload))
        assert response.status_code == 200, response.get_json()
        answer: dict[str, Any] = response.get_json()
        return answer

    return invoke
