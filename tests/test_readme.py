"""The README and docs/ work as written: every command in their code blocks runs, on a fresh
clone, exactly as printed, unless it needs an Amazon account, a real Alexa run, minutes of time or is the test
run itself; those are listed below with the reason, and a command that is in neither list fails.

The clone gets a virtualenv of its own whose packages are this project's (a .pth line to ours),
so nothing is downloaded for it except what the commands themselves fetch (`make package`: PyPI).
Servers (`make run`, `make serve`, `make mcp`) are started as written, asked for /health, and stopped; a
command that talks to one (the curl recipe) runs while the server before it in its block is up,
after the commands between them. Each server gets a free port (PORT, which both honour, and the
README's address rewritten to it), so a `make run` left up elsewhere changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import site
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCUMENTS = (README, *sorted((REPO / "docs").glob("*.md")))
"""Where the commands are: the README first, then every page of docs/."""
COMMAND = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:make|\.venv/bin/|mkdir|curl|git|ask|npm|cp|cd)\b")
SERVER = re.compile(r"\bmake (?:run|serve|mcp)\b")
ADDRESS = "http://127.0.0.1:8080/"
TYPED = "open muscle twitch guide\nhelp\n/quit\n"
TOOLS = ("gunicorn", "ruff", "mypy")

NOT_RUN = {
    "git clone <this repository> muscle-twitch-guide && cd muscle-twitch-guide": "this test is that clone",
    "make test": "this test runs inside make test",
    "make test NO_APT=1": "this test runs inside make test",
    "make check": "make test runs it before this test",
    "make bench": "several minutes; docs/benchmarks.md is its own job",
    "make fuzz": "random exploration for many minutes; make test runs the fixed profile",
    "make mutate": "many minutes; docs/mutation.md is its own job",
    "npm install -g ask-cli && ask configure": "signs in to an Amazon developer account",
    "ask new": "needs an Amazon developer account",
    "cp -r build/lambda <the cloned folder>/": "needs a hosted skill's repository",
    "cp -r build/skill-package/interactionModels <the cloned folder>/skill-package/": (
        "needs a hosted skill's repository"
    ),
    'cd <the cloned folder> && git add -A && git commit -m "Muscle Twitch Guide" && git push': (
        "pushes to a hosted skill's repository"
    ),
    "cd build && ask deploy": "needs Amazon developer and AWS accounts",
    "ask dialog --replay build/replay/en-US.json --save-skill-io build/replay/en-US.skill-io.json": (
        "talks to the real Alexa"
    ),
    ".venv/bin/python -m devtools score-alexa build/replay/*.skill-io.json": "needs a saved real-Alexa run",
    "ask configure": "signs in to an Amazon developer account",
    "make inspect": "fetches the MCP Inspector from npm (150 MB); tests/test_addon.py drives the same tools",
    (
        ".venv/bin/python -m devtools profile --skill-id amzn1.ask.skill.your-id"
        " --write build/profile/report.md"
    ): "asks the real Alexa's profileNlu: needs an Amazon developer account",
    ".venv/bin/python -m devtools conflicts --skill-id amzn1.ask.skill.your-id": (
        "asks Amazon's conflict report: needs an Amazon developer account"
    ),
}
"""Commands of the README and docs/ that this test does not run, and why."""


@dataclass(frozen=True)
class Command:
    text: str
    before: tuple[str, ...]
    """The earlier commands of its code block."""


def readme_commands(*texts: str) -> list[Command]:
    """The commands in the documents' indented code blocks, comments dropped, each once."""
    commands: list[Command] = []
    block: list[str] = []
    for line in "\n\n".join(texts).splitlines():
        if not line.startswith("    "):
            if line.strip():
                block = []
            continue
        command = re.split(r"\s{2,}# ", line.strip())[0].strip()
        if not COMMAND.match(command):
            continue
        if SERVER.search(command):
            block = []
        if all(command != earlier.text for earlier in commands):
            commands.append(Command(command, tuple(block)))
        block.append(command)
    return commands


COMMANDS = readme_commands(*(document.read_text(encoding="utf-8") for document in DOCUMENTS))


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone of this commit with a virtualenv that borrows our installed packages."""
    folder = tmp_path_factory.mktemp("readme") / "muscle-twitch-guide"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(folder)], check=True, timeout=120)
    venv = [sys.executable, "-m", "venv", "--without-pip", str(folder / ".venv")]
    subprocess.run(venv, check=True, timeout=120)
    (purelib,) = (folder / ".venv" / "lib").glob("python3*/site-packages")
    (purelib / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    for tool in TOOLS:  # what the Makefile runs from .venv/bin besides python
        (folder / ".venv" / "bin" / tool).symlink_to(Path(sys.executable).parent / tool)
    for stamp in (".installed-stamp", ".test-installed-stamp", ".mcp-installed-stamp"):
        (folder / ".venv" / stamp).touch()  # newer than the clone's pyproject.toml: make installs nothing
    return folder


OUTSIDE = ("VIRTUAL_ENV", "PYTHONPATH", "ALEXA_SKILL_ID", "MAKELEVEL", "MAKEFLAGS", "MFLAGS")
"""What the test run's own environment must not pass on: a reader's shell has none of these (a
nested make would print "Entering directory")."""


def environment(port: int | None = None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in OUTSIDE}
    if port is not None:
        env["PORT"] = str(port)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(command: str, folder: Path, port: int | None = None) -> subprocess.CompletedProcess[str]:
    if port is not None:
        command = command.replace(ADDRESS, f"http://127.0.0.1:{port}/")
    done = subprocess.run(
        ["bash", "-c", command], cwd=folder, input=TYPED, capture_output=True, text=True,
        env=environment(port), timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{command!r} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


def healthy(port: int) -> bool:
    with (
        suppress(urllib.error.URLError, ConnectionError, TimeoutError),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer,
    ):
        return bool(answer.status == 200)
    return False


@contextmanager
def serving(command: str, folder: Path) -> Iterator[int]:
    """`command` running on a free port until the block is done; its process group is stopped
    afterwards."""
    port = free_port()
    server = subprocess.Popen(
        ["bash", "-c", command], cwd=folder, env=environment(port), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not healthy(port):
            assert server.poll() is None, f"{command!r} stopped: {server.communicate()[1][-2000:]}"
            assert time.monotonic() < deadline, f"{command!r} did not answer on port {port}"
            time.sleep(0.2)
        yield port
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_every_readme_command_is_run_here_or_skipped_for_a_reason() -> None:
    readme = {command.text for command in readme_commands(README.read_text(encoding="utf-8"))}
    assert {"make run", "make chat", 'make ask Q="why do my legs twitch"', "make package"} <= readme
    texts = {command.text for command in COMMANDS}
    assert set(NOT_RUN) <= texts, "a skipped command is no longer in the README or docs/"


@pytest.mark.parametrize("command", COMMANDS, ids=[command.text[:60] for command in COMMANDS])
def test_readme_command_works_as_written(command: Command, clone: Path) -> None:
    if command.text in NOT_RUN:
        pytest.skip(NOT_RUN[command.text])
    if "devtools replay" in command.text and not any((clone / "tests" / "corpus").glob("*.tsv")):
        pytest.skip("tests/corpus/ has no corpus in this checkout")
    if SERVER.search(command.text):
        server, steps = command.text, []
    elif ADDRESS in command.text:
        server = next(earlier for earlier in reversed(command.before) if SERVER.search(earlier))
        steps = [*command.before[command.before.index(server) + 1 :], command.text]
    else:
        run(command.text, clone)
        return
    with serving(server, clone) as port:
        for step in steps:
            done = run(step, clone, port)
        if steps and steps[-1].startswith("curl"):
            assert "outputSpeech" in json.loads(done.stdout)["response"]
