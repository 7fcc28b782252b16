"""Search snippets: a short extract of a message around the first match, in its original text.

The work is done on the message's indexed copy (search.index_text: CJK characters set apart by SEP),
because there the word boundaries are the ones FTS5 saw. Matches are found with a regular expression
built from the query terms, on a case- and accent-folded copy of the same length, and marked with
OPEN/CLOSE. Removing the SEP characters then gives the original text back, with the marks in place.

This is linear in the length of the message, whatever the number of matches (FTS5's snippet() and
highlight() are not: they take seconds on a long message with thousands of matches). The matching
follows FTS5's unicode61 tokenizer closely but not exactly; when it finds nothing to mark, the
snippet is the start of the message, unmarked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.store.search import Term

SEP = "\x1f"  # sets CJK characters apart in the indexed copy
OPEN = "\x02"  # marks the start of a match while a snippet is made
CLOSE = "\x03"  # marks its end

SNIPPET_CHARS = 160
_CONTEXT_BEFORE = 50
_SNAP = 15

_TOKEN = re.compile(r"[^\W_]+")
_BETWEEN_TOKENS = r"(?![^\W_])[\W_]+"
_WORD_START = r"(?<![^\W_])"

_fold_table: dict[int, str] = {}
_folded: set[str] = set()


def _fold_char(ch: str) -> str:
    """One character, lower case and without accents; itself when that would not be one character."""
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    if any(not unicodedata.category(mark).startswith("M") for mark in decomposed[1:]):
        base = ch  # e.g. Hangul syllables decompose into letters, not into a letter and accents
    for candidate in (base.casefold(), base.lower()):
        if len(candidate) == 1:
            return candidate
    return ch


def fold(text: str) -> str:
    """`text` lower-cased and without accents, character for character (same length)."""
    new = set(text) - _folded
    for ch in new:
        folded = _fold_char(ch)
        if folded != ch:
            _fold_table[ord(ch)] = folded
    _folded.update(new)
    return text.translate(_fold_table)


class Highlighter:
    """Marks the matches of a query's terms (see search.query_terms) in indexed text."""

    def __init__(self, terms: Iterable[Term]):
        patterns = []
        for term in terms:
            tokens = [fold(ch) for ch in term.text] if term.cjk else _TOKEN.findall(fold(term.text))
            if not tokens:
                continue
            body = _BETWEEN_TOKENS.join(re.escape(token) for token in tokens)
            patterns.append(_WORD_START + body + (r"[^\W_]*" if term.prefix else r"(?![^\W_])"))
        self._pattern = re.compile("|".join(patterns)) if patterns else None

    def highlight(self, indexed: str) -> str:
        """`indexed` with every match between OPEN and CLOSE."""
        if self._pattern is None:
            return indexed
        pieces = []
        last = 0
        for match in self._pattern.finditer(fold(indexed)):
            start, end = match.span()
            if start == end:
                continue
            pieces += [indexed[last:start], OPEN, indexed[start:end], CLOSE]
            last = end
        pieces.append(indexed[last:])
        return "".join(pieces)

    def snippet(self, indexed: str, markers: tuple[str, str] = ("[", "]"), size: int = SNIPPET_CHARS) -> str:
        return cut(self.highlight(indexed), markers, size)


def cut(highlighted: str, markers: tuple[str, str] = ("[", "]"), size: int = SNIPPET_CHARS) -> str:
    """A window of about `size` characters of original text around the first match.

    The window starts a little before the first match, snaps to spaces so Latin words stay whole,
    shows "…" where it cuts the text, and has the OPEN/CLOSE marks replaced by `markers`.
    """
    text = highlighted.replace(SEP, "")
    first = max(text.find(OPEN), 0)
    start = max(first - _CONTEXT_BEFORE, 0)
    if start > 0:
        space = text.find(" ", start, start + _SNAP)
        if space != -1 and space < first:
            start = space + 1
    end = min(start + size, len(text))
    if end < len(text):
        space = text.rfind(" ", end - _SNAP, end)
        if space > first:
            end = space
    window = text[start:end]
    if window.rfind(OPEN) > window.rfind(CLOSE):
        window += CLOSE  # the window ends inside a match
    window = window.replace(OPEN, markers[0]).replace(CLOSE, markers[1])
    return ("…" if start > 0 else "") + window + ("…" if end < len(text) else "")
