"""Choosing the wording instead of drawing it: for tests and benchmarks that need to know which
of a topic's wordings the skill says."""

from __future__ import annotations

from random import Random
from typing import Any


class Nth(Random):
    """Always picks the n-th of the options it is offered (wrapping around)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def choice(self, seq: Any) -> Any:
        return seq[self.n % len(seq)]
