"""`make bench` stays runnable: each of its measurements, at tiny counts (the figures themselves
come only from `make bench`, never from timed tests)."""

from __future__ import annotations

import shutil

import pytest

from benchmarks import run

MISSING = "is not installed (make test installs it as root with apt-get)"


def test_in_process_comparisons_time_both_skills_over_the_whole_conversation() -> None:
    for comparison, per_round in ((run.lambda_comparison(2, 40), 40), (run.flask_comparison(2, 19), 19)):
        assert len(comparison.ours) == len(comparison.reference) == 2 * per_round
        assert len(comparison.ratios) == 2 and all(ratio > 0 for ratio in comparison.ratios)
        assert "x**" in comparison.row("entry point")


def test_the_profile_attributes_our_code_only_to_ours() -> None:
    profile = run.where_time_goes(40)
    assert profile["ours"]["our code (skill/, responses/)"] > 0
    assert "our code (skill/, responses/)" not in profile["bare"]


def test_cold_start_and_memory_run_in_fresh_interpreters() -> None:
    cold = run.cold_start(1)
    assert all(len(times) == 1 and times[0] > 0 for times in cold.values())
    memory = run.memory(1_000)
    for result in memory.values():
        assert result["marks"]["1000"] > 0 and result["peak_kib"] >= result["marks"]["1000"]


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (make test installs it as root with apt-get)"
)
def test_http_runs_answer_every_signed_request() -> None:
    for name, results in run.http_runs(seconds=1, connections=4, warm_up=1).items():
        assert len(results) == 1 and results[0]["requests"] > 0 and results[0]["errors"] == 0, name


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (make test installs it as root with apt-get)",
)
def test_every_topic_gets_a_spoken_length() -> None:
    rows = run.spoken_lengths()
    assert {key for key, _, _ in rows} == set(run.load("en-US").topics)
    assert all(min(seconds) > 0 and words > 0 for _, words, seconds in rows)


def test_one_quick_section_prints_a_page_with_its_targets() -> None:
    page = run.report(quick=True, only="cold-start")
    assert page.startswith("# Benchmarks") and "## Cold start" in page and "## Memory" not in page
    assert "- cold start, 1.3x: " in page and "--only cold-start" in page


def test_the_per_request_section_explains_a_miss_from_its_profile() -> None:
    section = run.per_request(quick=True)
    page = "\n".join(section.lines)
    assert "| **all** |" in page and len(section.targets) == 2
    assert ("### Why the target is missed" in page) == (not all(section.targets.values()))
