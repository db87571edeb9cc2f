"""A short, bounded load run against the production server on loopback: every request answered
(the full run and its figures: `python -m benchmarks.load`, docs/security.md)."""

from __future__ import annotations

from benchmarks.load import run


def test_production_server_answers_every_request_under_concurrent_load() -> None:
    result = run(connections=16, seconds=3.0, workers=2, threads=4)
    assert result.requests > 0
    assert result.errors == 0, result.statuses
