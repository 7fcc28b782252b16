"""What every part of the Store shares: the row helpers (called with the lock held, inside a read or
a write) and the writer lease that marks this Store's streaming replies as alive (lease.py).

The Store is put together from parts, each a small module: store.py (conversations, messages,
search), turns.py (writing replies), transfer.py (export and import).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.store import lease as leases
from assistant.store.db import Connection
from assistant.store.errors import NotFoundError
from assistant.store.records import (
    CONVERSATION_COLUMNS,
    MARK_COLUMNS,
    MESSAGE_COLUMNS,
    NOTE_COLUMNS,
    conversation_from_row,
    mark_from_row,
    message_from_row,
)

log = logging.getLogger("bothy.store")

CONVERSATION_SELECT = f"SELECT {', '.join(CONVERSATION_COLUMNS)} FROM conversations"
MESSAGE_SELECT = f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM messages"
MARK_SELECT = f"SELECT {', '.join(MARK_COLUMNS)} FROM context_marks"
NOTE_SELECT = f"SELECT {', '.join(NOTE_COLUMNS)} FROM memory_notes"

# The active path, walked up from the conversation's active leaf through the parents. UNION (not
# UNION ALL) ends the walk even on a damaged database whose parents loop.
PATH_SQL = f"""
WITH RECURSIVE path(id) AS (
    SELECT :leaf
    UNION
    SELECT messages.parent_id FROM messages JOIN path ON messages.id = path.id
    WHERE messages.parent_id IS NOT NULL
)
{MESSAGE_SELECT} WHERE conversation_id = :conversation_id AND id IN (SELECT id FROM path) ORDER BY seq
"""

# The message and every message above it, up to the conversation's first.
ANCESTORS_SQL = """
WITH RECURSIVE above(id) AS (
    SELECT :message_id
    UNION
    SELECT messages.parent_id FROM messages JOIN above ON messages.id = above.id
    WHERE messages.parent_id IS NOT NULL
)
SELECT id FROM above
"""


# Whether any message of the conversation has alternatives (siblings); an index lookup.
FORKED_SQL = "SELECT 1 FROM messages WHERE conversation_id = ? GROUP BY parent_id HAVING count(*) > 1 LIMIT 1"

_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on parameters


def chunks(ids: Sequence[int]) -> list[tuple[str, list[int]]]:
    """`ids` in pieces, each with the placeholders of its IN (...) list."""
    return [
        (", ".join("?" for _ in ids[start : start + _CHUNK]), list(ids[start : start + _CHUNK]))
        for start in range(0, len(ids), _CHUNK)
    ]


class StoreBase(Connection):
    _lease: leases.Lease | None = None

    # ---- the writer lease --------------------------------------------------------------------

    @property
    def writer(self) -> str | None:
        """This Store's writer id, once it has streamed a reply (None before, or without a lease)."""
        lease = self._lease
        return None if lease is None else lease.writer

    def _writer(self) -> str | None:
        """The writer id to record on a new streaming row, taking the lease on first use.

        If the lease cannot be taken (the folder is not writable), the row gets no writer: the reply
        is still saved, and a start-up recovery treats it as an older Bothy's row.
        """
        with self._lock:
            if self._lease is None and not self._closed:
                try:
                    self._lease = leases.Lease.acquire(leases.folder_for(self.path))
                except OSError as exc:
                    log.warning("no writer lease in %s (%s): replies may be recovered early", self.path.parent, exc)
                    return None
            return self.writer

    def close(self) -> None:
        """Close the database and give up the writer lease. Safe to call twice."""
        with self._lock:
            try:
                super().close()
            finally:
                lease, self._lease = self._lease, None
                if lease is not None:
                    lease.release()

    # ---- rows (call with the lock held) --------------------------------------------------------

    def _conversation(self, conversation_id: int) -> dict[str, Any]:
        rows = list(self.db.query(f"{CONVERSATION_SELECT} WHERE id = ?", [conversation_id]))
        if not rows:
            raise NotFoundError(f"Conversation {conversation_id} does not exist (it may have been deleted).")
        return conversation_from_row(rows[0])

    def _message(self, message_id: int) -> dict[str, Any]:
        rows = list(self.db.query(f"{MESSAGE_SELECT} WHERE id = ?", [message_id]))
        if not rows:
            raise NotFoundError(f"Message {message_id} does not exist (it may have been deleted).")
        return message_from_row(rows[0])

    def _messages(self, conversation_id: int) -> list[dict[str, Any]]:
        """The active path: the messages from the first to the conversation's active leaf, in order."""
        forked = self.db.execute(FORKED_SQL, [conversation_id]).fetchone()
        if forked is None:  # one path (most conversations): all of it, in order, without the walk
            messages = self._tree_messages(conversation_id)
            if not messages or messages[-1]["id"] == self._leaf(conversation_id):
                return messages
        leaf = self._leaf(conversation_id)
        rows = self.db.query(PATH_SQL, {"conversation_id": conversation_id, "leaf": leaf})
        return [message_from_row(row) for row in rows]

    def _tree_messages(self, conversation_id: int) -> list[dict[str, Any]]:
        """Every message of the conversation, of every branch, in the order they were written (each
        parent before its children)."""
        rows = self.db.query(f"{MESSAGE_SELECT} WHERE conversation_id = ? ORDER BY seq", [conversation_id])
        return [message_from_row(row) for row in rows]

    def _leaf(self, conversation_id: int) -> int | None:
        """The active leaf; for rows written without one (by another tool), the newest message."""
        row = self.db.execute("SELECT active_leaf FROM conversations WHERE id = ?", [conversation_id]).fetchone()
        if row is None or row[0] is not None:
            return None if row is None else row[0]
        newest = self.db.execute(
            "SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1", [conversation_id]
        ).fetchone()
        return None if newest is None else newest[0]

    def _set_leaf(self, conversation_id: int, message_id: int | None) -> None:
        self.db.execute("UPDATE conversations SET active_leaf = ? WHERE id = ?", [message_id, conversation_id])

    def _ancestor_ids(self, message_id: int) -> list[int]:
        """The path from the conversation's first message down to `message_id`, in order."""
        rows = self.db.execute(ANCESTORS_SQL, {"message_id": message_id}).fetchall()
        return sorted(row[0] for row in rows)

    def _exists(self, table: str, ids: list[int]) -> bool:
        return any(
            self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [value]).fetchone() is not None for value in ids
        )

    def _next_seq(self, conversation_id: int) -> int:
        row = self.db.execute("SELECT max(seq) FROM messages WHERE conversation_id = ?", [conversation_id]).fetchone()
        return 1 if row[0] is None else row[0] + 1

    def _touch(self, conversation_id: int, stamp: str) -> None:
        self.db.execute("UPDATE conversations SET updated = ? WHERE id = ?", [stamp, conversation_id])

    def _insert_message(self, values: Mapping[str, Any]) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        return self.db.execute(f"INSERT INTO messages ({columns}) VALUES ({marks})", list(values.values())).lastrowid

    def _marks(self, conversation_id: int, *, every_branch: bool = False) -> list[dict[str, Any]]:
        """The context marks (memory.py) of the conversation's active path (of every branch, with
        `every_branch`), oldest range first. A mark belongs to the paths that hold its last message."""
        rows = self.db.query(f"{MARK_SELECT} WHERE conversation_id = ? ORDER BY last_message_id, id", [conversation_id])
        marks = [mark_from_row(row) for row in rows]
        if every_branch or not marks:
            return marks
        path = {message["id"] for message in self._messages(conversation_id)}
        return [mark for mark in marks if mark["last_message_id"] in path]

    def _conversation_notes(self, conversation_id: int) -> list[dict[str, Any]]:
        rows = self.db.query(f"{NOTE_SELECT} WHERE conversation_id = ? ORDER BY id", [conversation_id])
        return [dict(row) for row in rows]
