"""Faults: the certificate download misbehaves, or a handler raises.

The real download code (skill.verify.ChainDownloader: urllib, deadline, size cap) talks to a
real HTTP server on 127.0.0.1 that hangs, drips, sends garbage or too much; only the address is
redirected, through the downloader's opener seam. Each request must fail closed with 400 while
the service keeps answering requests whose chain it already trusts.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from skill.verify import MAX_CHAIN_BYTES, ChainDownloader
from skill.web import create_app
from tests.certs import pki
from tests.signing import SKILL_ID, body_of, envelope, post, signed_headers

TIMEOUT = 0.5
"""The downloader's timeout in these tests (3 s in production), so faults resolve quickly."""
RELEASE = threading.Event()
"""Set at teardown so the hanging handler lets go of its thread."""


class FaultyS3(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        fault = self.path.rsplit("/", 1)[-1]
        if fault == "hang":
            RELEASE.wait(30)
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

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads outcomes, not access logs."""


@pytest.fixture(scope="module")
def s3() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FaultyS3)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    RELEASE.set()
    server.shutdown()
    server.server_close()


def downloader(port: int) -> ChainDownloader:
    """The real downloader, its https://s3.amazonaws.com/ connections sent to 127.0.0.1:port."""

    class ToLoopback(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(
                lambda host, **kwargs: http.client.HTTPConnection("127.0.0.1", port, **kwargs), req
            )

    return ChainDownloader(urllib.request.build_opener(ToLoopback()), timeout=TIMEOUT)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens here once the probe is closed


def app_for(port: int) -> Any:
    return create_app({"ALEXA_SKILL_ID": SKILL_ID}, trust_store=pki().store, chain_loader=downloader(port))


def signed_post(client: Any, fault: str) -> Any:
    body = body_of(envelope())
    return post(client, body, signed_headers(body, f"https://s3.amazonaws.com/echo.api/{fault}"))


def test_a_good_chain_downloads_and_verifies_through_the_real_downloader(s3: int) -> None:
    assert signed_post(app_for(s3).test_client(), "good").status_code == 200


@pytest.mark.parametrize("fault", ["hang", "slow", "garbage", "huge", "missing"])
def test_each_download_fault_fails_closed_with_400(s3: int, fault: str) -> None:
    response = signed_post(app_for(s3).test_client(), fault)
    assert response.status_code == 400
    assert "certificate chain" in response.get_json()["error"]


def test_unreachable_host_fails_closed_with_400() -> None:
    response = signed_post(app_for(closed_port()).test_client(), "good")
    assert response.status_code == 400
    assert response.get_json() == {"error": "certificate chain could not be downloaded"}


def test_the_service_keeps_answering_while_a_download_hangs(s3: int) -> None:
    app = app_for(s3)
    assert signed_post(app.test_client(), "good").status_code == 200  # chain now cached
    outcome: dict[str, int] = {}
    hanging = threading.Thread(
        target=lambda: outcome.update(hang=signed_post(app.test_client(), "hang").status_code)
    )
    hanging.start()
    answered_meanwhile = [signed_post(app.test_client(), "good").status_code for _ in range(5)]
    still_hanging = hanging.is_alive()
    hanging.join(timeout=30)
    assert answered_meanwhile == [200] * 5
    assert still_hanging, "the good requests were answered while the download was still stuck"
    assert outcome == {"hang": 400}


def test_a_handler_error_over_http_apologises_logs_once_and_keeps_serving(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from responses.guide import Guide
    from tests.signing import make_app

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
    assert "Sorry, something went wrong" in first.get_json()["response"]["outputSpeech"]["ssml"]
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "amzn1.echo-api.request." in errors[0].getMessage()
    second = post(client, body_of(envelope()))
    assert "Muscle Twitch Guide" in second.get_json()["response"]["outputSpeech"]["ssml"]
