"""The console page in a real headless browser: Debian's Chromium driven by Playwright.

The app runs on a loopback port in a thread; the test types and clicks as a developer would.
Playwright never downloads a browser here: it drives /usr/bin/chromium, which `make test`
installs with apt-get when it can. Without it the test skips and says so.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from devtools.console.page import local_app
from responses import load

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONTENT = load("en-US")

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (make test does, as root with apt-get)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, local_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url)
    page.wait_for_selector("body[data-ready=yes]")
    yield page
    context.close()


def say(page: Page, text: str, intent: str) -> None:
    """Type `text`, click the button, and wait until the page shows the matched `intent`."""
    page.fill("#text", text)
    page.click("#send")
    expect(page.locator("#intent")).to_have_text(intent)


def request_json(page: Page) -> str:
    return str(page.text_content("#request-json"))


def test_typed_question_shows_speech_intent_slots_and_the_session_survives(page: Page) -> None:
    say(page, "Why do my legs twitch after running?", "WhyTwitching")
    speech = str(page.text_content("#speech"))
    assert any(summary in speech for summary in CONTENT.topics["why"].summary)
    assert page.is_visible("#slot-table")
    assert page.is_hidden("#no-slots")
    slots = str(page.text_content("#slots"))
    for shown in ("BodyPart", "legs", "LEGS", "Activity", "running", "ER_SUCCESS_MATCH"):
        assert shown in slots
    assert page.text_content("#card-title") == CONTENT.topics["why"].title
    assert page.is_hidden("#screen-box")
    assert '"new": true' in request_json(page)

    say(page, "yes", "AMAZON.YesIntent")
    speech = str(page.text_content("#speech"))
    assert any(summary in speech for summary in CONTENT.topics["how_long"].summary)
    assert '"new": false' in request_json(page)


def test_example_picker_screen_toggle_and_new_session(page: Page) -> None:
    page.check("#screen")
    page.select_option("#examples", "why is my eyelid twitching")
    assert page.input_value("#text") == "why is my eyelid twitching"
    page.click("#send")
    expect(page.locator("#intent")).to_have_text("WhyTwitching")
    assert page.is_visible("#screen-box")
    topic = CONTENT.topics["why_eyelid"]
    assert page.text_content("#screen-title") == topic.title
    points = page.locator("#screen-points li").all_text_contents()
    assert points == list(topic.points)

    page.click("#new-session")
    expect(page.locator("#log")).to_contain_text("(new session)")
    say(page, "help", "AMAZON.HelpIntent")
    assert '"new": true' in request_json(page)
    assert notes(page) == ["(new session)"], "the button's marker, not a second one for the turn"


def notes(page: Page) -> list[str]:
    return page.locator("#log li.note").all_text_contents()


def test_a_turn_that_opens_a_new_session_is_marked_in_the_conversation(page: Page) -> None:
    say(page, "why do my legs twitch", "WhyTwitching")
    assert notes(page) == [], "the first turn opens the page's session: no marker"
    say(page, "stop", "AMAZON.StopIntent")
    assert notes(page) == ["(session ended)"]
    say(page, "tell me more", "TellMeMore")
    expect(page.locator("#log li.note")).to_have_text(["(session ended)", "(new session)"])
    log = page.locator("#log li").all_text_contents()
    assert log.index("(new session)") == log.index("You: tell me more") + 1


def test_no_slot_table_when_nothing_was_heard(page: Page) -> None:
    assert page.is_hidden("#slot-table"), "before any turn"
    say(page, "help", "AMAZON.HelpIntent")
    assert page.is_hidden("#slot-table")
    assert page.is_visible("#no-slots")


def test_locale_picker_answers_in_that_locale(page: Page) -> None:
    page.select_option("#locale", "en-GB")
    say(page, "when should I see a doctor", "WhenSeeDoctor")
    assert "GP" in str(page.text_content("#speech"))
    assert '"locale": "en-GB"' in request_json(page)
