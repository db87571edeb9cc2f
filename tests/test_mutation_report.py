"""docs/mutation.md from mutmut's results: counts per module, kill rates over non-equivalent
mutants, and verdicts that follow a mutant by what it changes, not by mutmut's numbering."""

from __future__ import annotations

from pathlib import Path

from mutation.report import Mutant, Verdict, changed_lines, function_of, kill_rate, load_verdicts, render

DIFF = """--- responses/guide.py
+++ responses/guide.py
@@ -1,5 +1,5 @@
 def repeat(self, conversation: Conversation) -> Reply:
-    if conversation.last is not None:
+    if conversation.last is None:
         return conversation.last"""


def mutant(status: str, after: str = "x", path: str = "skill/entry.py") -> Mutant:
    return Mutant(path, "apology", status, "x = 1", after)


def test_a_mutant_is_named_by_file_function_and_change() -> None:
    assert function_of("responses.guide.xǁGuideǁrepeat__mutmut_12") == "Guide.repeat"
    assert function_of("skill.entry.x_apology__mutmut_3") == "apology"
    assert function_of("skill.entry.x_x_y__mutmut_1") == "x_y"
    before, after = changed_lines(DIFF)
    assert (before, after) == ("if conversation.last is not None:", "if conversation.last is None:")
    key = Mutant("responses/guide.py", "Guide.repeat", "survived", before, after).key
    assert key == f"responses/guide.py | Guide.repeat | {before} -> {after}"


def test_kill_rate_leaves_equivalent_mutants_out() -> None:
    assert kill_rate(killed=9, made=11, equivalent=1) == 0.9
    assert kill_rate(killed=0, made=2, equivalent=2) is None


def test_verdicts_load_from_toml_and_follow_the_change(tmp_path: Path) -> None:
    survivor = mutant("survived", after="x = 2")
    verdicts = tmp_path / "verdicts.toml"
    verdicts.write_text(
        f'[[survivor]]\nmutant = "{survivor.key}"\nverdict = "equivalent"\nwhy = "x is never read"\n'
    )
    assert load_verdicts(verdicts) == {survivor.key: Verdict("equivalent", "x is never read")}
    assert load_verdicts(tmp_path / "missing.toml") == {}


def test_the_report_counts_each_module_and_lists_every_survivor_with_its_verdict() -> None:
    judged, unjudged = mutant("survived", after="x = 2"), mutant("survived", after="x = None")
    mutants = [*(mutant("killed") for _ in range(7)), mutant("timeout"), judged, unjudged]
    mutants.append(mutant("survived", after="y", path="skill/web.py"))
    mutants += [
        mutant("killed", path="skill/handlers/moves.py"),
        mutant("survived", path="skill/handlers/base.py"),
    ]
    gone = "skill/entry.py | apology | a -> b"
    verdicts = {judged.key: Verdict("equivalent", "x is never read"), gone: Verdict("fixed", "a test")}
    page = render(mutants, verdicts, 125.0, "make mutate")
    assert "`make mutate` (2.1 minutes" in page
    # 10 made, 7 killed + 1 timeout over 10 - 1 equivalent = 89%: below the 90% goal.
    assert "| skill/entry.py | 10 | 7 | 1 | 2 | 1 | 0 | 89% **below goal** |" in page
    assert "| skill/web.py | 1 | 0 | 0 | 1 | 0 | 0 | 0% **below goal** |" in page
    assert "| skill/handlers/ | 2 | 1 | 0 | 1 | 0 | 0 | 50% **below goal** |" in page, "one row per module"
    assert "| skill/handlers/moves.py | 1 | 1 | 0 | 0 | 0 | 0 | 100% |" in page, "and one per file"
    assert "## Survivors (4)" in page
    assert "| skill/entry.py | apology | `x = 1` | `x = 2` | equivalent: x is never read |" in page
    assert "| skill/entry.py | apology | `x = 1` | `x = None` | **unjudged** |" in page
    assert f"- `{gone}`: fixed" in page
