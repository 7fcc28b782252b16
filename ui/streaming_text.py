"""A reply's Markdown while it streams, at a cost that does not grow with its length.

Rendering the whole reply and setting it as the document's HTML on every flush costs time in
proportion to the reply (262 ms for an 80,000-character reply, most of it Qt laying the document out
again). Instead the text is split at its last finished block, a blank line outside a code fence:
the blocks before it are rendered once and stay in the document; only the unfinished tail after it
is rendered and replaced on each flush. When the reply ends its last update stays (rendering a
20,000-token reply whole would stall the window for a third of a second); the next time the
conversation is opened the reply is rendered whole. The two differ only where a blank line splits
one Markdown construct, e.g. a loose list shown as two lists.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument

from ui import markdown

_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


def finished_blocks_end(text: str, start: int = 0) -> int:
    """Where the finished blocks of `text` end (at or after `start`): just after the last blank line
    that is outside a fenced code block; `start` when there is none yet."""
    end = start
    inside = len(_FENCE.findall(text, 0, start)) % 2 == 1
    position = start
    for fence in _FENCE.finditer(text, start):
        if not inside:
            end = _last_blank(text, position, fence.start(), end)
        inside = not inside
        position = fence.end()
    if not inside:
        end = _last_blank(text, position, len(text), end)
    return end


def _last_blank(text: str, start: int, stop: int, default: int) -> int:
    found = text.rfind("\n\n", start, stop)
    return found + 2 if found >= 0 else default


class StreamingRenderer:
    """Keeps a QTextDocument showing streamed Markdown: finished blocks appended once, the tail replaced."""

    def __init__(self, document: QTextDocument, render):
        self.document = document
        self.render = render  # (text, code_offset) -> markdown.Rendered
        self.code_blocks: list[str] = []  # the finished blocks' code blocks
        self._tail_blocks: list[str] = []
        self._done = 0  # characters of the text whose blocks are in the document for good
        self._tail_start = 0  # where the tail begins in the document
        self._text = ""

    def continues(self, text: str) -> bool:
        """Whether `text` extends what is shown (the reply went on, or ended, with this text)."""
        return text.startswith(self._text)

    def update(self, text: str) -> None:
        """Show `text`, which extends what was shown before (else everything is rendered again)."""
        if not text.startswith(self._text[: self._done]) or self._done > len(text):
            self.reset()
        self._text = text
        cursor = QTextCursor(self.document)
        cursor.beginEditBlock()
        cursor.setPosition(self._tail_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        end = finished_blocks_end(text, self._done)
        if end > self._done:
            finished = self.render(text[self._done : end], len(self.code_blocks))
            self._insert(cursor, finished.html)
            self.code_blocks += finished.code_blocks
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            self._tail_start = cursor.position()
            self._done = end
        tail = self.render(text[self._done :], len(self.code_blocks))
        self._insert(cursor, tail.html)
        cursor.endEditBlock()
        self._tail_blocks = tail.code_blocks

    def all_code_blocks(self) -> list[str]:
        """Every code block shown, in order: a "Copy" link's number is its index here."""
        return self.code_blocks + self._tail_blocks

    def reset(self) -> None:
        self.document.clear()
        self.code_blocks, self._tail_blocks = [], []
        self._done = self._tail_start = 0
        self._text = ""

    @staticmethod
    def _insert(cursor: QTextCursor, html: str) -> None:
        if html.strip():
            cursor.insertHtml(html)


def render_function(colors, copy_label: str, image_label: str):
    """A `render` for StreamingRenderer: markdown.render with these colours and labels."""

    def render(text: str, code_offset: int) -> markdown.Rendered:
        return markdown.render(text, colors, copy_label=copy_label, image_label=image_label, code_offset=code_offset)

    return render
