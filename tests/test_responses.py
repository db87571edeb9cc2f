"""The response layer alone: content budgets, placeholders, variety, offers, SSML."""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict

import pytest

from responses import SUPPORTED_LOCALES, Conversation, Guide, load, supported_locale
from responses.ssml import MAX_SSML_CHARS, speak
from tests.alexa_rules import SPOKEN_SYMBOLS, check_ssml

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


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_loads_with_every_placeholder_filled(locale: str) -> None:
    content = load(locale)
    texts = [*content.lines.values(), *content.signs.values()]
    for topic in content.topics.values():
        texts += [*topic.summary, topic.more, topic.title, *topic.points]
    for text in texts:
        for item in text if isinstance(text, tuple) else (text,):
            leftover = set(re.findall(r"{(\w+)}", item)) - {"sign", "source"}
            assert not leftover, f"{locale}: unfilled {leftover} in {item!r}"


@pytest.mark.parametrize("topic", sorted(load("en-US").topics))
def test_topic_budgets(topic: str) -> None:
    for locale in SUPPORTED_LOCALES:
        entry = load(locale).topics[topic]
        assert len(entry.summary) >= 3, "at least three wordings"
        assert len(set(entry.summary)) == len(entry.summary)
        for summary in entry.summary:
            assert 15 <= words(summary) <= 35, (locale, summary)
        assert words(entry.more) <= 60
        assert entry.more not in entry.summary
        assert 1 <= len(entry.points) <= 3
        assert entry.source, "every topic names the article section it paraphrases"
        assert set(entry.next) <= set(load(locale).offers)


def test_spoken_text_is_for_the_ear() -> None:
    content = load("en-US")
    spoken = [content.line(key) for key in ("help", "fallback", "error", "disclaimer", "red_flag")]
    spoken += [text for key in ("welcome", "goodbye", "decline") for text in content.variants(key)]
    for offer in content.offers.values():
        spoken += [offer.ask, offer.reprompt]
        assert offer.ask != offer.reprompt and offer.reprompt.endswith("?")
    for topic in content.topics.values():
        spoken += [*topic.summary, topic.more]
    for text in spoken:
        assert not SPOKEN_SYMBOLS.search(text.replace("{sign}", "")), text
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert words(sentence) <= 30, f"long sentence: {sentence!r}"
            assert list_items(sentence) <= 3, f"list of more than three: {sentence!r}"


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
    guide = Guide(load("en-US"), random.Random(7))
    conversation = Conversation()
    first = guide.answer(conversation, "why")
    assert load("en-US").line("disclaimer") in first.ssml
    previous = conversation.wording["why"]
    for _ in range(30):
        reply = guide.answer(conversation, "why")
        assert load("en-US").line("disclaimer") not in reply.ssml
        assert conversation.wording["why"] != previous
        previous = conversation.wording["why"]


def test_every_wording_gets_used() -> None:
    guide = Guide(load("en-US"), random.Random(3))
    conversation = Conversation()
    used = set()
    for _ in range(40):
        guide.answer(conversation, "prevent")
        used.add(conversation.wording["prevent"])
    assert len(used) == len(load("en-US").topics["prevent"].summary)


def test_red_flag_leads_the_answer() -> None:
    guide = Guide(load("en-GB"))
    reply = guide.answer(Conversation(), "prevent", "NUMBNESS")
    text = reply.ssml.removeprefix("<speak>")
    assert text.startswith("Twitching that comes with numbness is worth getting checked by your GP")


def test_ssml_escapes_text_and_refuses_oversized_output() -> None:
    ssml = speak("Salt & pepper <b>", "fish")
    check_ssml(ssml)
    assert "&amp;" in ssml and "&lt;b&gt;" in ssml
    with pytest.raises(ValueError):
        speak("word " * MAX_SSML_CHARS)


def test_conversation_round_trips_through_session_attributes() -> None:
    guide = Guide(load("en-US"))
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
