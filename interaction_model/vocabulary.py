"""Slot values said in free text: the interaction model's own words, found the way Alexa's ear
finds them.

Each slot type's values and synonyms (the words real Alexa is built to hear) are the whole
vocabulary; nothing here adds a word of its own. A run of words names a value when it is one of
the type's spoken forms, or, for a form of MIN_FUZZY_VALUE characters or more, close to one
(VALUE_SCORE, rapidfuzz): "pased out" is "passed out", "eat" is never "heat". The offline
resolver fills slots with these values, and the Alexa+ add-on (addon/) checks free text for
safety concerns with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz, process

VALUE_SCORE = 85.0
"""How close (fuzz.ratio, 0-100) a heard word must be to a slot value or synonym to count as that
value: a letter dropped or doubled in a longer word passes ("dehydraton" 95, "cafeine" 93), a
different word of like letters does not ("toffee" for "coffee" 83, "mussel" for "muscle" 67)."""
MIN_FUZZY_VALUE = 5
"""Shorter words must match a value exactly: "eat" is not "heat"."""
LOOSE_GAP = 3
"""In free text, the most other words that may stand between two words of a spoken form."""
FUNCTION_WORDS = frozenset("a an the my i i'm me it it's 's is am are was and or of to in on at".split())  # noqa: SIM905
"""Words a spoken form may drop when said loosely ("my left side is numb" in "my whole left side
just went kinda numb"): English's own joining words, never a word that names anything."""
VALUE_CACHE = 65536
"""How many runs of words each vocabulary remembers the value of: the corpora's lines make about
40,000, and the bound keeps a long console session from growing it without end."""


class SlotValue(Protocol):
    """One value of a slot type: its entity id and every way it is said."""

    @property
    def id(self) -> str: ...

    def spoken_forms(self) -> tuple[str, ...]: ...


def normalize(text: str) -> str:
    """Lower case, punctuation as spaces, apostrophes kept inside words, single spaces, and the
    clitic "'s" a word of its own ("my calf's twitching" names "calf"), as language
    understanding tokenizes English."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9']+", " ", text)
    text = re.sub(r"(?<![a-z])'(?!s\b)|'(?![a-z])", " ", text)
    text = re.sub(r"(?<=[a-z])'s\b", " 's", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Span:
    """A value named in a line."""

    start: int
    end: int
    """Word positions [start, end) in the line."""
    value: str
    """The spoken form as the model spells it."""
    id: str
    """The entity id it resolves to."""
    score: float
    """100 when said exactly, VALUE_SCORE when close."""
    length: int
    """Characters of the line it covers."""


class Vocabulary:
    """The spoken forms of every slot type of one model."""

    def __init__(self, types: Mapping[str, Iterable[SlotValue]]) -> None:
        self.forms: dict[str, dict[str, str]] = {}
        """Slot type -> normalized spoken form -> the form as the model spells it."""
        self.ids: dict[str, dict[str, str]] = {}
        """Slot type -> normalized spoken form -> its value's entity id."""
        for type_name, values in types.items():
            forms, ids = self.forms.setdefault(type_name, {}), self.ids.setdefault(type_name, {})
            for value in values:
                for form in value.spoken_forms():
                    forms[normalize(form)], ids[normalize(form)] = form, value.id
        self.longest = {
            type_name: max((len(form.split()) for form in forms), default=0)
            for type_name, forms in self.forms.items()
        }
        """Slot type -> the most words any of its forms has."""
        self.loose: dict[str, list[tuple[tuple[str, ...], str]]] = {
            type_name: [
                (words, form)
                for form in forms
                if len(words := tuple(word for word in form.split() if word not in FUNCTION_WORDS)) > 1
            ]
            for type_name, forms in self.forms.items()
        }
        """Slot type -> (the telling words of a spoken form of two or more of them, that form)."""
        self._near: dict[tuple[str, int], list[str]] = {}
        self._values = lru_cache(maxsize=VALUE_CACHE)(self._value)
        """Runs of words recur across lines ("my legs", "after running"): each is scored once."""

    def value(self, type_name: str, heard: str, min_fuzzy: int = MIN_FUZZY_VALUE) -> str | None:
        """The model's spelling of the value `heard` (normalized) names, or None if it is none of
        the type's; a near miss counts from `min_fuzzy` characters on."""
        return self._values(type_name, heard, min_fuzzy)

    def _value(self, type_name: str, heard: str, min_fuzzy: int) -> str | None:
        forms = self.forms.get(type_name, {})
        if heard in forms:
            return forms[heard]
        if len(heard) < min_fuzzy:
            return None
        near = self._near_in_length(type_name, len(heard))
        best = process.extractOne(heard, near, scorer=fuzz.ratio, score_cutoff=VALUE_SCORE) if near else None
        return forms[best[0]] if best else None

    def spans(self, line: str, type_name: str, min_fuzzy: int = MIN_FUZZY_VALUE) -> list[Span]:
        """Every run of words in `line` (normalized) that names a value of the type, exact and
        longest first; near misses count from `min_fuzzy` characters on."""
        words, ids = line.split(), self.ids.get(type_name, {})
        spans = []
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self.longest.get(type_name, 0)) + 1):
                heard = " ".join(words[start:end])
                value = self.value(type_name, heard, min_fuzzy)
                if value is not None:
                    score = 100.0 if heard in ids else VALUE_SCORE
                    spans.append(Span(start, end, value, ids[normalize(value)], score, len(heard)))
        return sorted(spans, key=lambda span: (-span.score, span.start - span.end))

    def _near_in_length(self, type_name: str, length: int) -> list[str]:
        """The type's normalized forms, in the model's order, whose length leaves a ratio of
        VALUE_SCORE possible against `length` characters (2 * shorter / both >= the score): the
        others cannot match, so they are not scored at all."""
        key = (type_name, length)
        if key not in self._near:
            ratio = VALUE_SCORE / 100
            self._near[key] = [
                form
                for form in self.forms.get(type_name, {})
                if 2 * min(length, len(form)) >= ratio * (length + len(form))
            ]
        return self._near[key]

    def loose_spans(self, line: str, type_name: str) -> list[Span]:
        """The spoken forms of the type that `line` (normalized) says loosely: their telling words
        (two or more) in order, exactly, with at most LOOSE_GAP other words between each, as
        people say them in a longer sentence. Each form once, at its first place."""
        words = line.split()
        places: dict[str, list[int]] = {}
        for index, word in enumerate(words):
            places.setdefault(word, []).append(index)
        spans = []
        for telling, form in self.loose.get(type_name, ()):
            for start in places.get(telling[0], ()):
                end = _said_in_order(places, telling[1:], start)
                if end is not None:
                    heard = " ".join(words[start:end])
                    spans.append(
                        Span(
                            start,
                            end,
                            self.forms[type_name][form],
                            self.ids[type_name][form],
                            VALUE_SCORE,
                            len(heard),
                        )
                    )
                    break
        return spans


def _said_in_order(places: Mapping[str, list[int]], rest: tuple[str, ...], start: int) -> int | None:
    """The end of the words `rest` said in order after position `start`, each within LOOSE_GAP
    words of the one before, or None."""
    position = start
    for word in rest:
        position = next(
            (index for index in places.get(word, ()) if position < index <= position + LOOSE_GAP + 1), -1
        )
        if position < 0:
            return None
    return position + 1
