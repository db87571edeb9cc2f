"""The console in a terminal: `chat` driven line by line (in-process and through stdin), the
one-shot `ask`, and `--speak` with and without espeak-ng."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from devtools.__main__ import main
from devtools.console import Console
from devtools.console.chat import chat
from devtools.console.speak import INSTALL_HINT, Speaker
from responses import load

CONTENT = load("en-US")
ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None, reason="espeak-ng is not installed (make test installs it as root with apt-get)"
)


def lines(*typed: str) -> Callable[[str], str]:
    """A stand-in for `input`: the typed lines in turn, then end of input."""
    pending = list(typed)

    def read(prompt: str) -> str:
        if not pending:
            raise EOFError
        return pending.pop(0)

    return read


def summaries(topic: str) -> tuple[str, ...]:
    return CONTENT.topics[topic].summary


def test_chat_carries_the_session_so_yes_takes_the_offer() -> None:
    out = io.StringIO()
    code = chat(Console(), lines("open muscle twitch guide", "why do my legs twitch", "yes"), out)
    text = out.getvalue()
    assert code == 0
    assert "[LaunchRequest]" in text
    assert "[WhyTwitching  BodyPart='legs' (LEGS)]" in text
    assert "[AMAZON.YesIntent]" in text
    assert any(summary in text for summary in summaries("how_long"))
    for reprompt in (CONTENT.line("welcome_reprompt"), CONTENT.topics["how_long"].offer.reprompt):
        assert f"  reprompt: {reprompt}\n" in text
    assert "card: " + CONTENT.topics["why"].title in text


def test_chat_new_session_forgets_the_offer_and_quit_leaves() -> None:
    out = io.StringIO()
    chat(Console(), lines("why do my legs twitch", "/new", "yes", "/quit", "never read"), out)
    text = out.getvalue()
    assert "(new session)" in text
    after_new = text.split("(new session)")[1]
    assert not any(summary in after_new for summary in summaries("how_long"))
    assert CONTENT.topics["why"].offer.ask in after_new, "yes with nothing offered offers a topic"


def test_chat_says_when_a_new_session_starts_after_the_skill_ended_one() -> None:
    out = io.StringIO()
    chat(Console(), lines("why do my legs twitch", "stop", "repeat"), out)
    text = out.getvalue()
    assert text.count("(new session)") == 1
    ended, after = text.split("(session ended)")
    assert "(new session)" not in ended
    assert after.index("(new session)") < after.index("[AMAZON.RepeatIntent]")
    assert CONTENT.line("nothing_to_repeat") in after


def test_chat_shows_the_screen_and_session_end() -> None:
    out = io.StringIO()
    chat(Console(screen=True), lines("why do my legs twitch", "", "stop"), out)
    text = out.getvalue()
    assert "device with a screen" in text
    assert "screen: " + CONTENT.topics["why"].title in text
    for point in CONTENT.topics["why"].points:
        assert f"- {point}" in text
    assert "(session ended)" in text


def test_chat_reports_values_outside_the_slot_type_as_no_match() -> None:
    out = io.StringIO()
    chat(Console(), lines("why does my ear twitch"), out)
    assert "BodyPart='ear' (no match)" in out.getvalue()


def run_cli(
    *arguments: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devtools", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=60,
        check=False,
    )


def test_python_m_skill_chat_reads_stdin() -> None:
    done = run_cli("chat", "--locale", "en-GB", stdin="open muscle twitch guide\nhelp\nstop\n")
    assert done.returncode == 0, done.stderr
    assert "en-GB" in done.stdout
    assert "[AMAZON.HelpIntent]" in done.stdout
    assert f"alexa> {load('en-GB').line('help')}\n" in done.stdout
    assert "(session ended)" in done.stdout
    assert "request=" not in done.stderr, "request logs stay quiet in the chat"


def test_ask_prints_only_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "why do my legs twitch"]) == 0
    answer = capsys.readouterr().out
    assert answer.count("\n") == 1
    assert any(summary in answer for summary in summaries("why"))


REPO = Path(__file__).resolve().parent.parent
MAKE_VARIABLES = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "Q")
"""What a make running these tests would pass on; a reader's shell has none of them."""


def make_ask(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`make ask ...` as a reader types it, with this interpreter and without (re)building .venv/."""
    env = {name: value for name, value in os.environ.items() if name not in MAKE_VARIABLES}
    command = ["make", "-o", ".venv/.installed-stamp", "ask", f"PY={sys.executable}", *arguments]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_make_ask_prints_the_answer_and_nothing_else() -> None:
    done = make_ask("Q=why do my legs twitch")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1, "make echoes no command"
    assert any(summary in done.stdout for summary in summaries("why"))


def test_make_ask_takes_quotes_in_the_question_as_words() -> None:
    done = make_ask("""Q=why don't my legs "twitch" """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1


@pytest.mark.parametrize("arguments", [(), ("Q=",), ("Q=  ",)], ids=["no Q", "empty Q", "blank Q"])
def test_make_ask_without_a_question_prints_usage_and_exits_2(arguments: tuple[str, ...]) -> None:
    done = make_ask(*arguments)
    assert done.returncode == 2
    assert done.stdout == ""
    assert 'usage: make ask Q="why do my legs twitch"' in done.stderr


def test_ask_speaks_the_locale(capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "--locale", "en-GB", "when should I see a doctor"])
    answer = capsys.readouterr().out
    assert any(summary in answer for summary in load("en-GB").topics["doctor"].summary)


def test_ask_refuses_an_unknown_locale(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["ask", "--locale", "fr-FR", "help"])
    assert exit_.value.code == 2


def test_speak_without_espeak_says_how_to_get_it_and_still_answers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["ask", "--speak", "what is a twitch"]) == 0
    captured = capsys.readouterr()
    assert "apt-get install espeak-ng" in captured.err
    assert INSTALL_HINT in captured.err
    assert any(summary in captured.out for summary in summaries("what"))


def only_espeak_on_path(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A PATH with espeak-ng and no aplay, so the answer is written to a file."""
    assert ESPEAK is not None
    (folder / "espeak-ng").symlink_to(ESPEAK)
    monkeypatch.setenv("PATH", str(folder))


def seconds(wav: Path) -> float:
    with wave.open(str(wav)) as audio:
        return audio.getnframes() / audio.getframerate()


@needs_espeak
def test_speak_writes_a_wav_of_the_answer_when_it_cannot_play(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only_espeak_on_path(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["ask", "--speak", "why do my legs twitch"]) == 0
    wav = tmp_path / "alexa-reply-1.wav"
    assert f"audio written to {wav}" in capsys.readouterr().err
    assert seconds(wav) > 3, "a whole spoken answer, not a blip"


@needs_espeak
def test_speech_honours_ssml_breaks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    only_espeak_on_path(monkeypatch, tmp_path)
    speaker = Speaker("en-US", tmp_path)
    speaker.say("<speak>Drink water.</speak>")
    speaker.say('<speak>Drink water. <break time="2000ms"/></speak>')
    assert seconds(tmp_path / "alexa-reply-2.wav") - seconds(tmp_path / "alexa-reply-1.wav") > 1.5
