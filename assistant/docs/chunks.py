"""A document's text cut into passages of about 300 tokens, at paragraph (else sentence) ends, each
with where it starts: its page (PDFs) and its line."""

from __future__ import annotations

import bisect
import re

from assistant.docs.readers import Extracted

TARGET = 1200  # a passage's weight: characters, a CJK character counting 3 (about 300 tokens)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")


def weight(text: str) -> int:
    return len(text) + 2 * len(_CJK.findall(text))


def passages(doc: Extracted) -> list[tuple[str, int | None, int]]:
    """(text, page or None, line) for each passage, in order."""
    text = doc.text
    pieces: list[tuple[int, str]] = []  # (offset, text) of paragraphs, long ones cut smaller
    for match in re.finditer(r"[^\n]*(?:\n(?!\s*\n)[^\n]*)*", text):
        paragraph = match.group()
        if paragraph.strip():
            pieces += _cut(match.start(), paragraph)
    out: list[tuple[str, int | None, int]] = []
    start, current, current_weight = 0, [], 0
    for offset, piece in pieces:
        w = weight(piece)
        if current and current_weight + w > TARGET:
            out.append(_passage(doc, start, current))
            current, current_weight = [], 0
        if not current:
            start = offset
        current.append(piece.strip())
        current_weight += w
    if current:
        out.append(_passage(doc, start, current))
    return out


def _cut(offset: int, paragraph: str) -> list[tuple[int, str]]:
    """A paragraph as pieces no heavier than TARGET: at sentence ends, else hard."""
    if weight(paragraph) <= TARGET:
        return [(offset, paragraph)]
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        end = match.end()
        if end > start and weight(paragraph[start:end]) >= TARGET // 2:
            pieces.append((offset + start, paragraph[start:end]))
            start = end
    if start < len(paragraph):
        pieces.append((offset + start, paragraph[start:]))
    hard = []
    for at, piece in pieces:
        size = TARGET // 3 if _CJK.search(piece) else TARGET
        hard += (
            [(at + i, piece[i : i + size]) for i in range(0, len(piece), size)]
            if weight(piece) > TARGET
            else [(at, piece)]
        )
    return hard


def _passage(doc: Extracted, start: int, parts: list[str]) -> tuple[str, int | None, int]:
    page = bisect.bisect_right(doc.pages, start) if doc.pages else None
    line = doc.text.count("\n", 0, start) + 1
    return "\n\n".join(parts), page, line
