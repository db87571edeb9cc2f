"""The response layer alone: content budgets, placeholders, variety, offers, SSML."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import asdict

import pytest

from responses import SUPPORTED_LOCALES, Conversation, Guide, Reply, load, supported_locale
from responses.content import CONTENT_DIR
from responses.ssml import MAX_SSML_CHARS, speak
from skill.safety import REPLACED
from tests.alexa_rules import SPOKEN_SYMBOLS, check_ssml, plain

CORE_TOPICS = ("why", "prevent", "doctor")


def words(text: str) -> int:
    return len(text.split())


def list_items(sentence: str) -> int:
    """Items in the longest spoken list of short items ("a, b and c", "a, b, or c")."""
    item = r"(?!(?:and|or|but|so) )[\w']+(?: [\w']+){0,2}"
    longest = 0
    for match in re.finditer(rf"{item}(?:, {item})+(,?) (?:and|or) [\w']+", sentence):
        oxford = match.group(1) == ","
        longest = max(longest, match.group(0).count(",") + (1 if oxford else 2))
    return longest


class Wording(random.Random):
    """Always picks the `index`-th choice (or the last there is): wordings by choice, not chance."""

    def __init__(self, index: int) -> None:
        super().__init__(0)
        self.index = index

    def choice(self, seq):  # type: ignore[no-untyped-def]
        return seq[min(self.index, len(seq) - 1)]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_loads_with_every_placeholder_filled(locale: str) -> None:
    content = load(locale)
    texts = [*content.lines.values(), *content.safety.values(), *content.signs.values()]
    for topic in content.topics.values():
        texts += [*topic.summary, topic.more, topic.title, *topic.points]
        if topic.offer is not None:
            texts += [topic.offer.ask, topic.offer.reprompt]
    for text in texts:
        for item in text if isinstance(text, tuple) else (text,):
            leftover = set(re.findall(r"{(\w+)}", item)) - {"sign", "person", "source"}
            assert not leftover, f"{locale}: unfilled {leftover} in {item!r}"


def test_content_is_read_only() -> None:
    content = load("en-US")
    with pytest.raises(TypeError):
        content.lines["help"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        content.topics["why"] = content.topics["what"]  # type: ignore[index]
    assert isinstance(content.topics["why"].summary, tuple)


@pytest.mark.parametrize("topic", sorted(load("en-US").topics))
def test_topic_budgets_and_follow_ups(topic: str) -> None:
    for locale in SUPPORTED_LOCALES:
        content = load(locale)
        entry = content.topics[topic]
        assert len(entry.summary) >= 3, "at least three wordings"
        assert len(set(entry.summary)) == len(entry.summary)
        for summary in entry.summary:
            assert 5 <= words(summary) <= 20, (locale, summary)
        assert words(entry.more) <= 45
        assert entry.more not in entry.summary
        assert 1 <= len(entry.points) <= 3
        assert entry.source, "every topic names the article section it paraphrases"
        offered = {key for other in content.topics.values() for key in other.next} | set(content.suggestions)
        if entry.family == topic and topic not in offered:
            assert entry.offer is None, "a topic never offered has no offer wording"
        else:
            assert content.topics[entry.family].offer is not None, "a family is an offerable topic"
        for key in entry.next:
            assert content.topics[key].offer is not None, (topic, key)
        assert topic not in entry.next


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("topic", sorted(load("en-US").topics))
@pytest.mark.parametrize("index", [0, 1, 2])
def test_every_first_answer_fits_one_breath(locale: str, topic: str, index: int) -> None:
    """Every topic, wording and locale as a one-shot (disclaimer due): at most 35 spoken words,
    the answer first, and a reprompt shorter than the question it stands for."""
    content = load(locale)
    reply = Guide(content, Wording(index), REPLACED).answer(Conversation(), topic)
    spoken = plain(reply.ssml)
    assert words(spoken) <= 35, (locale, topic, index, spoken)
    assert spoken.startswith(content.topics[topic].summary[index])
    assert content.line("disclaimer") in spoken
    question = re.split(r"(?<=[.!])\s+", spoken)[-1]
    assert question.endswith("?") and reply.reprompt is not None
    assert plain(reply.reprompt).endswith("?")
    assert words(plain(reply.reprompt)) < words(question), (question, plain(reply.reprompt))


def test_spoken_text_is_for_the_ear() -> None:
    content = load("en-US")
    spoken = [content.line(key) for key in ("help", "fallback", "fallback_final", "error", "disclaimer")]
    spoken += [text for key in ("welcome", "goodbye", "decline") for text in content.variants(key)]
    spoken += [
        content.safety[key] for key in ("emergency", "urgent", "warning", "worry", "medicine", "person")
    ]
    for topic in content.topics.values():
        spoken += [*topic.summary, topic.more]
        if topic.offer is not None:
            spoken += [topic.offer.ask, topic.offer.reprompt]
            assert topic.offer.reprompt.endswith("?") and topic.offer.ask.endswith("?")
            assert words(topic.offer.reprompt) < words(topic.offer.ask)
    for text in spoken:
        assert not SPOKEN_SYMBOLS.search(re.sub(r"{\w+}", "", text)), text
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert words(sentence) <= 30, f"long sentence: {sentence!r}"
            assert list_items(sentence) <= 3, f"list of more than three: {sentence!r}"


def test_no_medicine_is_named_and_no_diagnosis_is_claimed() -> None:
    everything = (CONTENT_DIR / "en.toml").read_text(encoding="utf-8").split("[locale]", 1)[1].lower()
    for banned in ("botox", "benign fasciculation", "ibuprofen", "paracetamol", "mg", "milligram"):
        assert not re.search(rf"\b{banned}\b", everything), banned


def test_disclaimer_is_one_sentence() -> None:
    disclaimer = load("en-US").line("disclaimer")
    assert disclaimer.count(".") == 1 and disclaimer.endswith(".")
    assert "not medical advice" in disclaimer


def test_card_disclaimer_has_what_amazon_asks_of_health_skills() -> None:
    for locale, number in (("en-US", "911"), ("en-GB", "999"), ("en-AU", "000"), ("en-IN", "112")):
        text = load(locale).line("card_disclaimer")
        assert "not a substitute for professional medical advice" in text.lower()
        assert number in text


def test_unknown_locales_get_english() -> None:
    assert supported_locale("fr-FR") == "en-US"
    assert supported_locale(None) == "en-US"
    assert supported_locale("en-gb") == "en-GB"
    assert load("de-DE").locale == "en-US"


def test_answer_gives_disclaimer_once_and_never_the_same_wording_twice_in_a_row() -> None:
    guide = Guide(load("en-US"), random.Random(7), REPLACED)
    conversation = Conversation()
    first = guide.answer(conversation, "why")
    assert load("en-US").line("disclaimer") in first.ssml
    previous = conversation.wording["why"]
    for _ in range(30):
        reply = guide.answer(conversation, "why")
        assert load("en-US").line("disclaimer") not in reply.ssml
        assert conversation.wording["why"] != previous
        previous = conversation.wording["why"]


def test_the_welcome_says_the_disclaimer_so_answers_after_it_need_not() -> None:
    guide = Guide(load("en-US"), Wording(0), REPLACED)
    conversation = Conversation()
    welcome = plain(guide.welcome(conversation).ssml)
    assert "general information, not medical advice" in welcome
    assert load("en-US").line("disclaimer") not in guide.answer(conversation, "why").ssml


def test_every_wording_gets_used() -> None:
    guide = Guide(load("en-US"), random.Random(3), REPLACED)
    conversation = Conversation()
    used = set()
    for _ in range(40):
        guide.answer(conversation, "prevent")
        used.add(conversation.wording["prevent"])
    assert len(used) == len(load("en-US").topics["prevent"].summary)


@pytest.mark.parametrize(("locale", "doctor"), [("en-US", "a doctor"), ("en-GB", "a GP"), ("en-AU", "a GP")])
def test_warning_line_names_the_locales_doctor(locale: str, doctor: str) -> None:
    reply = Guide(load(locale), random.Random(0), REPLACED).warning(Conversation(), "NUMBNESS")
    assert plain(reply.ssml).startswith(f"Twitching with numbness or tingling should be checked by {doctor}.")


def test_ssml_escapes_text_and_refuses_oversized_output() -> None:
    ssml = speak("Salt & pepper <b>", "fish")
    check_ssml(ssml)
    assert "&amp;" in ssml and "&lt;b&gt;" in ssml
    with pytest.raises(ValueError):
        speak("word " * MAX_SSML_CHARS)


def test_conversation_round_trips_through_session_attributes() -> None:
    guide = Guide(load("en-US"), random.Random(0), REPLACED)
    conversation = Conversation()
    guide.answer(conversation, "why")
    guide.more(conversation)
    guide.fallback(conversation)
    assert conversation.expanded and conversation.fallbacks and conversation.last is not None
    stored = json.loads(json.dumps(conversation.to_attributes()))
    assert stored == {"guide": json.loads(json.dumps(asdict(conversation)))}, "every field is stored"
    restored = Conversation.from_attributes(stored)
    assert restored == conversation
    assert Conversation.from_attributes({"guide": "garbage"}) == Conversation()
    assert Conversation.from_attributes(None) == Conversation()


def test_a_line_with_variants_is_read_as_variants_and_a_single_line_as_one() -> None:
    content = load("en-US")
    assert content.variants("help") == (content.line("help"),)
    with pytest.raises(TypeError, match=r"^line 'welcome' has variants; use variants\(\)$"):
        content.line("welcome")


@pytest.mark.parametrize(
    ("move", "title"),
    [
        (lambda guide, c: guide.urgent(c), "urgent_title"),
        (lambda guide, c: guide.warning(c, "PAIN"), "warning_title"),
        (lambda guide, c: guide.worry(c), "worry_title"),
        (lambda guide, c: guide.medicine(c), "professional_title"),
        (lambda guide, c: guide.person(c, "BABY"), "professional_title"),
    ],
)
def test_safety_replies_carry_their_line_on_a_card_of_their_own(
    move: Callable[[Guide, Conversation], Reply], title: str
) -> None:
    content = load("en-GB")
    conversation = Conversation(offer="prevent")
    reply = move(Guide(content, random.Random(0), REPLACED), conversation)
    spoken = plain(reply.ssml)
    assert reply.card_title == content.safety[title]
    assert (
        reply.card_text
        == f"{spoken.removesuffix(' ' + content.line('anything_else'))}\n\n{content.line('card_disclaimer')}"
    )
    assert spoken.endswith(content.line("anything_else")) and conversation.offer is None


def test_the_person_line_names_who() -> None:
    reply = Guide(load("en-AU"), random.Random(0), REPLACED).person(Conversation(), "BABY")
    assert plain(reply.ssml).startswith("For twitching in a baby, please ask a GP or a pharmacist.")


def test_state_of_exactly_the_limit_is_kept_and_one_character_more_is_dropped() -> None:
    from responses.conversation import MAX_STATE_CHARS

    def stored(length: int) -> dict[str, object]:
        raw: dict[str, object] = {"topic": ""}
        raw["topic"] = "x" * (length - len(json.dumps(raw)))
        assert len(json.dumps(raw)) == length
        return {"guide": raw}

    assert Conversation.from_attributes(stored(MAX_STATE_CHARS)).topic == "x" * (MAX_STATE_CHARS - 13)
    assert Conversation.from_attributes(stored(MAX_STATE_CHARS + 1)) == Conversation()


def test_an_offer_without_wording_is_a_content_error_that_names_the_topic() -> None:
    with pytest.raises(KeyError, match="topic 'why_fluids' is offered but has no offer wording"):
        Guide(load("en-US"), random.Random(0), REPLACED)._offer("why_fluids")


RAISE: dict[str, Callable[[Guide, Conversation], Reply]] = {
    "urgent": lambda guide, c: guide.urgent(c),
    "warning": lambda guide, c: guide.warning(c, "PERSISTENT"),
    "worry": lambda guide, c: guide.worry(c),
    "medicine": lambda guide, c: guide.medicine(c),
    "person": lambda guide, c: guide.person(c, "CHILD"),
}
"""Each safety line that keeps a session open, said by the guide."""


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("concern", sorted(RAISE))
def test_each_concern_replaces_the_kinds_of_answer_its_table_names_for_the_rest_of_the_session(
    locale: str, concern: str
) -> None:
    """skill/safety.py's REPLACED, walked for every concern and every topic: a replaced answer is
    the concern again (never its words of comfort), and nothing replaced is offered either."""
    assert set(RAISE) == set(REPLACED) and all("reassurance" in kinds for kinds in REPLACED.values())
    content = load(locale)
    for key, topic in content.topics.items():
        guide, conversation = Guide(content, Wording(0), REPLACED), Conversation()
        said = plain(RAISE[concern](guide, conversation).ssml)
        reply = guide.answer(conversation, key)
        if topic.kind in REPLACED[concern]:
            assert reply.concern == concern and reply.topic is None, (concern, key)
            assert plain(reply.ssml) == f"{content.safety['after']} {said}"
            assert content.line("red_flag") not in reply.ssml
        else:
            assert reply.topic == key and reply.concern is None, (concern, key)
        if reply.offer is not None:
            assert content.topics[reply.offer].kind not in REPLACED[concern], (concern, key, reply.offer)
        assert conversation.concern == concern, "the concern stays for the rest of the session"
        goodbye = plain(guide.goodbye(conversation).ssml)
        assert goodbye == content.line("goodbye_concern")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_reassuring_answer_carries_the_red_flag_rule(locale: str) -> None:
    content = load(locale)
    for key, topic in content.topics.items():
        guide, conversation = Guide(content, Wording(0), REPLACED), Conversation()
        answer, more = plain(guide.answer(conversation, key).ssml), plain(guide.more(conversation).ssml)
        for text in (answer, more):
            assert (content.line("red_flag") in text) == (topic.kind == "reassurance"), (key, text)


YES_SHAPED = re.compile(
    r"^(yes|yeah|yep|it can|they can|it could|they could|it might|it may|definitely)\b", re.I
)


def test_no_answer_opens_with_a_yes_shaped_word() -> None:
    """A fear is acknowledged, never confirmed by an opener ("It can be.", "They can be.")."""
    content = load("en-US")
    for topic in content.topics.values():
        for text in (*topic.summary, topic.more):
            assert not YES_SHAPED.search(text), text
    for key in ("worry", "after", "clarify"):
        assert not YES_SHAPED.search(content.safety[key])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_warning_and_worry_lines_say_the_emergency_number(locale: str) -> None:
    """A collapse or sudden one-sided numbness that the model hears only as a warning sign or a
    worry still hears the locale's number ("if it's sudden or severe, call ...")."""
    content = load(locale)
    guide = Guide(content, random.Random(0), REPLACED)
    replies = [guide.warning(Conversation(), sign) for sign in content.signs]
    replies.append(guide.worry(Conversation()))
    emergency = plain(guide.emergency(Conversation()).ssml)
    number = emergency.split("call ", 1)[1].removesuffix(" now.")
    for reply in replies:
        assert f"call {number}." in plain(reply.ssml), plain(reply.ssml)
