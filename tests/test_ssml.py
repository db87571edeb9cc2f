"""The one escaping place and the check a stored reply must pass before it is said again."""

from __future__ import annotations

import pytest

from responses import Reply
from responses.ssml import MAX_SSML_CHARS, PAUSE, is_speech, speak

FRAME = len("<speak></speak>")


def test_speech_of_exactly_alexas_limit_is_allowed_and_one_more_character_is_not() -> None:
    assert len(speak("x" * (MAX_SSML_CHARS - FRAME))) == MAX_SSML_CHARS
    with pytest.raises(
        ValueError, match=f"SSML of {MAX_SSML_CHARS + 1} characters exceeds Alexa's {MAX_SSML_CHARS}"
    ):
        speak("x" * (MAX_SSML_CHARS - FRAME + 1))


def test_parts_are_stripped_joined_by_a_pause_and_empty_ones_dropped() -> None:
    assert (
        speak(" Salt & water. ", "", "   ", "<Rest>")
        == f"<speak>Salt &amp; water. {PAUSE} &lt;Rest&gt;</speak>"
    )


@pytest.mark.parametrize(
    "stored",
    [
        None,
        42,
        "plain text",
        "<speak></speak>",
        "<speak>Unescaped & here</speak>",
        '<speak><audio src="https://example.com/a.mp3"/></speak>',
        "<speak>Open ended",
        "Closed only</speak>",
        "<speak>" + "x" * MAX_SSML_CHARS + "</speak>",
    ],
)
def test_only_what_speak_could_have_written_counts_as_speech(stored: object) -> None:
    assert not is_speech(stored)


def test_what_speak_wrote_counts_as_speech_escapes_and_pauses_included() -> None:
    assert is_speech(speak("Fluids & salts", "<matter>"))


def test_a_stored_reply_comes_back_as_written() -> None:
    reply = Reply(speak("Why?"), speak("Why, again?"), "Title", "Card & text", ("one", "two"))
    assert Reply.from_dict(reply.to_dict()) == reply
    assert Reply.from_dict({**reply.to_dict(), "card_title": None}) == Reply(
        reply.ssml, reply.reprompt, None, "Card & text", ("one", "two")
    )


@pytest.mark.parametrize(
    "change",
    [
        {"ssml": "Why?"},
        {"reprompt": None},
        {"reprompt": 42},
        {"card_title": 7},
        {"card_text": None},
        {"points": "one"},
        {"points": ["one", 2]},
    ],
)
def test_a_stored_reply_with_any_field_we_never_write_is_dropped(change: dict) -> None:
    reply = Reply(speak("Why?"), speak("Why, again?"), "Title", "Card text", ("one",))
    assert Reply.from_dict({**reply.to_dict(), **change}) is None
    assert Reply.from_dict([reply.to_dict()]) is None
