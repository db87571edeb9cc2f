"""The test console in a terminal: `python -m devtools chat` and the one-shot `python -m devtools ask`.

The same conversation as the web page (see devtools.console), printed as lines: what Alexa
understood, what it says, and the card and screen when there are any. `ask` prints only the
answer, so scripts can use it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from devtools.console import LOCALES, Console, Turn
from devtools.console.speak import INSTALL_HINT, Speaker

BANNER = (
    "Talking to Muscle Twitch Guide ({locale}, {device}). Type what you would say to Alexa,\n"
    'e.g. "open muscle twitch guide". /new starts a new session, /quit (or Ctrl-D) leaves.\n'
)
NEW, QUIT = "/new", "/quit"
NEW_SESSION = "(new session)\n"


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `chat` and `ask` subcommands, for devtools/__main__.py."""
    chat_parser = commands.add_parser("chat", help="talk to the skill in this terminal (offline)")
    ask_parser = commands.add_parser("ask", help='print the answer to one question: ask "..."')
    ask_parser.add_argument("text", help="what you would say, e.g. why do my legs twitch")
    for parser in (chat_parser, ask_parser):
        parser.add_argument("--locale", choices=LOCALES, default=LOCALES[0])
        parser.add_argument("--screen", action="store_true", help="simulate a device with a screen")
        parser.add_argument(
            "--speak", action="store_true", help="hear the answer (espeak-ng renders the SSML)"
        )
    chat_parser.set_defaults(handler=run_chat)
    ask_parser.set_defaults(handler=run_ask)


def _speaker(args: argparse.Namespace) -> Speaker | None:
    if not args.speak:
        return None
    speaker = Speaker(args.locale)
    if not speaker.available:
        print(INSTALL_HINT, file=sys.stderr)
    return speaker


def run_chat(args: argparse.Namespace) -> int:
    return chat(Console(args.locale, args.screen), input, sys.stdout, _speaker(args))


def run_ask(args: argparse.Namespace) -> int:
    return ask(Console(args.locale, args.screen), args.text, sys.stdout, _speaker(args))


def chat(
    console: Console,
    read: Callable[[str], str],
    out: TextIO,
    speaker: Speaker | None = None,
) -> int:
    """Read lines with `read` (like `input`) until /quit or end of input, answering each."""
    device = "device with a screen" if console.simulator.screen else "no screen"
    out.write(BANNER.format(locale=console.locale, device=device))
    talked = False
    while True:
        try:
            text = read("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return 0
        if text == QUIT:
            return 0
        if text == NEW:
            console.new_session()
            out.write(NEW_SESSION)
            talked = False
        elif text:
            turn = console.say(text)
            if talked and turn.new_session:
                out.write(NEW_SESSION)  # the skill ended the last one, or the line named the skill
            show(turn, out, speaker)
            talked = True


def ask(console: Console, text: str, out: TextIO, speaker: Speaker | None = None) -> int:
    """Print what Alexa would answer to `text`, said as a one-shot request."""
    turn = console.say(text)
    out.write(f"{turn.speech}\n")
    if speaker is not None and turn.ssml:
        print(speaker.say(turn.ssml), file=sys.stderr)
    return 0


def show(turn: Turn, out: TextIO, speaker: Speaker | None = None) -> None:
    slots = "".join(f"  {slot['name']}={slot['value']!r} ({slot['id'] or 'no match'})" for slot in turn.slots)
    heard = turn.match.intent or turn.match.request
    out.write(f"  [{heard}{slots}]\n")
    if turn.speech:
        out.write(f"alexa> {turn.speech}\n")
    if turn.reprompt:
        out.write(f"  reprompt: {turn.reprompt}\n")
    if turn.card:
        out.write(f"  card: {turn.card['title']}\n")
    if turn.screen:
        points = "".join(f"\n    - {point}" for point in turn.screen["points"])
        out.write(f"  screen: {turn.screen['title']}{points}\n")
    if turn.ended:
        out.write("  (session ended)\n")
    if speaker is not None and turn.ssml:
        out.write(f"  {speaker.say(turn.ssml)}\n")
