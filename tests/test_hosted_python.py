"""The code Lambda runs must also run on Alexa-hosted skills, whose Python is 3.8.

CI has no Python 3.8 (Debian bookworm ships 3.11 alone; PyPI and npm offer no CPython 3.8), so
the check is static: vermin knows the first Python version of each module, function, keyword
argument and piece of syntax, and reads every module of the Lambda code folder (skill/ and
responses/ but the web service's modules, as devtools/release/package.py copies them).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli
from packaging.requirements import Requirement

from devtools.release.package import LAMBDA_REQUIREMENTS, REPO, lambda_files

HOSTED_PYTHON = "3.8"
VERMIN = (
    str(Path(sys.executable).parent / "vermin"),
    "--no-config-file",
    f"--target={HOSTED_PYTHON}-",
    "--violations",
    "-vvv",
    "--no-tips",
    "--no-make-paths-absolute",
    # Generics that run, like cast(dict[str, Any], ...) or a dict[str, str] base class, count
    # only with --eval-annotations, which counts annotations too: `runtime_source` blanks those.
    "--eval-annotations",
    # isinstance(x, A | B) and other unions that run (3.10).
    "--feature",
    "union-types",
    # responses/content.py imports tomllib (3.11) in a try whose except imports the tomli
    # backport, which build/lambda/requirements.txt installs before 3.11.
    "--exclude",
    "tomllib",
)
TOO_NEW = """\
import datetime, functools
from typing import Any, cast
functools.cache
"<speak>".removeprefix("<")
isinstance(1, int | str)
cast(dict[str, Any], {})
class Words(dict[str, str]): pass
zip((), (), strict=True)
datetime.UTC
{} | {}
match 1:
    case _: pass
"""
"""One construct that Python 3.8 lacks on each line from the third: the check must see each."""


@pytest.fixture(scope="module")
def modules() -> list[Path]:
    return [path for path in lambda_files() if path.suffix == ".py"]


def runtime_source(source: bytes) -> bytes:
    """`source` with each annotation replaced by `()` of the same extent, so that lines and columns
    stay. Every module on the Lambda path postpones annotations (the test below), so none of them
    is evaluated on 3.8."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    blanked = bytearray(source)
    for node in ast.walk(ast.parse(source)):
        for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None)):
            if isinstance(annotation, ast.expr):
                end_line, end_column = annotation.end_lineno, annotation.end_col_offset
                assert end_line is not None and end_column is not None
                start = starts[annotation.lineno - 1] + annotation.col_offset
                end = starts[end_line - 1] + end_column
                spaces = re.sub(rb"[^\n]", b" ", blanked[start + 1 : end - 1])
                blanked[start:end] = b"0" if end - start == 1 else b"(" + spaces + b")"
    return bytes(blanked)


def vermin(tmp_path: Path, sources: dict[str, bytes]) -> subprocess.CompletedProcess[str]:
    """vermin over `sources` (relative path -> source), written under `tmp_path`, annotations
    blanked, so that its report names the paths and lines of this repository."""
    for name, source in sources.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(runtime_source(source))
    return subprocess.run(
        [*VERMIN, *sources], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


def test_every_lambda_module_postpones_annotations(modules: list[Path]) -> None:
    """`dict[str, Any]` and `str | None` are 3.9 and 3.10 when evaluated, as a module-level
    annotation is without this import; postponed, they are never evaluated."""
    future = "from __future__ import annotations"
    missing = [path for path in modules if future not in path.read_text(encoding="utf-8").splitlines()]
    assert missing == []


def test_lambda_code_needs_nothing_newer_than_the_hosted_python(modules: list[Path], tmp_path: Path) -> None:
    names = [str(path.relative_to(REPO)) for path in modules]
    assert "skill/lambda_function.py" in names and "responses/content.py" in names
    done = vermin(tmp_path, {name: (REPO / name).read_bytes() for name in names})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Analyzing {len(names)} files" in done.stdout


def test_the_check_sees_what_python_3_8_lacks(tmp_path: Path) -> None:
    done = vermin(tmp_path, {"too_new.py": TOO_NEW.encode()})
    assert done.returncode == 1
    flagged = {int(line) for line in re.findall(r"^\s+L(\d+)", done.stdout, re.MULTILINE)}
    assert flagged >= set(range(3, TOO_NEW.count("\n"))), done.stdout


def test_blanked_annotations_keep_every_line_and_column() -> None:
    source = (
        b"def f(a: dict[str, int], *b: list[\n    int\n]) -> str | None:\n    x: int = cast(list[int], a)\n"
    )
    blanked = runtime_source(source)
    assert blanked == (
        b"def f(a: (            ), *b: (    \n       \n)) -> (        ):\n    x: ( ) = cast(list[int], a)\n"
    )
    ast.parse(blanked)


def test_the_hosted_build_installs_the_tomllib_backport_before_python_3_11() -> None:
    (tomli_requirement,) = (Requirement(line) for line in LAMBDA_REQUIREMENTS if line.startswith("tomli"))
    assert tomli_requirement.marker is not None
    assert tomli_requirement.marker.evaluate({"python_version": HOSTED_PYTHON})
    assert not tomli_requirement.marker.evaluate({"python_version": "3.11"})


def test_the_content_loads_through_the_backport_as_on_python_3_8() -> None:
    """With tomllib missing, as before 3.11, responses.content reads the words with tomli, which
    parses every content file as tomllib does."""
    for path in sorted((REPO / "responses" / "content").glob("*.toml")):
        with path.open("rb") as handle:
            parsed = tomllib.load(handle)
        with path.open("rb") as handle:
            assert tomli.load(handle) == parsed, path.name
    script = (
        "import sys; sys.modules['tomllib'] = None; import responses.content as content; "
        "assert content.tomllib.__name__ == 'tomli', content.tomllib; "
        "print(content.load('en-GB').locale)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "en-GB"
