"""The labelled corpus and `python -m skill evaluate`: the corpus is well formed, the scorer
classifies answers by the content's own safety lines, and understanding does not fall.

The floors below are the figures of docs/understanding.md when they were last raised: a change
to the model, resolver or content that loses an utterance fails here. Held-back misses are
reported, never tuned for (see skill/evaluate.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from responses import SUPPORTED_LOCALES, load
from skill.corpus import SAFETY_CLASSES, SPLITS, read_corpus
from skill.evaluate import Outcome, evaluate, report, spoken_kind
from skill.model import load_model

ROWS = read_corpus()
MODEL = load_model("en-US")
BUILT_INS = {"AMAZON.FallbackIntent", "SessionEndedRequest"}

FLOORS = {
    # (split, measure): lowest share allowed
    ("tune", "intent"): 0.86,
    ("held", "intent"): 0.80,
    ("tune", "emergency"): 0.96,
    ("held", "emergency"): 0.80,
    ("tune", "emergency number said"): 0.96,
    ("held", "emergency number said"): 0.84,
}


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return evaluate(ROWS)


def test_the_corpus_is_big_split_in_two_and_covers_every_locale_and_class() -> None:
    assert len(ROWS) >= 300
    assert len({row.text for row in ROWS}) == len(ROWS), "no utterance twice"
    for split in SPLITS:
        rows = [row for row in ROWS if row.split == split]
        assert {row.locale for row in rows} == set(SUPPORTED_LOCALES)
        assert {row.safety for row in rows} == set(SAFETY_CLASSES)
    counts = Counter(row.split for row in ROWS)
    assert abs(counts["tune"] - counts["held"]) <= 2


def test_every_label_is_something_the_model_can_say() -> None:
    slot_types = {name: type_name for i in MODEL.intents.values() for name, type_name in i.slots.items()}
    for row in ROWS:
        assert row.intent in MODEL.intents or row.intent in BUILT_INS, row
        for name, value in row.slots.items():
            ids = {v.id for v in MODEL.types[slot_types[name]]}
            assert value in ids, row


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_answers_are_classified_by_the_contents_own_safety_lines(locale: str) -> None:
    content = load(locale)
    safety = content.safety
    assert spoken_kind(content, safety["emergency"]) == "emergency"
    assert spoken_kind(content, safety["urgent"] + " What else?") == "urgent"
    assert spoken_kind(content, safety["warning"].format(sign=content.signs["PAIN"])) == "doctor"
    assert spoken_kind(content, safety["worry"]) == "worry"
    assert spoken_kind(content, safety["medicine"]) == "professional"
    assert spoken_kind(content, safety["person"].format(person=content.persons["BABY"])) == "professional"
    assert spoken_kind(content, content.topics["why"].summary[0]) == "none"
    assert spoken_kind(content, content.line("fallback")) == "none"


def share(outcomes: list[Outcome], split: str, measure: str) -> float:
    rows = [o for o in outcomes if o.row.split == split]
    if measure == "intent":
        scored = [o.intent_right for o in rows]
    elif measure == "emergency number said":
        scored = [o.number_said for o in rows if o.row.safety == "emergency"]
    else:
        scored = [o.safety_right for o in rows if o.row.safety == measure]
    return sum(scored) / len(scored)


@pytest.mark.parametrize(("split", "measure"), sorted(FLOORS))
def test_understanding_does_not_fall(outcomes: list[Outcome], split: str, measure: str) -> None:
    assert share(outcomes, split, measure) >= FLOORS[split, measure]


def test_the_report_has_both_halves_and_lists_every_held_back_miss(outcomes: list[Outcome]) -> None:
    text = report(outcomes)
    assert "| | tune | held |" in text
    misses = [o for o in outcomes if o.row.split == "held" and not o.right]
    assert text.count("\n| en-") == len(misses)
    for miss in misses:
        assert f"| {miss.row.text} |" in text
