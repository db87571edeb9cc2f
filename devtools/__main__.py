"""Command line: `python -m devtools run` serves the skill locally (what `make run` does);
`chat` and `ask` talk to it offline (devtools/console/chat.py); `lint` checks the interaction
models and manifest; `evaluate` scores understanding on the labelled corpus offline; `package` builds
what the ASK CLI, Alexa-hosted skills and the consoles take; `replay` and `score-alexa` run the
labelled corpus through the real Alexa (devtools/understanding/real_alexa.py); `profile` does it
without a deployed skill, through SMAPI's utterance profiler, and `conflicts` lists Amazon's
utterance conflicts (devtools/understanding/profile.py)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

COMMANDS = {
    "run": "devtools.console.page",
    "chat": "devtools.console.chat",
    "ask": "devtools.console.chat",
    "lint": "devtools.release.lint",
    "evaluate": "devtools.understanding.evaluate",
    "package": "devtools.release.package",
    "replay": "devtools.understanding.real_alexa",
    "score-alexa": "devtools.understanding.real_alexa",
    "profile": "devtools.understanding.profile",
    "conflicts": "devtools.understanding.profile",
}
"""Each subcommand and the module that defines it (its `add_commands`). Only the chosen
command's module is imported, so `lint` or `package` load no resolver and build no skill;
without a known command (`--help`), all of them are."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="muscle-twitch-guide", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    chosen = COMMANDS.get(argv[0]) if argv else None
    for module in dict.fromkeys([chosen] if chosen else COMMANDS.values()):
        importlib.import_module(module).add_commands(commands)
    args = parser.parse_args(argv)
    quiet = "INFO" if args.command == "run" else "WARNING"  # request logs would bury the chat
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", quiet))
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
