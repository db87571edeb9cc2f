"""`make package`: one build/ folder for the ASK CLI, Alexa-hosted skills and the consoles.

Each bundle is built once and run by a fresh interpreter that sees only the unpacked folder and
the standard library, never this project's virtual environment, as Lambda would run it: the
Lambda zip as it is, and the Alexa-hosted code after pip installs its requirements.txt into an
empty folder, as the hosted build does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import interaction_model
from devtools.console import Console
from devtools.release.lint import lint_manifest, lint_project, read_models
from devtools.release.package import (
    HANDLER,
    HOSTED_IMPORT_MAX_FILES,
    HOSTED_ZIP,
    LAMBDA_PYTHON,
    LAMBDA_RUNTIME,
    LAMBDA_ZIP,
    REPO,
    package,
    skill_package,
)
from tests.ask_cli import ask_cli_root, check_project

pytestmark = pytest.mark.slow

RUN_HANDLER = """
import importlib, json, sys
assert not any("site-packages" in path for path in sys.path), sys.path
sys.path.insert(0, sys.argv[1])
module, function = sys.argv[2].rsplit(".", 1)
handler = getattr(importlib.import_module(module), function)
print(json.dumps([handler(event, None) for event in json.load(sys.stdin)]))
print(json.dumps(sorted(name.split(".")[0] for name in sys.modules)))
"""
EMERGENCY = "ask muscle twitch guide I have chest pain"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build")
    package(folder)
    return folder


def run_isolated(
    folder: Path, events: list[dict[str, Any]], python: str = sys.executable
) -> tuple[list[dict[str, Any]], list[str]]:
    """Answers from `folder`'s handler in an interpreter (`python`) without site-packages, and the
    modules it loaded."""
    finished = subprocess.run(
        [python, "-I", "-S", "-c", RUN_HANDLER, str(folder), HANDLER],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answers, modules = (json.loads(line) for line in finished.stdout.splitlines())
    return answers, modules


def launch_and_emergency() -> list[dict[str, Any]]:
    """A LaunchRequest and the emergency one-shot, as Alexa would send them on en-US."""
    return [Console().say("open muscle twitch guide").request, Console().say(EMERGENCY).request]


def speech(answer: dict[str, Any]) -> str:
    return str(answer["response"]["outputSpeech"]["ssml"])


def check_launch_and_emergency(answers: list[dict[str, Any]]) -> None:
    launch, emergency = answers
    assert "Muscle Twitch Guide" in speech(launch)
    assert launch["response"]["shouldEndSession"] is False
    assert "nine one one" in speech(emergency) or "911" in speech(emergency)


def test_skill_package_has_manifest_models_and_icons_and_no_endpoint(build: Path) -> None:
    root = build / "skill-package"
    manifest = json.loads((root / "skill.json").read_text())
    models = read_models(root / "interactionModels" / "custom")
    assert models == {locale: interaction_model.build(locale) for locale in interaction_model.LOCALES}
    assert sorted(models) == ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]
    assert lint_project(models, root / "skill.json") == []
    assert "endpoint" not in manifest["manifest"]["apis"]["custom"], "no made-up function"
    for info in manifest["manifest"]["publishingInformation"]["locales"].values():
        for icon in (info["smallIconUri"], info["largeIconUri"]):
            assert (root / icon.removeprefix("file://")).read_bytes().startswith(b"\x89PNG")


def test_ask_resources_name_the_skill_package_the_code_and_the_lambda_deployer(build: Path) -> None:
    profile = json.loads((build / "ask-resources.json").read_text())["profiles"]["default"]
    assert (build / profile["skillMetadata"]["src"] / "skill.json").is_file()
    assert (build / profile["code"]["default"]["src"] / "requirements.txt").is_file()
    infrastructure = profile["skillInfrastructure"]
    assert infrastructure["type"] == "@ask-cli/lambda-deployer"
    assert infrastructure["userConfig"]["handler"] == HANDLER
    assert "sourceLambda" not in infrastructure["userConfig"]


def test_a_lambda_arn_goes_into_the_manifest_and_the_deployer(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:eu-west-1:210987654321:function:muscle-twitch-guide"
    manifest = json.loads((skill_package(tmp_path, arn) / "skill.json").read_text())
    assert manifest["manifest"]["apis"]["custom"]["endpoint"] == {"uri": arn}
    for wrong in ("arn:aws:lambda:eu-west-1:123:function:x", "https://example.com/", "arn:aws:s3:::bucket"):
        with pytest.raises(ValueError, match="not a Lambda function ARN"):
            skill_package(tmp_path, wrong)


def test_python_m_skill_package_says_who_fills_the_endpoint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from devtools.release import package as package_module

    monkeypatch.setattr(package_module, "BUILD", tmp_path)
    monkeypatch.setattr(package_module, "install_dependencies", lambda target: None)
    assert package_module.main() == 0
    out = capsys.readouterr().out
    assert "endpoint: none in skill.json" in out and "ask deploy" in out
    arn = "arn:aws:lambda:us-east-1:210987654321:function:mine"
    assert package_module.main(arn) == 0
    resources = json.loads((tmp_path / "ask-resources.json").read_text())
    user_config = resources["profiles"]["default"]["skillInfrastructure"]["userConfig"]
    assert user_config["sourceLambda"] == {"arn": arn}


def test_lambda_zip_holds_only_what_runs(build: Path) -> None:
    names = zipfile.ZipFile(build / LAMBDA_ZIP).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {"lambda_function.py", "skill", "responses", "ask_sdk_core", "ask_sdk_model"} <= tops
    for absent in ("tests", "flask", "gunicorn", "rapidfuzz", "werkzeug", "cryptography", "bin"):
        assert absent not in tops
    tools = ("skill/web.py", "skill/verify.py", "skill/gunicorn_conf.py", "devtools/")
    for absent in tools:
        assert not any(name.startswith(absent) for name in names)
    ours = {name for name in names if name.split("/")[0] in ("skill", "responses")}
    shipped = {
        path.relative_to(REPO).as_posix()
        for package in ("skill", "responses")
        for path in (REPO / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert ours == shipped - set(tools), "skill/ and responses/ whole, but the web service's modules"
    assert not any("__pycache__" in name for name in names)


def lambda_python() -> str:
    """An interpreter of the Lambda runtime's Python: one of pyenv's, or on PATH (not pyenv's
    shim, which fails where that version is not selected)."""
    name = f"python{LAMBDA_PYTHON}"
    installed = sorted(Path.home().glob(f".pyenv/versions/{LAMBDA_PYTHON}.*/bin/{name}"))
    found = str(installed[-1]) if installed else shutil.which(name)
    if found is None or "shims" in Path(found).parts:
        pytest.skip(f"no {name} on this machine (pyenv install {LAMBDA_PYTHON} gives one)")
    return found


def test_unzipped_lambda_bundle_answers_under_the_lambda_runtimes_python(build: Path, tmp_path: Path) -> None:
    """The zip as Lambda unpacks it, run by the runtime's own Python version with nothing else on
    the path: its wheels (built for that version) load and it answers."""
    with zipfile.ZipFile(build / LAMBDA_ZIP) as archive:
        archive.extractall(tmp_path)
    python = lambda_python()
    version = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    assert version.strip() == str(tuple(int(part) for part in LAMBDA_PYTHON.split(".")))
    answers, modules = run_isolated(tmp_path, launch_and_emergency(), python)
    check_launch_and_emergency(answers)
    assert "flask" not in modules and "cryptography" not in modules


def test_hosted_code_zip_is_our_code_and_requirements_within_the_import_limit(build: Path) -> None:
    names = zipfile.ZipFile(build / HOSTED_ZIP).namelist()
    assert len(names) <= HOSTED_IMPORT_MAX_FILES
    assert {"lambda_function.py", "requirements.txt"} <= set(names)
    tops = {name.split("/")[0] for name in names}
    assert tops == {"lambda_function.py", "requirements.txt", "skill", "responses"}
    assert sorted(names) == sorted(
        str(path.relative_to(build / "lambda")) for path in (build / "lambda").rglob("*") if path.is_file()
    ), "the zip is the lambda/ folder of the hosted layout, file for file"


def test_hosted_project_installs_its_requirements_and_answers_from_that_folder_alone(
    build: Path, tmp_path: Path
) -> None:
    """As the hosted build does: pip installs requirements.txt next to the code, nothing else."""
    folder = tmp_path / "lambda"
    with zipfile.ZipFile(build / HOSTED_ZIP) as archive:
        archive.extractall(folder)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
         "--target", str(folder), "-r", str(folder / "requirements.txt")],
        check=True, timeout=300,
    )  # fmt: skip
    answers, _ = run_isolated(folder, launch_and_emergency())
    check_launch_and_emergency(answers)


def test_hosted_layout_is_skill_package_beside_lambda_and_passes_the_linter(build: Path) -> None:
    root = build / "skill-package"
    assert (build / "lambda" / "lambda_function.py").is_file()
    manifest = json.loads((root / "skill.json").read_text())
    assert lint_manifest(manifest, read_models(root / "interactionModels" / "custom")) == []
    done = subprocess.run(
        [sys.executable, "-m", "devtools", "lint", "--skill-package", str(root)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    assert "0 problem(s)" in done.stdout


def test_the_ask_cli_loads_the_project_and_its_build_answers(build: Path, tmp_path: Path) -> None:
    """ask-cli's own loaders read build/ as `ask deploy` would, and its python-pip build flow
    (pip install -r requirements.txt -t ., then zip) makes a bundle that answers on its own."""
    cli = ask_cli_root()
    if isinstance(cli, str):
        pytest.skip(cli)
    project = tmp_path / "project"
    shutil.copytree(build, project, ignore=shutil.ignore_patterns("*.zip"))
    report = check_project(cli, project)
    assert report["skillMetadataSrc"] == "./skill-package"
    assert report["codeRegions"] == ["default"] and report["codeSrc"] == "./lambda"
    assert report["infrastructure"] == "@ask-cli/lambda-deployer"
    assert report["userConfig"]["handler"] == HANDLER and report["userConfig"]["runtime"] == LAMBDA_RUNTIME
    assert report["apis"] == ["custom"]
    assert sorted(report["locales"]) == ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]
    assert report["buildFlow"] == "PythonPipBuildFlow"
    assert report["buildError"] is None
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(report["buildZip"]) as archive:
        archive.extractall(unpacked)
    answers, _ = run_isolated(unpacked, launch_and_emergency())
    check_launch_and_emergency(answers)
