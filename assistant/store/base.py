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
        rows = self.db.query(f"{MESSAGE_SELECT} WHERE conversation_id = ? ORDER BY seq", [conversation_id])
        return [message_from_row(row) for row in rows]

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

    def _forget_marks_from(self, conversation_id: int, message_id: int) -> None:
        """Messages from `message_id` on are being deleted: the context marks (memory.py) that reach them go too."""
        self.db.execute(
            "DELETE FROM context_marks WHERE conversation_id = ? AND last_message_id >= ?",
            [conversation_id, message_id],
        )

    def _marks(self, conversation_id: int) -> list[dict[str, Any]]:
        """The conversation's context marks (memory.py), oldest range first."""
        rows = self.db.query(f"{MARK_SELECT} WHERE conversation_id = ? ORDER BY last_message_id, id", [conversation_id])
        return [mark_from_row(row) for row in rows]

    def _conversation_notes(self, conversation_id: int) -> list[dict[str, Any]]:
        rows = self.db.query(f"{NOTE_SELECT} WHERE conversation_id = ? ORDER BY id", [conversation_id])
        return [dict(row) for row in rows]
