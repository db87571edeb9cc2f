"""The labelled utterance corpus (tests/corpus/utterances.tsv): what people say, and what it means.

One row per utterance, tab-separated with a header: `split` (`tune`, or `held`: held back, never
tuned against), `locale`, `text` (as typed or said; one-shots name the skill), `intent`, `slots`
(`Name=ID;Name=ID`, resolved entity ids) and `safety` (the kind of answer SAFETY.md asks for).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "utterances.tsv"
SPLITS = ("tune", "held")
SAFETY_CLASSES = ("emergency", "urgent", "doctor", "worry", "professional", "none")
COLUMNS = ("split", "locale", "text", "intent", "slots", "safety")


@dataclass(frozen=True)
class Row:
    split: str
    locale: str
    text: str
    intent: str
    slots: dict[str, str]
    """Slot name -> the entity id it must resolve to."""
    safety: str


class CorpusError(ValueError):
    """A row that is not in the corpus format."""


def parse_slots(field: str) -> dict[str, str]:
    pairs = [part.split("=", 1) for part in field.split(";") if part]
    if any(len(pair) != 2 or not all(pair) for pair in pairs):
        raise CorpusError(f"slots {field!r} are not Name=ID pairs")
    return dict((name, value) for name, value in pairs)


def read_corpus(path: Path = CORPUS) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise CorpusError(f"{path}: the header must be {' '.join(COLUMNS)}")
        rows = []
        for number, raw in enumerate(reader, start=2):
            if raw["split"] not in SPLITS or raw["safety"] not in SAFETY_CLASSES:
                raise CorpusError(f"{path}:{number}: unknown split or safety class")
            rows.append(
                Row(
                    split=raw["split"],
                    locale=raw["locale"],
                    text=raw["text"],
                    intent=raw["intent"],
                    slots=parse_slots(raw["slots"]),
                    safety=raw["safety"],
                )
            )
    return rows
