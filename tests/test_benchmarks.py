"""`make bench` stays runnable: each of its measurements, at tiny counts, and the page it writes
(the figures themselves come only from `make bench`, never from timed tests)."""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics

import pytest

from addon.server import build_server
from benchmarks import measure, report
from responses import load

pytestmark = pytest.mark.slow

needs_wrk = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (make test installs it as root with apt-get)"
)
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (make test installs it as root with apt-get)",
)


def test_in_process_comparisons_time_both_skills_round_by_round() -> None:
    for comparison, per_round in (
        (measure.lambda_comparison(2, 40), 40),
        (measure.flask_comparison(2, 19), 19),
    ):
        assert len(comparison.ours) == len(comparison.reference) == 2 * per_round
        for index, ratio in enumerate(comparison.ratios):
            rounds = slice(index * per_round, (index + 1) * per_round)
            ours, reference = comparison.ours[rounds], comparison.reference[rounds]
            assert ratio == statistics.median(ours) / statistics.median(reference)
        row = comparison.row("entry point")
        assert (
            row.startswith("| entry point | ") and f"**{statistics.median(comparison.ratios):.2f}x**" in row
        )


def test_the_recorded_conversation_reaches_every_intent_of_the_script() -> None:
    events = measure.conversation_events()
    intents = [event["request"].get("intent", {}).get("name") for event in events]
    scripted = [name for name, _ in measure.SCRIPT if name not in ("launch", "session_ended")]
    assert [name for name in intents if name] == scripted
    assert [event["request"]["type"] for event in events][-1] == "SessionEndedRequest"


def test_the_profile_attributes_our_code_only_to_ours() -> None:
    profile = measure.where_time_goes(40)
    assert set(profile) == {"ours", "bare"}
    assert profile["ours"]["our code (skill/, responses/)"] > 0
    assert "our code (skill/, responses/)" not in profile["bare"]


def test_cold_start_and_memory_run_in_fresh_interpreters() -> None:
    cold = measure.cold_start(1)
    assert set(cold) == {"ours wall", "bare wall", "ours inside", "bare inside"}
    assert all(len(times) == 1 for times in cold.values())
    memory = measure.memory(1_000)
    assert set(memory) == {"ours", "bare"}
    for result in memory.values():
        assert set(result["marks"]) == set(result["blocks"]) == {"1000"}
        assert result["peak_kib"] >= result["marks"]["1000"]


@needs_wrk
def test_http_runs_answer_every_signed_request() -> None:
    runs = measure.http_runs(seconds=1, connections=4, warm_up=1)
    assert set(runs) == {"ours, verified", "ours, unverified", "bare Flask JSON echo"}
    for name, results in runs.items():
        assert len(results) == 1 and results[0]["requests"] > 0 and results[0]["errors"] == 0, name


@needs_wrk
def test_mcp_runs_answer_every_tool_call_beside_the_skill() -> None:
    runs = measure.mcp_runs(seconds=1, connections=4, warm_up=1)
    assert set(runs) == {"add-on, tools/call", "skill, POST / (verified)"}
    for name, results in runs.items():
        assert len(results) == 1 and results[0]["requests"] > 0 and results[0]["errors"] == 0, name


def test_every_load_call_is_a_tool_the_add_on_has() -> None:
    """What the load run asks is answered, not refused: each body is a tools/call the server
    answers without an error."""
    server = build_server()
    names = {tool.name for tool in asyncio.run(server.list_tools())}
    for body, _ in measure.mcp_requests():
        call = json.loads(body)["params"]
        assert call["name"] in names
        result = asyncio.run(server.call_tool(call["name"], call["arguments"]))
        assert not getattr(result, "is_error", False), call


@needs_espeak
def test_every_first_answer_gets_a_spoken_length_and_the_section_its_targets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = measure.spoken_lengths()
    topics = load("en-US").topics
    assert [(a.topic, a.wording) for a in answers] == [
        (key, index) for key, topic in topics.items() for index in range(len(topic.summary))
    ]
    assert all(
        answer.words >= len(topics[answer.topic].summary[answer.wording].split()) for answer in answers
    )
    monkeypatch.setattr(report, "spoken_lengths", lambda: answers)
    section = report.spoken_section(quick=True)
    page = "\n".join(section.lines)
    within = sum(1 for a in answers if a.seconds <= 12 and a.words <= 35)
    assert "| **target** | **35** | **12** |" in page
    assert f"First answers within both targets: **{within} of {len(answers)}** (" in page
    assert section.targets == {"every first answer within 12 s and 35 words": within == len(answers)}


def test_the_page_has_every_section_and_its_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in report.SECTIONS:
        stub = report.Section([f"## {name}", ""], {f"{name} target": name != "memory"})
        monkeypatch.setitem(report.SECTIONS, name, lambda quick, stub=stub: stub)
    page = report.report(quick=True)
    assert page.startswith("# Benchmarks")
    assert [line for line in page.splitlines() if line.startswith("## ")] == [
        "## Against the targets",
        *(f"## {name}" for name in report.SECTIONS),
    ]
    assert "- memory target: **missed** (see its section)" in page
    assert "- http target: met" in page


def test_one_quick_section_prints_a_page_with_its_targets() -> None:
    page = report.report(quick=True, only="cold-start")
    assert page.startswith("# Benchmarks") and "## Cold start" in page and "## Memory" not in page
    assert "| measured | ours | bare | ratio (spread) |" in page
    assert "- cold start, 1.3x: " in page and "--only cold-start" in page


def test_the_per_request_section_explains_a_miss_from_its_profile() -> None:
    section = report.per_request(quick=True)
    page = "\n".join(section.lines)
    assert (
        "| entry point | ours median | ours p99 | bare median | bare p99 | ratio of medians (spread) |"
        in page
    )
    assert "| **all** |" in page and len(section.targets) == 2
    assert ("### Why the target is missed" in page) == (not all(section.targets.values()))
