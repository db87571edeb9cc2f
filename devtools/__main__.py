"""Command line: `python -m devtools run` serves the skill locally (what `make run` does);
`chat` and `ask` talk to it offline (devtools/console/chat.py); `lint` checks the interaction
models and manifest; `evaluate` scores understanding on the labelled corpus offline; `package` builds
what the ASK CLI, Alexa-hosted skills and the consoles take; `replay` and `score-alexa` run the
labelled corpus through the real Alexa (devtools/understanding/real_alexa.py); `profile` does it
without a deployed skill, through SMAPI's utterance profiler, and `conflicts` lists Amazon's
utterance conflicts (devtools/understanding/profile.py)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from devtools.console import chat
from devtools.understanding import profile, real_alexa


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="muscle-twitch-guide", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve the skill on a local port (development server)")
    run.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    chat.add_commands(commands)
    real_alexa.add_commands(commands)
    profile.add_commands(commands)
    lint_command = commands.add_parser("lint", help="check the interaction models and the manifest offline")
    lint_command.add_argument(
        "--skill-package", type=Path, help="a built skill package (default: our models and manifest)"
    )
    from devtools.understanding.evaluate import add_arguments

    add_arguments(commands.add_parser("evaluate", help="score understanding on the labelled corpus"))
    package_command = commands.add_parser(
        "package", help="write build/: an ASK CLI and Alexa-hosted project, and the console zips"
    )
    package_command.add_argument(
        "--lambda-arn", help="the Lambda function the skill calls (default: none; the deployer fills it)"
    )
    args = parser.parse_args(argv)

    quiet = "INFO" if args.command == "run" else "WARNING"  # request logs would bury the chat
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", quiet))
    if args.command == "run":
        from devtools.console.page import local_app

        local_app().run(host=args.host, port=args.port)
        return 0
    if args.command == "evaluate":
        from devtools.understanding import evaluate

        return evaluate.run(args)
    if args.command == "lint":
        from devtools.release import lint

        return lint.main(args.skill_package)
    if args.command == "package":
        from devtools.release import package

        return package.main(args.lambda_arn)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
