"""Starting the service for real on loopback, for tests and benchmarks: gunicorn with the
production config (and the test PKI standing in for Amazon's), or `python -m devtools run`.

Each server runs on 127.0.0.1 on a free port and is stopped by whoever started it; waits are
bounded so a broken start fails instead of hanging.
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

from harness.certs import pem, pki
from harness.signing import SKILL_ID

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


@contextmanager
def gunicorn_with_test_pki(
    folder: Path, app: str = "harness.served_app:app", **settings: str
) -> Iterator[int]:
    """The production server (harness/served_app.py: the test root as trust store, the test chain
    for every URL), or another `app`, on a free loopback port; yields the port."""
    (folder / "chain.pem").write_bytes(pki().chains["good"])
    (folder / "root.pem").write_bytes(pem(pki().root))
    env = environment(
        PORT=str(free_port()),
        ALEXA_SKILL_ID=SKILL_ID,
        TEST_CHAIN_FILE=str(folder / "chain.pem"),
        TEST_ROOT_FILE=str(folder / "root.pem"),
        **settings,
    )
    with serving([*GUNICORN, app], env, folder / "gunicorn.log") as port:
        yield port
