"""The labelled corpora and `python -m devtools evaluate`: each corpus is well formed, the scorer
classifies answers by the concern each reply carries, and understanding does not fall.

The floors below are the figures of docs/understanding.md when they were last raised: a change
to the model, resolver or content that loses an utterance fails here. Held-back misses are
reported, never tuned for (see devtools/understanding/evaluate.py)."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest

from devtools.console import Console
from devtools.understanding.corpus import CORPORA, SAFETY_CLASSES, SPLITS, read_corpora
from devtools.understanding.evaluate import Outcome, columns, evaluate, report
from interaction_model import load_model
from responses import SUPPORTED_LOCALES, load
from responses.content import Content
from skill.handlers import base

pytestmark = pytest.mark.slow

ROWS = read_corpora()
MODEL = load_model("en-US")
BUILT_INS = {"AMAZON.FallbackIntent", "SessionEndedRequest"}

FLOORS = {
    # (corpus half, measure): lowest share allowed
    ("first tune", "intent"): 0.91,
    ("first held", "intent"): 0.82,
    ("first tune", "emergency"): 1.0,
    ("first held", "emergency"): 0.86,
    ("first tune", "emergency number said"): 1.0,
    ("first held", "emergency number said"): 0.9,
    ("second tune", "intent"): 0.89,
    ("second held", "intent"): 0.79,
    ("second tune", "emergency"): 1.0,
    ("second held", "emergency"): 0.94,
    ("second tune", "emergency number said"): 1.0,
    ("second held", "emergency number said"): 0.96,
    ("third tune", "intent"): 0.79,
    ("third held", "intent"): 0.78,
    ("third tune", "emergency"): 0.97,
    ("third held", "emergency"): 0.97,
    ("third tune", "emergency number said"): 1.0,
    ("third held", "emergency number said"): 0.97,
}


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return evaluate(ROWS)


def test_no_utterance_is_in_two_places() -> None:
    assert len({row.text.lower() for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("path", CORPORA, ids=[path.stem for path in CORPORA])
def test_each_corpus_is_big_split_in_two_and_covers_every_locale_and_class(path: Path) -> None:
    corpus = [row for row in ROWS if row.corpus == path.stem]
    assert len(corpus) >= 300
    for split in SPLITS:
        rows = [row for row in corpus if row.split == split]
        assert {row.locale for row in rows} == set(SUPPORTED_LOCALES)
        assert {row.safety for row in rows} == set(SAFETY_CLASSES)
    counts = Counter(row.split for row in corpus)
    assert abs(counts["tune"] - counts["held"]) <= 2


def test_every_label_is_something_the_model_can_say() -> None:
    slot_types = {name: type_name for i in MODEL.intents.values() for name, type_name in i.slots.items()}
    for row in ROWS:
        assert row.intent in MODEL.intents or row.intent in BUILT_INS, row
        for name, value in row.slots.items():
            ids = {v.id for v in MODEL.types[slot_types[name]]}
            assert value in ids, row


def test_rewording_every_safety_line_moves_no_score(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kind of answer is the concern the reply carries, not its words: with every safety line
    but the emergency number's reworded, each row of every class is judged as before."""
    rows = [row for safety in SAFETY_CLASSES for row in ROWS if row.safety == safety][::20]
    before = evaluate(rows)

    def reworded(locale: str) -> Content:
        content = load(locale)
        safety = {
            key: " ".join([f"Reworded {key}.", *re.findall(r"{\w+}", line)]) if key != "emergency" else line
            for key, line in content.safety.items()
        }
        return dataclasses.replace(content, safety=safety)

    monkeypatch.setattr(base, "load", reworded)
    after = evaluate(rows)
    worry = next(outcome.row for outcome in before if outcome.kind == "worry")
    console = Console(worry.locale)
    console.say("open muscle twitch guide")
    assert console.say(worry.text).speech.startswith("Reworded worry."), "the reworded line is what is said"
    assert [outcome.kind for outcome in after] == [outcome.kind for outcome in before]
    assert {outcome.kind for outcome in before} == set(SAFETY_CLASSES)


def share(outcomes: list[Outcome], half: str, measure: str) -> float:
    rows = dict(columns(outcomes))[half]
    if measure == "intent":
        scored = [o.intent_right for o in rows]
    elif measure == "emergency number said":
        scored = [o.number_said for o in rows if o.row.safety == "emergency"]
    else:
        scored = [o.safety_right for o in rows if o.row.safety == measure]
    return sum(scored) / len(scored)


@pytest.mark.parametrize(("half", "measure"), sorted(FLOORS))
def test_understanding_does_not_fall(outcomes: list[Outcome], half: str, measure: str) -> None:
    assert share(outcomes, half, measure) >= FLOORS[half, measure]


def test_the_report_has_both_halves_and_lists_every_held_back_miss(outcomes: list[Outcome]) -> None:
    text = report(outcomes)
    halves = [f"{path.stem} {split}" for path in CORPORA for split in SPLITS]
    assert "| | " + " | ".join(halves) in text
    misses = [o for o in outcomes if o.row.split == "held" and not o.right]
    stems = {path.stem for path in CORPORA}
    listed = [line for line in text.splitlines() if line[2:].split(" |")[0] in stems]
    assert len(listed) == len(misses)
    for miss in misses:
        assert f"| {miss.row.text} |" in text
