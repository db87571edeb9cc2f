"""`make bench`: how fast and how small Muscle Twitch Guide is, side by side with the bare SDK.

Every figure is measured against a reference in the same run (benchmarks/bare.py: the smallest
ask-sdk-core skill, one handler returning a fixed sentence), ours and the reference interleaved
round by round so machine noise hits both alike; the ratio is the figure of record, with the
spread across rounds (min, median, max). Results go to docs/benchmarks.md.

    .venv/bin/python -m benchmarks.run [--quick] [--only SECTION] [--output FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import bare, bare_web
from responses import Conversation, Guide, load
from skill.lambda_function import lambda_handler
from skill.simulator import Simulator
from tests.certs import CHAIN_URL, pki
from tests.servers import REPO, gunicorn_with_test_pki
from tests.signing import ChainServer, body_of, make_app, signed_headers

Event = dict[str, Any]

SCRIPT: list[tuple[str, dict[str, str]]] = [
    ("launch", {}),
    ("WhyTwitching", {"BodyPart": "legs", "Activity": "running"}),
    ("AMAZON.YesIntent", {}),
    ("TellMeMore", {}),
    ("AMAZON.RepeatIntent", {}),
    ("WhyTwitching", {"Cause": "dehydration"}),
    ("HowToPrevent", {"Step": "stretching"}),
    ("HowToPrevent", {}),
    ("WhenSeeDoctor", {"Symptom": "numbness"}),
    ("WhenSeeDoctor", {}),
    ("WhatIsTwitch", {}),
    ("TreatTwitch", {}),
    ("StretchingTears", {}),
    ("AMAZON.PreviousIntent", {}),
    ("AMAZON.HelpIntent", {}),
    ("AMAZON.FallbackIntent", {}),
    ("AMAZON.NoIntent", {}),
    ("AMAZON.StopIntent", {}),
    ("session_ended", {}),
]
"""One conversation across every intent, as Alexa would send it (session attributes included)."""


def conversation_events(screen: bool = False) -> list[Event]:
    """The envelopes of SCRIPT, recorded while our skill answers them turn by turn."""
    sent: list[Event] = []

    def record(event: Event) -> Event:
        sent.append(json.loads(json.dumps(event)))
        return lambda_handler(event, None)

    alexa = Simulator(record, screen=screen)
    for name, slots in SCRIPT:
        if name == "launch":
            alexa.launch()
        elif name == "session_ended":
            alexa.launch()
            alexa.session_ended()
        else:
            alexa.intent(name, **slots)
    return sent


@dataclass
class Comparison:
    ours: list[float]
    reference: list[float]
    ratios: list[float]
    """Per round: our median over the reference's median."""

    @staticmethod
    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def row(self, name: str, scale: float = 1e3) -> str:
        """A Markdown table row; times scaled to milliseconds."""
        r = self.ratios
        return (
            f"| {name} | {statistics.median(self.ours) * scale:.3f} | {self.p(self.ours, 0.99) * scale:.3f} "
            f"| {statistics.median(self.reference) * scale:.3f} | {self.p(self.reference, 0.99) * scale:.3f} "
            f"| **{statistics.median(r):.2f}x** ({min(r):.2f} to {max(r):.2f}) |"
        )


def interleaved(
    ours: Callable[[int], list[float]], reference: Callable[[int], list[float]], rounds: int, per_round: int
) -> Comparison:
    """Run both `rounds` times, alternating, `per_round` timings each time."""
    all_ours: list[float] = []
    all_reference: list[float] = []
    ratios = []
    for _ in range(rounds):
        mine, theirs = ours(per_round), reference(per_round)
        all_ours += mine
        all_reference += theirs
        ratios.append(statistics.median(mine) / statistics.median(theirs))
    return Comparison(all_ours, all_reference, ratios)


def timed(call: Callable[[Any], Any], inputs: list[Any]) -> Callable[[int], list[float]]:
    def run(count: int) -> list[float]:
        times = []
        for index in range(count):
            item = inputs[index % len(inputs)]
            start = time.perf_counter()
            call(item)
            times.append(time.perf_counter() - start)
        return times

    return run


# In process ---------------------------------------------------------------------------------------


def lambda_comparison(rounds: int, per_round: int) -> Comparison:
    events = conversation_events() + conversation_events(screen=True)
    return interleaved(
        timed(lambda event: lambda_handler(event, None), events),
        timed(lambda event: bare.lambda_handler(event, None), events),
        rounds,
        per_round,
    )


def flask_comparison(rounds: int, per_round: int) -> Comparison:
    """Both through Flask's test client with signature verification on and the chain cached."""
    ours = make_app(ASK_SDK_VERIFY_TIMESTAMP=True).test_client()
    reference = bare_web.flask_app(pki().store, ChainServer()).test_client()
    signed = [(body := body_of(event), signed_headers(body)) for event in conversation_events()]

    def post(client: Any) -> Callable[[tuple[bytes, dict[str, str]]], Any]:
        def send(request: tuple[bytes, dict[str, str]]) -> None:
            response = client.post("/", data=request[0], headers=request[1])
            assert response.status_code == 200, response.get_json()

        return send

    return interleaved(timed(post(ours), signed), timed(post(reference), signed), rounds, per_round)


def origin(filename: str, function: str) -> str:
    """Which part of the stack a profiled function belongs to."""
    path = Path(filename)
    if REPO in path.parents and path.parts[len(REPO.parts)] in ("skill", "responses"):
        return "our code (skill/, responses/)"
    if "dateutil" in path.parts or (path.name == "serialize.py" and "deserialize" in function):
        return "SDK reading the request (serializer, dateutil timestamps)"
    if path.name == "serialize.py":
        return "SDK writing the response (serializer)"
    if path.name == "copy.py":
        return "SDK copying session attributes (copy.deepcopy)"
    if any(part.startswith(("ask_sdk", "six")) for part in path.parts):
        return "SDK dispatch, models, response builder"
    if path.parent.name == "json" or function.startswith("<method 'dumps"):
        return "json"
    if path.parent.name == "logging":
        return "logging"
    return "builtins (isinstance, getattr...) and other standard library"


def where_time_goes(count: int) -> dict[str, dict[str, float]]:
    """cProfile's own-time per function, summed by origin, per request (microseconds under the
    profiler, which inflates Python calls: read the shares, not the absolute figures)."""
    events = conversation_events() + conversation_events(screen=True)
    shares: dict[str, dict[str, float]] = {}
    for name, handler in (("ours", lambda_handler), ("bare", bare.lambda_handler)):
        profiler = cProfile.Profile()
        profiler.enable()
        for index in range(count):
            handler(events[index % len(events)], None)
        profiler.disable()
        totals: dict[str, float] = {}
        for (filename, _, function), row in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
            key = origin(filename, function)
            totals[key] = totals.get(key, 0.0) + row[2] / count * 1e6
        shares[name] = totals
    return shares


# Cold start and memory: fresh interpreters ------------------------------------------------------

FIRST_REQUEST = """
import json, sys, time
start = time.perf_counter()
from {module} import lambda_handler
answer = lambda_handler(json.loads(sys.stdin.read()), None)
print(time.perf_counter() - start)
"""

MANY_REQUESTS = """
import gc, json, sys
from {module} import lambda_handler
events = json.loads(sys.stdin.read())
def status_kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
marks, blocks = {{}}, {{}}
for index in range(1, {count} + 1):
    lambda_handler(events[index % len(events)], None)
    if index % 1_000 == 0:
        gc.collect()
        marks[index], blocks[index] = status_kib("VmRSS"), sys.getallocatedblocks()
print(json.dumps({{"marks": marks, "blocks": blocks, "peak_kib": status_kib("VmHWM")}}))
"""
"""VmHWM, not getrusage's ru_maxrss: on Linux the latter keeps the parent's high-water mark
across fork and exec, so every child would report this (larger) benchmark process's peak."""

MODULES = {"ours": "skill.lambda_function", "bare": "benchmarks.bare"}


def fresh(code: str, stdin: str) -> tuple[float, str]:
    start = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=300,
    )
    return time.perf_counter() - start, finished.stdout


def cold_start(rounds: int) -> dict[str, list[float]]:
    event = json.dumps(conversation_events()[1])
    results: dict[str, list[float]] = {"ours wall": [], "bare wall": [], "ours inside": [], "bare inside": []}
    for _ in range(rounds):
        for name, module in MODULES.items():
            wall, inside = fresh(FIRST_REQUEST.format(module=module), event)
            results[f"{name} wall"].append(wall)
            results[f"{name} inside"].append(float(inside))
    return results


def memory(count: int) -> dict[str, dict[str, Any]]:
    events = json.dumps(conversation_events() + conversation_events(screen=True))
    return {
        name: json.loads(fresh(MANY_REQUESTS.format(module=module, count=count), events)[1])
        for name, module in MODULES.items()
    }


# Over HTTP: gunicorn and wrk ---------------------------------------------------------------------

WRK_SCRIPT = """
local bodies = {{ {bodies} }}
local signatures = {{ {signatures} }}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/", {{
    ["Content-Type"] = "application/json",
    ["SignatureCertChainUrl"] = "{url}",
    ["Signature-256"] = signatures[i],
  }}, bodies[i])
end
"""


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def wrk(port: int, seconds: int, connections: int, script: Path) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p99_ms": to_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        "requests": float(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "errors": float(non_2xx.group(1) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def http_runs(
    seconds: int, connections: int, warm_up: int = 2, rounds: int = 1
) -> dict[str, list[dict[str, float]]]:
    """Our production server verifying signatures, the same without verification, and a bare
    Flask JSON echo, each under gunicorn with the production config on loopback, `rounds` times
    in turn (a fresh server each time)."""
    runs = {
        "ours, verified": ("tests.served_app:app", {}),
        "ours, unverified": ("tests.served_app:app", {"ASK_SDK_VERIFY_SIGNATURE": "false"}),
        "bare Flask JSON echo": ("benchmarks.bare_web:echo_app()", {"ALLOW_ANY_SKILL_ID": "true"}),
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "signed.lua"
        for name, (app, settings) in [item for _ in range(rounds) for item in runs.items()]:
            # Signed now: the 150-second timestamp window covers the run.
            signed = [(body := body_of(event), signed_headers(body)) for event in conversation_events()]
            script.write_text(
                WRK_SCRIPT.format(
                    bodies=", ".join(f"[==[{body.decode()}]==]" for body, _ in signed),
                    signatures=", ".join(f'"{headers["Signature-256"]}"' for _, headers in signed),
                    url=CHAIN_URL,
                )
            )
            with gunicorn_with_test_pki(Path(folder), app, **settings) as port:
                wrk(port, warm_up, connections, script)
                results[name].append(wrk(port, seconds, connections, script))
    return results


# How long it talks --------------------------------------------------------------------------------


class Nth(random.Random):
    """Always picks the n-th choice: selects one wording of a topic deterministically."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def choice(self, seq: Any) -> Any:
        return seq[self.n % len(seq)]


def spoken_lengths() -> list[tuple[str, int, list[float]]]:
    """Each topic's first answer in a session (disclaimer, summary, offer), every wording,
    rendered by espeak-ng at its default rate; duration read from the WAV it writes."""
    content = load("en-US")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        audio = Path(folder) / "answer.wav"
        for key, topic in content.topics.items():
            seconds = []
            words = 0
            for index in range(len(topic.summary)):
                ssml = Guide(content, Nth(index)).answer(Conversation(), key).ssml
                subprocess.run(["espeak-ng", "-m", "-w", str(audio), ssml], check=True, timeout=60)
                with wave.open(str(audio)) as sound:
                    seconds.append(sound.getnframes() / sound.getframerate())
                words = max(words, len(re.sub(r"<[^>]+>", " ", ssml).split()))
            rows.append((key, words, seconds))
    return rows


# The report ---------------------------------------------------------------------------------------


def spread(values: list[float], scale: float = 1.0, digits: int = 3) -> str:
    return " / ".join(
        f"{v * scale:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )


@dataclass
class Section:
    lines: list[str]
    targets: dict[str, bool]
    """Each target this section measures, and whether it was met."""


def reproduce(name: str) -> str:
    return f"Reproduce: `.venv/bin/python -m benchmarks.run --only {name}` (add `--quick` for small counts)."


def per_request(quick: bool) -> Section:
    rounds, per_round = (2, 50) if quick else (9, 1500)
    in_lambda, in_flask = lambda_comparison(rounds, per_round), flask_comparison(rounds, per_round // 3)
    profile = where_time_goes(400 if quick else 8000)
    kinds = sorted(
        {kind for totals in profile.values() for kind in totals}, key=lambda k: -profile["ours"].get(k, 0)
    )
    targets = {
        "per request through `lambda_handler`, 1.2x": statistics.median(in_lambda.ratios) <= 1.2,
        "per request through Flask, 1.2x": statistics.median(in_flask.ratios) <= 1.2,
    }
    lines = [
        "## Per request, in process",
        f"{rounds} rounds x {per_round} requests each, cycling through a recorded conversation across "
        "every intent (launch, every question with and without slots, yes, no, more, repeat, go back, "
        "help, fallback, stop, session end; half of them from a device with a screen). Milliseconds. "
        + reproduce("per-request"),
        "",
        "| entry point | ours median | ours p99 | bare median | bare p99 | ratio of medians (spread) |",
        "|---|---|---|---|---|---|",
        in_lambda.row("`lambda_handler` (target 1.2x)"),
        in_flask.row("Flask test client, signature checked, chain cached (target 1.2x)"),
        "",
        "The Flask reference is a route of the same shape around the bare skill, with the same verifier.",
        "",
        "### Where the time goes",
        "The same conversation under cProfile through `lambda_handler`: each function's own time, summed by "
        "where it lives, per request. The profiler inflates every Python call, so compare rows, not the "
        "absolute figures with the table above.",
        "",
        "| part | ours, µs | bare, µs |",
        "|---|---|---|",
        *(
            f"| {kind} | {profile['ours'].get(kind, 0):.0f} | {profile['bare'].get(kind, 0):.0f} |"
            for kind in kinds
        ),
        f"| **all** | **{sum(profile['ours'].values()):.0f}** | **{sum(profile['bare'].values()):.0f}** |",
        "",
    ]
    if not all(targets.values()):
        extra = sum(profile["ours"].values()) - sum(profile["bare"].values())
        lines += ["### Why the target is missed", PER_REQUEST_MISS.format(extra=extra).replace("\n", " "), ""]
    return Section(lines, targets)


PER_REQUEST_MISS = """\
The bare skill reads no state, writes none, and says one sentence with no reprompt, card or screen. Ours,
on every request, reads and checks the conversation in the session attributes and writes it back
(which the SDK then serializes into the response), builds speech, a reprompt, a Standard card and, on
screens, an APL document, and logs the request's type (never its content). The profile shows it: the
difference lies in the rows for our code, the SDK writing the (larger) response, logging, and the
builtins the SDK's serializer calls for it, about {extra:.0f} µs per request under the profiler; reading
the request, the largest single cost (the SDK's deserializer and its dateutil timestamp parse), is the
same for both. Fixed after profiling on 2026-11-25 (`lambda_handler` was 1.81x, cold start 1.67x):
`dataclasses.asdict` deep-copying the state on every turn, a JSON round trip of the Lambda event, a
nesting walk over the whole envelope (now over the session attributes, the only part the SDK copies
recursively), `xml.sax.saxutils` pulling `urllib` into the cold start (now `html.escape`), and the
hundred APL model modules imported on devices without a screen. What remains is the work the skill
exists to do, under a tenth of a millisecond: Lambda bills in 1 ms steps and Alexa waits 8 s."""


def cold_start_section(quick: bool) -> Section:
    cold = cold_start(3 if quick else 12)
    wall_ratios = [o / b for o, b in zip(cold["ours wall"], cold["bare wall"], strict=True)]
    inside_ratios = [o / b for o, b in zip(cold["ours inside"], cold["bare inside"], strict=True)]
    lines = [
        "## Cold start",
        "A fresh interpreter imports the entry point and answers its first request, a question from a "
        f"device without a screen ({len(wall_ratios)} rounds, interleaved). Seconds, min / median / max. "
        + reproduce("cold-start"),
        "",
        "| measured | ours | bare | ratio (spread) |",
        "|---|---|---|---|",
        f"| whole process, interpreter start included (target 1.3x) | {spread(cold['ours wall'])} | "
        f"{spread(cold['bare wall'])} | **{statistics.median(wall_ratios):.2f}x** "
        f"({spread(wall_ratios, digits=2)}) |",
        f"| import and first request only | {spread(cold['ours inside'])} | {spread(cold['bare inside'])} | "
        f"**{statistics.median(inside_ratios):.2f}x** ({spread(inside_ratios, digits=2)}) |",
        "",
    ]
    return Section(lines, {"cold start, 1.3x": statistics.median(wall_ratios) <= 1.3})


def memory_section(quick: bool) -> Section:
    count = 2_000 if quick else 10_000
    mem = memory(count)
    lines = [
        "## Memory",
        f"One fresh process per skill answers {count:,} requests through `lambda_handler` (the recorded "
        "conversation, half of it from a screen device), collecting cyclic garbage every 1,000 "
        "requests: resident memory (VmRSS) after 1,000 and after all of them, the peak (VmHWM), and "
        "Python's live allocated blocks (`sys.getallocatedblocks()`), which would climb with any leak. "
        "MiB unless said. " + reproduce("memory"),
        "",
        "| skill | RSS at 1,000 | RSS at the end | peak | RSS growth 1,000 to end | live blocks growth |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in mem.items():
        at_1000, at_end = result["marks"]["1000"], result["marks"][str(count)]
        blocks = result["blocks"][str(count)] - result["blocks"]["1000"]
        lines.append(
            f"| {name} | {at_1000 / 1024:.1f} | {at_end / 1024:.1f} | {result['peak_kib'] / 1024:.1f} | "
            f"{(at_end - at_1000) / 1024:+.2f} | {blocks:+d} |"
        )
    ratio = mem["ours"]["peak_kib"] / mem["bare"]["peak_kib"]
    at_1000_kib = mem["ours"]["marks"]["1000"]
    growth_kib = mem["ours"]["marks"][str(count)] - at_1000_kib
    lines += ["", f"Peak memory, ours / bare: **{ratio:.2f}x**.", ""]
    return Section(
        lines,
        {"no memory growth from 1,000 requests to the end (RSS within 1%)": growth_kib <= at_1000_kib / 100},
    )


def http_section(quick: bool) -> Section:
    if not shutil.which("wrk"):
        return Section(["## Over HTTP", "Skipped: wrk is not installed (`apt-get install wrk`).", ""], {})
    seconds, rounds = (3, 1) if quick else (10, 3)
    runs = http_runs(seconds, 64, rounds=rounds)
    lines = [
        "## Over HTTP",
        "gunicorn with the production config (skill/gunicorn_conf.py: 2 workers x 4 threads) on "
        f"127.0.0.1, driven by wrk (2 threads, 64 connections, {seconds} s after a 2 s warm-up) on the "
        "same 2 cores, sending correctly signed requests of the recorded conversation (signed just "
        "before each run, inside the 150-second timestamp window; the test PKI stands in for Amazon's "
        f"chain, see tests/served_app.py); {rounds} rounds, the three servers in turn, min / median / max. "
        "Errors count non-2xx answers and socket errors, over all rounds. " + reproduce("http"),
        "",
        "| server | requests/s | p99 ms | requests | errors |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {spread([r['rps'] for r in rs], digits=0)} "
            f"| {spread([r['p99_ms'] for r in rs], digits=1)} "
            f"| {sum(r['requests'] for r in rs):.0f} | {sum(r['errors'] for r in rs):.0f} |"
            for name, rs in runs.items()
        ),
        "",
    ]
    return Section(
        lines, {"zero errors over HTTP": all(r["errors"] == 0 for rs in runs.values() for r in rs)}
    )


def spoken_section(quick: bool) -> Section:
    if not shutil.which("espeak-ng"):
        return Section(
            ["## Spoken length", "Skipped: espeak-ng is not installed (`apt-get install espeak-ng`).", ""], {}
        )
    lines = [
        "## Spoken length",
        "Each topic's first answer in a session (disclaimer, summary, offer) in every wording, "
        "rendered by `espeak-ng -m` at its default rate (about 175 words a minute); seconds read "
        "from the WAV it writes. " + reproduce("spoken"),
        "",
        "| topic | words (longest) | seconds: shortest / median / longest wording |",
        "|---|---|---|",
        *(f"| {key} | {words} | {spread(seconds, digits=1)} |" for key, words, seconds in spoken_lengths()),
        "",
    ]
    return Section(lines, {})


SECTIONS: dict[str, Callable[[bool], Section]] = {
    "per-request": per_request,
    "cold-start": cold_start_section,
    "memory": memory_section,
    "http": http_section,
    "spoken": spoken_section,
}


def report(quick: bool, only: str | None = None) -> str:
    sections = [SECTIONS[only](quick)] if only else [section(quick) for section in SECTIONS.values()]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`.venv/bin/python -m benchmarks.run`) on {time.strftime('%Y-%m-%d')}: "
        f"{platform.processor() or platform.machine()}, {_cpu()}, {_cores()} cores, Python "
        f"{platform.python_version()}. "
        "The reference is benchmarks/bare.py, the smallest ask-sdk-core skill (one handler, one fixed "
        "sentence), run through the same entry points in the same process, ours and it interleaved round by "
        "round. Ratios (ours / reference) are the figures of record; spread is min / median / max over "
        "rounds.",
        "",
        "## Against the targets",
        "",
        *(
            f"- {name}: {'met' if ok else '**missed** (see its section)'}"
            for section in sections
            for name, ok in section.targets.items()
        ),
        "",
    ]
    for section in sections:
        lines += section.lines
    return "\n".join(lines)


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def _cores() -> int:
    return os.cpu_count() or 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small counts, to check the benchmark runs")
    parser.add_argument("--only", choices=SECTIONS, help="one section, printed (docs/ is left alone)")
    parser.add_argument("--output", type=Path, help="where to write (default: docs/benchmarks.md)")
    args = parser.parse_args()
    text = report(args.quick, args.only)
    output = args.output or (None if args.only else REPO / "docs" / "benchmarks.md")
    if output is not None:
        output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
