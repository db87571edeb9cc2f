"""`make package`: the skill package the console takes, and a Lambda zip that runs on its own.

The zip is built once (pip installs Lambda's dependencies into it), unzipped, and imported by a
fresh interpreter that sees only the unzipped folder and the standard library, never this
project's virtual environment: it must answer a real LaunchRequest as Lambda would run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from skill.lint import lint_manifest, read_models
from skill.package import package, skill_package
from skill.simulator import Simulator

RUN_IN_LAMBDA_FOLDER = """
import json, sys
assert not any("site-packages" in path for path in sys.path), sys.path
sys.path.insert(0, sys.argv[1])
from skill.lambda_function import lambda_handler
print(json.dumps(lambda_handler(json.load(sys.stdin), None)))
print(json.dumps(sorted(name.split(".")[0] for name in sys.modules)))
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build")
    package(folder)
    return folder


def test_skill_package_has_manifest_models_and_icons_and_passes_the_linter(build: Path) -> None:
    root = build / "skill-package"
    manifest = json.loads((root / "skill.json").read_text())
    models = read_models(root / "interactionModels" / "custom")
    assert sorted(models) == ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]
    assert lint_manifest(manifest, models) == []
    for info in manifest["manifest"]["publishingInformation"]["locales"].values():
        for icon in (info["smallIconUri"], info["largeIconUri"]):
            assert (root / icon.removeprefix("file://")).read_bytes().startswith(b"\x89PNG")


def test_the_manifest_can_name_your_lambda_function(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:eu-west-1:210987654321:function:muscle-twitch-guide"
    manifest = json.loads((skill_package(tmp_path, arn) / "skill.json").read_text())
    assert manifest["manifest"]["apis"]["custom"]["endpoint"] == {"uri": arn}
    for wrong in ("arn:aws:lambda:eu-west-1:123:function:x", "https://example.com/", "arn:aws:s3:::bucket"):
        with pytest.raises(ValueError, match="not a Lambda function ARN"):
            skill_package(tmp_path, wrong)


def test_zip_holds_only_what_runs(build: Path) -> None:
    names = zipfile.ZipFile(build / "muscle-twitch-guide-lambda.zip").namelist()
    tops = {name.split("/")[0] for name in names}
    assert {"skill", "responses", "ask_sdk_core", "ask_sdk_model"} <= tops
    for absent in ("tests", "flask", "gunicorn", "rapidfuzz", "werkzeug", "cryptography", "bin"):
        assert absent not in tops
    for absent in (
        "skill/web.py",
        "skill/verify.py",
        "skill/console/",
        "skill/simulator.py",
        "skill/lint.py",
    ):
        assert not any(name.startswith(absent) for name in names)
    assert not any("__pycache__" in name for name in names)


def test_unzipped_bundle_answers_a_launch_request_without_the_project_environment(
    build: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(build / "muscle-twitch-guide-lambda.zip") as archive:
        archive.extractall(tmp_path)
    event = Simulator(lambda _: {}).envelope({"type": "LaunchRequest"})
    finished = subprocess.run(
        [sys.executable, "-I", "-S", "-c", RUN_IN_LAMBDA_FOLDER, str(tmp_path)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer, modules = (json.loads(line) for line in finished.stdout.splitlines())
    assert "Muscle Twitch Guide" in answer["response"]["outputSpeech"]["ssml"]
    assert answer["response"]["shouldEndSession"] is False
    assert "flask" not in modules and "cryptography" not in modules
