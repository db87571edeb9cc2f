"""The labelled utterance corpora (tests/corpus/*.tsv): what people say, and what it means.

Each file is one corpus, written at one time by writers who never saw the interaction model, and
split once into halves. One row per utterance, tab-separated with a header: `split` (`tune`, or
`held`: held back, never tuned against), `locale`, `text` (as typed or said; one-shots name the
skill), `intent`, `slots` (`Name=ID;Name=ID`, resolved entity ids) and `safety` (the kind of
answer SAFETY.md asks for).
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path

from devtools.paths import CORPUS_DIR

CORPORA = tuple(sorted(CORPUS_DIR.glob("*.tsv")))
SPLITS = ("tune", "held")
SAFETY_CLASSES = ("emergency", "urgent", "doctor", "worry", "professional", "none")
COLUMNS = ("split", "locale", "text", "intent", "slots", "safety")


@dataclass(frozen=True)
class Row:
    corpus: str
    """The file's name without .tsv ("first", "second")."""
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


def add_corpus_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, action="append", help="a corpus file, repeatable (default: tests/corpus/*.tsv)"
    )


def read_corpora(paths: list[Path] | None = None) -> list[Row]:
    """Every row of the corpora at `paths` (default: all of tests/corpus/), file by file."""
    return [row for path in paths or CORPORA for row in read_corpus(path)]


def read_corpus(path: Path) -> list[Row]:
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
                    corpus=path.stem,
                    split=raw["split"],
                    locale=raw["locale"],
                    text=raw["text"],
                    intent=raw["intent"],
                    slots=parse_slots(raw["slots"]),
                    safety=raw["safety"],
                )
            )
    return rows
