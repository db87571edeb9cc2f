"""A short, bounded load run against the production server on loopback: every request answered
(the full run and its figures: `python -m benchmarks.load`, docs/security.md)."""

from __future__ import annotations

from benchmarks.load import run


def test_production_server_answers_every_request_under_concurrent_load() -> None:
    connections = 16
    result = run(connections=connections, seconds=3.0, workers=2, threads=4)
    assert result.statuses == {200: result.requests}, "every request sent got a skill response"
    assert result.errors == 0
    assert result.requests >= connections, "every connection was answered at least once"
    assert len(result.rss_kib) == 10 and all(kib > 0 for kib in result.rss_kib)
