"""How well the offline resolver (Alexa's stand-in) understands the labelled corpus, and whether
each utterance gets the kind of answer SAFETY.md asks for.

Every row is said the way a person would: a one-shot as it is, anything else inside a session
opened with "open muscle twitch guide". Scores are kept apart for each corpus's tuning half and
held-back half (never tuned against), so the held-back figures are the honest ones.
`python -m devtools evaluate --write docs/understanding.md` regenerates the report.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addon.safety import check_text
from devtools.console import Console, Turn, heard_slots, plain, reply_concern
from devtools.understanding.corpus import SAFETY_CLASSES, SPLITS, Row, add_corpus_argument, read_corpora
from responses import load
from skill.intents import MATCH
from skill.safety import ANSWER_CLASSES

SPLIT_FROM = {"NamedEmergency": "EmergencySymptom"}
"""Intents split from a labelled one after the corpora were written: an emergency said in its own
words ("my foot won't move") is heard as NamedEmergency, labelled EmergencySymptom with its
Emergency slot. The intent counts as right; the slot, which NamedEmergency has not, does not."""

SESSION_CLOSERS = ("AMAZON.StopIntent", "AMAZON.CancelIntent")
"""Alexa closes the session itself on "exit" or "quit" (a SessionEndedRequest), which is what
a stop or cancel asks for."""


def kind_of(answer: dict[str, Any]) -> str:
    """The safety class of the skill's response `answer`, by the concern its reply carries."""
    return ANSWER_CLASSES.get(reply_concern(answer) or "", "none")


@dataclass(frozen=True)
class Outcome:
    row: Row
    intent: str
    slots: dict[str, str]
    kind: str
    number_said: bool
    """Whether the reply said the locale's emergency number at all (the emergency line, or the
    fallback's safety clause)."""
    addon: str | None = None
    """The concern the Alexa+ add-on's check_safety finds in the row's words (None: not asked)."""

    @property
    def intent_right(self) -> bool:
        return SPLIT_FROM.get(self.intent, self.intent) == self.row.intent or (
            self.intent == "SessionEndedRequest" and self.row.intent in SESSION_CLOSERS
        )

    @property
    def slots_right(self) -> bool:
        return all(self.slots.get(name) == value for name, value in self.row.slots.items())

    @property
    def safety_right(self) -> bool:
        return self.kind == self.row.safety

    @property
    def right(self) -> bool:
        return self.intent_right and self.slots_right and self.safety_right


def hear(row: Row) -> Outcome:
    console = Console(row.locale)
    if not console.resolver.names_the_skill(row.text):
        console.say("open muscle twitch guide")
    turn: Turn = console.say(row.text)
    outcome = judged(row, turn.match.intent or turn.match.request, resolved_ids(turn.request), turn.response)
    return dataclasses.replace(outcome, addon=check_text(row.text, row.locale).concern)


def resolved_ids(envelope: dict[str, Any]) -> dict[str, str]:
    """Slot name -> entity id, for the slots of a request (ours or the real Alexa's) that entity
    resolution matched."""
    return {slot["name"]: slot["id"] for slot in heard_slots(envelope) if slot["status"] == MATCH}


def judged(row: Row, intent: str, slots: dict[str, str], answer: dict[str, Any]) -> Outcome:
    """The outcome of `row` heard as `intent` and `slots` and answered with `answer` (the skill's
    response): one judge for the offline console here and for the real Alexa in
    devtools/understanding/real_alexa.py. The kind of answer is the concern the reply carries;
    only whether the emergency number was said at all is read from the words."""
    number = load(row.locale).safety["emergency"].split("call ", 1)[1].removesuffix(" now.")
    speech = plain(str(((answer.get("response") or {}).get("outputSpeech") or {}).get("ssml") or "<speak/>"))
    return Outcome(row, intent, slots, kind_of(answer), number in speech)


def _share(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.1f}%)" if total else "-"


Pick = Callable[[Outcome], bool]


def safety_is(kind: str) -> Pick:
    return lambda outcome: outcome.row.safety == kind


def intent_is(name: str) -> Pick:
    return lambda outcome: outcome.row.intent == name


def columns(outcomes: list[Outcome]) -> list[tuple[str, list[Outcome]]]:
    """(heading, outcomes) for each corpus's halves and, with more than one corpus, all halves."""
    corpora = list(dict.fromkeys(o.row.corpus for o in outcomes))
    halves = [
        (f"{corpus} {split}", [o for o in outcomes if o.row.corpus == corpus and o.row.split == split])
        for corpus in corpora
        for split in SPLITS
    ]
    if len(corpora) == 1:
        return halves
    return halves + [(f"all {split}", [o for o in outcomes if o.row.split == split]) for split in SPLITS]


def tables(table: list[tuple[str, list[Outcome]]]) -> list[str]:
    """The score table and the per-intent table, a column for each (heading, outcomes) of
    `table`: one layout for this report and for the real Alexa's figures beside the stand-in's
    (devtools/understanding/profile.py)."""

    def row(label: str, chosen: Pick, scored: Pick) -> str:
        cells = []
        for _, outcomes_here in table:
            picked = [o for o in outcomes_here if chosen(o)]
            cells.append(_share(sum(scored(o) for o in picked), len(picked)))
        return f"| {label} | " + " | ".join(cells) + " |"

    header = ["| | " + " | ".join(heading for heading, _ in table) + " |", "|---|" + "---|" * len(table)]
    return [
        *header,
        row("intent, all rows", lambda o: True, lambda o: o.intent_right),
        row(
            "slots (every labelled slot resolved to its id)",
            lambda o: bool(o.row.slots),
            lambda o: o.slots_right,
        ),
        *(
            row(
                f"safety: {kind}, right kind of answer",
                safety_is(kind),
                lambda o: o.safety_right,
            )
            for kind in SAFETY_CLASSES
        ),
        row(
            "safety: emergency, number said at all (emergency, clarifying, warning, worry or fallback line)",
            safety_is("emergency"),
            lambda o: o.number_said,
        ),
        row(
            "safety: every other class, never the emergency line (it ends the session)",
            lambda o: o.row.safety != "emergency",
            lambda o: o.kind != "emergency",
        ),
        row("everything right (intent, slots and answer)", lambda o: True, lambda o: o.right),
        *(
            row(
                f"Alexa+ add-on, check_safety on the words: {kind}, that concern",
                safety_is(kind),
                lambda o: o.addon == o.row.safety,
            )
            for kind in SAFETY_CLASSES
            if any(o.addon is not None for _, outcomes_here in table for o in outcomes_here)
        ),
        "",
        "## Intent accuracy per intent",
        "",
        *header,
        *(
            row(f"`{name}`", intent_is(name), lambda o: o.intent_right)
            for name in sorted({o.row.intent for _, outcomes_here in table for o in outcomes_here})
        ),
    ]


def report(outcomes: list[Outcome]) -> str:
    lines = [
        "# How well the skill understands people",
        "",
        "Generated by `python -m devtools evaluate --write docs/understanding.md` from the corpora in",
        "`tests/corpus/`: utterances written fresh for this by writers who never saw the model's",
        "samples, labelled with intent, slot ids and safety class, each corpus split once into a",
        "tuning half and a held-back half. The model and content were changed only for misses in",
        "the tuning halves; held-back misses are listed below, not fixed. The resolver stands in for",
        "Alexa and matches only what `interaction_model/` contains. Each row is said as a one-shot",
        'when it names the skill, else inside a session opened with "open muscle twitch guide".',
        "The last rows put the same rows, as text, through the Alexa+ add-on's `check_safety`",
        "(docs/alexa-plus.md), which matches the model's slot vocabulary in free text: the share",
        "of each class that gets its own concern.",
        "",
        *tables(columns(outcomes)),
        "",
        "## Every held-back miss",
        "",
    ]
    misses = [o for o in outcomes if o.row.split == "held" and not o.right]
    if not misses:
        lines.append("None.")
    else:
        lines += ["| corpus | locale | said | expected | heard | answer |", "|---|---|---|---|---|---|"]
        for o in misses:
            expected = " ".join(filter(None, (o.row.intent, _slots(o.row.slots), o.row.safety)))
            heard = " ".join(filter(None, (o.intent, _slots(o.slots))))
            lines.append(
                f"| {o.row.corpus} | {o.row.locale} | {o.row.text} | {expected} | {heard} | {o.kind} |"
            )
    return "\n".join(lines) + "\n"


def _slots(slots: dict[str, str]) -> str:
    return ";".join(f"{name}={value}" for name, value in sorted(slots.items()))


def evaluate(rows: list[Row]) -> list[Outcome]:
    return [hear(row) for row in rows]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `evaluate` subcommand, for devtools/__main__.py."""
    parser = commands.add_parser("evaluate", help="score understanding on the labelled corpus")
    parser.set_defaults(handler=run)
    add_corpus_argument(parser)
    parser.add_argument("--write", type=Path, help="write the report here (else print it)")
    parser.add_argument("--misses", choices=SPLITS, help="also print every miss of this split")


def run(args: argparse.Namespace) -> int:
    outcomes = evaluate(read_corpora(args.corpus))
    text = report(outcomes)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        print(text)
    if args.misses:
        for o in outcomes:
            if o.row.split == args.misses and not o.right:
                print(
                    f"MISS {o.row.corpus} {o.row.locale} {o.row.text!r}: {o.row.intent} "
                    f"{_slots(o.row.slots)} {o.row.safety} -> {o.intent} {_slots(o.slots)} {o.kind}"
                )
    return 0
