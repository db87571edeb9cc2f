"""What `make bench` measures, ours and the reference (benchmarks/bare.py) side by side: time per
request in process, where that time goes, cold start and memory in fresh interpreters, throughput
over HTTP, and how long the first answers take to say. Figures only: benchmarks/report.py turns
them into docs/benchmarks.md."""

from __future__ import annotations

import cProfile
import json
import pstats
import re
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
from benchmarks.wrk import lua_script, signed_script, wrk
from devtools.alexa.simulator import Simulator
from harness.certs import pki
from harness.servers import REPO, environment, free_port, gunicorn_with_test_pki, serving
from harness.signing import ChainServer, body_of, make_app, signed_headers
from harness.wordings import Nth
from responses import Conversation, Guide, load
from skill.lambda_function import lambda_handler
from skill.safety import REPLACED

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
            alexa.intent(name, ids=None, **slots)  # words only: the simulator resolves them
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


def http_runs(
    seconds: int, connections: int, warm_up: int = 2, rounds: int = 1
) -> dict[str, list[dict[str, float]]]:
    """Our production server verifying signatures, the same without verification, and a bare
    Flask JSON echo, each under gunicorn with the production config on loopback, `rounds` times
    in turn (a fresh server each time)."""
    runs = {
        "ours, verified": ("harness.served_app:app", {}),
        "ours, unverified": ("harness.served_app:app", {"ASK_SDK_VERIFY_SIGNATURE": "false"}),
        "bare Flask JSON echo": ("benchmarks.bare_web:echo_app()", {"ALLOW_ANY_SKILL_ID": "true"}),
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "signed.lua"
        for name, (app, settings) in [item for _ in range(rounds) for item in runs.items()]:
            # Signed now: the 150-second timestamp window covers the run.
            signed = [(body := body_of(event), signed_headers(body)) for event in conversation_events()]
            script.write_text(signed_script(signed))
            with gunicorn_with_test_pki(Path(folder), app, **settings) as port:
                wrk(port, warm_up, connections, script)
                results[name].append(wrk(port, seconds, connections, script))
    return results


MCP_CALLS: list[tuple[str, dict[str, str]]] = [
    ("check_safety", {"text": "why do my legs twitch after running"}),
    ("check_safety", {"text": "my calf keeps twitching and now it feels weak", "body_part": "calf"}),
    ("check_safety", {"text": "I think I'm having a heart attack"}),
    ("check_safety", {"text": "my whole left side just went kinda numb"}),
    ("check_safety", {"text": "could this be ALS", "locale": "en-GB"}),
    ("check_safety", {"text": "my baby's leg is twitching", "person": "baby"}),
    ("answer_topic", {"topic": "why"}),
    ("answer_topic", {"topic": "prevent", "length": "long", "locale": "en-AU"}),
    ("list_topics", {}),
]
"""What the load run asks the add-on: mostly the safety check, which Alexa+ calls first."""
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def mcp_requests() -> list[tuple[bytes, dict[str, str]]]:
    """Each of MCP_CALLS as a JSON-RPC tools/call (stateless: no initialize needed)."""
    return [
        (json.dumps({"jsonrpc": "2.0", "id": index, "method": "tools/call",
                     "params": {"name": name, "arguments": arguments}}).encode(), MCP_HEADERS)
        for index, (name, arguments) in enumerate(MCP_CALLS, 1)
    ]  # fmt: skip


def mcp_runs(
    seconds: int, connections: int, warm_up: int = 2, rounds: int = 1
) -> dict[str, list[dict[str, float]]]:
    """The add-on's tools/call (`python -m addon`: one uvicorn process, auth off on loopback) and,
    side by side, the skill's signed POST / (gunicorn, one worker), `rounds` times in turn."""
    results: dict[str, list[dict[str, float]]] = {"add-on, tools/call": [], "skill, POST / (verified)": []}
    with tempfile.TemporaryDirectory() as folder:
        mcp_script, skill_script = Path(folder) / "mcp.lua", Path(folder) / "signed.lua"
        mcp_script.write_text(lua_script(mcp_requests(), "/mcp"))
        for _ in range(rounds):
            env = environment(PORT=str(free_port()))
            with serving([sys.executable, "-m", "addon"], env, Path(folder) / "addon.log") as port:
                wrk(port, warm_up, connections, mcp_script)
                results["add-on, tools/call"].append(wrk(port, seconds, connections, mcp_script))
            signed = [(body := body_of(event), signed_headers(body)) for event in conversation_events()]
            skill_script.write_text(signed_script(signed))
            with gunicorn_with_test_pki(Path(folder)) as port:
                wrk(port, warm_up, connections, skill_script)
                results["skill, POST / (verified)"].append(wrk(port, seconds, connections, skill_script))
    return results


# How long it talks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstAnswer:
    """One wording of a topic's first answer in a session (disclaimer, summary, offer)."""

    topic: str
    wording: int
    words: int
    seconds: float


def spoken_lengths() -> list[FirstAnswer]:
    """Every topic's first answer in every wording, rendered by espeak-ng at its default rate;
    duration read from the WAV it writes."""
    content = load("en-US")
    answers = []
    with tempfile.TemporaryDirectory() as folder:
        audio = Path(folder) / "answer.wav"
        for key, topic in content.topics.items():
            for index in range(len(topic.summary)):
                ssml = Guide(content, Nth(index), REPLACED).answer(Conversation(), key).ssml
                subprocess.run(["espeak-ng", "-m", "-w", str(audio), ssml], check=True, timeout=60)
                with wave.open(str(audio)) as sound:
                    seconds = sound.getnframes() / sound.getframerate()
                words = len(re.sub(r"<[^>]+>", " ", ssml).split())
                answers.append(FirstAnswer(key, index, words, seconds))
    return answers
