"""Replay files for `ask dialog`, and the score of a saved run, on a small fixture corpus.

The saved runs are built here in the format ask-cli writes with --save-skill-io
(lib/model/dialog-save-skill-io-file.js: {"invocations": [{"request": {"utterance", "newSession"},
"response": {"body": <GET simulation result>}}]}, one entry per poll), whose bodies are checked
against Amazon's own SimulationsApiResponse model. "Alexa" in them is scripted: it hears every
row as labelled except three, so every Alexa number is known in advance.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.__main__ import main
from devtools.alexa.simulator import Simulator
from devtools.understanding.corpus import read_corpus
from devtools.understanding.evaluate import hear
from devtools.understanding.real_alexa import (
    CLOSE,
    NOT_SENT,
    QUIT,
    Step,
    plan,
    replay_file,
    report,
    score,
    tallies,
    write_replays,
)
from skill.lambda_function import lambda_handler
from tests.ask_cli import ask_cli_root, read_replays
from tests.test_smapi import differences, round_trip

FIXTURE = Path(__file__).parent / "fixtures" / "corpus.tsv"
ROWS = read_corpus(FIXTURE)
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
SIMULATION_TYPE = "ask_smapi_model.v2.skill.simulations.simulations_api_response.SimulationsApiResponse"
MISHEARD = {
    "does stretching help": ("AMAZON.FallbackIntent", {}),
    "why do my legs twitch after running": ("WhyTwitching", {"BodyPart": "LEGS"}),
}
"""Rows the scripted Alexa hears otherwise than labelled; the en-US "stop" row never reaches the
skill. What it does send, our own skill answers, as the deployed one would."""


def alexa_request(locale: str, label: str, slots: dict[str, str]) -> dict[str, Any]:
    """A request envelope as Alexa sends it, with entity resolution for each slot."""
    request: dict[str, Any] = {}
    if label.endswith("Request"):
        request.update(type=label)
    else:
        filled = {
            name: {
                "name": name,
                "value": entity.lower(),
                "confirmationStatus": "NONE",
                "resolutions": {
                    "resolutionsPerAuthority": [
                        {
                            "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.TYPE",
                            "status": {"code": "ER_SUCCESS_MATCH"},
                            "values": [{"value": {"name": entity.lower(), "id": entity}}],
                        }
                    ]
                },
            }
            for name, entity in slots.items()
        }
        intent = {"name": label, "confirmationStatus": "NONE", "slots": filled}
        request.update(type="IntentRequest", intent=intent)
    return Simulator(lambda_handler, locale).envelope(request)


def scripted_alexa(step: Step, locale: str) -> dict[str, Any] | None:
    """What the scripted Alexa sends the skill for one replay line (None: nothing)."""
    if step.row is None:
        return alexa_request(locale, "LaunchRequest", {}) if step.text.startswith("open") else None
    if step.row.locale == "en-US" and step.row.intent == "AMAZON.StopIntent":
        return None
    label, slots = MISHEARD.get(step.row.text, (step.row.intent, dict(step.row.slots)))
    return alexa_request(locale, label, slots)


def simulation(number: int, envelope: dict[str, Any] | None) -> dict[str, Any]:
    """A finished simulation, as GET .../simulations/{id} returns it."""
    sent = (
        [
            {
                "invocationRequest": {"endpoint": "arn:aws:lambda:us-east-1:1:function:f", "body": envelope},
                "invocationResponse": {"body": lambda_handler(envelope, None)},
                "metrics": {"skillExecutionTimeInMilliseconds": 42},
            }
        ]
        if envelope
        else []
    )
    return {
        "id": f"simulation-{number}",
        "status": "SUCCESSFUL",
        "result": {
            "alexaExecutionInfo": {"alexaResponses": [{"type": "Speech", "content": {"caption": "..."}}]},
            "skillExecutionInfo": {"invocations": sent},
        },
    }


def saved_run(locale: str, failed_to_start: frozenset[int] = frozenset()) -> dict[str, Any]:
    """The --save-skill-io file of replaying `locale`'s plan: an IN_PROGRESS poll, then the
    result, per line; lines in `failed_to_start` leave nothing, as when the CLI could not start
    their simulation."""
    entries = []
    for number, step in enumerate(plan(ROWS, locale)):
        if number in failed_to_start:
            continue
        request = {"utterance": step.text, "newSession": number == 0}
        entries.append(
            {
                "request": request,
                "response": {"body": {"id": f"simulation-{number}", "status": "IN_PROGRESS"}},
            }
        )
        entries.append(
            {"request": request, "response": {"body": simulation(number, scripted_alexa(step, locale))}}
        )
    return {"invocations": entries}


def test_each_row_gets_its_own_session_and_one_shots_open_their_own() -> None:
    texts = [step.text for step in plan(ROWS, "en-US")]
    assert texts == [
        "open muscle twitch guide", "why do my legs twitch after running", CLOSE,
        "ask muscle twitch guide why do my legs twitch", CLOSE,
        "open muscle twitch guide", "stop", CLOSE,
        "ask muscle twitch guide I have chest pain", CLOSE,
        "open muscle twitch guide", CLOSE,
    ]  # fmt: skip
    assert [step.row for step in plan(ROWS, "en-US") if step.row] == [
        row for row in ROWS if row.locale == "en-US"
    ]


def test_replay_files_end_with_quit_and_are_what_the_ask_cli_reads(tmp_path: Path) -> None:
    written = write_replays(ROWS, SKILL_ID, tmp_path)
    assert [path.name for path in written] == ["en-US.json", "en-GB.json"]
    replay = json.loads(written[0].read_text())
    assert replay == replay_file(SKILL_ID, "en-US", plan(ROWS, "en-US"))
    assert replay["userInput"][-1] == QUIT and replay["type"] == "text"
    cli = ask_cli_root()
    if isinstance(cli, str):
        pytest.skip(cli)
    read = read_replays(cli, *written)
    assert read[0] == {
        "skillId": SKILL_ID,
        "locale": "en-US",
        "type": "text",
        "userInput": replay["userInput"],
    }
    assert read[1]["locale"] == "en-GB"


def test_the_fixture_runs_are_in_amazons_simulation_format() -> None:
    for entry in saved_run("en-US")["invocations"]:
        body = entry["response"]["body"]
        assert differences(body, round_trip(body, SIMULATION_TYPE)) == []


def test_alexa_is_scored_against_the_labels_and_the_console() -> None:
    scored = score(ROWS, [saved_run("en-US"), saved_run("en-GB")])
    assert [one.row for one in scored] == [row for row in ROWS if row.locale == "en-US"] + [
        row for row in ROWS if row.locale == "en-GB"
    ]
    every = tallies(scored)
    assert list(every) == ["en-US", "en-GB", "all"]
    total = every["all"]
    assert (total.rows, total.alexa_intent, total.alexa_exact) == (7, 5, 4)
    assert (total.emergencies, total.alexa_emergencies) == (1, 1)
    for one in scored:
        assert one.console == hear(one.row), "the console side is python -m devtools evaluate's"
    assert total.console_intent == sum(one.console.intent_right for one in scored)
    assert total.agree_exact == sum(one.agree for one in scored)
    stop = next(one for one in scored if one.row.text == "stop")
    assert stop.alexa.intent == NOT_SENT
    emergency = next(one for one in scored if one.row.safety == "emergency")
    assert emergency.alexa.kind == "emergency", "the deployed skill's answer is scored too"
    assert total.alexa_safety == sum(one.alexa.safety_right for one in scored)


def test_utterances_that_failed_to_start_are_skipped_without_shifting_the_rest() -> None:
    full = score(ROWS, [saved_run("en-US")])
    gappy = score(ROWS, [saved_run("en-US", failed_to_start=frozenset({2, 3}))])
    lost = "Alexa, ask muscle twitch guide why do my legs twitch"
    assert [o.row for o in gappy] == [o.row for o in full if o.row.text != lost]
    assert {o.row.text: o.alexa for o in gappy}.items() <= {o.row.text: o.alexa for o in full}.items()


def test_report_is_a_table_and_lists_where_alexa_and_the_console_differ() -> None:
    text = report(score(ROWS, [saved_run("en-US"), saved_run("en-GB")]))
    lines = text.splitlines()
    assert lines[0].startswith(
        "| locale | rows | Alexa: intent | Alexa: intent+slots | Alexa: safety answer |"
    )
    assert lines[2].startswith("| en-US | 5 |") and lines[4].startswith("| all | 7 | 71.4% | 57.1% |")
    assert lines[4].endswith("| 1/1 |")
    assert "'does stretching help': Alexa AMAZON.FallbackIntent; console HowToPrevent Step=STRETCHING" in text
    assert f"'stop': Alexa {NOT_SENT}; console AMAZON.StopIntent" in text


def test_commands_write_replays_and_score_a_saved_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    assert main(["replay", "--corpus", str(FIXTURE), "--out", str(tmp_path)]) == 2
    assert "ALEXA_SKILL_ID" in capsys.readouterr().err
    assert main(["replay", "--corpus", str(FIXTURE), "--out", str(tmp_path), "--skill-id", SKILL_ID]) == 0
    assert f"ask dialog --replay {tmp_path / 'en-US.json'} --save-skill-io" in capsys.readouterr().out
    saved = tmp_path / "en-US.skill-io.json"
    saved.write_text(json.dumps(saved_run("en-US")))
    assert main(["score-alexa", str(saved), "--corpus", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "| en-US | 5 |" in out and "| all | 5 |" in out
    assert main(["score-alexa", str(saved), "--corpus", str(FIXTURE), "--split", "held"]) == 2
    assert "score with the --corpus and --split" in capsys.readouterr().err
    saved.write_text(json.dumps({"invocations": []}))
    assert main(["score-alexa", str(saved), "--corpus", str(FIXTURE)]) == 2
    assert "no request in this file reached the skill" in capsys.readouterr().err
