"""Loads the words: one TOML file per language, with small per-locale override files.

`en.toml` holds everything; `en-GB.toml` and friends override single keys (GP, 999). Locale
placeholders such as {doctor} are filled in once at load time, so the rest of the layer deals
only in finished sentences. What `load` returns is read-only (tuples and mapping proxies): it is
cached per process and shared by every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict

try:
    import tomllib
except ModuleNotFoundError:  # Python before 3.11, such as Alexa-hosted's 3.8: the backport
    import tomli as tomllib  # type: ignore[no-redef]

CONTENT_DIR = Path(__file__).parent / "content"
BASE_LANGUAGE = "en"
DEFAULT_LOCALE = "en-US"
SUPPORTED_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


@dataclass(frozen=True)
class Offer:
    """The yes/no question that offers a topic, and the shorter reprompt that asks it again."""

    ask: str
    reprompt: str


@dataclass(frozen=True)
class Topic:
    """One thing the skill can explain: short wordings, a longer version and screen points."""

    key: str
    title: str
    source: str
    family: str
    """The offerable topic this one answers: once it is heard, that offer is not made again
    (hearing why_fluids answers "why")."""
    summary: tuple[str, ...]
    more: str
    points: tuple[str, ...]
    next: tuple[str, ...]
    """Topics to offer after this one, in order of preference."""
    offer: Offer | None
    """How to offer this topic, if it is ever offered."""
    kind: str
    """What kind of answer it is: "reassurance" (it says twitches usually pass or are harmless, so
    it always carries the red-flag clause), "self_care" (tips) or "information". Once a concern
    is raised, skill/safety.py's REPLACED says which kinds that session no longer hears."""


@dataclass(frozen=True)
class Content:
    locale: str
    lines: Mapping[str, str | tuple[str, ...]]
    safety: Mapping[str, str]
    signs: Mapping[str, str]
    """Warning-sign id -> the words that finish "Twitching ..." in the warning line."""
    persons: Mapping[str, str]
    """Person id (baby, child, pregnancy) -> the words that finish "For twitching in ..."."""
    topics: Mapping[str, Topic]
    suggestions: tuple[str, ...]
    """Offerable topics in the order Yes to "anything else?" suggests them."""

    def line(self, key: str) -> str:
        value = self.lines[key]
        if not isinstance(value, str):
            raise TypeError(f"line {key!r} has variants; use variants()")
        return value

    def variants(self, key: str) -> tuple[str, ...]:
        value = self.lines[key]
        return (value,) if isinstance(value, str) else value


def supported_locale(locale: object) -> str:
    """Map any request locale to one we speak: ours as is, anything else to US English."""
    if isinstance(locale, str):
        for known in SUPPORTED_LOCALES:
            if known.lower() == locale.strip().lower():
                return known
    return DEFAULT_LOCALE


class _KeepUnknown(Dict[str, str]):
    """Fill known placeholders, leave the rest (like {sign}) for later."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` over `base`: tables merge key by key, anything else (lists too) replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _fill(value: Any, placeholders: _KeepUnknown) -> Any:
    """Placeholders filled, lists as tuples and tables as read-only mappings."""
    if isinstance(value, str):
        return value.format_map(placeholders)
    if isinstance(value, list):
        return tuple(_fill(item, placeholders) for item in value)
    if isinstance(value, dict):
        return MappingProxyType({key: _fill(item, placeholders) for key, item in value.items()})
    return value


def _read(name: str) -> dict[str, Any]:
    path = CONTENT_DIR / f"{name}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _topic(key: str, raw: Mapping[str, Any]) -> Topic:
    offer = Offer(raw["offer"], raw["reprompt"]) if "offer" in raw else None
    names = ("title", "source", "family", "summary", "more", "points", "next", "kind")
    fields = {name: raw[name] for name in names}
    return Topic(key=key, offer=offer, **fields)


def load(locale: str) -> Content:
    """Content for a request locale (unknown locales get US English), parsed once per process."""
    return _load(supported_locale(locale))


@lru_cache(maxsize=None)
def _load(locale: str) -> Content:
    """One Content per supported locale: the cache is keyed by what `supported_locale` returns,
    so made-up locales share US English's entry."""
    raw = merge(_read(BASE_LANGUAGE), _read(locale))
    data = _fill(raw, _KeepUnknown(raw["locale"]))
    return Content(
        locale=locale,
        lines=data["lines"],
        safety=data["safety"],
        signs=data["signs"],
        persons=data["persons"],
        topics=MappingProxyType({key: _topic(key, topic) for key, topic in data["topics"].items()}),
        suggestions=data["suggestions"],
    )
