"""The store's part for memory beyond the context window: pinned messages, context marks, memory notes.

- A pinned message is sent to the model on every turn (assistant/memory.py), never summarized away.
- A context mark stands for a range of a conversation's messages that no longer fit the model's
  context: kind 'summary' holds the model's summary of them (people may edit it), kind 'dropped'
  says they were left out (the sliding window, or a summary that failed: `note` says why). The
  range is `first_message_id`..`last_message_id` (message ids grow with a conversation's order). A
  mark never replaces a message: every message stays, searchable and exportable. The newest mark
  ends where the model's window of recent messages begins.
- A memory note is sent with the system prompt: for one conversation, or for all of them
  (conversation_id None).

A mark covers a stretch of one path of the conversation's tree (tree.py): it belongs to the
branches that hold its last message. Deleting a branch deletes the marks that reach into it.
"""

from __future__ import annotations

from typing import Any

from assistant.store.base import MARK_SELECT, NOTE_SELECT, StoreBase
from assistant.store.errors import NotFoundError
from assistant.store.records import (
    MARK_KINDS,
    clean_optional,
    clean_text,
    mark_from_row,
    now,
)


class Memory(StoreBase):
    # ---- pinned messages ---------------------------------------------------------------------

    def set_message_pinned(self, message_id: int, pinned: bool) -> dict[str, Any]:
        """Pin a message ("keep in memory": sent on every turn) or unpin it. Returns the message."""
        with self._write("pin the message"):
            self._message(message_id)
            self.db.execute("UPDATE messages SET pinned = ? WHERE id = ?", [int(bool(pinned)), message_id])
            return self._message(message_id)

    # ---- context marks -----------------------------------------------------------------------

    def context_marks(self, conversation_id: int) -> list[dict[str, Any]]:
        """The conversation's marks, oldest range first."""
        with self._guard("load the conversation's summaries"):
            return self._marks(conversation_id)

    def context_mark(self, mark_id: int) -> dict[str, Any]:
        """One mark. Raises NotFoundError when there is none with this id."""
        with self._guard("load the summary"):
            return self._mark(mark_id)

    def add_context_mark(
        self,
        conversation_id: int,
        *,
        kind: str,
        first_message_id: int,
        last_message_id: int,
        content: str = "",
        note: str | None = None,
        engine: str | None = None,
        model_ref: str | None = None,
        prompt_tokens: int | None = None,
        reply_tokens: int | None = None,
    ) -> dict[str, Any]:
        """Record that messages first..last (ids, inclusive, in the conversation) stand summarized
        (`content`) or were left out. Raises NotFoundError when a message is not in the conversation,
        ValueError for a bad kind or an empty range."""
        if kind not in MARK_KINDS:
            raise ValueError(f"kind must be one of {', '.join(MARK_KINDS)}, not {kind!r}")
        with self._write("save the summary"):
            first, last = self._message(first_message_id), self._message(last_message_id)
            if conversation_id not in (first["conversation_id"], last["conversation_id"]) or (
                first["conversation_id"] != last["conversation_id"]
            ):
                raise NotFoundError(f"Messages {first_message_id}..{last_message_id} are not in {conversation_id}.")
            if first["seq"] > last["seq"]:
                raise ValueError("a context mark needs its first message before its last")
            path = self._ancestor_ids(last_message_id)
            if first_message_id not in path:
                raise ValueError("a context mark covers one path: its first message must lead to its last")
            count = len(path) - path.index(first_message_id)
            cursor = self.db.execute(
                "INSERT INTO context_marks (conversation_id, kind, first_message_id, last_message_id, "
                "message_count, content, note, edited, created, engine, model_ref, prompt_tokens, reply_tokens) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                [
                    conversation_id,
                    kind,
                    first_message_id,
                    last_message_id,
                    count,
                    clean_text(content),
                    clean_optional(note),
                    now(),
                    clean_optional(engine),
                    clean_optional(model_ref),
                    prompt_tokens,
                    reply_tokens,
                ],
            )
            return self._mark(cursor.lastrowid)

    def update_context_mark(self, mark_id: int, content: str, *, edited: bool = True, **cost: Any) -> dict[str, Any]:
        """New text for a summary: the person's edit (edited=True), or the model's new one (with its
        `engine`, `model_ref`, `prompt_tokens`, `reply_tokens`). A 'dropped' mark becomes a summary."""
        unknown = set(cost) - {"engine", "model_ref", "prompt_tokens", "reply_tokens"}
        if unknown:
            raise TypeError(f"update_context_mark() cannot change {', '.join(sorted(unknown))}")
        values = {"content": clean_text(content), "edited": int(edited), "kind": "summary", "note": None, **cost}
        with self._write("save the summary"):
            self._mark(mark_id)
            assignments = ", ".join(f"{name} = ?" for name in values)
            self.db.execute(f"UPDATE context_marks SET {assignments} WHERE id = ?", [*values.values(), mark_id])
            return self._mark(mark_id)

    def delete_context_mark(self, mark_id: int) -> None:
        with self._write("delete the summary"):
            self._mark(mark_id)
            self.db.execute("DELETE FROM context_marks WHERE id = ?", [mark_id])

    # ---- memory notes ------------------------------------------------------------------------

    def memory_notes(self, conversation_id: int | None = None, *, with_global: bool = True) -> list[dict[str, Any]]:
        """Notes for every conversation (when `with_global`), then those of `conversation_id`, oldest first."""
        where, args = [], []
        if with_global:
            where.append("conversation_id IS NULL")
        if conversation_id is not None:
            where.append("conversation_id = ?")
            args.append(conversation_id)
        if not where:
            return []
        with self._guard("load the memory notes"):
            rows = self.db.query(
                f"{NOTE_SELECT} WHERE {' OR '.join(where)} ORDER BY conversation_id IS NOT NULL, id", args
            )
            return [dict(row) for row in rows]

    def add_memory_note(
        self, content: str, *, conversation_id: int | None = None, source_message_id: int | None = None
    ) -> dict[str, Any]:
        """A note sent with the system prompt (of one conversation, or of all when conversation_id is None)."""
        content = clean_text(content).strip()
        if not content:
            raise ValueError("a memory note needs some text")
        with self._write("save the memory note"):
            if conversation_id is not None:
                self._conversation(conversation_id)
            stamp = now()
            cursor = self.db.execute(
                "INSERT INTO memory_notes (conversation_id, content, source_message_id, created, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                [conversation_id, content, source_message_id, stamp, stamp],
            )
            return self._note(cursor.lastrowid)

    def update_memory_note(self, note_id: int, content: str) -> dict[str, Any]:
        content = clean_text(content).strip()
        if not content:
            raise ValueError("a memory note needs some text")
        with self._write("save the memory note"):
            self._note(note_id)
            self.db.execute("UPDATE memory_notes SET content = ?, updated = ? WHERE id = ?", [content, now(), note_id])
            return self._note(note_id)

    def delete_memory_note(self, note_id: int) -> None:
        with self._write("delete the memory note"):
            self._note(note_id)
            self.db.execute("DELETE FROM memory_notes WHERE id = ?", [note_id])

    # ---- helpers (call with the lock held) ---------------------------------------------------

    def _mark(self, mark_id: int) -> dict[str, Any]:
        rows = list(self.db.query(f"{MARK_SELECT} WHERE id = ?", [mark_id]))
        if not rows:
            raise NotFoundError(f"Summary {mark_id} does not exist (it may have been deleted).")
        return mark_from_row(rows[0])

    def _note(self, note_id: int) -> dict[str, Any]:
        rows = list(self.db.query(f"{NOTE_SELECT} WHERE id = ?", [note_id]))
        if not rows:
            raise NotFoundError(f"Memory note {note_id} does not exist (it may have been deleted).")
        return dict(rows[0])
