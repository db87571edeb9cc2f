"""Typed text -> the request Alexa would send, read from our own interaction model.

The local console needs Alexa's ear without Alexa: it decides, as Alexa's language understanding
would, whether the words launch the skill ("open muscle twitch guide"), ask it something in one
go ("ask muscle twitch guide why ..."), or speak inside the session, and then which intent and
slot values they carry. Each sample utterance becomes a pattern; the slot values and synonyms
of the model fill its `{Slot}` places. A typed line matches a pattern exactly, or fuzzily
(rapidfuzz) when the wording, spelling or punctuation is a little off. A long, rambling line that
no pattern matches as a whole goes to the sample sharing its most telling words and slot types
(TF-IDF over the samples, slot values standing as their types), provided it names a value of
ours; failing that, to a sample without slots said whole at its start or end; and values said
anywhere in the line fill the matched intent's empty slots, as Alexa's slot tagging does.
Nothing close enough is `AMAZON.FallbackIntent`, as with Alexa. Which words name which slot
value is interaction_model/vocabulary.py's, shared with the Alexa+ add-on. Each slot's value
carries the id of the entity found for it (`Match.ids`, None for words outside the type, which
reach the skill as ER_SUCCESS_NO_MATCH), and the simulator puts those in the request as they are.

The model's samples decide every intent of ours. Alexa's built-in intents come with phrasings of
their own, so the model declares AMAZON.YesIntent, HelpIntent and the rest without samples, or
with a few additions of ours ("bye" for AMAZON.StopIntent): the resolver carries Alexa's usual
phrasings for them as data, in one table, `BUILT_IN_PHRASES`. Its other word lists (the launch
and joining words round the invocation name, the exit phrases, the fillers and hesitations
people say) are Alexa's conventions for hearing any skill, and name no intent.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from interaction_model import InteractionModel, load_model
from interaction_model.vocabulary import VALUE_SCORE, Span, Vocabulary, normalize
from responses import supported_locale

FALLBACK = "AMAZON.FallbackIntent"
"""What Alexa sends a skill for words that are none of its intents."""
RESOLVED_CACHE = 4096
"""How many typed lines each resolver remembers the meaning of: more than the evaluation says
to one locale (at most 333 corpus rows, each heard twice, and the launch line), so it never
resolves a line again, yet bounded, so a long console session cannot grow it without end."""
MIN_SCORE = 78.0
"""Below this similarity (0-100) to every sample, the words are not one of ours: Fallback.
Chosen on the paraphrase and near-miss table in tests/test_resolver.py."""
NEAREST_SCORE = 35.0
"""When no sample is close as a whole line (run-on speech, words in another order), the sample
sharing the most telling words and slot types wins if its cosine similarity (0-100) reaches
this. Chosen on the tuning halves of tests/corpus/."""
SLOT_WEIGHT = 2.0
"""How much more a slot value counts than a word in the nearest-sample match: naming a value
("a seizure") says more about a request than the words around it."""
NEAREST_FUZZY_VALUE = 8
"""The shortest misspelt value (in characters) that counts outside a matching sample: with no
sample's words round it to vouch for it, a near miss of a short word is as likely another word
("score" is 89 like "core") as a typo, while a long one is a typo ("dehydraton")."""
CONTAINED_WORDS = 3
"""The fewest words of a sample said whole inside a longer line that still count as that sample:
"tell me more" in "tell me more about the magnesium", never "why me" in "why me legs twitch"."""
UNRESOLVED_PENALTY = 5.0
"""What a slot filled with no value of its type costs a word-for-word match (see WORD_PENALTY)."""
WORD_PENALTY = 4.0
"""What a slot filled with words outside its type costs a word-for-word match (per slot, plus
per word), so that a carrier phrase like "is it {Cause}" does not swallow every longer
"is it ..." question whole, yet still beats a merely similar sample. Where the slot's words
hold a value with others round it ("is it {Cause}" with "from too much coffee"), the value
fills the slot, as Alexa's slot tagging would, and only the other words cost."""

BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.StopIntent": ("stop", "stop it", "shut up", "be quiet", "off", "that's enough"),
    "AMAZON.CancelIntent": ("cancel", "cancel that", "never mind", "forget it", "nevermind"),
    "AMAZON.YesIntent": (
        "yes",
        "yeah",
        "yep",
        "yes please",
        "sure",
        "ok",
        "okay",
        "please do",
        "yes I would",
        "go ahead",
        "yeah go ahead",
        "that's right",
        "yes that's right",
        "aye",
        "ok yes",
        "yup",
        "righto",
        "yeah righto",
        "for sure",
        "yeah for sure",
        "sure thing",
        "of course",
    ),
    "AMAZON.NoIntent": (
        "no",
        "nope",
        "no thanks",
        "no thank you",
        "nah",
        "not now",
        "I'm good",
        "nah I'm good",
        "that's all",
        "no that's all",
        "nah you're alright",
    ),
    "AMAZON.RepeatIntent": (
        "repeat",
        "repeat that",
        "say that again",
        "say it again",
        "again",
        "come again",
        "what did you say",
        "pardon",
        "what was that",
        "sorry what was that",
        "sorry come again",
        "wait what",
        "sorry what",
    ),
    "AMAZON.HelpIntent": (
        "help",
        "help me",
        "I need help",
        "what can I say",
        "what can you do",
        "how does this work",
        "what can you actually do",
        "what can you help me with",
    ),
    "AMAZON.StartOverIntent": (
        "start over",
        "let's start over",
        "start again",
        "restart",
        "begin again",
        "from the top",
        "go back to the beginning",
        "back to the start",
        "start from the beginning",
        "start from beginning",
    ),
    "AMAZON.PreviousIntent": (
        "go back",
        "back",
        "previous",
        "back up",
        "back up one",
        "the last one",
        "go back to the last one",
        "go back to the last thing you said",
    ),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "main menu"),
}
"""The usual phrasings of Alexa's built-in intents. A model declares these intents without samples
(Alexa brings its own), so the resolver needs them as data; they are Alexa's, and the only words
of the resolver's own that decide an intent. Samples the model adds to a built-in intent ("bye"
for stop) are heard as well."""

EXIT_PHRASES = ("exit", "quit")
"""Alexa closes the session itself on these and sends the skill a SessionEndedRequest."""

WAKE_WORD = "alexa"
"""Typed first (after "hey", say) it is for Alexa, not the skill, and is dropped."""
LAUNCH_WORDS = (
    "open",
    "start",
    "launch",
    "begin",
    "load",
    "run",
    "resume",
    "use",
    "play",
    "talk to",
    "ask",
    "tell",
)
"""The words Alexa takes before a skill's invocation name to open it ("open X") or to ask it
something at once ("ask X why ..."): Alexa's launch phrases, the same for every custom skill."""
CONNECTING_WORDS = ("to", "about", "for", "if", "whether", "and", "that")
"""Alexa's joining words between the invocation name and a one-shot request ("ask X about
stretching"): the request is tried with and without them."""
TRAILING_WORDS = ("using", "with", "from", "on", "in")
"""Alexa's joining words before an invocation name said last ("why do muscles twitch, using X")."""
FILLERS = (
    "please",
    "so",
    "um",
    "uh",
    "hey",
    "well",
    "okay so",
    "ok so",
    "okay",
    "ok",
    "thanks",
    "thank you",
    "tell me",
    "can you",
    "could you",
    "i want to know",
    "i'd like to know",
    "do you know",
    "like",
    "honestly",
    "mate",
    "eh",
    "oh",
    "oh no",
    "oh god",
    "quick question",
)
"""Words people wrap round a question; Alexa hears past them. The line is also tried as it
is, so a sample that starts with one of these ("tell me more") still matches word for word."""
HESITATIONS = (
    "um",
    "uh",
    "er",
    "erm",
    "like",
    "kinda",
    "sorta",
    "you know",
    "i mean",
    "literally",
    "basically",
)
"""Words said inside a sentence while thinking; the line is also tried without them."""
HESITATION_WORDS = tuple(tuple(hesitation.split()) for hesitation in HESITATIONS)
FILLER_WORDS = tuple(tuple(filler.split()) for filler in FILLERS)
FILLER_WORDS_BACKWARDS = tuple(filler[::-1] for filler in FILLER_WORDS)
"""The hesitations and fillers as words, to find them word by word in a line (the fillers also
backwards, to find them at its end)."""

RequestType = Literal["LaunchRequest", "IntentRequest", "SessionEndedRequest"]


@dataclass(frozen=True)
class Match:
    """What Alexa would make of one typed line."""

    request: RequestType
    intent: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    """Slot name -> the words heard for it (entity resolution happens in the simulator)."""
    score: float = 100.0
    """Similarity (0-100) to `sample`; 100 is word for word."""
    sample: str | None = None
    """The sample utterance or built-in phrasing that matched, if any."""
    invoked: bool = False
    """The line named the skill ("open ...", "ask ... why ..."): Alexa starts a new session."""
    ids: dict[str, str | None] = field(default_factory=dict)
    """Slot name -> the id of the value the resolver found for it, None when its words are none
    of the type's: Alexa's entity resolution (ER_SUCCESS_MATCH or ER_SUCCESS_NO_MATCH), which
    the simulator puts in the request as it is."""


def _heard(text: str) -> str:
    """`text` normalised, with the wake word and what came before it dropped."""
    words = normalize(text).split()
    if WAKE_WORD in words[:2]:
        words = words[words.index(WAKE_WORD) + 1 :]
    return " ".join(words)


@dataclass(frozen=True)
class _Pattern:
    intent: str
    sample: str
    regex: re.Pattern[str]
    template: str
    """The normalized sample with each {Slot} as one private-use character, for fuzzy scoring."""
    slots: tuple[str, ...]
    types: tuple[str, ...]
    """The slot type of each slot, in order: patterns with the same types mark a line alike."""
    literal: int
    """How many characters of the sample are words rather than slots (more is more specific)."""


@dataclass(frozen=True)
class _Candidate:
    """A pattern's reading of a line, with how well it fits: the closest candidate wins, and of
    equally close ones the more specific sample (more words of its own, fewer slots)."""

    score: float
    """Similarity (0-100) of the line to the pattern."""
    literal: int
    """The pattern's `_Pattern.literal`: the tie-breaker."""
    match: Match

    @property
    def rank(self) -> tuple[float, int]:
        return (self.score, self.literal)


_SLOT = re.compile(r"\{(\w+)\}")


def _mark(index: int) -> str:
    return chr(0xE000 + index)


class Resolver:
    """Matches typed lines against one locale's interaction model."""

    def __init__(self, model: InteractionModel) -> None:
        self.model = model
        self.invocation = normalize(model.invocation_name)
        self.vocabulary = Vocabulary(model.types)
        """Which words name which slot value (interaction_model/vocabulary.py)."""
        self.forms = self.vocabulary.forms
        """Slot type -> normalized spoken form -> the form as the model spells it."""
        self.patterns = [
            self._pattern(intent.name, sample)
            for intent in model.intents.values()
            for sample in (*intent.samples, *BUILT_IN_PHRASES.get(intent.name, ()))
        ]
        self.by_types: dict[tuple[str, ...], list[int]] = {}
        """Slot types -> the patterns (by index) with those slot types."""
        for index, pattern in enumerate(self.patterns):
            self.by_types.setdefault(pattern.types, []).append(index)
        self.samples = [p for p in self.patterns if p.sample in model.intents[p.intent].samples]
        """The model's own samples, without the built-in phrasings (Alexa's, not ours)."""
        documents = [self._sample_terms(pattern) for pattern in self.samples]
        frequency = Counter(term for terms in documents for term in set(terms))
        self.idf = {term: math.log(len(documents) / count) + 1.0 for term, count in frequency.items()}
        """How telling each word or slot type is across all samples ("my" little, "breathe" much)."""
        self.vectors = [self._vector(terms) for terms in documents]
        self._resolved = lru_cache(maxsize=RESOLVED_CACHE)(self._resolve)
        """The same line always means the same: the evaluation and a console session say many
        lines more than once ("open muscle twitch guide"), in other cases and punctuation too,
        so lines are kept as heard."""

    def _pattern(self, intent: str, sample: str) -> _Pattern:
        parts = _SLOT.split(sample)
        slots = tuple(parts[1::2])
        marks = [_mark(index) for index in range(len(slots))]
        pieces = [normalize(literal) for literal in parts[0::2]]
        words = " ".join(filter(None, _interleave(pieces, marks)))
        regex = re.escape(words)
        for name, mark in zip(slots, marks, strict=True):
            regex = regex.replace(re.escape(mark), f"(?P<{name}>.+?)")
        literal = sum(len(piece.replace(" ", "")) for piece in pieces)
        types = tuple(self.model.intents[intent].slots[name] for name in slots)
        return _Pattern(intent, sample, re.compile(regex), words, slots, types, literal)

    # The whole line ----------------------------------------------------------------------------

    def resolve(self, text: str) -> Match:
        return self._resolved(_heard(text))

    def names_the_skill(self, text: str) -> bool:
        """Whether `text` is a launch or one-shot phrase (it names the skill), without resolving
        what it asks."""
        return self._invocation(_heard(text)) is not None

    def said_to_skill(self, text: str) -> str:
        """What `text` asks the skill itself, as Alexa hands it on: normalised, without the wake
        word and, for a one-shot, without the launch phrase, invocation name and joining word
        ("" for a launch phrase alone)."""
        line = _heard(text)
        invoked = self._invocation(line)
        return line if invoked is None else _without_connector(invoked[0])[-1]

    def _resolve(self, line: str) -> Match:
        if line in EXIT_PHRASES:
            return Match("SessionEndedRequest", sample=line)
        invoked = self._invocation(line)
        if invoked is None:
            return self.utterance(line)
        rest, name_score = invoked
        if not rest:
            return Match("LaunchRequest", score=name_score, invoked=True)
        match = max(
            (self.utterance(option) for option in _without_connector(rest)),
            key=lambda candidate: candidate.score,
        )
        return replace(match, invoked=True)

    def _invocation(self, line: str) -> tuple[str, float] | None:
        """(what is left to say, how well the name matched) when `line` names the skill."""
        size = len(self.invocation.split())
        for launch in LAUNCH_WORDS:
            if line == launch or line.startswith(launch + " "):
                found = self._name_at(line[len(launch) :].split(), size, leading=True)
                if found is not None:
                    return found
        words = line.split()
        ending = self._name_at(words, size, leading=False)
        if ending is not None:
            rest = ending[0].split()
            if not rest or rest[-1] in TRAILING_WORDS:
                return " ".join(rest[:-1]), ending[1]
        return None

    def _name_at(self, words: list[str], size: int, leading: bool) -> tuple[str, float] | None:
        """The rest of `words` once the invocation name is taken from their start (or end)."""
        best: tuple[str, float] | None = None
        for length in (size, size + 1, size - 1):
            if not 0 < length <= len(words):
                continue
            name = words[:length] if leading else words[-length:]
            rest = words[length:] if leading else words[:-length]
            score = fuzz.ratio(" ".join(name), self.invocation)
            if score >= VALUE_SCORE and (best is None or score > best[1]):
                best = (" ".join(rest), score)
        return best

    # One utterance inside the skill ------------------------------------------------------------

    def utterance(self, line: str) -> Match:
        """The intent and slots for words said to the skill (no launch phrase)."""
        options = [option for option in dict.fromkeys(_trimmed(line) + _trimmed(_fluent(line))) if option]
        """In order of preference: a tie goes to the line as said."""
        candidates = [self._best(option) for option in options]
        best = max(candidates, key=lambda match: match.score, default=None)
        if best is not None and best.score >= MIN_SCORE:
            return self._completed(best, line)
        nearest = self._nearest(line) if line else None
        if nearest is not None and nearest.score >= NEAREST_SCORE:
            return self._completed(nearest, line)
        contained = self._contained(line)
        if contained is not None:
            return self._completed(contained, line)
        return Match("IntentRequest", FALLBACK, score=best.score if best else 0.0)

    def _completed(self, match: Match, line: str) -> Match:
        """`match` with any slot of its intent that it left empty, or filled with words outside
        its type, filled from a value said elsewhere in the line ("my legs feel very weak after
        running" hears Symptom too): Alexa tags slot values it knows wherever they stand, not
        only where a sample puts them. A value said exactly may take in words of other slots if it
        holds all of them and more: "my pee is dark" is dark urine, not "pee" and "dark" in
        "my {BodyPart} is {Symptom}"."""
        if match.intent is None or match.sample is None:
            return match
        slots = dict(match.slots)
        literal = set(normalize(_SLOT.sub(" ", match.sample)).split())
        """The sample's own words: a value made only of them is the sample speaking, not a slot."""
        taken = {name: set(normalize(value).split()) for name, value in slots.items()}
        """Each slot's words."""
        for name, type_name in self.model.intents[match.intent].slots.items():
            if name in slots and normalize(slots[name]) in self.forms[type_name]:
                continue
            span = self._said_elsewhere(line, name, type_name, taken, literal)
            if span is not None:
                slots[name] = span.value
                taken[name] = set(line.split()[span.start : span.end])
        types = self.model.intents[match.intent].slots
        ids = {name: self.vocabulary.ids[types[name]].get(normalize(words)) for name, words in slots.items()}
        return replace(match, slots=slots, ids=ids)

    def _said_elsewhere(
        self, line: str, name: str, type_name: str, taken: dict[str, set[str]], literal: set[str]
    ) -> Span | None:
        """The first value of `type_name` in `line` (exact and longest first) that can fill the
        slot `name`: telling enough on its own (`_telling`), not made only of the sample's own
        words (`literal`), and leaving the words the slots already hold (`taken`) alone or taking
        them in whole (`_takes_in`)."""
        words = line.split()
        for span in self.vocabulary.spans(line, type_name):
            said = words[span.start : span.end]
            heard = set(said)
            if _telling(span, said) and _takes_in(span, heard, name, taken) and not heard <= literal:
                return span
        return None

    def _contained(self, line: str) -> Match | None:
        """The longest sample without slots, of CONTAINED_WORDS words or more, that `line` says
        word for word at its start or its end, with more words round it ("is it a genetic thing
        that I twitch more"): Alexa hears a whole sample inside a longer request."""
        words = line.split()
        found = [
            pattern
            for pattern in self.samples
            if not pattern.slots
            and CONTAINED_WORDS <= len(sample := pattern.template.split()) < len(words)
            and sample in (words[: len(sample)], words[-len(sample) :])
        ]
        if not found:
            return None
        pattern = max(found, key=lambda pattern: pattern.literal)
        return Match("IntentRequest", pattern.intent, {}, MIN_SCORE, pattern.sample)

    # Nearest sample by telling words, for lines no sample matches as a whole ---------------------

    def _sample_terms(self, pattern: _Pattern) -> list[str]:
        marks = {
            _mark(index): f"<{self._slot_type(pattern, name)}>" for index, name in enumerate(pattern.slots)
        }
        return [marks.get(word, word) for word in pattern.template.split()]

    def _vector(self, terms: list[str]) -> dict[str, float]:
        weights = {
            term: (1 + math.log(count)) * self.idf.get(term, 0.0) * (SLOT_WEIGHT if term[0] == "<" else 1.0)
            for term, count in Counter(terms).items()
        }
        norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
        return {term: weight / norm for term, weight in weights.items()}

    def _nearest(self, line: str) -> Match | None:
        """The sample closest to `line` once the slot values it names stand as their types, among
        the samples whose every slot it names, and its slots filled from those values: how Alexa
        still hears a long, rambling request. A line that names no slot value at all is left to
        the fallback."""
        words = line.split()
        spans = {
            type_name: [
                span
                for span in self.vocabulary.spans(line, type_name)
                if _telling(span, words[span.start : span.end])
            ]
            for type_name in self.forms
        }
        taken: dict[tuple[int, int], list[str]] = {}
        for type_name, span in sorted(
            ((t, span) for t, found in spans.items() for span in found),
            key=lambda item: _rank(item[1]),
        ):
            where = (span.start, span.end)
            if where in taken or all(span.end <= s or span.start >= e for s, e in taken):
                taken.setdefault(where, []).append(type_name)
        if not taken:
            return None  # no slot value named: nothing of ours to go on, as with Alexa's fallback
        terms, position = [], 0
        while position < len(words):
            found = next(((s, e) for s, e in taken if s == position), None)
            if found is None:
                terms.append(words[position])
                position += 1
            else:
                terms += [f"<{type_name}>" for type_name in taken[found]]
                position = found[1]
        query = self._vector(terms)
        scored = [
            (sum(weight * vector.get(term, 0.0) for term, weight in query.items()), index)
            for index, vector in enumerate(self.vectors)
        ]
        named = _slot_terms(query)
        filled = [
            pair
            for pair in scored
            if _slot_terms(self.vectors[pair[1]]) <= named and self.samples[pair[1]].slots
        ]
        score, index = max(filled, default=(0.0, -1))
        if score < NEAREST_SCORE / 100:
            literal = [pair for pair in scored if not self.samples[pair[1]].slots]
            score, index = max(literal, default=(0.0, -1))
        if index < 0:
            return None
        pattern = self.samples[index]
        slots: dict[str, str] = {}
        used: set[tuple[int, int]] = set()
        for name in pattern.slots:
            type_name = self._slot_type(pattern, name)
            for span in spans.get(type_name, ()):
                where = (span.start, span.end)
                if where in taken and type_name in taken[where] and where not in used:
                    slots[name] = span.value
                    used.add(where)
                    break
        return Match("IntentRequest", pattern.intent, slots, 100 * score, pattern.sample)

    def _best(self, line: str) -> Match:
        """The closest pattern: a word-for-word match if one fills every slot from its type,
        else the best of the exact and fuzzy scores (ties go to the more specific sample)."""
        candidates = [candidate for pattern in self.patterns if (candidate := self._exact(pattern, line))]
        if not candidates or _first_best(candidates).score < 100:
            candidates.append(self._fuzzy(line))
        return _first_best(candidates).match

    def _exact(self, pattern: _Pattern, line: str) -> _Candidate | None:
        """`pattern` read word for word in `line`, its slots taking the words where the sample
        puts them; 100 less what the slots filled with words outside their types cost."""
        found = pattern.regex.fullmatch(line)
        if found is None:
            return None
        score, slots = 100.0, {}
        for name in pattern.slots:
            heard = found[name]
            type_name = self._slot_type(pattern, name)
            value = self.vocabulary.value(type_name, heard)
            if value is None:
                inner = next(iter(self.vocabulary.spans(heard, type_name)), None)
                extra = len(heard.split()) - (inner.end - inner.start if inner else 0)
                score -= WORD_PENALTY * extra + (0 if inner else UNRESOLVED_PENALTY)
                value = inner.value if inner else None
            slots[name] = value or heard
        return _Candidate(
            score, pattern.literal, Match("IntentRequest", pattern.intent, slots, score, pattern.sample)
        )

    def _slot_type(self, pattern: _Pattern, slot: str) -> str:
        return self.model.intents[pattern.intent].slots[slot]

    def _fuzzy(self, line: str) -> _Candidate:
        """The pattern `line` is most like once each pattern's slot marks stand where the line
        names a value of the slot's type (the first of equals, in the model's order)."""
        spans = {type_name: self.vocabulary.spans(line, type_name) for type_name in self.forms}
        a_value = _is_a_value(line, spans)
        """"cancer" is one of our values, not a misspelt "cancel": no built-in phrasing then."""
        scores = [0.0] * len(self.patterns)
        taken: dict[tuple[str, ...], dict[int, Span]] = {}
        for types, indices in self.by_types.items():
            heard, taken[types] = _marked(line, types, spans)
            templates = [self.patterns[index].template for index in indices]
            # Character similarity, forgiving words said in another order ("it is" for "is it").
            for scorer, weight in ((fuzz.ratio, 1.0), (fuzz.token_sort_ratio, 0.95)):
                for _, score, at in process.extract(heard, templates, scorer=scorer, limit=None):
                    scores[indices[at]] = max(scores[indices[at]], weight * score)
        for index, pattern in enumerate(self.patterns):
            if a_value and pattern.intent in BUILT_IN_PHRASES:
                scores[index] = 0.0
        best = max(range(len(self.patterns)), key=lambda index: (scores[index], self.patterns[index].literal))
        pattern = self.patterns[best]
        slots = {pattern.slots[index]: span.value for index, span in taken[pattern.types].items()}
        match = Match("IntentRequest", pattern.intent, slots, scores[best], pattern.sample)
        return _Candidate(scores[best], pattern.literal, match)


def _first_best(candidates: list[_Candidate]) -> _Candidate:
    """The best-ranked candidate, the first of equals: patterns are tried in the model's order."""
    return max(candidates, key=lambda candidate: candidate.rank)


def _marked(line: str, types: tuple[str, ...], spans: dict[str, list[Span]]) -> tuple[str, dict[int, Span]]:
    """`line` with the first free value of each slot type in `types` replaced by that slot's
    mark, and the spans taken, by slot position."""
    taken: dict[int, Span] = {}
    for index, type_name in enumerate(types):
        free = (
            span
            for span in spans.get(type_name, ())
            if all(span.end <= t.start or span.start >= t.end for t in taken.values())
        )
        span = next(free, None)
        if span is not None:
            taken[index] = span
    words = line.split()
    for index, span in sorted(taken.items(), key=lambda item: -item[1].start):
        words[span.start : span.end] = [_mark(index)]
    return " ".join(words), taken


def _is_a_value(line: str, spans: dict[str, list[Span]]) -> bool:
    """Whether the whole line is, word for word, a value or synonym of one of the model's types."""
    size = len(line.split())
    return any(
        span.score == 100.0 and span.end - span.start == size for found in spans.values() for span in found
    )


def _telling(span: Span, heard: list[str]) -> bool:
    """Whether a value found in a line is evidence enough outside a matching sample: said
    exactly, or long enough that a near miss is a typo ("dehydraton"), not another word
    ("score" for "core")."""
    return span.score == 100.0 or len(" ".join(heard)) >= NEAREST_FUZZY_VALUE


def _takes_in(span: Span, heard: set[str], name: str, taken: dict[str, set[str]]) -> bool:
    """Whether the value `span` (its words `heard`) may fill the slot `name` given the words each
    slot already holds (`taken`): it shares no word with a slot, or, said exactly, it holds all of
    that slot's words and more ("dark urine" for "my pee is dark" takes in BodyPart "pee" and
    Symptom "dark"). Of the slot it fills, whose words are outside its type, it need only hold
    all of them: an exact value said over just the words that slot heard replaces them."""
    exact = span.score == 100.0
    return all(
        not words & heard or (exact and (words < heard or (other == name and words <= heard)))
        for other, words in taken.items()
    )


def _rank(span: Span) -> tuple[float, int]:
    """Which of the overlapping values a rambling line names counts (the nearest-sample match):
    the one that explains more of the line (its length, discounted when misspelt), so "chest
    pian" (a misspelt chest pain) beats the "chest" inside it. Filling a matched sample's slot
    prefers the exact value instead (`Vocabulary.spans`)."""
    return (-span.score * span.length, span.start - span.end)


def _slot_terms(vector: dict[str, float]) -> set[str]:
    """The slot types among a line's or a sample's terms. A rambling line is heard as a sample
    only if it names a value for every slot type of that sample: words alone ("why is my husband
    twitching") never make "my husband is having {Emergency}" the nearest, nor does a line naming
    only an activity ("say that again, I was on the treadmill") make it "I was {Activity} and now
    {Emergency}". Samples without slots are tried only when none of those is close."""
    return {term for term in vector if term.startswith("<")}


def _interleave(pieces: list[str], marks: list[str]) -> list[str]:
    joined = [pieces[0]]
    for mark, piece in zip(marks, pieces[1:], strict=True):
        joined += [mark, piece]
    return joined


def _without_connector(rest: str) -> list[str]:
    """ "about stretching" may be "stretching"; both are tried, as the joining word is optional."""
    words = rest.split()
    if len(words) > 1 and words[0] in CONNECTING_WORDS:
        return [rest, " ".join(words[1:])]
    return [rest]


def _fluent(line: str) -> str:
    """`line` without the hesitations people put inside a sentence ("my side went kinda numb")."""
    words = line.split()
    kept: list[str] = []
    position = 0
    while position < len(words):
        found = _phrase_at(words, position, HESITATION_WORDS)
        if found is None:
            kept.append(words[position])
        position += len(found) if found else 1
    return " ".join(kept)


def _phrase_at(
    words: list[str], position: int, phrases: tuple[tuple[str, ...], ...]
) -> tuple[str, ...] | None:
    """The first of `phrases` that `words` say at `position`, if any."""
    return next(
        (phrase for phrase in phrases if tuple(words[position : position + len(phrase)]) == phrase), None
    )


def _trimmed(line: str) -> list[str]:
    """`line` as said, and without the fillers at its start, its end, or both."""
    words = line.split()
    start = _leading_fillers(words, FILLER_WORDS)
    end = len(words) - _leading_fillers(words[::-1], FILLER_WORDS_BACKWARDS)
    return [" ".join(part) for part in (words, words[start:], words[:end], words[start:end])]


def _leading_fillers(words: list[str], fillers: tuple[tuple[str, ...], ...]) -> int:
    """How many of the first words are fillers, one after another."""
    count = 0
    while found := _phrase_at(words, count, fillers):
        count += len(found)
    return count


def resolver_for(locale: str) -> Resolver:
    """One resolver per supported locale per process (a made-up locale gets en-US's): building
    the patterns reads the whole model."""
    return _resolver(supported_locale(locale))


@cache
def _resolver(locale: str) -> Resolver:
    return Resolver(load_model(locale))
