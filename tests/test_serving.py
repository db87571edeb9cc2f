"""Both start commands, for real, on loopback: gunicorn with the production config round-trips a
signed request and refuses to start without a skill id; `make run`'s development server answers.

Each server runs on 127.0.0.1 on a free port and is stopped by the test that started it; waits
are bounded so a broken start fails the test instead of hanging it.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.certs import pem, pki
from tests.signing import SKILL_ID, body_of, envelope, signed_headers

REPO = Path(__file__).resolve().parent.parent
START_LIMIT_SECONDS = 60
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "python:skill.gunicorn_conf"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(**settings: str) -> dict[str, str]:
    """This process's environment without any of the service's own settings, plus `settings`."""
    own = ("ALEXA_SKILL_ID", "ALLOW_ANY_SKILL_ID", "ASK_SDK_VERIFY_SIGNATURE", "ASK_SDK_VERIFY_TIMESTAMP")
    env = {name: value for name, value in os.environ.items() if name not in own}
    return {**env, "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2", **settings}


def call(
    port: int, method: str, path: str, body: bytes | Iterable[bytes] | None = None, **headers: str
) -> tuple[int, dict[str, str], Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        chunked = body is not None and not isinstance(body, bytes)
        connection.request(method, path, body=body, headers=headers, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"null")
    finally:
        connection.close()


@contextmanager
def serving(command: list[str], env: dict[str, str], log: Path) -> Iterator[int]:
    port = int(env["PORT"])
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_LIMIT_SECONDS
        while True:
            assert process.poll() is None, f"server exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"server did not come up:\n{log.read_text()}"
            try:
                if call(port, "GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_signed_request_round_trips_through_gunicorn(tmp_path: Path) -> None:
    (tmp_path / "chain.pem").write_bytes(pki().chains["good"])
    (tmp_path / "root.pem").write_bytes(pem(pki().root))
    env = environment(
        PORT=str(free_port()),
        ALEXA_SKILL_ID=SKILL_ID,
        TEST_CHAIN_FILE=str(tmp_path / "chain.pem"),
        TEST_ROOT_FILE=str(tmp_path / "root.pem"),
    )
    with serving([*GUNICORN, "tests.served_app:app"], env, tmp_path / "gunicorn.log") as port:
        body = body_of(envelope())
        status, headers, answer = call(port, "POST", "/", body, **signed_headers(body))
        assert status == 200, answer
        assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
        assert headers["X-Content-Type-Options"] == "nosniff"

        other = body_of(envelope())
        status, _, answer = call(port, "POST", "/", other, **signed_headers(body))
        assert (status, answer) == (400, {"error": "signature does not match the body"})

        status, _, answer = call(port, "POST", "/", body, **{"Content-Type": "application/json"})
        assert (status, answer) == (400, {"error": "no SignatureCertChainUrl header"})

        stranger = body_of(envelope(application_id="amzn1.ask.skill.someone-else"))
        status, _, answer = call(port, "POST", "/", stranger, **signed_headers(stranger))
        assert (status, answer) == (400, {"error": "request is for a different skill"})

        chunks = (b"x" * 8192 for _ in range(10))
        status, _, answer = call(port, "POST", "/", chunks, **{"Content-Type": "application/json"})
        assert (status, answer) == (413, {"error": "request entity too large"})
    assert "refused request" in (tmp_path / "gunicorn.log").read_text()


def test_gunicorn_refuses_to_start_without_a_skill_id(tmp_path: Path) -> None:
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        finished = subprocess.run(
            GUNICORN,
            cwd=REPO,
            env=environment(PORT=str(free_port())),
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=START_LIMIT_SECONDS,
            check=False,
        )
    assert finished.returncode != 0
    assert "ALEXA_SKILL_ID is not set" in log.read_text()


def test_make_run_serves_locally_and_verifies_by_default(tmp_path: Path) -> None:
    env = environment(PORT=str(free_port()))
    command = [sys.executable, "-m", "skill", "run"]
    with serving(command, env, tmp_path / "run.log") as port:
        body = body_of(envelope())
        status, _, answer = call(port, "POST", "/", body, **{"Content-Type": "application/json"})
        assert (status, answer) == (400, {"error": "no SignatureCertChainUrl header"})
