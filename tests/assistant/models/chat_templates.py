"""The corpus of real chat templates the tests render: llama.cpp's own test templates, kept in
../shared/chat-templates beside the repository (see SOURCE.md there). They are read from there, never
copied into the project."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = (REPO / ".." / "shared" / "chat-templates").resolve()
EXPECTED_COUNT = 65  # the files SOURCE.md lists


def corpus_files() -> list[Path]:
    """Every template in the corpus, sorted by name; [] when the folder is absent."""
    return sorted(CORPUS.glob("*.jinja")) if CORPUS.is_dir() else []


def corpus_template(name: str) -> str:
    """One template's text, by file name; skips the test when the corpus is absent."""
    path = CORPUS / name
    if not CORPUS.is_dir():
        pytest.skip(f"the chat-template corpus is not there: {CORPUS} (../shared/chat-templates beside the repo)")
    return path.read_text(encoding="utf-8")
