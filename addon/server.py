"""The Alexa+ MCP add-on: the guide's safety check and article answers as MCP tools.

Alexa+ is the MCP client: it understands the person, calls these tools and writes the final words
from what they return. So every tool returns the exact words the skill would say (responses/),
as text and as structured content with a declared schema, and the server's instructions tell the
host how to use them: safety first, no reassurance after a concern, the emergency line as given.

Streamable HTTP at /mcp, stateless with JSON responses: no session lives in the server, so any
number of workers (or a function behind an ASGI adapter) can answer any request.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from typing import Annotated, Literal
from urllib.parse import urlsplit

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp

from addon.auth import LOOPBACK, AuthConfig, protect
from addon.safety import Concern, check_text
from responses import Guide, load, supported_locale
from skill.safety import REPLACED

NAME = "muscle-twitch-guide"
MCP_PATH = "/mcp"
MAX_TEXT = 2000
"""The longest text check_safety takes: what a person says in one go is far shorter."""
MAX_HINT = 100
"""The longest hint (a body part, an activity, a person) or locale a tool takes."""

INSTRUCTIONS = """\
Muscle Twitch Guide explains muscle twitches after exercise, from one article, with safety advice.
Whenever a person describes a symptom or asks about their own or someone else's twitching, call \
check_safety first with their words. If it returns a concern other than "none", say its line \
exactly as given and add no reassurance, no tips and no guess at the cause. For "emergency", say \
the emergency line as given, with its number, and nothing else. Only when the concern is "none", \
answer with answer_topic (list_topics names the topics) and say its answer with its disclaimer. \
Never add medical facts of your own."""

Locale = Annotated[
    str | None,
    Field(
        max_length=MAX_HINT,
        description="The person's locale (en-US, en-GB, en-CA, en-AU, en-IN); any other gets en-US.",
    ),
]


class SafetyCheck(BaseModel):
    concern: Concern = Field(description="The most urgent safety concern in what was said, or none.")
    say: str | None = Field(description="The exact line to say for the concern (null when none).")
    locale: str = Field(description="The locale whose words and emergency number the line uses.")
    found: dict[str, list[str]] = Field(
        description="Slot name -> the interaction model's entity ids recognised (not the words)."
    )


class TopicAnswer(BaseModel):
    topic: str
    title: str
    say: str = Field(description="The answer to say, in the article's paraphrase.")
    source: str = Field(description="The article section(s) it comes from.")
    disclaimer: str = Field(description="Say this with the answer.")
    locale: str


class TopicEntry(BaseModel):
    topic: str
    title: str


class TopicList(BaseModel):
    topics: list[TopicEntry]
    locale: str


def _result(model: BaseModel, text: str) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=model.model_dump()
    )


READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


def build_server(auth: AuthConfig | None = None) -> MCPServer:
    """The MCP server with its three tools; with `auth`, every /mcp request needs a bearer token."""
    server = MCPServer(
        name=NAME,
        title="Muscle Twitch Guide",
        instructions=INSTRUCTIONS,
        **(auth.server_options() if auth is not None else {}),
    )

    @server.tool(annotations=READ_ONLY)
    def check_safety(
        text: Annotated[
            str, Field(max_length=MAX_TEXT, description="What the person said about the symptom, as said.")
        ],
        body_part: Annotated[
            str | None, Field(max_length=MAX_HINT, description="Where the twitch is, if known.")
        ] = None,
        activity: Annotated[
            str | None, Field(max_length=MAX_HINT, description="The exercise before it, if known.")
        ] = None,
        person: Annotated[
            str | None,
            Field(
                max_length=MAX_HINT,
                description="Who it is about if not the speaker (a baby, a child, pregnancy).",
            ),
        ] = None,
        locale: Locale = None,
    ) -> Annotated[CallToolResult, SafetyCheck]:
        """Call this FIRST whenever a person describes a symptom, a twitch, a feeling in their body,
        or asks about someone else's. Returns the safety concern (emergency, urgent, doctor, worry,
        professional or none) and the exact line to say for it. Say that line as given, with
        nothing reassuring added; only when the concern is none, answer with answer_topic."""
        check = check_text(text, locale, body_part=body_part, activity=activity, person=person)
        result = SafetyCheck(concern=check.concern, say=check.say, locale=check.locale, found=check.found)
        text_out = check.say or "No safety concern in these words: answer with answer_topic."
        return _result(result, text_out)

    @server.tool(annotations=READ_ONLY)
    def answer_topic(
        topic: Annotated[
            str,
            Field(
                max_length=MAX_HINT,
                description="A topic key from list_topics, such as why, prevent or doctor.",
            ),
        ],
        length: Annotated[
            Literal["short", "long"], Field(description="short for a first answer, long for 'tell me more'.")
        ] = "short",
        locale: Locale = None,
    ) -> Annotated[CallToolResult, TopicAnswer]:
        """Answer a question about muscle twitches after exercise from the article: why they happen,
        how to prevent them, when to see a doctor, how long they last, how to treat them,
        stretching and muscle tears, and finer topics (list_topics). Call check_safety first if the
        person described a symptom, and use this only when it found no concern."""
        content = load(supported_locale(locale))
        found = content.topics.get(topic)
        if found is None:
            raise ToolError("Unknown topic: call list_topics for the topic keys.")
        guide = Guide(content, Random(0), REPLACED)
        said = guide.with_red_flag(found, found.summary[0] if length == "short" else found.more)
        answer = TopicAnswer(
            topic=found.key,
            title=found.title,
            say=said,
            source=found.source,
            disclaimer=content.line("disclaimer"),
            locale=content.locale,
        )
        return _result(answer, f"{said} {answer.disclaimer}")

    @server.tool(annotations=READ_ONLY)
    def list_topics(locale: Locale = None) -> Annotated[CallToolResult, TopicList]:
        """The article's topics this guide answers, with their keys for answer_topic."""
        content = load(supported_locale(locale))
        entries = [TopicEntry(topic=key, title=topic.title) for key, topic in content.topics.items()]
        text = "; ".join(f"{entry.topic}: {entry.title}" for entry in entries)
        return _result(TopicList(topics=entries, locale=content.locale), text)

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> Response:
        """For load balancers and uptime checks, as the skill's web service has: no token needed."""
        return JSONResponse({"status": "ok"})

    return server


def build_app(
    auth: AuthConfig | None = None, host: str = "127.0.0.1", public_url: str | None = None
) -> ASGIApp:
    """The ASGI app: /mcp (stateless, JSON responses) and, with auth, the metadata documents.

    On a loopback address the SDK accepts only loopback Host and Origin headers (DNS-rebinding
    protection); `public_url`, the address a tunnel or proxy forwards from, is accepted too."""
    server = build_server(auth)
    if auth is not None:
        auth.add_routes(server)
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        host=host,
        transport_security=_loopback_security(public_url) if host in LOOPBACK else None,
    )
    return protect(app) if auth is not None else app


def _loopback_security(public_url: str | None) -> TransportSecuritySettings:
    hosts = [f"{name}:*" for name in ("127.0.0.1", "localhost", "[::1]")]
    origins = [f"http://{name}" for name in hosts]
    if public_url:
        parsed = urlsplit(public_url)
        hosts.append(parsed.netloc)
        origins.append(f"{parsed.scheme}://{parsed.netloc}")
    return TransportSecuritySettings(allowed_hosts=hosts, allowed_origins=origins)


def app_from_env(environ: Mapping[str, str], host: str) -> ASGIApp:
    """The app as the environment configures it (addon/auth.py; MCP_RESOURCE_URL, the public URL
    of /mcp)."""
    return build_app(AuthConfig.from_env(environ, host), host, environ.get("MCP_RESOURCE_URL"))
