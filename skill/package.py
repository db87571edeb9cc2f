"""`make package`: what the Alexa developer console, `ask deploy` and AWS Lambda take.

    build/skill-package/skill.json, assets/, interactionModels/custom/<locale>.json
    build/lambda/                    the code Lambda runs, its requirements.txt and dependencies
    build/muscle-twitch-guide-lambda.zip   build/lambda/ zipped: upload it as the function code

Lambda runs only `skill.lambda_function` and what it imports (the handlers and the response
layer); the web service, request verification, console, simulator and tools stay out, and so do
Flask, gunicorn and rapidfuzz. Dependencies are installed as manylinux wheels for CPython 3.11
on x86_64, Lambda's `python3.11` runtime (choose x86_64 architecture for the function).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
ZIP_NAME = "muscle-twitch-guide-lambda.zip"

LAMBDA_CODE = (
    "skill/__init__.py",
    "skill/lambda_function.py",
    "skill/entry.py",
    "skill/intents.py",
    "skill/render.py",
    "skill/safety.py",
    "skill/handlers/*.py",
    "skill/apl/*.json",
    "responses/*.py",
    "responses/content/*.toml",
)
"""Everything `import skill.lambda_function` loads from this project (tests check the import
chain and that nothing else is needed)."""
LAMBDA_REQUIREMENTS = ("ask-sdk-core>=1.19,<2",)
LAMBDA_PLATFORM = ("--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--implementation", "cp")


LAMBDA_ARN = re.compile(
    r"arn:aws:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?"
)
"""A Lambda function's ARN, as the Alexa Skills Kit trigger's function page shows it."""


def skill_package(build: Path, lambda_arn: str | None = None) -> Path:
    """The skill package; with `lambda_arn`, its manifest points at that function (the source
    manifest carries a placeholder ARN)."""
    target = build / "skill-package"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "skill-package", target)
    if lambda_arn is not None:
        if not LAMBDA_ARN.fullmatch(lambda_arn):
            raise ValueError(f"not a Lambda function ARN: {lambda_arn!r}")
        manifest_path = target / "skill.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["manifest"]["apis"]["custom"]["endpoint"] = {"uri": lambda_arn}
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    models = target / "interactionModels" / "custom"
    models.mkdir(parents=True)
    for model in sorted((REPO / "interaction_model").glob("*.json")):
        shutil.copy2(model, models / model.name)
    return target


def lambda_code(build: Path) -> Path:
    target = build / "lambda"
    shutil.rmtree(target, ignore_errors=True)
    for pattern in LAMBDA_CODE:
        for source in sorted(REPO.glob(pattern)):
            destination = target / source.relative_to(REPO)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    (target / "requirements.txt").write_text("\n".join(LAMBDA_REQUIREMENTS) + "\n")
    return target


def install_dependencies(target: Path) -> None:
    """Lambda's dependencies next to the code, as binary wheels for Lambda's platform."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-compile", "--only-binary=:all:", *LAMBDA_PLATFORM,
         "--target", str(target), "-r", str(target / "requirements.txt")],
        check=True,
    )  # fmt: skip
    shutil.rmtree(target / "bin", ignore_errors=True)


def zip_folder(folder: Path, destination: Path) -> Path:
    """A reproducible zip: sorted entries, fixed timestamps, no caches."""
    destination.unlink(missing_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                info = zipfile.ZipInfo(str(path.relative_to(folder)), date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return destination


def package(build: Path = BUILD, lambda_arn: str | None = None) -> Path:
    """Write the skill package and the Lambda bundle under `build`; return the zip's path."""
    build.mkdir(parents=True, exist_ok=True)
    skill_package(build, lambda_arn)
    code = lambda_code(build)
    install_dependencies(code)
    return zip_folder(code, build / ZIP_NAME)


def main(lambda_arn: str | None = None) -> int:
    try:
        archive = package(lambda_arn=lambda_arn)
    except ValueError as error:
        print(f"package: {error}", file=sys.stderr)
        return 2
    print(f"wrote {BUILD / 'skill-package'} and {archive} ({archive.stat().st_size / 1024:.0f} KiB)")
    return 0
