"""Loads the words: one TOML file per language, with small per-locale override files.

`en.toml` holds everything; `en-GB.toml` and friends override single keys (GP, 999). Locale
placeholders such as {clinician} are filled in once at load time, so the rest of the layer deals
only in finished sentences.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).parent / "content"
BASE_LANGUAGE = "en"
DEFAULT_LOCALE = "en-US"
SUPPORTED_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


@dataclass(frozen=True)
class Topic:
    """One thing the skill can explain: short wordings, a longer version and screen points."""

    key: str
    title: str
    source: str
    summary: tuple[str, ...]
    more: str
    points: tuple[str, ...]
    next: tuple[str, ...]


@dataclass(frozen=True)
class Offer:
    """The yes/no question that closes an answer, and the reprompt that asks it again."""

    ask: str
    reprompt: str


@dataclass(frozen=True)
class Content:
    locale: str
    lines: dict[str, Any]
    signs: dict[str, str]
    offers: dict[str, Offer]
    topics: dict[str, Topic]

    def line(self, key: str) -> str:
        value = self.lines[key]
        if not isinstance(value, str):
            raise TypeError(f"line {key!r} has variants; use variants()")
        return value

    def variants(self, key: str) -> tuple[str, ...]:
        value = self.lines[key]
        return (value,) if isinstance(value, str) else tuple(value)


def supported_locale(locale: object) -> str:
    """Map any request locale to one we speak: ours as is, anything else to US English."""
    if isinstance(locale, str):
        for known in SUPPORTED_LOCALES:
            if known.lower() == locale.strip().lower():
                return known
    return DEFAULT_LOCALE


class _KeepUnknown(dict[str, str]):
    """Fill known placeholders, leave the rest (like {sign}) for later."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _fill(value: Any, placeholders: _KeepUnknown) -> Any:
    if isinstance(value, str):
        return value.format_map(placeholders)
    if isinstance(value, list):
        return tuple(_fill(item, placeholders) for item in value)
    if isinstance(value, dict):
        return {key: _fill(item, placeholders) for key, item in value.items()}
    return value


def _read(name: str) -> dict[str, Any]:
    path = CONTENT_DIR / f"{name}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def load(locale: str) -> Content:
    """Content for a request locale (unknown locales get US English), parsed once per process."""
    locale = supported_locale(locale)
    raw = _merge(_read(BASE_LANGUAGE), _read(locale))
    data = _fill(raw, _KeepUnknown(raw["locale"]))
    return Content(
        locale=locale,
        lines=data["lines"],
        signs=data["signs"],
        offers={key: Offer(**offer) for key, offer in data["offers"].items()},
        topics={key: Topic(key=key, **topic) for key, topic in data["topics"].items()},
    )
