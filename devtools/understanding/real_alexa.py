"""The labelled corpus through the real Alexa: replay files for `ask dialog`, and the score of
what Alexa then sent the deployed skill.

`python -m devtools replay` writes one replay file per locale (ask-cli's DialogReplayFile format:
skillId, locale, type "text", userInput). `ask dialog --replay FILE --save-skill-io OUT` types
each line into the Simulation API, so Alexa's own speech-free NLU routes it to the deployed
skill, and saves every simulation result: the request envelopes Alexa sent the skill.
`python -m devtools score-alexa OUT...` reads those back and scores Alexa's intent and slots, and the
kind of answer the deployed skill then gave (SAFETY.md), against the corpus labels and against
what the offline console makes of the same words (as `python -m devtools evaluate` hears and scores
them): how far the local console can be trusted to stand in for Alexa, as numbers.

Every row gets a session of its own, so no answer can change how the next row is heard: a row
said inside a session is preceded by "open <invocation name>"; a one-shot or launch phrase names
the skill itself. "stop" follows every row: the CLI starts a new session only after the skill
ends one, and a "stop" heard outside the skill's session reaches Alexa, not the skill.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools.alexa.resolver import resolver_for
from devtools.paths import REPLAY_DIR
from devtools.understanding.corpus import SPLITS, Row, add_corpus_argument, read_corpora
from devtools.understanding.evaluate import Outcome, hear, judged, resolved_ids
from interaction_model import load_model
from responses import SUPPORTED_LOCALES

CLOSE = "stop"
QUIT = ".quit"
"""Ends `ask dialog --replay` instead of switching to interactive mode; the CLI writes the
--save-skill-io file on quit."""
NOT_SENT = "(nothing sent to the skill)"
WAKE_WORD = re.compile(r"^\s*alexa\b[\s,]*", re.IGNORECASE)
"""Typed into the simulator, what follows the wake word is the utterance."""


@dataclass(frozen=True)
class Step:
    """One line of a replay file, and the corpus row it says (None for session openers and
    closers)."""

    text: str
    row: Row | None = None


def invocation(locale: str) -> str:
    return load_model(locale).invocation_name


def names_the_skill(text: str, locale: str) -> bool:
    """A one-shot or launch phrase, which opens its own session (as the console hears it)."""
    return resolver_for(locale).names_the_skill(text)


def typed(text: str) -> str:
    return WAKE_WORD.sub("", text).strip()


def plan(rows: Iterable[Row], locale: str) -> list[Step]:
    """The replay lines for `locale`'s rows, each in a session of its own."""
    steps = []
    for row in rows:
        if row.locale != locale:
            continue
        if not names_the_skill(row.text, locale):
            steps.append(Step(f"open {invocation(locale)}"))
        steps += [Step(typed(row.text), row), Step(CLOSE)]
    return steps


def replay_file(skill_id: str, locale: str, steps: list[Step]) -> dict[str, Any]:
    return {
        "skillId": skill_id,
        "locale": locale,
        "type": "text",
        "userInput": [step.text for step in steps] + [QUIT],
    }


def write_replays(rows: list[Row], skill_id: str, folder: Path = REPLAY_DIR) -> list[Path]:
    """One replay file per locale that has rows."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in SUPPORTED_LOCALES:
        steps = plan(rows, locale)
        if steps:
            path = folder / f"{locale}.json"
            content = json.dumps(replay_file(skill_id, locale, steps), indent=2) + "\n"
            path.write_text(content, encoding="utf-8")
            written.append(path)
    return written


# Reading a saved run -----------------------------------------------------------------------------


def heard(row: Row, exchange: tuple[dict[str, Any], dict[str, Any]] | None) -> Outcome:
    """What Alexa made of `row` and what the deployed skill answered: the intent (or request
    type) and resolved slots of the request Alexa sent, and the safety kind of the spoken reply,
    scored the way `python -m devtools evaluate` scores the console."""
    if exchange is None:
        return judged(row, NOT_SENT, {}, {})
    envelope, answer = exchange
    request = envelope.get("request") or {}
    label = (request.get("intent") or {}).get("name") or request.get("type") or NOT_SENT
    return judged(row, label, resolved_ids(envelope), answer)


def simulations(skill_io: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(utterance, final simulation result) per utterance, in order. The CLI saves an entry at
    every poll of a simulation; the last one for a simulation id is its outcome."""
    results: list[tuple[str, dict[str, Any]]] = []
    for entry in skill_io.get("invocations") or []:
        utterance = str((entry.get("request") or {}).get("utterance", ""))
        body = (entry.get("response") or {}).get("body") or {}
        if results and body.get("id") is not None and results[-1][1].get("id") == body["id"]:
            results[-1] = (utterance, body)
        else:
            results.append((utterance, body))
    return results


def skill_exchange(result: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The request envelope Alexa sent the skill in one simulation and the skill's response
    envelope, if Alexa sent it anything."""
    execution = (result.get("result") or {}).get("skillExecutionInfo") or {}
    for sent in execution.get("invocations") or []:
        envelope = (sent.get("invocationRequest") or {}).get("body")
        if envelope:
            return dict(envelope), dict((sent.get("invocationResponse") or {}).get("body") or {})
    return None


def locale_of(results: list[tuple[str, dict[str, Any]]]) -> str:
    for _, result in results:
        exchange = skill_exchange(result)
        if exchange is not None:
            return str(exchange[0]["request"]["locale"])
    raise ValueError("no request in this file reached the skill: was the skill enabled for testing?")


def aligned(steps: list[Step], results: list[tuple[str, dict[str, Any]]]) -> list[Outcome]:
    """The corpus rows of `steps` that the run said, with what Alexa sent for each. A run skips
    utterances whose simulation failed to start, so each saved utterance is matched to the next
    step with the same words; one that matches no later step means the run came from another
    corpus or split."""
    found, position = [], 0
    for utterance, result in results:
        while position < len(steps) and steps[position].text != utterance:
            position += 1
        if position == len(steps):
            raise ValueError(
                f"{utterance!r} is not where this corpus and split would say it: "
                "score with the --corpus and --split the replay files were written with"
            )
        row = steps[position].row
        if row is not None:
            found.append(heard(row, skill_exchange(result)))
        position += 1
    return found


# Scoring -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    """The counts behind one line of the table (a locale, or all)."""

    rows: int = 0
    alexa_intent: int = 0
    alexa_exact: int = 0
    alexa_safety: int = 0
    console_intent: int = 0
    console_exact: int = 0
    console_safety: int = 0
    agree_intent: int = 0
    agree_exact: int = 0
    emergencies: int = 0
    alexa_emergencies: int = 0

    def add(self, scored: Scored) -> None:
        alexa, local = scored.alexa, scored.console
        self.rows += 1
        self.alexa_intent += alexa.intent_right
        self.alexa_exact += alexa.intent_right and alexa.slots_right
        self.alexa_safety += alexa.safety_right
        self.console_intent += local.intent_right
        self.console_exact += local.intent_right and local.slots_right
        self.console_safety += local.safety_right
        self.agree_intent += alexa.intent == local.intent
        self.agree_exact += scored.agree
        if scored.row.safety == "emergency":
            self.emergencies += 1
            self.alexa_emergencies += alexa.safety_right


@dataclass(frozen=True)
class Scored:
    """One row: what the real Alexa and the offline console made of it."""

    alexa: Outcome
    console: Outcome

    @property
    def row(self) -> Row:
        return self.alexa.row

    @property
    def agree(self) -> bool:
        return self.alexa.intent == self.console.intent and self.alexa.slots == self.console.slots


def score(rows: list[Row], skill_ios: Iterable[dict[str, Any]]) -> list[Scored]:
    """Every scored row of every saved run, with what Alexa and the console made of it."""
    scored = []
    for skill_io in skill_ios:
        results = simulations(skill_io)
        for alexa in aligned(plan(rows, locale_of(results)), results):
            scored.append(Scored(alexa, hear(alexa.row)))
    return scored


def tallies(scored: list[Scored]) -> dict[str, Tally]:
    """Per locale, in the skill's locale order, and "all"."""
    present = {one.row.locale for one in scored}
    by_locale = {locale: Tally() for locale in SUPPORTED_LOCALES if locale in present}
    total = Tally()
    for one in scored:
        by_locale[one.row.locale].add(one)
        total.add(one)
    return {**by_locale, "all": total}


COLUMNS = (
    ("rows", "rows"),
    ("Alexa: intent", "alexa_intent"),
    ("Alexa: intent+slots", "alexa_exact"),
    ("Alexa: safety answer", "alexa_safety"),
    ("console: intent", "console_intent"),
    ("console: intent+slots", "console_exact"),
    ("console: safety answer", "console_safety"),
    ("Alexa = console: intent", "agree_intent"),
    ("Alexa = console: intent+slots", "agree_exact"),
)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def describe(outcome: Outcome) -> str:
    slots = ";".join(f"{name}={entity}" for name, entity in sorted(outcome.slots.items()))
    return f"{outcome.intent} {slots}".strip()


def report(scored: list[Scored]) -> str:
    """A Markdown table of the scores, then every row where Alexa and the console differ."""
    lines = [
        "| locale | " + " | ".join(title for title, _ in COLUMNS) + " | emergencies: Alexa |",
        "|---" * (len(COLUMNS) + 2) + "|",
    ]
    for locale, tally in tallies(scored).items():
        cells = [str(tally.rows)] + [percent(getattr(tally, name), tally.rows) for _, name in COLUMNS[1:]]
        emergencies = f"{tally.alexa_emergencies}/{tally.emergencies}"
        lines.append(f"| {locale} | " + " | ".join(cells) + f" | {emergencies} |")
    differing = differences(scored)
    if differing:
        lines += ["", "Alexa and the console differ:", "", *differing]
    return "\n".join(lines) + "\n"


def differences(scored: list[Scored]) -> list[str]:
    """A Markdown list item for every row where Alexa and the console hear other intents or
    slots."""
    return [
        f"- {one.row.locale} ({one.row.intent}): {one.row.text!r}: "
        f"Alexa {describe(one.alexa)}; console {describe(one.console)}"
        for one in scored
        if not one.agree
    ]


# Commands ----------------------------------------------------------------------------------------


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `replay` and `score-alexa` subcommands, for devtools/__main__.py."""
    replay = commands.add_parser("replay", help="write ask dialog replay files from the labelled corpus")
    replay.add_argument(
        "--skill-id", default=os.environ.get("ALEXA_SKILL_ID"), help="default: $ALEXA_SKILL_ID"
    )
    replay.add_argument("--out", type=Path, default=REPLAY_DIR, help="folder for <locale>.json")
    score_alexa = commands.add_parser("score-alexa", help="score what ask dialog --save-skill-io saved")
    score_alexa.add_argument("skill_io", type=Path, nargs="+", help="files written by --save-skill-io")
    for parser in (replay, score_alexa):
        add_corpus_argument(parser)
        parser.add_argument("--split", choices=(*SPLITS, "all"), default="all", help="corpus rows to use")
    replay.set_defaults(handler=run_replay)
    score_alexa.set_defaults(handler=run_score)


def corpus_rows(args: argparse.Namespace) -> list[Row]:
    return [row for row in read_corpora(args.corpus) if args.split in ("all", row.split)]


def run_replay(args: argparse.Namespace) -> int:
    if not args.skill_id:
        print(
            "replay: give --skill-id or set ALEXA_SKILL_ID (developer console skill list, 'Copy Skill ID')",
            file=sys.stderr,
        )
        return 2
    for path in write_replays(corpus_rows(args), args.skill_id, args.out):
        saved = path.with_name(path.stem + ".skill-io.json")
        print(f"ask dialog --replay {path} --save-skill-io {saved}")
    print(f"then: python -m devtools score-alexa {args.out}/*.skill-io.json")
    return 0


def run_score(args: argparse.Namespace) -> int:
    runs = [json.loads(path.read_text(encoding="utf-8")) for path in args.skill_io]
    try:
        scored = score(corpus_rows(args), runs)
    except ValueError as error:
        print(f"score-alexa: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(report(scored))
    return 0
