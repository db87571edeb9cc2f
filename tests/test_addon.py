"""The Alexa+ add-on (addon/) as Alexa+ meets it: a real uvicorn on loopback, driven by the MCP
SDK's own client over Streamable HTTP; with auth on, tokens from a throwaway issuer made here
(an RSA key, its JWKS served by a tiny local HTTP server, signed client-credentials tokens)."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from starlette.types import ASGIApp

from addon.auth import AuthConfig
from addon.safety import check_text
from addon.server import MAX_TEXT, build_app
from devtools.understanding.corpus import SAFETY_CLASSES, SPLITS, Row, read_corpora
from harness.servers import REPO, environment, free_port
from responses import load

pytestmark = pytest.mark.slow
"""It serves (uvicorn in a thread, `python -m addon` in a subprocess) and reads whole corpora."""

START_LIMIT_SECONDS = 10.0
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@contextmanager
def uvicorn_serving(app: ASGIApp) -> Iterator[str]:
    """`app` under a real uvicorn on a free loopback port, in a thread: yields its /mcp URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_LIMIT_SECONDS
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(START_LIMIT_SECONDS)


@pytest.fixture(scope="module")
def open_url() -> Iterator[str]:
    with uvicorn_serving(build_app()) as url:
        yield url


async def _session_calls(url: str, calls: list[tuple[str, dict[str, Any]]], token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=10) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        init = await session.initialize()
        tools = await session.list_tools()
        results = [await session.call_tool(name, arguments) for name, arguments in calls]
        return init, tools, results


def session_calls(url: str, *calls: tuple[str, dict[str, Any]], token: str | None = None) -> Any:
    return asyncio.run(_session_calls(url, list(calls), token))


def post(url: str, body: bytes | dict[str, Any], token: str | None = None) -> httpx2.Response:
    headers = {**ACCEPT, **({"Authorization": f"Bearer {token}"} if token else {})}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx2.post(url, content=content, headers=headers, timeout=10)


def rpc(method: str, params: dict[str, Any] | None = None, id_: int = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id_, "method": method, **({"params": params} if params else {})}


def call(name: str, arguments: Any) -> dict[str, Any]:
    return rpc("tools/call", {"name": name, "arguments": arguments})


# The protocol, end to end ------------------------------------------------------------------------


def test_the_sdk_client_initializes_lists_and_calls_every_tool(open_url: str) -> None:
    init, tools, (emergency, none, answer, listed) = session_calls(
        open_url,
        ("check_safety", {"text": "I think I'm having a heart attack", "locale": "en-GB"}),
        ("check_safety", {"text": "why do my calves twitch after running"}),
        ("answer_topic", {"topic": "why", "length": "short"}),
        ("list_topics", {}),
    )
    assert init.protocol_version == "2025-11-25"
    assert init.server_info.name == "muscle-twitch-guide"
    assert "check_safety first" in (init.instructions or "")
    by_name = {tool.name: tool for tool in tools.tools}
    assert set(by_name) == {"check_safety", "answer_topic", "list_topics"}
    for tool in by_name.values():
        assert tool.description and tool.output_schema and tool.output_schema["type"] == "object"
    assert "FIRST" in (by_name["check_safety"].description or "")

    gb = load("en-GB").safety["emergency"]
    assert "nine nine nine" in gb
    assert emergency.structured_content == {
        "concern": "emergency",
        "say": gb,
        "locale": "en-GB",
        "found": {"Emergency": ["HEART_ATTACK"]},
    }
    assert emergency.content[0].text == gb and not emergency.is_error

    assert none.structured_content["concern"] == "none" and none.structured_content["say"] is None
    assert none.structured_content["found"] == {"BodyPart": ["LEGS"], "Activity": ["RUNNING"]}

    why = load("en-US").topics["why"]
    assert answer.structured_content["source"] == why.source
    assert answer.structured_content["say"].startswith(why.summary[0])
    assert load("en-US").line("red_flag") in answer.structured_content["say"]  # "why" reassures
    assert answer.structured_content["disclaimer"] == load("en-US").line("disclaimer")
    assert answer.content[0].text.endswith(answer.structured_content["disclaimer"])

    keys = [entry["topic"] for entry in listed.structured_content["topics"]]
    assert keys == list(load("en-US").topics)
    assert {"why", "prevent", "doctor", "how_long", "treat", "stretch_tears"} <= set(keys)


@pytest.mark.parametrize(
    ("arguments", "concern", "line"),
    [
        ({"text": "my pee is dark after the gym"}, "urgent", "urgent"),
        ({"text": "my calf twitches and feels weak"}, "doctor", "warning"),
        ({"text": "could it be ALS"}, "worry", "worry"),
        ({"text": "can I take magnesium tablets"}, "professional", "medicine"),
        ({"text": "it keeps twitching", "person": "my toddler"}, "professional", "person"),
        ({"text": "I have a pain", "body_part": "chest"}, "emergency", "emergency"),
    ],
)
def test_each_concern_says_the_skills_line(
    open_url: str, arguments: dict[str, Any], concern: str, line: str
) -> None:
    answer = post(open_url, call("check_safety", arguments)).json()["result"]
    assert answer["structuredContent"]["concern"] == concern
    said = answer["structuredContent"]["say"]
    words = load("en-US").safety[line]
    assert all(part.strip() in said for part in words.replace("{sign}", "{person}").split("{person}"))
    assert answer["content"] == [{"type": "text", "text": said}]


def test_long_answers_and_locales(open_url: str) -> None:
    _, _, (long, au) = session_calls(
        open_url,
        ("answer_topic", {"topic": "prevent", "length": "long"}),
        ("check_safety", {"text": "she's having a seizure", "locale": "en-AU"}),
    )
    assert long.structured_content["say"] == load("en-US").topics["prevent"].more
    assert au.structured_content["say"] == load("en-AU").safety["emergency"]
    assert "triple zero" in au.structured_content["say"]


# Bad input: a clear MCP error or a clean answer, never a 5xx, nothing of what was said logged ----


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[]", 400),
        (b'{"jsonrpc": "2.0", "id": 1}', 400),
        (b'{"jsonrpc": "1.0", "id": 1, "method": "tools/list"}', 400),
        (b"\xff\xfe", 400),
    ],
)
def test_malformed_json_rpc_is_a_client_error(open_url: str, body: bytes, status: int) -> None:
    assert post(open_url, body).status_code == status


@pytest.mark.parametrize(
    "request_body",
    [
        call("no_such_tool", {}),
        call("check_safety", {}),
        call("check_safety", {"text": 42}),
        call("check_safety", {"text": ["chest pain"]}),
        call("check_safety", {"text": "x" * 10_000}),
        call("check_safety", {"text": "fine", "locale": 7}),
        call("check_safety", {"text": "fine", "body_part": "calf " * 10_000}),
        call("check_safety", {"text": "fine", "locale": "en-US" * 10_000}),
        call("answer_topic", {"topic": "why" * 10_000}),
        call("answer_topic", {"topic": "weather"}),
        call("answer_topic", {"topic": "why", "length": "medium"}),
        call("answer_topic", {"topic": None}),
        call("check_safety", "chest pain"),
        rpc("no/such/method"),
    ],
)
def test_bad_calls_get_clear_errors(open_url: str, request_body: dict[str, Any]) -> None:
    response = post(open_url, request_body)
    assert response.status_code == 200
    answer = response.json()
    if "error" in answer:
        assert answer["error"]["message"]
    else:
        assert answer["result"]["isError"] is True
        assert answer["result"]["content"][0]["text"]


@pytest.mark.parametrize(
    "arguments",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "x" * MAX_TEXT},
        {"text": "chest pain " * (MAX_TEXT // 11)},
        {"text": "why do I twitch", "locale": "fr-FR"},
        {"text": "why do I twitch", "locale": "not a locale"},
        {"text": "\u0000\ud7ff emoji \U0001f600"},
    ],
)
def test_odd_but_valid_text_gets_a_clean_answer(open_url: str, arguments: dict[str, Any]) -> None:
    started = time.monotonic()
    answer = post(open_url, call("check_safety", arguments)).json()["result"]
    assert time.monotonic() - started < 2.0
    assert answer.get("isError") is not True
    assert answer["structuredContent"]["locale"] == "en-US"
    expected = "emergency" if "chest pain" in arguments["text"] else "none"
    assert answer["structuredContent"]["concern"] == expected


def test_nothing_said_is_logged(open_url: str, caplog: pytest.LogCaptureFixture) -> None:
    secret = "zebra-quokka chest pain"
    with caplog.at_level(logging.DEBUG):
        post(open_url, call("check_safety", {"text": secret}))
        post(open_url, call("check_safety", {"text": 5, "body_part": secret}))
        post(open_url, call("answer_topic", {"topic": secret}))
        post(open_url, f'{{"jsonrpc": "2.0", "id": 1, "method": "{secret}'.encode())
        post(open_url, rpc(secret, {"text": secret}))
    assert all("zebra" not in record.getMessage() for record in caplog.records)


def test_python_m_addon_refuses_an_open_public_address() -> None:
    env = environment(HOST="0.0.0.0", PORT=str(free_port()))
    done = subprocess.run(
        [sys.executable, "-m", "addon"], cwd=REPO, env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "MCP_AUTH_ISSUER" in done.stderr


# Auth on: a throwaway issuer -----------------------------------------------------------------------


class Issuer:
    """An authorization server's signing key and its JWKS, served on loopback."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"})
        jwks = json.dumps({"keys": [self.key.as_dict(private=False)]}).encode()

        class Keys(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(jwks)))
                self.end_headers()
                self.wfile.write(jwks)

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def token(self, key: RSAKey | None = None, **claims: Any) -> str:
        """A client-credentials access token (Cognito's shape: client_id, scope, no sub user)."""
        now = int(time.time())
        body = {"iss": self.url, "aud": "guide-api", "client_id": "alexa", "scope": "guide/read"}
        body.update({"iat": now, "exp": now + 300, "token_use": "access"}, **claims)
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, body, key or self.key)


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    made = Issuer()
    yield made
    made.http.shutdown()


@pytest.fixture(scope="module")
def secured(issuer: Issuer) -> Iterator[tuple[str, AuthConfig]]:
    config = AuthConfig(
        issuer=issuer.url,
        audience="guide-api",
        resource_url="https://guide.example/mcp",
        jwks_url=f"{issuer.url}/jwks.json",
    )
    with uvicorn_serving(build_app(config)) as url:
        yield url, config


def test_no_token_is_a_401_without_www_authenticate(secured: tuple[str, AuthConfig]) -> None:
    url, _ = secured
    for token in (None, "not-a-jwt", "a.b.c"):
        response = post(url, rpc("tools/list"), token)
        assert response.status_code == 401
        assert "www-authenticate" not in response.headers


def test_health_answers_with_and_without_auth(open_url: str, secured: tuple[str, AuthConfig]) -> None:
    for url in (open_url, secured[0]):
        response = httpx2.get(url.removesuffix("/mcp") + "/health")
        assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": int(time.time()) - 3600},
        {"aud": "someone-else"},
        {"iss": "https://other.example"},
        {"nbf": int(time.time()) + 3600},
    ],
    ids=["expired", "wrong-audience", "wrong-issuer", "not-yet-valid"],
)
def test_bad_tokens_are_refused(
    secured: tuple[str, AuthConfig], issuer: Issuer, claims: dict[str, Any]
) -> None:
    url, _ = secured
    response = post(url, rpc("tools/list"), issuer.token(**claims))
    assert response.status_code == 401
    assert "www-authenticate" not in response.headers


def test_a_token_signed_by_another_key_is_refused(secured: tuple[str, AuthConfig], issuer: Issuer) -> None:
    url, _ = secured
    stranger = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    assert post(url, rpc("tools/list"), issuer.token(key=stranger)).status_code == 401


def test_a_good_token_gets_through(secured: tuple[str, AuthConfig], issuer: Issuer) -> None:
    url, _ = secured
    response = post(url, rpc("tools/list"), issuer.token())
    assert response.status_code == 200
    assert len(response.json()["result"]["tools"]) == 3
    _, _, (checked,) = session_calls(url, ("check_safety", {"text": "I fainted"}), token=issuer.token())
    assert checked.structured_content["concern"] == "emergency"


def test_a_cognito_token_without_aud_counts_its_client_id(issuer: Issuer) -> None:
    config = AuthConfig(issuer.url, "alexa", "https://guide.example/mcp", f"{issuer.url}/jwks.json")
    with uvicorn_serving(build_app(config)) as url:
        token = jwt.encode({"alg": "RS256", "kid": "test-key"}, _without_aud(issuer), issuer.key)
        assert post(url, rpc("tools/list"), token).status_code == 200


def _without_aud(issuer: Issuer) -> dict[str, Any]:
    claims = jwt.decode(issuer.token(), issuer.key).claims
    del claims["aud"]
    return claims


def test_the_protected_resource_metadata(secured: tuple[str, AuthConfig]) -> None:
    url, config = secured
    origin = url.removesuffix("/mcp")
    for path in ("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"):
        response = httpx2.get(origin + path, timeout=10)
        assert response.status_code == 200
        document = response.json()
        assert document["resource"] == config.resource_url
        assert document["authorization_servers"] == [config.issuer]
        assert document["bearer_methods_supported"] == ["header"]


def test_auth_is_configured_by_environment() -> None:
    assert AuthConfig.from_env({}, "127.0.0.1") is None
    assert AuthConfig.from_env({"MCP_AUTH": "off"}, "0.0.0.0") is None
    config = AuthConfig.from_env(
        {
            "MCP_AUTH_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/pool",
            "MCP_AUTH_AUDIENCE": "client",
            "MCP_RESOURCE_URL": "https://guide.example/mcp",
        },
        "0.0.0.0",
    )
    assert config is not None
    assert config.jwks_url == "https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json"
    for broken in ({}, {"MCP_AUTH_ISSUER": "https://issuer.example"}):
        with pytest.raises(ValueError):
            AuthConfig.from_env(broken, "0.0.0.0")


# The three labelled corpora through check_safety ---------------------------------------------------

EMERGENCY_FLOOR = {"tune": 146 / 147, "held": 141 / 146}
"""Emergency rows that get the emergency line, per half, as measured (docs/alexa-plus.md): the
misses are words the model's vocabulary does not have ("the room's spinning" for dizziness); the
vocabulary was never tuned on held rows. Any drop fails."""


@pytest.fixture(scope="module")
def corpus_outcomes() -> list[tuple[Row, str]]:
    """Every row's text through check_safety's own function, in this process."""
    return [(row, check_text(row.text, row.locale).concern) for row in read_corpora()]


def shares(outcomes: list[tuple[Row, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(half, safety class) -> (rows that got that concern, rows)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for row, concern in outcomes:
        count = counts.setdefault((row.split, row.safety), [0, 0])
        count[0] += concern == row.safety
        count[1] += 1
    return {key: (right, total) for key, (right, total) in sorted(counts.items())}


def test_emergencies_get_the_emergency_line(corpus_outcomes: list[tuple[Row, str]]) -> None:
    figures = shares(corpus_outcomes)
    report = "\n".join(
        f"{half} {kind}: {r}/{t} = {100 * r / t:.1f}%" for (half, kind), (r, t) in figures.items()
    )
    for half, floor in EMERGENCY_FLOOR.items():
        right, total = figures[(half, "emergency")]
        assert right / total >= floor, report


def test_no_row_labelled_none_gets_an_emergency(corpus_outcomes: list[tuple[Row, str]]) -> None:
    false_alarms = [
        row.corpus for row, concern in corpus_outcomes if row.safety == "none" and concern == "emergency"
    ]
    assert false_alarms == []


def test_on_loopback_only_local_or_the_public_host_is_accepted() -> None:
    """DNS-rebinding protection: a page elsewhere cannot reach a loopback server through the
    browser, while the public URL a tunnel forwards from (MCP_RESOURCE_URL) still can."""
    with uvicorn_serving(build_app(public_url="https://guide.example/mcp")) as url:
        listing = rpc("tools/list")
        assert post(url, listing).status_code == 200
        headers = {**ACCEPT, "Host": "guide.example"}
        assert httpx2.post(url, json=listing, headers=headers, timeout=10).status_code == 200
        stranger = {**ACCEPT, "Host": "evil.example"}
        assert httpx2.post(url, json=listing, headers=stranger, timeout=10).status_code in (400, 421)


def test_docs_report_the_corpus_figures(corpus_outcomes: list[tuple[Row, str]]) -> None:
    """docs/alexa-plus.md's table is these figures: per class, the share right on each half."""
    figures = shares(corpus_outcomes)
    doc = (REPO / "docs" / "alexa-plus.md").read_text(encoding="utf-8")
    for kind in SAFETY_CLASSES:
        cells = [f"{r} of {t} ({100 * r / t:.1f}%)" for r, t in (figures[(half, kind)] for half in SPLITS)]
        assert f"| {kind} | {' | '.join(cells)} |" in doc
