"""Whole conversations as a listener has them: typed words in, heard through the interaction model
(the offline resolver), sent to `lambda_handler` as full envelopes, checked turn by turn.

Each script is a session of four turns or more in one locale. Every turn names what the listener
must hear (a topic, a safety line, a goodbye, a replay), and every session is also held to the
rules that make the skill safe when the understanding misses:
- no reassurance anywhere after a concern was raised;
- no reassurance without the red-flag clause;
- only a named emergency closes a session with the emergency line;
- no offer is made twice;
- the goodbye after a concern is neutral.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from devtools.alexa.resolver import resolver_for
from devtools.alexa.simulator import Simulator
from responses import load
from tests.conftest import ends, invoke_checked, speech, state

REASSURING = re.compile(
    r"\b(usually|harmless|nothing to worry|fade|pass within|go away on their own|stop on their own|"
    r"recovering|most stop|normal)\b",
    re.I,
)

Script = tuple[str, list[tuple[str, str]]]
"""A locale and its turns: (what the listener says, what they must hear)."""

SESSIONS: list[Script] = [
    # Warning signs in everyday words, then follow-ups that would reassure.
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("the twitching has spread from my calf to my thigh", "warning:SPREADING"),
            ("will it go away on its own", "after"),
            ("tell me more", "more"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("legs paining and twitching after gym", "warning:PAIN"),
            ("how long does it last", "after"),
            ("repeat that", "repeat"),
            ("thanks bye", "bye!"),
        ],
    ),
    (
        "en-GB",
        [
            ("ask muscle twitch guide why my legs feel like jelly and keep twitching", "warning:WEAKNESS"),
            ("so why does it happen", "after"),
            ("what else can I do", "treat_options|after"),
            ("goodbye", "bye!"),
        ],
    ),
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("I can't grip my coffee cup properly", "warning:WEAKNESS"),
            ("how do I stop it", "after"),
            ("will it go away", "after"),
            ("stop", "bye!"),
        ],
    ),
    (
        "en-CA",
        [
            ("open muscle twitch guide", "menu"),
            ("it's been going on for a month", "warning:PERSISTENT"),
            ("will it go away on its own", "after"),
            ("how long do twitches last", "after"),
            ("no thanks", "bye!"),
        ],
    ),
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("my calf has gone numb and it keeps twitching", "warning:NUMBNESS"),
            ("what is a twitch", "what"),
            ("how do I prevent it", "prevent"),
            ("why do my muscles twitch", "after"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("my thigh looks thinner than the other one", "warning:SHRINKING"),
            ("why do my legs twitch after running", "after"),
            ("go back", "back"),
            ("cancel", "bye!"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("the twitching keeps me awake at night", "warning:DAILY_LIFE"),
            ("how do I ease a twitch", "after"),
            ("tell me more", "more"),
            ("bye bye", "bye!"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("I have cramps that won't stop", "warning:CRAMPS"),
            ("how long will this last", "after"),
            ("when should I see a doctor", "doctor"),
            ("ok bye", "bye!"),
        ],
    ),
    # Dark urine: get care today, and nothing else until they do.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("my pee is dark after a long run", "urgent"),
            ("how do I stop it", "after"),
            ("what foods help", "after"),
            ("tell me more", "more"),
            ("goodbye", "bye!"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("my wee has gone brown after the marathon", "urgent"),
            ("should I drink more water", "after"),
            ("say that again", "repeat"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-AU",
        [
            ("ask muscle twitch guide why my urine is dark after footy", "urgent"),
            ("will it go away", "after"),
            ("how do I prevent twitching", "after"),
            ("thanks bye", "bye!"),
        ],
    ),
    # Fears: acknowledged, never confirmed; the rest of the session stays on them.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("is twitching a sign of nerve damage", "worry"),
            ("so it's probably just tired muscles right", "after|fallback"),
            ("how long do twitches last", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("can dehydration kill you", "worry"),
            ("will it go away on its own", "after"),
            ("tell me more", "more"),
            ("goodbye", "bye!"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("could my twitching be a sign of ALS", "worry"),
            ("why do muscles twitch after exercise", "after"),
            ("what can I do to prevent it", "prevent"),
            ("no", "decline|bye!"),
        ],
    ),
    (
        "en-CA",
        [
            ("open muscle twitch guide", "menu"),
            ("I'm scared it's MS", "worry"),
            ("how long does twitching last", "after"),
            ("repeat", "repeat"),
            ("that's all", "bye!"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("could it be my thyroid making my legs twitch", "worry"),
            ("is it harmless", "after|worry"),
            ("when should I see a doctor", "doctor"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("is muscle twitching a sign of cancer", "worry"),
            ("what is a twitch", "what"),
            ("go back", "back"),
            ("stop", "bye!"),
        ],
    ),
    # Children, pregnancy, medicines: a professional's question, and the adult answers stay away.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("my ten year old's legs twitch after football practice", "person:CHILD"),
            ("why does it happen", "after"),
            ("how do I prevent it", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("my son's legs keep twitching after football", "person:CHILD"),
            ("how long will it last", "after"),
            ("tell me more", "more"),
            ("goodbye", "bye!"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("I'm pregnant and my calves twitch at night", "person:PREGNANT"),
            ("will it go away", "after"),
            ("what should I eat", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("my baby's leg keeps twitching", "person:BABY"),
            ("is it normal", "after|worry"),
            ("repeat that", "repeat"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("can I take magnesium supplements for twitching", "medicine"),
            ("why do my legs twitch after running", "after"),
            ("when should I see a doctor", "doctor"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-CA",
        [
            ("open muscle twitch guide", "menu"),
            ("is creatine making me twitch", "medicine"),
            ("tell me more", "more"),
            ("how long do twitches last", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("could my medication be causing the twitching", "medicine"),
            ("what is a twitch", "what"),
            ("why do I twitch after the gym", "after"),
            ("bye", "bye!"),
        ],
    ),
    # Emergencies: a named one ends the session with the number; unnamed ones ask and listen.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("what should I do", "clarify"),
            ("my legs twitch after running", "why"),
            ("will it go away", "how_long"),
            ("I have chest pain", "emergency"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("what do I do", "clarify"),
            ("I can't breathe properly", "emergency"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my arms twitch after climbing", "why"),
            ("help me please", "menu"),
            ("one side of my face is drooping", "emergency"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("I feel great", "clarify"),
            ("why do my legs twitch after cricket", "why"),
            ("tell me more", "more"),
            ("my speech is slurred", "emergency"),
        ],
    ),
    (
        "en-CA",
        [
            ("open muscle twitch guide", "menu"),
            ("my legs keep twitching after hockey", "why"),
            ("what should I do", "clarify"),
            ("I think I'm going to faint", "emergency"),
        ],
    ),
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("the twitching in my arm hurts", "warning:PAIN"),
            ("what should I do", "clarify"),
            ("how long will it last", "after"),
            ("I have chest pain", "emergency"),
        ],
    ),
    # Goodbyes, repeats and slower, in the words people use.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my legs twitch after running", "why"),
            ("sorry?", "repeat"),
            ("can you say that slower", "repeat"),
            ("thanks bye", "bye"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("how do I stop my legs twitching after football", "prevent|treat"),
            ("pardon", "repeat"),
            ("one more time please", "repeat"),
            ("goodbye", "bye"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("how long do twitches last", "how_long"),
            ("come again", "repeat"),
            ("ok bye", "bye"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("what is a twitch", "what"),
            ("say that again", "repeat"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-CA",
        [
            ("open muscle twitch guide", "menu"),
            ("when should I see a doctor", "doctor"),
            ("what was that", "repeat"),
            ("bye bye", "bye"),
        ],
    ),
    # Answer what was asked: the named cause or step comes back in the answer.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("does alcohol cause twitching", "why_alcohol"),
            ("does caffeine cause twitching", "why_caffeine"),
            ("does lack of sleep cause twitching", "why_sleep"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("what foods help", "prevent_food"),
            ("can stress make my muscles twitch", "why_stress"),
            ("does stretching cause tiny tears", "stretch_tears"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my calves twitch when I'm dehydrated", "why_fluids"),
            ("do sports drinks help", "prevent_sports_drinks"),
            ("should I stretch more", "prevent_stretching"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("is low magnesium the reason my legs twitch", "why_minerals"),
            ("what foods help", "prevent_food"),
            ("can overtraining cause twitching", "why_overtraining"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("why does my eyelid twitch after the gym", "why_eyelid"),
            ("how do I cut back on caffeine", "prevent_lifestyle|why_caffeine"),
            ("what can a doctor do for twitching", "treat_options"),
            ("bye", "bye"),
        ],
    ),
    # Questions the guide does not cover: said honestly, then the nearest thing it does cover.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("should I use ice or heat", "uncovered_ice_heat"),
            ("why do my legs twitch at night", "uncovered_night"),
            ("can I exercise tomorrow", "uncovered_exercise"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("does a hot bath help twitching", "uncovered_ice_heat"),
            ("yes", "treat"),
            ("tell me more", "more"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("is it okay to keep training", "uncovered_exercise"),
            ("yes", "prevent_rest"),
            ("go back", "back"),
            ("bye", "bye"),
        ],
    ),
    # Yes and No: an or-question takes its first option; no offer twice; go back replays.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("yes", "why"),
            ("yes", "how_long"),
            ("yes", "prevent"),
            ("yes", "prevent_sports_drinks"),
            ("no", "decline"),
            ("yes", "offer"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my legs twitch after running", "why"),
            ("no", "decline"),
            ("yes", "offer"),
            ("yes", "prevent|doctor|treat"),
            ("no thanks", "decline"),
        ],
    ),
    (
        "en-CA",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my legs twitch after running", "why"),
            ("how do I prevent it", "prevent"),
            ("when should I see a doctor", "doctor"),
            ("go back", "back"),
            ("yes", "prevent_sports_drinks"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("blah blah", "fallback"),
            ("yes", "why"),
            ("tell me more", "more"),
            ("tell me more", "more"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("what is a twitch", "what"),
            ("tell me more", "more"),
            ("why do some people twitch more than others", "why_prone"),
            ("go back", "back"),
            ("bye", "bye"),
        ],
    ),
    # Mixed sessions: a benign start, then a concern, and everything after stays on it.
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my legs twitch after running", "why"),
            ("yes", "how_long"),
            ("it's been twitching for three weeks", "warning:PERSISTENT"),
            ("yes", "offer|after"),
            ("will it go away", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("how do I prevent twitching", "prevent"),
            ("my arm feels weak as well", "warning:WEAKNESS"),
            ("tell me more", "more"),
            ("go back", "back"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-AU",
        [
            ("open muscle twitch guide", "menu"),
            ("how long do twitches last", "how_long"),
            ("could it be motor neurone disease", "worry"),
            ("yes", "offer|after"),
            ("how long do twitches last", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-IN",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my legs twitch after running", "why"),
            ("my urine is very dark", "urgent"),
            ("what is a twitch", "after"),
            ("repeat", "repeat"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-CA",
        [
            ("open muscle twitch guide", "menu"),
            ("how do I stop a twitch", "treat"),
            ("my daughter has twitches after dance class", "person:CHILD"),
            ("will it stop on its own", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-US",
        [
            ("open muscle twitch guide", "menu"),
            ("why do my legs twitch after running", "why"),
            ("the twitching is getting worse every day", "warning:SPREADING"),
            ("why does it happen", "after"),
            ("is it serious", "worry"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-GB",
        [
            ("open muscle twitch guide", "menu"),
            ("what is a twitch", "what"),
            ("I'm worried it's something serious", "worry"),
            ("what is a twitch", "what"),
            ("why do I twitch", "after"),
            ("goodbye", "bye!"),
        ],
    ),
    # One-shots followed by more turns (the brief's own example first).
    (
        "en-US",
        [
            ("ask muscle twitch guide why my legs twitch after running", "why"),
            ("tell me more", "more"),
            ("yes", "prevent"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-GB",
        [
            ("ask muscle twitch guide how to prevent twitching after exercise", "prevent"),
            ("yes", "prevent_sports_drinks"),
            ("go back", "back"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-AU",
        [
            ("ask muscle twitch guide when to see a doctor about twitching", "doctor"),
            ("yes", "how_long"),
            ("say that again", "repeat"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-IN",
        [
            ("ask muscle twitch guide why my calves twitch after badminton", "why"),
            ("why does it happen more to me", "why_prone|why"),
            ("thank you", "fallback|bye|decline"),
            ("bye", "bye"),
        ],
    ),
    (
        "en-CA",
        [
            ("ask muscle twitch guide is it normal to twitch after a workout", "why|how_long|what"),
            ("my hands are tingling too", "warning:NUMBNESS"),
            ("will it go away", "after"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-US",
        [
            ("ask muscle twitch guide whether my twitching could be ALS", "worry"),
            ("what's the treatment", "treat|after"),
            ("tell me more", "more"),
            ("bye", "bye!"),
        ],
    ),
    (
        "en-AU",
        [
            ("ask muscle twitch guide what to eat to stop twitching", "prevent_food"),
            ("tell me more", "more"),
            ("my kid's legs twitch too", "person:CHILD"),
            ("bye", "bye!"),
        ],
    ),
]


def heard(response: dict[str, Any], locale: str, said_before: list[str]) -> set[str]:
    """What a listener heard, as the names the scripts use."""
    content = load(locale)
    text = speech(response)
    if ends(response):
        names = {"emergency"} if text == content.safety["emergency"] else set()
        if text in content.variants("goodbye"):
            names.add("bye")
        if text == content.line("goodbye_concern"):
            names.add("bye!")
        return names or {"ended"}
    last = state(response)["last"] or {}
    names = set()
    if said_before and text == said_before[-1]:
        names.add("repeat")
    if text in said_before[:-1]:
        names.add("back")
    concern = last.get("concern")
    if concern is not None:
        value = state(response)["concern_value"] if concern in ("warning", "person") else None
        names.add(f"{concern}:{value}" if value else concern)
        if text.startswith(content.safety["after"]):
            names.add("after")
        if text.startswith(content.safety.get(f"{concern}_more", "\0")):
            names.add("more")
    topic = last.get("topic")
    if topic is not None:
        names.add(topic)
        if content.topics[topic].more in text or content.line("nothing_more") in text:
            names.add("more")
    if text.startswith(content.line("fallback").split(",")[0]) and last.get("card_title") == content.line(
        "menu_title"
    ):
        names.add("fallback")
    elif last.get("card_title") == content.line("menu_title"):
        names.add("menu")
    if last.get("offer") is not None and topic is None and concern is None and last.get("card_title") is None:
        names.add("offer")
    if any(text.startswith(line) for line in content.variants("decline")):
        names.add("decline")
    return names


def offer_asked(text: str, locale: str) -> str | None:
    content = load(locale)
    return next((key for key, t in content.topics.items() if t.offer and text.endswith(t.offer.ask)), None)


@pytest.mark.parametrize(
    ("locale", "turns"), SESSIONS, ids=[f"{i:02d}-{s[0]}" for i, s in enumerate(SESSIONS)]
)
def test_a_whole_session(locale: str, turns: list[tuple[str, str]]) -> None:
    content = load(locale)
    resolver = resolver_for(locale)
    alexa = Simulator(invoke_checked, locale, model=resolver.model)
    said: list[str] = []
    offers: list[str] = []
    concern_raised = False
    for number, (words, expected) in enumerate(turns, 1):
        match = resolver.resolve(words)
        if match.invoked:
            alexa.new_session()
        if match.request == "LaunchRequest":
            response = alexa.launch()
        else:
            response = alexa.intent(str(match.intent), **match.slots)
        text = speech(response)
        names = heard(response, locale, said)
        where = f"turn {number} {words!r} ({match.intent} {match.slots}) heard {sorted(names)}: {text!r}"
        assert names & set(expected.split("|")), where
        if concern_raised:
            assert not REASSURING.search(text), f"reassurance after a concern: {where}"
        elif REASSURING.search(text):
            assert content.line("red_flag") in text, f"reassurance without the red-flag rule: {where}"
        if ends(response) and text == content.safety["emergency"]:
            assert expected == "emergency", f"an emergency line nobody named: {where}"
        offer = offer_asked(text, locale)
        if offer is not None and "repeat" not in names and "back" not in names:
            assert offer not in offers, f"offered twice: {where}"
            offers.append(offer)
        if ends(response):
            assert number == len(turns), f"the session ended early: {where}"
        elif state(response)["concern"] is not None:
            concern_raised = True
        said.append(text)
    assert len(turns) >= 3


def test_there_are_sixty_sessions_of_four_turns_in_every_locale() -> None:
    assert len(SESSIONS) >= 60
    assert sum(len(turns) >= 4 for _, turns in SESSIONS) >= 60
    assert {locale for locale, _ in SESSIONS} == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
