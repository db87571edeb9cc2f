"""`python -m devtools profile` and `conflicts` against a stand-in for Amazon's API on a loopback
port, so the commands' own HTTP client runs end to end.

The stand-in answers profileNlu with ask-smapi-model's own classes (ProfileNluResponse and the
rest, serialised by the SDK's DefaultSerializer into the wire JSON), and reads each request
body back into ProfileNluRequest. What it selects comes from our offline resolver, so the
answers mean something: the real client path meets throttling (429 with Retry-After), a refused
token (401 with SMAPI's Error body) and Login with Amazon's refresh. ask-smapi-model 1.36 no
longer ships the conflict detection classes, so the conflict pages follow SMAPI's published
schema (GetConflictsResponse: results of conflictingUtterance and conflicts, each a
sampleUtterance and intent; paginationContext.nextToken) as plain JSON.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_model_runtime.serializer import DefaultSerializer
from ask_smapi_model.v1.error import Error
from ask_smapi_model.v1.skill.evaluations import (
    ConfirmationStatusType,
    Intent,
    ProfileNluResponse,
    ProfileNluSelectedIntent,
    ResolutionsPerAuthorityItems,
    ResolutionsPerAuthorityStatus,
    ResolutionsPerAuthorityStatusCode,
    ResolutionsPerAuthorityValueItems,
    Slot,
    SlotResolutions,
)

from devtools.__main__ import main
from devtools.alexa.resolver import resolver_for
from devtools.alexa.simulator import AUTHORITY
from devtools.understanding.corpus import read_corpora, read_corpus
from devtools.understanding.profile import Results, Smapi, heard, utterance
from interaction_model import load_model

SERIALIZER = DefaultSerializer()
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
TOKEN = "Atza|stand-in-token"
FIXTURE = Path(__file__).parent / "fixtures" / "corpus.tsv"
PROFILE = re.compile(r"^/v1/skills/([^/]+)/stages/development/interactionModel/locales/([^/]+)/profileNlu$")
CONFLICTS = re.compile(
    r"^/v1/skills/[^/]+/stages/development/interactionModel/locales/[^/]+/versions/~current/"
)
REQUEST_TYPE = "ask_smapi_model.v1.skill.evaluations.profile_nlu_request.ProfileNluRequest"
RESPONSE_TYPE = "ask_smapi_model.v1.skill.evaluations.profile_nlu_response.ProfileNluResponse"
NONE = ConfirmationStatusType.NONE


def profiled(locale: str, said: str) -> ProfileNluResponse:
    """What the stand-in's Alexa selects for `said`: the offline resolver's intent, each slot
    with entity resolution against the model's values."""
    match = resolver_for(locale).resolve(said)
    if match.request == "SessionEndedRequest":
        return ProfileNluResponse(session_ended=True)
    model = load_model(locale)
    declared = model.intents[str(match.intent)].slots
    slots = {}
    for name, words in match.slots.items():
        type_name = declared[name]
        resolutions = None
        if not type_name.startswith("AMAZON."):
            value = model.resolve(type_name, words)
            code = ResolutionsPerAuthorityStatusCode.ER_SUCCESS_MATCH
            if value is None:
                code = ResolutionsPerAuthorityStatusCode.ER_SUCCESS_NO_MATCH
            found = [] if value is None else [ResolutionsPerAuthorityValueItems(name=value.name, id=value.id)]
            authority = AUTHORITY.format(application=SKILL_ID, type=type_name)
            resolutions = SlotResolutions(
                resolutions_per_authority=[
                    ResolutionsPerAuthorityItems(
                        authority=authority, status=ResolutionsPerAuthorityStatus(code=code), values=found
                    )
                ]
            )
        slots[name] = Slot(name=name, value=words, confirmation_status=NONE, resolutions=resolutions)
    return ProfileNluResponse(
        session_ended=False,
        selected_intent=ProfileNluSelectedIntent(name=match.intent, confirmation_status=NONE, slots=slots),
        considered_intents=[Intent(name="AMAZON.FallbackIntent", confirmation_status=NONE, slots={})],
    )


def error_body(code: str, message: str) -> Any:
    """SMAPI's Error body. Its class declares an abstract __init__ the Python 2 way, which
    Python 3 ignores and mypy does not."""
    return SERIALIZER.serialize(Error(code=code, message=message))  # type: ignore[abstract]


CONFLICT_PAGES = {
    None: {
        "paginationContext": {"nextToken": "page-2", "totalCount": 3},
        "results": [
            {
                "conflictingUtterance": "why do my legs twitch",
                "conflicts": [
                    {"sampleUtterance": "why do my {BodyPart} twitch", "intent": {"name": "WhyTwitching"}},
                    {"sampleUtterance": "why do my legs twitch", "intent": {"name": "DescribeSymptom"}},
                ],
            },
            {
                "conflictingUtterance": "is it serious",
                "conflicts": [
                    {"sampleUtterance": "is it serious", "intent": {"name": "WhenSeeDoctor"}},
                    {"sampleUtterance": "is it serious", "intent": {"name": "IllnessWorry"}},
                ],
            },
        ],
    },
    "page-2": {
        "paginationContext": {"totalCount": 3},
        "results": [
            {
                "conflictingUtterance": "my legs twitch",
                "conflicts": [
                    {"sampleUtterance": "my {BodyPart} twitch", "intent": {"name": "DescribeSymptom"}},
                    {"sampleUtterance": "my {BodyPart} twitch", "intent": {"name": "WhyTwitching"}},
                ],
            }
        ],
    },
}


class StandIn:
    """Amazon's API for these tests: profileNlu, the conflict report and Login with Amazon's
    token endpoint, with switches for throttling and for refusing the token."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.throttle = 0
        """How many profileNlu calls still get a 429 before any answer."""
        self.retry_after = "0"
        self.refuse_after: int | None = None
        """Refuse the token (401) once this many profileNlu calls have been answered."""
        self.answered = 0
        self.paths: list[str] = []
        self.refresh_forms: list[dict[str, list[str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def refused(self) -> None:
                self.reply(401, error_body("UNAUTHORIZED", "The access token is invalid or has expired."))

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/auth/o2/token":
                    stand_in.refresh_forms.append(urllib.parse.parse_qs(body.decode()))
                    self.reply(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600})
                    return
                found = PROFILE.match(self.path)
                if found is None:
                    self.reply(404, error_body("NOT_FOUND", "no such resource"))
                    return
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.refused()
                    return
                with stand_in.lock:
                    if stand_in.throttle:
                        stand_in.throttle -= 1
                        throttled = error_body("TOO_MANY_REQUESTS", "Rate exceeded.")
                        self.reply(429, throttled, {"Retry-After": stand_in.retry_after})
                        return
                    if stand_in.refuse_after is not None and stand_in.answered >= stand_in.refuse_after:
                        self.refused()
                        return
                    stand_in.answered += 1
                request = SERIALIZER.deserialize(body.decode(), REQUEST_TYPE)
                locale = urllib.parse.unquote(found.group(2))
                self.reply(200, SERIALIZER.serialize(profiled(locale, request.utterance)))

            def do_GET(self) -> None:
                stand_in.paths.append(self.path)
                parsed = urllib.parse.urlparse(self.path)
                if not CONFLICTS.match(parsed.path) or self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.refused()
                    return
                if parsed.path.endswith("/conflictDetectionJobStatus"):
                    self.reply(200, {"status": "COMPLETED", "totalConflicts": 3})
                    return
                token = urllib.parse.parse_qs(parsed.query).get("nextToken", [None])[0]
                self.reply(200, CONFLICT_PAGES[token])

        return Handler


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    api = StandIn()
    thread = threading.Thread(target=api.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("ASK_SMAPI_SERVER_BASE_URL", api.url)
    monkeypatch.setenv("ASK_ACCESS_TOKEN", TOKEN)
    yield api
    api.server.shutdown()
    api.server.server_close()


def kept(folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(folder.glob("*/results.jsonl"))
        for line in path.read_text().splitlines()
    ]


def test_a_profile_answer_with_slots_and_resolutions_is_judged_like_the_offline_console(
    stand_in: StandIn,
) -> None:
    row = next(row for row in read_corpus(FIXTURE) if row.text.startswith("Alexa, ask"))
    assert utterance(row) == "why do my legs twitch"
    answer = Smapi(TOKEN).profile(SKILL_ID, row.locale, utterance(row))
    slot = answer["selectedIntent"]["slots"]["BodyPart"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"] == [{"name": "legs", "id": "LEGS"}]
    assert SERIALIZER.serialize(SERIALIZER.deserialize(json.dumps(answer), RESPONSE_TYPE)) == answer
    outcome = heard(row, answer)
    assert (outcome.intent, outcome.slots, outcome.kind) == ("WhyTwitching", {"BodyPart": "LEGS"}, "none")
    assert outcome.right


def test_throttling_is_waited_out_as_retry_after_asks(stand_in: StandIn) -> None:
    stand_in.throttle, stand_in.retry_after = 2, "3"
    pauses: list[float] = []
    answer = Smapi(TOKEN, sleep=pauses.append).profile(SKILL_ID, "en-US", "what is a twitch")
    assert answer["selectedIntent"]["name"] == "WhatIsTwitch"
    assert pauses == [3.0, 3.0]


def test_without_retry_after_the_pauses_double(stand_in: StandIn) -> None:
    stand_in.throttle, stand_in.retry_after = 3, "soon"
    pauses: list[float] = []
    Smapi(TOKEN, backoff=1.0, sleep=pauses.append).profile(SKILL_ID, "en-US", "what is a twitch")
    assert [0.5 <= pause <= 1.0 for pause in pauses] == [True, False, False]
    assert 1.0 <= pauses[1] <= 2.0 and 2.0 <= pauses[2] <= 4.0


def test_the_fixture_corpus_is_profiled_and_reported_in_the_evaluation_layout(
    stand_in: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "profile"
    assert main(["profile", "--skill-id", SKILL_ID, "--corpus", str(FIXTURE), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert (
        "| | corpus tune: Alexa | corpus tune: stand-in | corpus held: Alexa | corpus held: stand-in |"
        in report
    )
    assert "| intent, all rows | 4/4 (100.0%) | 4/4 (100.0%) | 3/3 (100.0%) | 3/3 (100.0%) |" in report
    assert "## Every row where Alexa and the stand-in differ" in report
    launch = next(entry for entry in kept(out) if entry["text"] == "open muscle twitch guide")
    assert launch["response"] == {"launch": True}
    assert stand_in.answered == 6  # the launch phrase asks profileNlu nothing


def cli_config(home: Path, access_token: str, expires: datetime) -> None:
    """~/.ask/cli_config as `ask configure` writes it."""
    token = {"access_token": access_token, "refresh_token": "Atzr|r", "expires_at": expires.isoformat()}
    (home / ".ask").mkdir(exist_ok=True)
    (home / ".ask" / "cli_config").write_text(json.dumps({"profiles": {"default": {"token": token}}}))


def test_the_ask_cli_token_is_used_while_it_is_valid(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASK_ACCESS_TOKEN")
    monkeypatch.setenv("HOME", str(tmp_path))
    cli_config(tmp_path, TOKEN, datetime.now(UTC) + timedelta(minutes=30))
    command = ["profile", "--skill-id", SKILL_ID, "--corpus", str(FIXTURE), "--out", str(tmp_path / "p")]
    assert main(command) == 0
    assert stand_in.answered == 6 and stand_in.refresh_forms == []


def test_an_expired_cli_token_says_what_to_run(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ASK_ACCESS_TOKEN")
    monkeypatch.setenv("HOME", str(tmp_path))
    cli_config(tmp_path, "old", datetime.now(UTC) - timedelta(minutes=5))
    command = ["profile", "--skill-id", SKILL_ID, "--corpus", str(FIXTURE), "--out", str(tmp_path / "p")]
    assert main(command) == 2
    assert "expired" in capsys.readouterr().err
    assert stand_in.answered == 0

    monkeypatch.setenv("ASK_LWA_CLIENT_ID", "amzn1.application-oa2-client.stand-in")
    monkeypatch.setenv("ASK_LWA_CLIENT_CONFIRMATION", "stand-in-secret")
    monkeypatch.setenv("ASK_LWA_TOKEN_HOST", stand_in.url)
    assert main(command) == 0
    assert stand_in.refresh_forms[0]["grant_type"] == ["refresh_token"]
    assert stand_in.refresh_forms[0]["refresh_token"] == ["Atzr|r"]


def one_at_a_time(out: Path) -> list[str]:
    """The profile command over the fixture corpus, one request at a time, answers kept in `out`."""
    return [
        "profile",
        "--skill-id",
        SKILL_ID,
        "--corpus",
        str(FIXTURE),
        "--out",
        str(out),
        "--concurrency",
        "1",
    ]


def test_a_refused_token_stops_the_run_and_keeps_every_answered_row(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in.refuse_after = 3
    out = tmp_path / "profile"
    command = one_at_a_time(out)
    assert main(command) == 3
    error = capsys.readouterr().err
    assert "Amazon refused the token (401: The access token is invalid or has expired.)" in error
    assert "3 of 7 rows are answered" in error
    assert len(kept(out)) == 3
    stand_in.refuse_after = None
    assert main(command) == 0
    assert stand_in.answered == 6
    assert sorted(entry["text"] for entry in kept(out)) == sorted(row.text for row in read_corpus(FIXTURE))


def test_a_line_cut_off_by_a_killed_run_is_asked_again(stand_in: StandIn, tmp_path: Path) -> None:
    rows = read_corpus(FIXTURE)
    results = Results(tmp_path, "en-US")
    results.keep(rows[0], {"selectedIntent": {"name": "WhyTwitching"}})
    with results.path.open("a") as handle:
        handle.write('{"corpus": "corpus", "text": "st')
    again = Results(tmp_path, "en-US")
    assert again.answer(rows[0]) == {"selectedIntent": {"name": "WhyTwitching"}}
    assert again.answer(rows[2]) is None


def test_conflicts_are_read_page_after_page_and_listed_by_intent_pair(
    stand_in: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["conflicts", "--skill-id", SKILL_ID, "--locale", "en-US"]) == 1
    assert capsys.readouterr().out == (
        "en-US: 3 conflicts\n"
        "DescribeSymptom <> WhyTwitching:\n"
        "  'why do my legs twitch' (WhyTwitching: 'why do my {BodyPart} twitch'; "
        "DescribeSymptom: 'why do my legs twitch')\n"
        "  'my legs twitch' (DescribeSymptom: 'my {BodyPart} twitch'; WhyTwitching: 'my {BodyPart} twitch')\n"
        "IllnessWorry <> WhenSeeDoctor:\n"
        "  'is it serious' (WhenSeeDoctor: 'is it serious'; IllnessWorry: 'is it serious')\n"
    )
    status, first, second = stand_in.paths
    assert status.endswith("/versions/~current/conflictDetectionJobStatus")
    assert "nextToken" not in first and second.endswith("&nextToken=page-2")


@pytest.mark.slow
def test_the_whole_corpus_stopped_halfway_and_resumed_reports_as_one_straight_run(
    stand_in: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = read_corpora()
    assert len(rows) == 1342

    def profile(out: str) -> int:
        folder, report = tmp_path / out, tmp_path / f"{out}.md"
        return main(
            [
                "profile",
                "--skill-id",
                SKILL_ID,
                "--out",
                str(folder),
                "--write",
                str(report),
                "--concurrency",
                "8",
            ]
        )

    stand_in.throttle, stand_in.refuse_after = 5, 671
    assert profile("resumed") == 3
    assert len(kept(tmp_path / "resumed")) == 671
    stand_in.refuse_after = None
    assert profile("resumed") == 0
    resumed = kept(tmp_path / "resumed")
    assert len(resumed) == len({(entry["corpus"], entry["text"]) for entry in resumed}) == 1342
    assert profile("straight") == 0
    assert stand_in.answered == 2 * 1342
    report = (tmp_path / "resumed.md").read_text()
    assert report == (tmp_path / "straight.md").read_text()
    assert "## Every row where Alexa and the stand-in differ\n\nNone.\n" in report  # one resolver both sides
    assert "| all held: Alexa | all held: stand-in |" in report


def test_ctrl_c_stops_the_queued_rows_and_keeps_the_answered_ones(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = Smapi.profile

    def interrupted(self: Smapi, skill_id: str, locale: str, said: str) -> dict[str, Any]:
        if stand_in.answered == 1:
            raise KeyboardInterrupt
        return asked(self, skill_id, locale, said)

    monkeypatch.setattr(Smapi, "profile", interrupted)
    out = tmp_path / "profile"
    command = one_at_a_time(out)
    assert main(command) == 130
    assert "profile: stopped; 2 of 7 rows are answered" in capsys.readouterr().err
    assert len(kept(out)) == 2
