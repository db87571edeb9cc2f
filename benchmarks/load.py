"""Load run: many concurrent keep-alive connections against the production server on loopback.

    .venv/bin/python -m benchmarks.load --connections 64 --seconds 20

Starts gunicorn with the production config (skill/gunicorn_conf.py) on 127.0.0.1, the test PKI
standing in for Amazon's certificate chain (harness/served_app.py), sends correctly signed requests
across every intent for a bounded time, and reports requests, errors (anything but 200) and the
workers' resident memory before and after. Loopback only; the run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.alexa.simulator import Simulator
from harness.servers import gunicorn_with_test_pki
from harness.signing import body_of, signed_headers

REQUESTS: list[dict[str, Any]] = [
    {"type": "LaunchRequest"},
    *(
        {"type": "IntentRequest", "intent": {"name": name, "slots": {}}}
        for name in ("WhyTwitching", "HowToPrevent", "WhenSeeDoctor", "WhatIsTwitch", "TreatTwitch",
                     "StretchingTears", "TellMeMore", "AMAZON.HelpIntent", "AMAZON.YesIntent",
                     "AMAZON.NoIntent", "AMAZON.RepeatIntent", "AMAZON.FallbackIntent",
                     "AMAZON.StopIntent")
    ),
    {"type": "SessionEndedRequest", "reason": "USER_INITIATED"},
]  # fmt: skip


def signed_requests(count: int) -> list[tuple[bytes, dict[str, str]]]:
    """Fresh, correctly signed requests (timestamps are now: good for 150 s)."""
    simulator = Simulator(lambda _: {})
    signed = []
    for index in range(count):
        body = body_of(simulator.envelope(REQUESTS[index % len(REQUESTS)]))
        signed.append((body, signed_headers(body)))
    return signed


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker_rss_kib(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sum(rss_kib(int(child)) for child in children)


@dataclass
class Result:
    connections: int
    seconds: float
    requests: int
    errors: int
    statuses: dict[int, int]
    rss_before_kib: int
    rss_kib: list[int]
    """Workers' resident memory sampled every tenth of the run (the last one at the end)."""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def hammer(port: int, signed: list[tuple[bytes, dict[str, str]]], stop: float, tally: Counter[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    index = 0
    local: Counter[int] = Counter()
    try:
        while time.monotonic() < stop:
            body, headers = signed[index % len(signed)]
            index += 1
            try:
                connection.request("POST", "/", body=body, headers=headers)
                response = connection.getresponse()
                answer = json.loads(response.read())
                status = response.status if "response" in answer or response.status != 200 else 599
            except (OSError, http.client.HTTPException, ValueError):
                status = 0  # a broken connection or body counts as an error
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            local[status] += 1
    finally:
        connection.close()
        tally.update(local)


def run(connections: int = 64, seconds: float = 10.0, workers: int = 2, threads: int = 4) -> Result:
    signed = signed_requests(512)
    with tempfile.TemporaryDirectory() as folder:
        pid_file = Path(folder) / "gunicorn.pid"
        settings = {
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_CMD_ARGS": f"--pid {pid_file}",
        }
        with gunicorn_with_test_pki(Path(folder), **settings) as port:
            master = int(pid_file.read_text())
            hammer(port, signed[:64], time.monotonic() + 1.0, Counter())  # warm every worker
            before = worker_rss_kib(master)
            tally: Counter[int] = Counter()
            stop = time.monotonic() + seconds
            clients = [
                threading.Thread(target=hammer, args=(port, signed, stop, tally)) for _ in range(connections)
            ]
            started = time.monotonic()
            for client in clients:
                client.start()
            samples = []
            for tenth in range(1, 11):
                time.sleep(max(0.0, started + seconds * tenth / 10 - time.monotonic()))
                samples.append(worker_rss_kib(master))
            for client in clients:
                client.join(timeout=seconds + 30)
            elapsed = time.monotonic() - started
    requests = sum(tally.values())
    return Result(connections, elapsed, requests, requests - tally[200], dict(tally), before, samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if args.seconds > 120:
        parser.error("a load run here is bounded: at most 120 seconds (signatures age out after 150)")
    result = run(args.connections, args.seconds, args.workers, args.threads)
    print(
        f"{result.connections} connections, {result.seconds:.1f} s: {result.requests} requests "
        f"({result.per_second:.0f}/s), {result.errors} errors, statuses {result.statuses}; "
        f"worker RSS {result.rss_before_kib / 1024:.1f} MiB before, then every tenth of the run "
        f"{', '.join(f'{kib / 1024:.1f}' for kib in result.rss_kib)} MiB"
    )


if __name__ == "__main__":
    main()
