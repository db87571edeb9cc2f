"""A pytest plugin for mutation runs only (pyproject.toml [tool.mutmut] loads it): what the skill
does once per process, it does once per test.

mutmut forks a worker per mutant from a process that has already run the suite, so the content
cache and the skill object were built before any mutant was switched on: a mutant in `load` or
`build_skill` would never run, and survive for that reason alone. The test suite itself has no
need of this.
"""

from __future__ import annotations

import pytest

from responses.content import _load
from skill import entry


def pytest_runtest_setup(item: pytest.Item) -> None:
    _load.cache_clear()
    entry.SKILL = entry.build_skill(entry.WORDINGS)
