"""The repository's folders that the tools read and write."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
CORPUS_DIR = REPO / "tests" / "corpus"
REPLAY_DIR = BUILD / "replay"
