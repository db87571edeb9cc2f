"""`make mutate`: a fresh mutmut run over the safety-critical code, then docs/mutation.md.

    .venv/bin/python -m mutation [--report-only]

A run starts from an empty mutants/ folder, so results never mix code versions; --report-only
rewrites the report from the last run's results (after editing docs/mutation-verdicts.toml).
mutmut runs on both cores; tests that start servers or subprocesses are left out
(pyproject.toml [tool.mutmut]): the code they reach runs in another process, where no mutant
is switched on.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files

from mutation.report import Mutant, changed_lines, function_of, load_verdicts, render

REPO = Path(__file__).resolve().parent.parent
MUTANTS = REPO / "mutants"
SECONDS = MUTANTS / "run-seconds"
"""How long the last run took, kept for --report-only."""
REPORT = REPO / "docs" / "mutation.md"
VERDICTS = REPO / "docs" / "mutation-verdicts.toml"


def run_mutmut() -> float:
    shutil.rmtree(MUTANTS, ignore_errors=True)
    start = time.monotonic()
    mutmut = Path(sys.executable).with_name("mutmut")
    subprocess.run([str(mutmut), "run", "--max-children", "2"], cwd=REPO, check=True)
    seconds = time.monotonic() - start
    SECONDS.write_text(f"{seconds:.0f}\n")
    return seconds


def results() -> list[Mutant]:
    """Every mutant of the last run, with the change it made."""
    mutants = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, exit_code in data.exit_code_by_key.items():
            before, after = changed_lines(get_diff_for_mutant(name, path=path))
            mutants.append(
                Mutant(str(path), function_of(name), status_by_exit_code[exit_code], before, after)
            )
    return mutants


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from the last run")
    args = parser.parse_args()
    seconds = float(SECONDS.read_text()) if args.report_only else run_mutmut()
    text = render(results(), load_verdicts(VERDICTS), seconds, "make mutate")
    REPORT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
