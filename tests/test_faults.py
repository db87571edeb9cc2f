"""Faults: the certificate download misbehaves, or a handler raises.

The real download code (skill.verify.ChainDownloader: urllib, deadline, size cap) talks to a
real HTTP server on 127.0.0.1 that hangs, drips, sends garbage or too much; only the address is
redirected, through the downloader's opener seam. Each request must fail closed with 400 while
the service keeps answering requests whose chain it already trusts.
"""

from __future__ import annotations

import http.client
import itertools
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest

from harness.certs import pki
from harness.signing import SKILL_ID, body_of, envelope, post, signed_headers
from responses import load
from skill import verify
from skill.verify import MAX_CHAIN_BYTES, ChainDownloader, VerificationFailed
from skill.web import create_app
from tests.alexa_rules import plain

CONTENT = load("en-US")
TIMEOUT = 0.5
"""The downloader's timeout in these tests (3 s in production), so faults resolve quickly."""
RELEASE = threading.Event()
"""Set at teardown so the hanging handler lets go of its thread."""
HELD = threading.Event()
"""Set by the server once a download of `hold` has reached it and is being held."""
LET_GO = threading.Event()
"""Set by the test to end a held download (the server then closes it without an answer)."""


SIZES = {"at-limit": MAX_CHAIN_BYTES, "over-limit": MAX_CHAIN_BYTES + 1}
"""Bodies of exactly the size cap and one byte more."""


class FaultyS3(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        fault = self.path.rsplit("/", 1)[-1]
        if fault == "hang":
            RELEASE.wait(30)
            return
        if fault == "hold":
            HELD.set()
            LET_GO.wait(30)
            return
        self.send_response(200)
        self.end_headers()
        if fault == "good":
            self.wfile.write(pki().chains["good"])
        elif fault == "slow":  # a byte at a time, forever (until the client gives up)
            for _ in range(1000):
                if RELEASE.is_set():
                    return
                self.wfile.write(b"-")
                self.wfile.flush()
                time.sleep(TIMEOUT / 5)
        elif fault == "garbage":
            self.wfile.write(b"\x00\xff not a certificate \x13" * 50)
        elif fault == "huge":
            self.wfile.write(b"-----BEGIN CERTIFICATE-----" + b"A" * (MAX_CHAIN_BYTES * 4))
        elif fault == "pieces":  # the good chain, a little at a time (as a slow link delivers it)
            chain = pki().chains["good"]
            for start in range(0, len(chain), 500):
                self.wfile.write(chain[start : start + 500])
                self.wfile.flush()
        elif fault in SIZES:
            self.wfile.write(b"A" * SIZES[fault])

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads outcomes, not access logs."""


@pytest.fixture(scope="module")
def s3() -> Iterator[int]:
    RELEASE.clear()  # set by the last module's teardown, when the suite runs twice in one process
    server = ThreadingHTTPServer(("127.0.0.1", 0), FaultyS3)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    RELEASE.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def hold() -> Iterator[None]:
    """A fresh hold for one test, let go at teardown whatever the test did."""
    HELD.clear()
    LET_GO.clear()
    yield
    LET_GO.set()


def downloader(port: int, timeout: float = TIMEOUT) -> ChainDownloader:
    """The real downloader, its https://s3.amazonaws.com/ connections sent to 127.0.0.1:port."""

    class ToLoopback(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(
                lambda host, **kwargs: http.client.HTTPConnection("127.0.0.1", port, **kwargs), req
            )

    return ChainDownloader(urllib.request.build_opener(ToLoopback()), timeout=timeout)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens here once the probe is closed


def app_for(port: int, timeout: float = TIMEOUT) -> Any:
    return create_app(
        {"ALEXA_SKILL_ID": SKILL_ID}, trust_store=pki().store, chain_loader=downloader(port, timeout)
    )


def signed_post(client: Any, fault: str) -> Any:
    body = body_of(envelope())
    return post(client, body, signed_headers(body, f"https://s3.amazonaws.com/echo.api/{fault}"))


def refusal_kinds(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The kind of each refusal the verifier logged: "transient" or "trust"."""
    prefix = "certificate chain refused, a "
    return [
        record.getMessage().removeprefix(prefix).split(" ", 1)[0]
        for record in caplog.records
        if record.name == "skill.verify" and record.getMessage().startswith(prefix)
    ]


def test_a_good_chain_downloads_and_verifies_through_the_real_downloader(s3: int) -> None:
    assert signed_post(app_for(s3).test_client(), "good").status_code == 200


def test_a_chain_that_arrives_in_pieces_is_put_back_together(s3: int) -> None:
    assert signed_post(app_for(s3).test_client(), "pieces").status_code == 200


@pytest.mark.parametrize(
    ("fault", "reason", "kind"),
    [
        ("hang", "certificate chain could not be downloaded", "transient"),
        ("garbage", "certificate chain is not PEM certificates", "trust"),
        ("huge", "certificate chain is too large", "trust"),
        ("missing", "certificate chain is not PEM certificates", "trust"),
    ],
)
def test_each_download_fault_fails_closed_with_400_and_its_reason(
    s3: int, fault: str, reason: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A timeout may pass in seconds; what S3 answered was judged, and that judgement stands."""
    response = signed_post(app_for(s3).test_client(), fault)
    assert response.status_code == 400
    assert response.get_json() == {"error": reason}
    assert refusal_kinds(caplog) == [kind]


def test_a_drip_is_cut_off_at_the_deadline(
    s3: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The downloader's deadline reads a fake clock that moves a second on at every look, so the
    drip is too slow after its first byte whatever the machine's load (socket timeouts stay real).
    A slow link is a transient failure."""
    ticks = itertools.count()
    monkeypatch.setattr(verify, "time", SimpleNamespace(monotonic=lambda: float(next(ticks))))
    response = signed_post(app_for(s3).test_client(), "slow")
    assert (response.status_code, response.get_json()) == (
        400,
        {"error": "certificate chain download is too slow"},
    )
    assert refusal_kinds(caplog) == ["transient"]


def test_the_downloader_itself_takes_exactly_its_cap_and_refuses_a_byte_more(s3: int) -> None:
    """Called directly, so the cap checked is the downloader's (the verifier checks size again)."""
    url = "https://s3.amazonaws.com/echo.api/{}"
    assert downloader(s3)(url.format("at-limit")) == b"A" * MAX_CHAIN_BYTES
    for fault in ("over-limit", "huge"):
        with pytest.raises(VerificationFailed, match="certificate chain is too large"):
            downloader(s3)(url.format(fault))


def test_unreachable_host_fails_closed_with_400(caplog: pytest.LogCaptureFixture) -> None:
    response = signed_post(app_for(closed_port()).test_client(), "good")
    assert response.status_code == 400
    assert response.get_json() == {"error": "certificate chain could not be downloaded"}
    assert refusal_kinds(caplog) == ["transient"]


def test_the_service_keeps_answering_while_a_download_hangs(s3: int, hold: None) -> None:
    """The stuck download is held by the server until the test lets go (events, no timer), with
    a downloader patient enough that only the test ends it."""
    app = app_for(s3, timeout=60)
    assert signed_post(app.test_client(), "good").status_code == 200  # chain now cached
    outcome: dict[str, int] = {}
    stuck = threading.Thread(
        target=lambda: outcome.update(hold=signed_post(app.test_client(), "hold").status_code)
    )
    stuck.start()
    assert HELD.wait(30), "the download reached the server"
    answered_meanwhile = [signed_post(app.test_client(), "good").status_code for _ in range(5)]
    assert stuck.is_alive() and not outcome, "the good requests were answered while it was stuck"
    LET_GO.set()
    stuck.join(timeout=30)
    assert answered_meanwhile == [200] * 5
    assert outcome == {"hold": 400}


def test_a_handler_error_over_http_apologises_logs_once_and_keeps_serving(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from harness.signing import make_app
    from responses.guide import Guide

    client = make_app().test_client()
    calls = {"n": 0}
    original = Guide.welcome

    def broken_once(self: Guide, conversation: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return original(self, conversation)

    monkeypatch.setattr(Guide, "welcome", broken_once)
    with caplog.at_level(logging.ERROR):
        first = post(client, body_of(envelope()))
    assert first.status_code == 200
    assert first.get_json()["response"]["shouldEndSession"] is False
    assert CONTENT.line("error") in first.get_json()["response"]["outputSpeech"]["ssml"]
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "amzn1.echo-api.request." in errors[0].getMessage()
    second = post(client, body_of(envelope()))
    assert plain(second.get_json()["response"]["outputSpeech"]["ssml"]) in CONTENT.variants("welcome")
