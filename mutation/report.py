"""From mutmut's results to docs/mutation.md: per module, mutants made, killed, timed out and
survived, and every survivor with its verdict.

Verdicts live in docs/mutation-verdicts.toml, keyed by what a mutant changes (file, function,
line before and after) rather than by mutmut's numbered names, which shift whenever a function
gains or loses a line; so a re-run keeps every verdict whose mutant is still the same change.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devtools.machine import machine

SCOPE = ("responses/", "skill/handlers/", "skill/entry.py", "skill/verify.py", "skill/web.py")
"""What is mutated (pyproject.toml's [tool.mutmut] only_mutate says the same to mutmut)."""
GOAL = 0.9
"""Share of the non-equivalent mutants of each module the tests must kill."""
EQUIVALENT = "equivalent"
"""The one verdict that takes a survivor out of the count: no test could ever tell it apart."""


@dataclass(frozen=True)
class Mutant:
    path: str
    function: str
    status: str
    """mutmut's word: killed, survived, timeout, no tests, suspicious, ..."""
    before: str
    after: str
    """The changed lines, stripped (several joined by " / ")."""

    @property
    def key(self) -> str:
        return f"{self.path} | {self.function} | {self.before} -> {self.after}"


@dataclass(frozen=True)
class Verdict:
    verdict: str
    """`equivalent`, or what was done or remains to be done (`fixed: ...`, `open: ...`)."""
    why: str


def function_of(mutant_name: str) -> str:
    """`Guide.repeat` from `responses.guide.xǁGuideǁrepeat__mutmut_1`, `apology` from
    `skill.entry.x_apology__mutmut_3`."""
    mangled = mutant_name.rpartition("__mutmut_")[0].rpartition(".")[2]
    if mangled.startswith("xǁ"):
        return ".".join(mangled.removeprefix("xǁ").split("ǁ"))
    return mangled.removeprefix("x_")


def changed_lines(diff: str) -> tuple[str, str]:
    """The removed and the added lines of a unified diff, each side stripped and joined."""
    lines = diff.splitlines()
    before = [line[1:].strip() for line in lines if line.startswith("-") and not line.startswith("---")]
    after = [line[1:].strip() for line in lines if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(before), " / ".join(after)


def load_verdicts(path: Path) -> dict[str, Verdict]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("survivor", [])
    return {entry["mutant"]: Verdict(entry["verdict"], entry.get("why", "")) for entry in entries}


def kill_rate(killed: int, made: int, equivalent: int) -> float | None:
    """Killed (timeouts count: the mutant did not pass) over the non-equivalent mutants."""
    judged = made - equivalent
    return killed / judged if judged else None


def group_of(path: str) -> str:
    """The SCOPE entry a mutated file belongs to (the modules the goal is set for)."""
    return next((scope for scope in SCOPE if path == scope or path.startswith(scope)), path)


def rows(mutants: list[Mutant], verdicts: dict[str, Verdict], name_of: Callable[[str], str]) -> list[str]:
    """One table row per name (a SCOPE entry, or a file): counts and the kill rate against the goal."""
    lines = []
    for name in sorted({name_of(mutant.path) for mutant in mutants}):
        mine = [mutant for mutant in mutants if name_of(mutant.path) == name]
        counts = Counter(mutant.status for mutant in mine)
        equivalent = sum(
            1
            for mutant in mine
            if mutant.status == "survived" and verdicts.get(mutant.key, Verdict("", "")).verdict == EQUIVALENT
        )
        other = len(mine) - counts["killed"] - counts["timeout"] - counts["survived"]
        rate = kill_rate(counts["killed"] + counts["timeout"], len(mine), equivalent)
        shown = "n/a" if rate is None else f"{rate:.0%}" + ("" if rate >= GOAL else " **below goal**")
        lines.append(
            f"| {name} | {len(mine)} | {counts['killed']} | {counts['timeout']} | {counts['survived']} "
            f"| {equivalent} | {other} | {shown} |"
        )
    return lines


def code(text: str) -> str:
    """Text as a Markdown code span (a backtick inside would end it early)."""
    return "`" + text.replace("`", "'") + "`"


def cell(text: str) -> str:
    """Code for a Markdown table cell, pipes escaped; an empty side means the line was removed."""
    return code(text).replace("|", "\\|") if text else "(removed)"


def render(mutants: list[Mutant], verdicts: dict[str, Verdict], seconds: float, command: str) -> str:
    survivors = sorted((m for m in mutants if m.status == "survived"), key=lambda m: m.key)
    # The same change made twice in one function is the same key: judged once, listed once.
    unique = list({mutant.key: mutant for mutant in survivors}.values())
    fixed = sorted(key for key in verdicts if key not in {mutant.key for mutant in survivors})
    lines = [
        "# Mutation testing",
        "",
        f"Generated by `{command}` ({seconds / 60:.1f} minutes on {machine()}). mutmut changes "
        "one thing at a time in the code that keeps listeners safe and requests honest "
        f"({', '.join(SCOPE)}) and runs the tests that reach it; a mutant the tests do not notice "
        "survived. Timeouts count as killed (the mutant did not pass). Kill rate: killed over "
        f"non-equivalent mutants, goal {GOAL:.0%} for each of those five modules (each file below, "
        "for detail).",
        "",
        "Verdicts come from docs/mutation-verdicts.toml, keyed by the change itself, so they carry "
        "over re-runs; a survivor without one is marked **unjudged**. mutmut mutates inside functions "
        "only: module-level tables and constants (handler order, intent maps, limits) are held by "
        "the tests that read them, not measured by mutation.",
        "",
        "| module | made | killed | timed out | survived | of which equivalent | not run | kill rate |",
        "|---|---|---|---|---|---|---|---|",
        *rows(mutants, verdicts, group_of),
        "",
        "### Per file",
        "",
        "| file | made | killed | timed out | survived | of which equivalent | not run | kill rate |",
        "|---|---|---|---|---|---|---|---|",
        *rows(mutants, verdicts, str),
        "",
        f"## Survivors ({len(unique)})",
        "",
        "| module | function | line | mutated to | verdict |",
        "|---|---|---|---|---|",
    ]
    for mutant in unique:
        verdict = verdicts.get(mutant.key)
        said = "**unjudged**" if verdict is None else f"{verdict.verdict}: {verdict.why}".rstrip(": ")
        lines.append(
            f"| {mutant.path} | {mutant.function} | {cell(mutant.before)} | {cell(mutant.after)} "
            f"| {said.replace('|', '/')} |"
        )
    if fixed:
        lines += [
            "",
            "## Judged survivors now killed",
            "",
            "Verdicts whose mutant no longer survives (a test now catches it, or the code changed); "
            "delete them from docs/mutation-verdicts.toml once nobody needs the history.",
            "",
            *(f"- {code(key)}: {verdicts[key].verdict}" for key in fixed),
        ]
    return "\n".join(lines) + "\n"
