"""The labelled corpus through the real Alexa's language understanding, without a deployed skill:
the Skill Management API's utterance profiler and its utterance conflict report.

`python -m devtools profile --skill-id ID` sends every corpus row of each locale to profileNlu
(`POST /v1/skills/{id}/stages/development/interactionModel/locales/{locale}/profileNlu`), which
answers synchronously with the intent Alexa selects and its slots and entity resolutions, from the
last built model; no endpoint is called. Each answer is kept as soon as it arrives, one JSON line
per row in build/profile/<locale>/results.jsonl, so a run stopped by a refused token, throttling
or Ctrl-C picks up where it stopped. Once every row of a locale has its answer, the intent and
slots Alexa selected go through the skill in-process (in a session opened by the launch request
unless the row names the skill), and the judge of `python -m devtools evaluate` scores intent,
slots and the kind of answer, beside what the offline stand-in makes of the same rows.

`python -m devtools conflicts --skill-id ID` reads the conflict detection job that a model build
starts, for the current development model of each locale, and lists the samples Alexa finds
mapped to more than one intent, by intent pair.

The token is ASK_ACCESS_TOKEN, else the ASK CLI's (`ask configure` writes ~/.ask/cli_config:
profiles.<profile>.token with access_token, refresh_token and expires_at; the profile is
ASK_DEFAULT_PROFILE, else "default"). An expired one is refreshed at Login with Amazon when
ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_CONFIRMATION name the security profile it was issued to;
otherwise any `ask smapi` command refreshes the CLI's own. ASK_SMAPI_SERVER_BASE_URL and
ASK_LWA_TOKEN_HOST replace Amazon's addresses, as they do for the ASK CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devtools.alexa.resolver import resolver_for
from devtools.alexa.simulator import Simulator
from devtools.paths import BUILD
from devtools.understanding.corpus import Row, add_corpus_argument, read_corpora
from devtools.understanding.evaluate import Outcome, columns, hear, judged, resolved_ids, tables
from devtools.understanding.real_alexa import NOT_SENT, Scored, differences, names_the_skill
from interaction_model import load_model
from responses import SUPPORTED_LOCALES
from skill.entry import handle_event

PROFILE_DIR = BUILD / "profile"
SMAPI = "https://api.amazonalexa.com"
LWA = "https://api.amazon.com"
TOKEN_PATH = "/auth/o2/token"
STAGE = "development"
CURRENT = "~current"
"""The version of the development model that the last build made."""
RETRIED = (429, 500, 503)
"""Throttled, or a passing fault: tried again after a pause."""
MAX_PAUSE = 60.0
PAGE_SIZE = 100
PROGRESS = 100
"""A line on stderr every this many answered rows of a locale."""
LAUNCHED = "LaunchRequest"
ENDED = "SessionEndedRequest"


class SmapiError(Exception):
    """An answer other than success, after any retries."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


class Refused(SmapiError):
    """401 or 403: the token is expired, invalid or not allowed this skill."""


class NoToken(Exception):
    """No usable token: the message says what to run."""


# The token ---------------------------------------------------------------------------------------


def cli_config() -> Path:
    return Path.home() / ".ask" / "cli_config"


def access_token(environ: Mapping[str, str] = os.environ) -> str:
    """ASK_ACCESS_TOKEN, else the ASK CLI profile's token, refreshed if it has expired."""
    if environ.get("ASK_ACCESS_TOKEN"):
        return environ["ASK_ACCESS_TOKEN"]
    profile = environ.get("ASK_DEFAULT_PROFILE") or "default"
    path = cli_config()
    try:
        token = json.loads(path.read_text(encoding="utf-8"))["profiles"][profile]["token"]
    except (OSError, ValueError, KeyError, TypeError):
        raise NoToken(
            f"no token: set ASK_ACCESS_TOKEN, or run `ask configure` (ASK CLI profile {profile!r} in {path})"
        ) from None
    if _expires(token) > datetime.now(UTC) and token.get("access_token"):
        return str(token["access_token"])
    client_id, secret = environ.get("ASK_LWA_CLIENT_ID"), environ.get("ASK_LWA_CLIENT_CONFIRMATION")
    if not (client_id and secret and token.get("refresh_token")):
        raise NoToken(
            f"the ASK CLI token of profile {profile!r} expired at {token.get('expires_at')}: run any "
            "`ask smapi` command (`ask smapi get-skill-status --skill-id ID`) to refresh it, or set "
            "ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_CONFIRMATION to refresh it here"
        )
    return refreshed(str(token["refresh_token"]), client_id, secret, environ.get("ASK_LWA_TOKEN_HOST") or LWA)


def _expires(token: dict[str, Any]) -> datetime:
    """When the token expires (the ASK CLI writes an ISO time in UTC); long ago if unreadable."""
    try:
        expires = datetime.fromisoformat(str(token.get("expires_at")).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return expires if expires.tzinfo else expires.replace(tzinfo=UTC)


def refreshed(refresh_token: str, client_id: str, secret: str, host: str) -> str:
    """A new access token from Login with Amazon, as the ASK CLI gets one."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": secret,
    }
    request = urllib.request.Request(
        host.rstrip("/") + TOKEN_PATH,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return str(json.load(answer)["access_token"])
    except (urllib.error.URLError, ValueError, KeyError) as error:
        raise NoToken(
            f"Login with Amazon would not refresh the token ({error}): run `ask configure`"
        ) from None


# The Skill Management API ------------------------------------------------------------------------


class Smapi:
    """A few SMAPI calls, retried with exponential backoff on throttling and passing faults
    (Retry-After honoured)."""

    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        attempts: int = 8,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.token = token
        self.base_url = (base_url or os.environ.get("ASK_SMAPI_SERVER_BASE_URL") or SMAPI).rstrip("/")
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        attempt = 0
        while True:
            request = urllib.request.Request(
                self.base_url + path,
                method=method,
                data=None if body is None else json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    found = json.load(answer)
                if not isinstance(found, dict):
                    raise SmapiError(answer.status, "the answer is not a JSON object")
                return found
            except urllib.error.HTTPError as error:
                status, message = error.code, _message(error.read())
                if status in (401, 403):
                    raise Refused(status, message) from None
                if status not in RETRIED or attempt == self.attempts - 1:
                    raise SmapiError(status, message) from None
                self.sleep(self._pause(attempt, error.headers.get("Retry-After")))
            except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError) as error:
                if attempt == self.attempts - 1:
                    raise SmapiError(0, f"no answer from {self.base_url}: {error}") from None
                self.sleep(self._pause(attempt, None))
            attempt += 1

    def _pause(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None and retry_after.strip().isdigit():
            return float(retry_after)
        return min(MAX_PAUSE, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)

    def profile(self, skill_id: str, locale: str, utterance: str) -> dict[str, Any]:
        return self.call("POST", f"{_model(skill_id, locale)}/profileNlu", {"utterance": utterance})

    def conflict_job(self, skill_id: str, locale: str) -> dict[str, Any]:
        return self.call("GET", f"{_model(skill_id, locale)}/versions/{CURRENT}/conflictDetectionJobStatus")

    def conflicts(self, skill_id: str, locale: str) -> Iterator[dict[str, Any]]:
        """Every conflict result, page after page (paginationContext.nextToken)."""
        query: dict[str, Any] = {"maxResults": PAGE_SIZE}
        while True:
            path = f"{_model(skill_id, locale)}/versions/{CURRENT}/conflicts?{urllib.parse.urlencode(query)}"
            page = self.call("GET", path)
            yield from page.get("results") or []
            token = (page.get("paginationContext") or {}).get("nextToken")
            if not token:
                return
            query["nextToken"] = token


def _model(skill_id: str, locale: str) -> str:
    quoted = urllib.parse.quote(skill_id, safe="")
    return f"/v1/skills/{quoted}/stages/{STAGE}/interactionModel/locales/{urllib.parse.quote(locale)}"


def _message(body: bytes) -> str:
    """The `message` of SMAPI's error body (Error, BadRequestError, StandardizedError)."""
    try:
        return str(json.loads(body).get("message") or "no message")
    except (ValueError, AttributeError):
        return "no message"


# Results kept per row ----------------------------------------------------------------------------


def utterance(row: Row) -> str:
    """What profileNlu is asked for `row`: what the row says to the skill itself."""
    return resolver_for(row.locale).said_to_skill(row.text)


class Results:
    """One locale's answers, one JSON line per row, appended and flushed as each arrives."""

    def __init__(self, folder: Path, locale: str) -> None:
        self.path = folder / locale / "results.jsonl"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.kept: dict[tuple[str, str], dict[str, Any]] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    if isinstance(entry["response"], dict):
                        self.kept[entry["corpus"], entry["text"]] = entry
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut off when a run was killed: that row is asked again

    def answer(self, row: Row) -> dict[str, Any] | None:
        """The kept answer for `row`, if it was asked what it asks now."""
        entry = self.kept.get((row.corpus, row.text))
        return entry["response"] if entry and entry.get("utterance") == utterance(row) else None

    def keep(self, row: Row, response: dict[str, Any]) -> int:
        """Keep `row`'s answer; how many rows have one now."""
        entry = {"corpus": row.corpus, "text": row.text, "utterance": utterance(row), "response": response}
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
            handle.flush()
            self.kept[row.corpus, row.text] = entry
            return len(self.kept)


def ask_all(smapi: Smapi, skill_id: str, rows: list[Row], results: Results, concurrency: int) -> None:
    """Every row of `rows` without a kept answer through profileNlu, `concurrency` at a time.
    The first refusal or failure (or Ctrl-C) stops new requests; answers already in are kept;
    it is raised."""
    stop = threading.Event()
    failures: list[SmapiError] = []

    def ask(row: Row) -> None:
        if stop.is_set():
            return
        said = utterance(row)
        try:
            response = {"launch": True} if not said else smapi.profile(skill_id, row.locale, said)
        except SmapiError as error:
            stop.set()
            failures.append(error)
            return
        answered = results.keep(row, response)
        if answered % PROGRESS == 0:
            print(f"profile: {row.locale}: {answered} rows answered", file=sys.stderr)

    waiting = [row for row in rows if results.answer(row) is None]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        try:
            list(pool.map(ask, waiting))
        finally:
            stop.set()  # on Ctrl-C too: the rows still queued return at once
    if failures:
        raise failures[0]


# Judging -----------------------------------------------------------------------------------------


def envelope_slot(slot: dict[str, Any]) -> dict[str, Any]:
    """A profileNlu slot as a request envelope carries it: the profiler lists each resolved
    value as {name, id}, an envelope as {"value": {name, id}}."""
    sent: dict[str, Any] = {
        "name": slot["name"],
        "confirmationStatus": slot.get("confirmationStatus", "NONE"),
    }
    if "value" in slot:
        sent["value"] = slot["value"]
    authorities = (slot.get("resolutions") or {}).get("resolutionsPerAuthority")
    if authorities:
        sent["resolutions"] = {
            "resolutionsPerAuthority": [
                {**authority, "values": [{"value": value} for value in authority.get("values") or []]}
                for authority in authorities
            ]
        }
    return sent


def heard(row: Row, response: dict[str, Any]) -> Outcome:
    """What Alexa selected for `row`, answered by the skill in-process as a listener would hear
    it, scored by the evaluation's judge."""
    selected = response.get("selectedIntent")
    if response.get("launch"):
        return hear_request(row, {"type": LAUNCHED}, LAUNCHED)
    if not selected:
        if response.get("sessionEnded"):
            return hear_request(row, {"type": ENDED, "reason": "USER_INITIATED"}, ENDED)
        return judged(row, NOT_SENT, {}, {})
    name = str(selected.get("name"))
    declared = load_model(row.locale).intents.get(name)
    profiled = selected.get("slots") or {}
    slots = {
        slot: envelope_slot(profiled[slot])
        if slot in profiled
        else {"name": slot, "confirmationStatus": "NONE"}
        for slot in (declared.slots if declared else profiled)
    }
    intent = {"name": name, "confirmationStatus": "NONE", "slots": slots}
    return hear_request(row, {"type": "IntentRequest", "dialogState": "COMPLETED", "intent": intent}, name)


def hear_request(row: Row, request: dict[str, Any], label: str) -> Outcome:
    sent: list[dict[str, Any]] = []

    def invoke(envelope: dict[str, Any]) -> dict[str, Any]:
        sent.append(envelope)
        return handle_event(envelope)

    simulator = Simulator(invoke, row.locale)
    if not names_the_skill(row.text, row.locale) and request["type"] != LAUNCHED:
        simulator.launch()
    answer = simulator.send(request)
    return judged(row, label, resolved_ids(sent[-1]), answer)


def scored(rows: list[Row], results: dict[str, Results]) -> list[Scored]:
    found = []
    for row in rows:
        response = results[row.locale].answer(row)
        if response is not None:
            found.append(Scored(heard(row, response), hear(row)))
    return found


def report(scored_rows: list[Scored], locales: list[str]) -> str:
    """The evaluation's tables with the real Alexa's column beside the stand-in's for each half,
    then every row where the two hear other intents or slots."""
    alexa = columns([one.alexa for one in scored_rows])
    stand_in = columns([one.console for one in scored_rows])
    table = [
        column
        for (heading, real), (_, offline) in zip(alexa, stand_in, strict=True)
        for column in ((f"{heading}: Alexa", real), (f"{heading}: stand-in", offline))
    ]
    differing = differences(scored_rows)
    return (
        "\n".join(
            [
                "# The real Alexa's understanding beside the stand-in's",
                "",
                "Generated by `python -m devtools profile` for " + ", ".join(locales) + ": every corpus row",
                "through SMAPI's utterance profiler (profileNlu, the development model as last built), the",
                "intent and slots Alexa selected answered by the skill in-process, and scored by the judge",
                "of `python -m devtools evaluate`, beside what the offline stand-in makes of the same rows.",
                "A one-shot is profiled as what it asks the skill; a row said inside a session is answered",
                'after "open muscle twitch guide".',
                "",
                *tables(table),
                "",
                "## Every row where Alexa and the stand-in differ",
                "",
                *(differing or ["None."]),
            ]
        )
        + "\n"
    )


# Conflicts ---------------------------------------------------------------------------------------


def conflict_pairs(results: list[dict[str, Any]]) -> dict[tuple[str, ...], list[str]]:
    """Intent pair (or more) -> one line per conflicting utterance, with each intent's sample."""
    pairs: dict[tuple[str, ...], list[str]] = {}
    for result in results:
        conflicts = result.get("conflicts") or []
        intents = tuple(sorted({str((c.get("intent") or {}).get("name")) for c in conflicts}))
        samples = "; ".join(
            f"{(c.get('intent') or {}).get('name')}: {c.get('sampleUtterance')!r}" for c in conflicts
        )
        pairs.setdefault(intents, []).append(f"  {result.get('conflictingUtterance')!r} ({samples})")
    return pairs


# Commands ----------------------------------------------------------------------------------------


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `profile` and `conflicts` subcommands, for devtools/__main__.py."""
    profile = commands.add_parser("profile", help="the labelled corpus through the real Alexa's profileNlu")
    conflicts = commands.add_parser("conflicts", help="Amazon's utterance conflicts for the built model")
    for parser in (profile, conflicts):
        parser.add_argument(
            "--skill-id", default=os.environ.get("ALEXA_SKILL_ID"), help="default: $ALEXA_SKILL_ID"
        )
        parser.add_argument(
            "--locale", action="append", choices=SUPPORTED_LOCALES, help="repeatable (default: every locale)"
        )
    add_corpus_argument(profile)
    profile.add_argument("--concurrency", type=int, default=4, help="requests at a time (default 4)")
    profile.add_argument("--out", type=Path, default=PROFILE_DIR, help="where answers are kept, per locale")
    profile.add_argument("--write", type=Path, help="write the report here (else print it)")
    profile.set_defaults(handler=run_profile)
    conflicts.set_defaults(handler=run_conflicts)


def _client(args: argparse.Namespace, command: str) -> Smapi | None:
    if not args.skill_id:
        print(
            f"{command}: give --skill-id or set ALEXA_SKILL_ID (developer console, 'Copy Skill ID')",
            file=sys.stderr,
        )
        return None
    try:
        return Smapi(access_token())
    except NoToken as error:
        print(f"{command}: {error}", file=sys.stderr)
        return None


def run_profile(args: argparse.Namespace) -> int:
    smapi = _client(args, "profile")
    if smapi is None:
        return 2
    rows = read_corpora(args.corpus)
    locales = [
        locale for locale in args.locale or SUPPORTED_LOCALES if any(row.locale == locale for row in rows)
    ]
    rows = [row for row in rows if row.locale in locales]
    results = {locale: Results(args.out, locale) for locale in locales}
    started, before = time.monotonic(), sum(len(kept.kept) for kept in results.values())
    try:
        for locale in locales:
            mine = [row for row in rows if row.locale == locale]
            ask_all(smapi, args.skill_id, mine, results[locale], args.concurrency)
    except (SmapiError, KeyboardInterrupt) as error:
        done = sum(results[row.locale].answer(row) is not None for row in rows)
        if isinstance(error, KeyboardInterrupt):
            why, fix, code = "stopped", "", 130
        elif isinstance(error, Refused):
            why, code = f"Amazon refused the token ({error})", 3
            fix = "get a fresh token (docs/profile.md) and "
        else:
            why, fix, code = f"profileNlu failed ({error})", "", 4
        print(
            f"profile: {why}; {done} of {len(rows)} rows are answered and kept in "
            f"{args.out}/: {fix}run the same command again to go on from there",
            file=sys.stderr,
        )
        return code
    asked = sum(len(kept.kept) for kept in results.values()) - before
    seconds = time.monotonic() - started
    print(f"profile: {asked} rows asked in {seconds:.1f} s, {len(rows)} answered", file=sys.stderr)
    text = report(scored(rows, results), locales)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    smapi = _client(args, "conflicts")
    if smapi is None:
        return 2
    found = pending = False
    try:
        for locale in args.locale or SUPPORTED_LOCALES:
            job = smapi.conflict_job(args.skill_id, locale)
            status = job.get("status")
            if status != "COMPLETED":
                print(f"{locale}: conflict detection is {status}; run this again once the build has finished")
                pending = True
                continue
            pairs = conflict_pairs(list(smapi.conflicts(args.skill_id, locale)))
            print(f"{locale}: {job.get('totalConflicts', 0)} conflicts")
            for intents, lines in sorted(pairs.items()):
                print(" <> ".join(intents) + ":")
                print("\n".join(lines))
            found = found or bool(pairs)
    except SmapiError as error:
        why = "Amazon refused the token" if isinstance(error, Refused) else "SMAPI failed"
        print(f"conflicts: {why} ({error})", file=sys.stderr)
        return 3 if isinstance(error, Refused) else 4
    return 4 if pending else 1 if found else 0
