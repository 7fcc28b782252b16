"""The person's documents in the database (assistant/docs reads and indexes them): named libraries,
each file's state, its passages, and full-text retrieval over them.

Vectors from an embedding model, when the person chose one, live in the same database
(passage_vectors: float32 BLOBs) and are compared with numpy: SQLite's vector extension
(sqlite-vec) would need a Python whose sqlite3 can load extensions, which neither pyenv's default
build nor macOS's Python has.

Retrieval ranks passages by BM25 (FTS5's bm25()) over the terms of a question, any of which may
match: a Latin word as itself (or as a prefix from four letters), a run of CJK characters as its
overlapping two-character pairs, each a phrase of single-character tokens as in conversation
search (search.py), so 违约金 finds passages with 违约 and 约金.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from assistant.store import search
from assistant.store.base import StoreBase
from assistant.store.errors import NotFoundError
from assistant.store.records import now

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)
MAX_QUERY_TERMS = 24
# A passage with where it comes from, as retrieval returns it (each query adds its WHERE).
_PASSAGE_SELECT = (
    "SELECT p.id, p.text, p.page, p.line, d.path, d.id FROM passages p JOIN documents d ON d.id = p.document_id"
)
_PASSAGE_KEYS = ("id", "text", "page", "line", "path", "document_id")


def retrieval_terms(question: str) -> list[str]:
    """The terms of a question that retrieval looks for: its words (not stop words; a word of four
    letters or more also as a prefix), and each run of CJK characters as its two-character pairs."""
    found = []
    for term in search.query_terms(question):
        if term.cjk:
            text = term.text
            found += [text] if len(text) == 1 else [text[i : i + 2] for i in range(len(text) - 1)]
        else:
            found += [
                word
                for word in search.words(term.text)
                if word.lower() not in _STOPWORDS and (len(word) > 1 or word.isdigit())
            ]
    return list(dict.fromkeys(found))[:MAX_QUERY_TERMS]


def retrieval_expression(question: str) -> str | None:
    """An FTS5 expression matching passages with any of the question's terms (None: nothing to find)."""
    parts = []
    for term in retrieval_terms(question):
        if search.is_cjk_text(term):
            parts.append('"' + " ".join(term) + '"')
        else:
            parts.append('"' + term.replace('"', '""') + '"' + ("*" if len(term) >= 4 else ""))
    return " OR ".join(parts) or None


def matched_terms(terms: Sequence[str], text: str) -> list[str]:
    """Which of the question's `terms` occur in a passage's text (case aside), for highlighting."""
    lowered = text.casefold()
    return [term for term in terms if term.casefold() in lowered]


class Documents(StoreBase):
    # Vectors read for search (_vector_matrix), and a count of this connection's writes to passages
    # or vectors that tells when they must be read again.
    _vectors_read: tuple = ()
    _passage_writes = 0

    # -- libraries --------------------------------------------------------------------------------
    def library(self, name: str, *, create: bool = False) -> dict[str, Any]:
        """The library called `name`; made when `create`, else NotFoundError when there is none."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("A library needs a name.")
        query = "SELECT id, name, created FROM doc_libraries WHERE name = ?"
        with self._guard("open the library"):  # a lookup (every answer from documents makes a few) is a read
            row = self.db.execute(query, [name]).fetchone()
        if row is None:
            if not create:
                raise NotFoundError(f"There is no document library called “{name}”.")
            with self._write("make the library"):
                self.db.execute("INSERT OR IGNORE INTO doc_libraries (name, created) VALUES (?, ?)", [name, now()])
                row = self.db.execute(query, [name]).fetchone()
        return {"id": row[0], "name": row[1], "created": row[2]}

    def has_libraries(self) -> bool:
        with self._guard("list the document libraries"):
            return self.db.execute("SELECT 1 FROM doc_libraries LIMIT 1").fetchone() is not None

    def libraries(self) -> list[dict[str, Any]]:
        """Every library with its numbers of documents, failed documents and passages."""
        with self._guard("list the document libraries"):
            rows = self.db.execute(
                """
                SELECT l.id, l.name, l.created, count(d.id), sum(d.state = 'failed'), coalesce(sum(d.passages), 0)
                FROM doc_libraries l LEFT JOIN documents d ON d.library_id = l.id
                GROUP BY l.id ORDER BY l.name
                """
            ).fetchall()
        return [
            {"id": r[0], "name": r[1], "created": r[2], "documents": r[3], "failed": r[4] or 0, "passages": r[5]}
            for r in rows
        ]

    def delete_library(self, name: str) -> int:
        """Forget a library and everything indexed in it (the files stay). Returns its documents."""
        library = self.library(name)
        self._passage_writes += 1
        with self._write("remove the library"):
            count = self.db.execute("SELECT count(*) FROM documents WHERE library_id = ?", [library["id"]]).fetchone()[
                0
            ]
            self.db.execute(
                "DELETE FROM passages WHERE document_id IN (SELECT id FROM documents WHERE library_id = ?)",
                [library["id"]],
            )
            self.db.execute("DELETE FROM documents WHERE library_id = ?", [library["id"]])
            self.db.execute("DELETE FROM doc_roots WHERE library_id = ?", [library["id"]])
            self.db.execute("DELETE FROM doc_libraries WHERE id = ?", [library["id"]])
        return count

    def add_roots(self, library_id: int, paths: Sequence[str]) -> None:
        """Remember the files and folders the person added to a library (absolute paths)."""
        with self._write("remember the library's folders"):
            self.db.conn.executemany(
                "INSERT INTO doc_roots (library_id, path) VALUES (?, ?) "
                "ON CONFLICT (library_id, path) DO UPDATE SET excluded = 0",
                [(library_id, p) for p in paths],
            )

    def roots(self, library_id: int, *, excluded: bool = False) -> list[str]:
        """The files and folders the person added to a library (or, with `excluded`, the files
        they removed from its folders)."""
        with self._guard("read the library's folders"):
            rows = self.db.execute(
                "SELECT path FROM doc_roots WHERE library_id = ? AND excluded = ? ORDER BY path",
                [library_id, int(excluded)],
            ).fetchall()
        return [row[0] for row in rows]

    def exclude_document(self, library_id: int, path: str) -> bool:
        """The person removes a file from a library: it is forgotten, and stays out when the folder
        that holds it is walked again. False when the library did not have it."""
        folders = [root for root in self.roots(library_id) if path.startswith(root.rstrip("/\\") + os.sep)]
        with self._write("remove the document"):
            removed = self._drop_document(library_id, path)
            self.db.execute("DELETE FROM doc_roots WHERE library_id = ? AND path = ?", [library_id, path])
            if folders:
                self.db.execute(
                    "INSERT INTO doc_roots (library_id, path, excluded) VALUES (?, ?, 1)", [library_id, path]
                )
        return removed

    def passage_count(self, library_ids: Sequence[int]) -> int:
        """How many passages these libraries hold (to decide whether they can be given whole)."""
        marks = ", ".join("?" for _ in library_ids)
        with self._guard("count the passages"):
            row = self.db.execute(
                f"SELECT coalesce(sum(passages), 0) FROM documents WHERE state = 'indexed' AND library_id IN ({marks})",
                list(library_ids),
            ).fetchone()
        return int(row[0])

    # -- documents --------------------------------------------------------------------------------
    def documents(self, library_id: int) -> list[dict[str, Any]]:
        with self._guard("list the documents"):
            rows = self.db.execute(
                "SELECT id, path, size, mtime, state, reason, passages, indexed FROM documents "
                "WHERE library_id = ? ORDER BY path",
                [library_id],
            ).fetchall()
        keys = ("id", "path", "size", "mtime", "state", "reason", "passages", "indexed")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def document_version(self, library_id: int, path: str) -> tuple[int, float] | None:
        """(size, mtime) the document had when it was indexed, or None when it is not in the library."""
        with self._guard("look up the document"):
            row = self.db.execute(
                "SELECT size, mtime FROM documents WHERE library_id = ? AND path = ?", [library_id, path]
            ).fetchone()
        return None if row is None else (row[0], row[1])

    def put_document(
        self,
        library_id: int,
        path: str,
        *,
        size: int | None,
        mtime: float | None,
        passages: Sequence[tuple[str, int | None, int | None]] = (),
        reason: str | None = None,
    ) -> int:
        """Write a document's passages ((text, page, line) each), replacing what it had, in one
        transaction; with a `reason` it is recorded as failed (and keeps no passages)."""
        with self._write("index the document"):  # _drop_document counts the write
            self._drop_document(library_id, path)
            state = "failed" if reason else "indexed"
            document_id = self.db.execute(
                "INSERT INTO documents (library_id, path, size, mtime, state, reason, passages, indexed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [library_id, path, size, mtime, state, reason, 0 if reason else len(passages), now()],
            ).lastrowid
            if not reason:
                next_id = (self.db.execute("SELECT max(id) FROM passages").fetchone()[0] or 0) + 1
                rows = [
                    (next_id + i, document_id, i, text, page, line) for i, (text, page, line) in enumerate(passages)
                ]
                self.db.conn.executemany(
                    "INSERT INTO passages (id, document_id, seq, text, page, line) VALUES (?, ?, ?, ?, ?, ?)", rows
                )
                self.db.conn.executemany(
                    "INSERT INTO passages_fts (rowid, body) VALUES (?, ?)",
                    [(row[0], search.index_text(row[3])) for row in rows],
                )
            return document_id

    def remove_document(self, library_id: int, path: str) -> bool:
        with self._write("remove the document"):
            return self._drop_document(library_id, path)

    def _drop_document(self, library_id: int, path: str) -> bool:
        self._passage_writes += 1
        row = self.db.execute(
            "SELECT id FROM documents WHERE library_id = ? AND path = ?", [library_id, path]
        ).fetchone()
        if row is None:
            return False
        self.db.execute("DELETE FROM passages WHERE document_id = ?", [row[0]])
        self.db.execute("DELETE FROM documents WHERE id = ?", [row[0]])
        return True

    def set_sources(self, message_id: int, sources: list[dict[str, Any]]) -> None:
        """Record the passages a reply's model was given (JSON on the message)."""
        with self._write("save the reply's sources"):
            self.db.execute(
                "UPDATE messages SET sources = ? WHERE id = ?", [json.dumps(sources, ensure_ascii=False), message_id]
            )

    # -- retrieval --------------------------------------------------------------------------------
    def search_passages(self, question: str, library_ids: Sequence[int], *, limit: int = 8) -> list[dict[str, Any]]:
        """The passages of these libraries that best match `question`, best first: id, text, page,
        line, path, document_id and score (BM25, higher is better)."""
        expression = retrieval_expression(question)
        if expression is None or not library_ids:
            return []
        marks = ", ".join("?" for _ in library_ids)
        with self._guard("search your documents"):
            rows = self.db.execute(
                f"""
                SELECT p.id, p.text, p.page, p.line, d.path, d.id, -bm25(passages_fts) AS score
                FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN documents d ON d.id = p.document_id
                WHERE passages_fts MATCH ? AND d.library_id IN ({marks})
                ORDER BY bm25(passages_fts) LIMIT ?
                """,
                [expression, *library_ids, int(limit)],
            ).fetchall()
        keys = ("id", "text", "page", "line", "path", "document_id", "score")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- vectors (an embedding model's) ------------------------------------------------------------
    def passages_without_vectors(self, library_id: int, model: str, *, limit: int = 10_000) -> list[tuple[int, str]]:
        """(id, text) of the library's passages that have no vector from `model` yet."""
        with self._guard("read the passages"):
            return self.db.execute(
                """
                SELECT p.id, p.text FROM passages p JOIN documents d ON d.id = p.document_id
                WHERE d.library_id = ? AND NOT EXISTS (
                    SELECT 1 FROM passage_vectors v WHERE v.passage_id = p.id AND v.model = ?
                )
                ORDER BY p.id LIMIT ?
                """,
                [library_id, model, int(limit)],
            ).fetchall()

    def put_vectors(self, model: str, vectors: Sequence[tuple[int, Sequence[float]]]) -> None:
        import numpy as np

        rows = [(pid, model, np.asarray(v, dtype="<f4").tobytes()) for pid, v in vectors]
        self._passage_writes += 1
        with self._write("save the passages' vectors"):
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO passage_vectors (passage_id, model, vector) VALUES (?, ?, ?)", rows
            )

    def search_vectors(
        self, vector: Sequence[float], library_ids: Sequence[int], model: str, *, limit: int = 8
    ) -> list[dict[str, Any]]:
        """The passages whose vectors (from `model`) are nearest to `vector` (cosine), best first."""
        import numpy as np

        if not library_ids:
            return []
        keys, matrix = self._vector_matrix(tuple(sorted(library_ids)), model)
        query = np.asarray(vector, dtype="<f4")
        if not len(keys) or matrix.shape[1] != query.shape[0]:
            return []
        scores = matrix @ query
        count = min(limit, len(keys))
        best = np.argpartition(-scores, count - 1)[:count]
        chosen = {int(keys[i]): float(scores[i]) for i in best}
        with self._guard("search your documents"):
            found = self.db.execute(
                f"{_PASSAGE_SELECT} WHERE p.id IN ({', '.join('?' for _ in chosen)})", list(chosen)
            ).fetchall()
        hits = [dict(zip(_PASSAGE_KEYS, row, strict=True), score=chosen[row[0]]) for row in found]
        return sorted(hits, key=lambda hit: -hit["score"])

    def _vector_matrix(self, library_ids: tuple[int, ...], model: str):
        """(passage ids, their vectors as one float32 matrix), read once and kept while nothing
        changes: this connection's writes and other connections' commits (PRAGMA data_version)
        both make it read again. A question over 100,000 passages then costs one product."""
        import numpy as np

        with self._guard("search your documents"):
            version = (self.db.execute("PRAGMA data_version").fetchone()[0], self._passage_writes)
        if self._vectors_read[:2] == ((library_ids, model), version):
            return self._vectors_read[2:]
        marks = ", ".join("?" for _ in library_ids)
        with self._guard("search your documents"):
            rows = self.db.execute(
                f"""
                SELECT v.passage_id, v.vector FROM passage_vectors v JOIN passages p ON p.id = v.passage_id
                JOIN documents d ON d.id = p.document_id WHERE v.model = ? AND d.library_id IN ({marks})
                """,
                [model, *library_ids],
            ).fetchall()
        keys = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype="<f4")
        matrix = matrix.reshape(len(rows), -1) if rows else matrix.reshape(0, 0)
        self._vectors_read = ((library_ids, model), version, keys, matrix)  # one set of libraries at a time
        return keys, matrix

    def document_passages(self, document_id: int) -> list[dict[str, Any]]:
        """Every passage of a document, in order (to give a small document whole)."""
        with self._guard("read the document"):
            rows = self.db.execute(
                f"{_PASSAGE_SELECT} WHERE p.document_id = ? ORDER BY p.seq", [document_id]
            ).fetchall()
        return [dict(zip(_PASSAGE_KEYS, row, strict=True)) for row in rows]
