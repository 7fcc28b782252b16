"""Full-text search over messages with SQLite FTS5, for English and for Chinese, Japanese and Korean.

How it works
------------
FTS5's `unicode61` tokenizer splits text into words at spaces and punctuation. Chinese and Japanese
have no spaces, so a whole sentence would become one "word" and 模型 would never match 大模型.

So the index does not hold the message text itself but a copy of it (`index_text`) in which every
CJK character (Han, Hiragana, Katakana, Hangul, Bopomofo) stands between two SEP characters
(U+001F, a control character that unicode61 treats as a separator). Each CJK character is then one
token, and a CJK query is searched as a phrase of single characters: 模型 -> "模 型", which matches
the adjacent tokens 模, 型 anywhere, including inside 大模型. A one-character query is a one-token
phrase. Latin (and other spaced) words of three or more characters are prefix queries: "qui"*
finds "quick". Shorter ones match whole words only ("ai" finds "AI", not "aim"): a one- or
two-letter prefix query makes FTS5 merge the postings of every word that starts with it, which
takes hundreds of milliseconds at a million messages, while a whole-word query stays under one.

Snippets are made in Python (snippets.py) from the message's original text, so CJK text shows
without the separators. FTS5's snippet() and highlight() are not used: both slow down badly on a
long message that matches thousands of times (a big code paste), taking seconds per hit.

User input never reaches FTS5's query syntax: every term is a double-quoted string (quotes doubled),
so quotes, *, -, ^, :, parentheses, AND/OR/NOT/NEAR are plain text. A query with no letters or
digits searches nothing and returns no hits.

When messages are indexed
-------------------------
A message is indexed once its text is final: when it is written finished (user messages, imports,
restores), by finish_reply(), and by recover_interrupted(). Rows in 'streaming' status are not in the
index, so update_reply() (about once a second while a reply streams) only rewrites one row of
`messages` and never touches the index. A trigger removes index rows when messages are deleted
(including ON DELETE CASCADE from conversations), so deletes need no Python code; deleting all
conversations empties the index at once instead (clear_index). The indexed copy is computed in
Python (not by a trigger) so the database stays usable by any SQLite tool.

Results are newest first (by message id) rather than by relevance: FTS5 walks its index in rowid
order and stops after `limit` hits, which keeps a search fast even when a common word matches most
of a million messages (ranking would have to score every match first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from assistant.store import snippets
from assistant.store.snippets import CLOSE, OPEN, SEP

FTS_TABLE = "messages_fts"

# Every code point that is written without spaces between words and should be one token each.
_CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi radicals
    "\u3005-\u3007"  # 々 〆 〇
    "\u3021-\u3029"  # Hangzhou numerals
    "\u3031-\u3035"  # kana repeat marks
    "\u303b-\u303c"  # 〻 〼
    "\u3041-\u309f"  # Hiragana
    "\u30a0-\u30ff"  # Katakana (with ー)
    "\u3100-\u312f"  # Bopomofo
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31a0-\u31bf"  # Bopomofo extended
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7af"  # Hangul syllables
    "\ud7b0-\ud7ff"  # Hangul Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\uffa0-\uffdc"  # half-width Hangul
    "\U0001b000-\U0001b16f"  # Kana supplement / extended
    "\U00020000-\U0003134f"  # CJK extensions B-G, compatibility supplement
    "\U00031350-\U000323af"  # CJK extension H
)
_CJK_RUN = re.compile(f"[{_CJK_RANGES}]+")
_OURS = re.compile(f"[\x00{OPEN}{CLOSE}{SEP}]")

MAX_TERMS = 64
MIN_PREFIX = 3
_TOKEN = re.compile(r"[^\W_]+")


def is_cjk_text(text: str) -> bool:
    """Whether `text` is all CJK characters (searched as single-character tokens)."""
    return bool(_CJK_RUN.fullmatch(text))


def words(text: str) -> list[str]:
    """The words (runs of letters and digits) of a Latin segment, as search splits them."""
    return _TOKEN.findall(text)


def index_text(text: str) -> str:
    """The copy of `text` that goes into the index: each CJK character set apart by SEP."""
    text = _OURS.sub(" ", text)
    return _CJK_RUN.sub(lambda m: SEP + SEP.join(m.group()) + SEP, text)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class Term(NamedTuple):
    text: str
    cjk: bool  # a run of CJK characters: a phrase of one-character tokens
    prefix: bool  # a Latin term whose last word is matched as a prefix


def query_terms(query: str) -> list[Term]:
    """The terms of what a person typed, without repeats.

    Whitespace separates terms; so do CJK runs, which are whole terms of their own (not prefixes).
    Latin segments with no letter or digit are dropped. A Latin term is a prefix when its last word
    has at least MIN_PREFIX characters; shorter ones match whole words only (see the module doc).
    """
    terms: list[Term] = []

    def latin(segment: str) -> None:
        tokens = _TOKEN.findall(segment)
        if tokens:
            terms.append(Term(segment, cjk=False, prefix=len(tokens[-1]) >= MIN_PREFIX))

    for chunk in _OURS.sub(" ", query).split():
        start = 0
        for run in _CJK_RUN.finditer(chunk):
            latin(chunk[start : run.start()])
            terms.append(Term(run.group(), cjk=True, prefix=False))
            start = run.end()
        latin(chunk[start:])
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for what a person typed, or None when it has nothing to search for.

    Every term must match (AND). Runs of CJK characters are phrases of single characters; other
    words are prefix queries (when at least MIN_PREFIX long). All terms are quoted, so no input is
    a syntax error.
    """
    parts = []
    for term in query_terms(query):
        if term.cjk:
            parts.append(_quote(" ".join(term.text)))
        else:
            parts.append(_quote(term.text) + ("*" if term.prefix else ""))
    return " ".join(parts) or None


def index_messages(db: Any, rows: Iterable[tuple[int, str]]) -> None:
    """(Re)index finished messages given as (id, content) pairs. Run inside the caller's transaction."""
    for message_id, content in rows:
        db.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", [message_id])
        db.execute(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)", [message_id, index_text(content)])


def clear_index(db: Any) -> None:
    """Empty the index at once, inside the caller's transaction: drop the FTS table and create it
    again from its own schema text (so the schema stays exactly what the migrations made).

    Deleting FTS5 rows one by one (as the delete trigger does) re-reads and re-tokenizes each
    message, about 10 µs a message; dropping the table frees its pages in one go. With the index
    empty, the trigger's deletes find nothing and cost little.
    """
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [FTS_TABLE]).fetchone()
    db.execute(f"DROP TABLE {FTS_TABLE}")
    db.execute(row[0])


def reindex_all(db: Any) -> int:
    """Rebuild the whole index from `messages` (every row not streaming). Returns how many rows."""
    db.execute(f"DELETE FROM {FTS_TABLE}")
    cursor = db.conn.execute("SELECT id, content FROM messages WHERE status != 'streaming' ORDER BY id")
    count = 0
    while batch := cursor.fetchmany(500):
        index_messages(db, batch)
        count += len(batch)
    return count


_SEARCH_SQL = f"""
SELECT f.rowid AS message_id,
       m.content AS content,
       m.conversation_id AS conversation_id,
       c.title AS conversation_title,
       m.role AS role,
       m.created AS created
FROM {FTS_TABLE} AS f
JOIN messages AS m ON m.id = f.rowid
JOIN conversations AS c ON c.id = m.conversation_id
WHERE {FTS_TABLE} MATCH :match {{extra}}
ORDER BY f.rowid DESC
LIMIT :limit
"""


def search(
    db: Any,
    query: str,
    *,
    limit: int = 50,
    markers: tuple[str, str] = ("[", "]"),
    conversation_id: int | None = None,
) -> list[dict[str, Any]]:
    """Messages matching `query`, newest first. See Store.search for the shape of a hit."""
    match = match_expression(query)
    if match is None or limit <= 0:
        return []
    params: dict[str, Any] = {"match": match, "limit": int(limit)}
    extra = ""
    if conversation_id is not None:
        extra = "AND m.conversation_id = :conversation_id"
        params["conversation_id"] = conversation_id
    rows = list(db.query(_SEARCH_SQL.format(extra=extra), params))
    highlighter = snippets.Highlighter(query_terms(query))
    hits = []
    for row in rows:
        content = row.pop("content")
        hits.append({**row, "snippet": highlighter.snippet(index_text(content), markers)})
    return hits
