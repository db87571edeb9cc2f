"""Shared helpers: a simulated Alexa session that checks every response against Alexa's rules."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from devtools.alexa.simulator import Simulator
from harness.wordings import Nth
from skill import entry
from skill.lambda_function import lambda_handler
from tests.alexa_rules import check_response, plain


def invoke_checked(event: dict[str, Any]) -> dict[str, Any]:
    response = lambda_handler(event, None)
    check_response(response)
    return response


def speech(response: dict[str, Any]) -> str:
    return plain(response["response"]["outputSpeech"]["ssml"])


def reprompt(response: dict[str, Any]) -> str:
    return plain(response["response"]["reprompt"]["outputSpeech"]["ssml"])


def ends(response: dict[str, Any]) -> bool:
    return bool(response["response"]["shouldEndSession"])


def state(response: dict[str, Any]) -> dict[str, Any]:
    return response["sessionAttributes"]["guide"]


def nested(depth: int) -> list[Any]:
    """JSON lists nested `depth` levels deep."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Seed the skill's wordings from the test's own id: each test hears the same words on every
    run and in any order. (A hook, not a fixture, so Hypothesis tests get it too.)"""
    entry.WORDINGS.seed(item.nodeid)


@pytest.fixture
def choose_wording(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`choose_wording(n)`: from now on the skill (rebuilt for this test) says the n-th of the
    wordings it may choose."""

    def choose(n: int) -> None:
        monkeypatch.setattr(entry, "SKILL", entry.build_skill(Nth(n)))

    return choose


@pytest.fixture
def alexa() -> Simulator:
    """A US English session on a device without a screen."""
    return Simulator(invoke_checked)


@pytest.fixture
def make_alexa():
    def make(locale: str = "en-US", screen: bool = False) -> Simulator:
        return Simulator(invoke_checked, locale=locale, screen=screen)

    return make


UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}
"""Neither profile lets a clock decide pass or fail: no per-example deadline, and no health check
that fails a property because generating its examples was slow on a busy machine."""
settings.register_profile("ci", max_examples=200, derandomize=True, database=None, **UNTIMED)
settings.register_profile("fuzz", max_examples=20_000, **UNTIMED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
"""`make test` ("ci") runs the same examples on every checkout: derandomized, and no example database,
so neither a seed nor a `.hypothesis/` folder left by an earlier run can turn a green commit red.
`make fuzz` ("fuzz") explores at random, 20,000 examples per property, and keeps what fails in
`.hypothesis/` to replay; each failure it finds becomes an explicit `@example` or test before the fix."""
