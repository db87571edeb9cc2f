"""Both start commands, for real, on loopback: gunicorn with the production config round-trips a
signed request and refuses to start without a skill id; `make run`'s development server answers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.servers import (
    GUNICORN,
    REPO,
    START_LIMIT_SECONDS,
    call,
    environment,
    free_port,
    gunicorn_with_test_pki,
    serving,
)
from harness.signing import body_of, envelope, signed_headers


def test_a_signed_request_round_trips_through_gunicorn(tmp_path: Path) -> None:
    with gunicorn_with_test_pki(tmp_path) as port:
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
    command = [sys.executable, "-m", "devtools", "run"]
    with serving(command, env, tmp_path / "run.log") as port:
        body = body_of(envelope())
        status, _, answer = call(port, "POST", "/", body, **{"Content-Type": "application/json"})
        assert (status, answer) == (400, {"error": "no SignatureCertChainUrl header"})
