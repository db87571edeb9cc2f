"""The ASK CLI's own code, run offline under node: its project loader, manifest model, code
builder and replay-file model, on what `make package` and `python -m devtools replay` write.

Only the CLI's published package and the five libraries those modules load are installed (npm,
about 6 MB, cached in .venv/), not the whole CLI with its AWS SDK: nothing here signs in or talks
to Amazon. Where node, npm or the registry is missing, `ask_cli_root` returns None and the tests
that need it skip, saying why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VERSION = "2.30.7"
CACHE = REPO / ".venv" / f"ask-cli-{VERSION}"
LOADED_LIBRARIES = ("adm-zip", "chalk", "fs-extra", "js-yaml", "ramda")
"""What lib/model/resources-config, lib/model/manifest, lib/model/dialog-replay-file and
lib/controllers/skill-code-controller/code-builder require beyond node itself."""

CHECK_PROJECT = """
const path = require("path");
const [cli, project] = process.argv.slice(1);
const lib = path.join(cli, "node_modules", "ask-cli", "dist", "lib");
const ResourcesConfig = require(path.join(lib, "model", "resources-config"));
const Manifest = require(path.join(lib, "model", "manifest"));
const CodeBuilder = require(path.join(lib, "controllers", "skill-code-controller", "code-builder"));
process.chdir(project);
new ResourcesConfig(path.join(project, "ask-resources.json"));
const config = ResourcesConfig.getInstance();
const profile = "default";
const src = config.getCodeSrcByRegion(profile, "default");
new Manifest(path.join(project, config.getSkillMetaSrc(profile), "skill.json"));
const build = config.getCodeBuildByRegion(profile, "default");
const builder = new CodeBuilder({ src, build, doDebug: false });
const report = {
  skillMetadataSrc: config.getSkillMetaSrc(profile),
  codeRegions: config.getCodeRegions(profile),
  codeSrc: src,
  infrastructure: config.getSkillInfraType(profile),
  userConfig: config.getSkillInfraUserConfig(profile),
  apis: Object.keys(Manifest.getInstance().getApis()),
  locales: Object.keys(Manifest.getInstance().getPublishingLocales()),
  buildFlow: builder.BuildFlowClass.name,
};
builder.execute((error) => {
  report.buildError = error ? String(error) : null;
  report.buildZip = build.file;
  console.log(JSON.stringify(report));
});
"""

CHECK_REPLAYS = """
const path = require("path");
const [cli, ...files] = process.argv.slice(1);
const lib = path.join(cli, "node_modules", "ask-cli", "dist", "lib");
const DialogReplayFile = require(path.join(lib, "model", "dialog-replay-file"));
console.log(JSON.stringify(files.map((file) => {
  const replay = new DialogReplayFile(file);
  return { skillId: replay.getSkillId(), locale: replay.getLocale(), type: replay.getType(),
           userInput: replay.getUserInput() };
})));
"""


def ask_cli_root() -> Path | str:
    """The folder holding the CLI and its loaded libraries, or why there is none."""
    if (CACHE / "node_modules" / "ask-cli" / "package.json").is_file():
        return CACHE
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        return "node and npm are not installed"
    partial = CACHE.with_name(CACHE.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        packed = subprocess.run(
            [npm, "pack", "--silent", f"ask-cli@{VERSION}"],
            cwd=partial, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        tarball = partial / packed.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            manifest = archive.extractfile("package/package.json")
            assert manifest is not None
            wanted = json.load(manifest)["dependencies"]
        (partial / "package.json").write_text('{"private": true}\n')
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error",
             *(f"{name}@{wanted[name]}" for name in LOADED_LIBRARIES)],
            cwd=partial, capture_output=True, text=True, timeout=180, check=True,
        )  # fmt: skip
        target = partial / "node_modules" / "ask-cli"  # after npm install, which prunes what it did not add
        with tarfile.open(tarball) as archive:
            for member in archive.getmembers():
                member.name = member.name.removeprefix("package/")
            archive.extractall(target, filter="data")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        shutil.rmtree(partial, ignore_errors=True)
        return f"npm could not fetch ask-cli@{VERSION} ({type(error).__name__}): is the registry reachable?"
    partial.rename(CACHE)
    return CACHE


def run_node(script: str, *arguments: str) -> Any:
    done = subprocess.run(
        ["node", "-e", script, *arguments], capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_project(cli: Path, project: Path) -> dict[str, Any]:
    """What the CLI's own loaders read from `project`, and the result of its code build."""
    report: dict[str, Any] = run_node(CHECK_PROJECT, str(cli), str(project))
    return report


def read_replays(cli: Path, *files: Path) -> list[dict[str, Any]]:
    """Replay files as the CLI's DialogReplayFile reads them for `ask dialog --replay`."""
    replays: list[dict[str, Any]] = run_node(CHECK_REPLAYS, str(cli), *map(str, files))
    return replays
