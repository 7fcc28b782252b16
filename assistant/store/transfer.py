"""Export and import: conversations out to JSON and Markdown, and back in from any JSON Bothy wrote
(see export.py for the formats)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from assistant.store import export, search
from assistant.store.base import StoreBase
from assistant.store.errors import NotFoundError


class Transfer(StoreBase):
    def export_json(self, conversation_id: int) -> dict[str, Any]:
        """The conversation as a versioned export dict (see assistant.store.export); JSON-ready."""
        with self._guard("export the conversation"):
            return self._export(conversation_id)

    def export_markdown(self, conversation_id: int) -> str:
        with self._guard("export the conversation"):
            return export.to_markdown(
                self._conversation(conversation_id),
                self._messages(conversation_id),
                marks=self._marks(conversation_id),
                notes=self._conversation_notes(conversation_id),
            )

    def export_all(self) -> Iterator[dict[str, Any]]:
        """Every conversation as an export dict, oldest first, one at a time (each read when needed)."""
        with self._guard("export the conversations"):
            ids = [row[0] for row in self.db.execute("SELECT id FROM conversations ORDER BY id").fetchall()]
        for conversation_id in ids:
            try:
                yield self.export_json(conversation_id)
            except NotFoundError:
                continue  # Deleted while exporting.

    def export_bundle(self) -> dict[str, Any]:
        """Every conversation in one versioned bundle dict ("Export all"); import_data() reads it."""
        return export.bundle(self.export_all())

    def write_bundle(self, fp: TextIO) -> int:
        """Write the bundle of every conversation to the text file `fp` as JSON, one conversation at
        a time (a big history is never all in memory). Returns how many conversations."""
        return export.write_bundle(fp, self.export_all())

    def import_json(self, data: Mapping[str, Any]) -> int:
        """Add one exported conversation as a new one (new ids) and return its id. Messages keep their
        text, roles, status, statistics and times. Raises StoreError, saying why, for bad data."""
        parsed = export.parse(data)
        with self._write("import the conversation"):
            return self._insert(parsed, keep_ids=False)

    def import_data(self, data: Any) -> list[int]:
        """Add every conversation in anything Bothy exported (one conversation's export, a bundle, or
        the bare list of exports that earlier versions' "Export all" wrote) as new conversations, all
        in one transaction: all of them or none. Returns their new ids, in the file's order.
        Raises StoreError, saying which conversation is wrong and why, for bad data."""
        parsed = export.parse_many(data)
        with self._write("import the conversations"):
            return [self._insert(one, keep_ids=False) for one in parsed]

    # ---- helpers (call with the lock held) ---------------------------------------------------

    def _export(self, conversation_id: int) -> dict[str, Any]:
        return export.to_json(
            self._conversation(conversation_id),
            self._tree_messages(conversation_id),
            marks=self._marks(conversation_id, every_branch=True),
            notes=self._conversation_notes(conversation_id),
            active={message["id"] for message in self._messages(conversation_id)},
        )

    def _insert(self, parsed: export.Parsed, *, keep_ids: bool) -> int:
        conversation = dict(parsed.conversation)
        if not keep_ids:
            conversation.pop("id")
        columns = ", ".join(conversation)
        marks = ", ".join("?" for _ in conversation)
        cursor = self.db.execute(f"INSERT INTO conversations ({columns}) VALUES ({marks})", list(conversation.values()))
        conversation_id = cursor.lastrowid
        indexed, ids = [], []
        for seq, (message, parent) in enumerate(zip(parsed.messages, parsed.parents, strict=True), start=1):
            values = dict(message, conversation_id=conversation_id, seq=seq)
            values["parent_id"] = None if parent is None else ids[parent]
            if not keep_ids:
                values.pop("id")
            message_id = self._insert_message(values)
            ids.append(message_id)
            indexed.append((message_id, values["content"]))
        search.index_messages(self.db, indexed)
        if parsed.active_leaf is not None:
            self._set_leaf(conversation_id, ids[parsed.active_leaf])
        self._insert_memory(conversation_id, parsed, ids)
        return conversation_id

    def _insert_memory(self, conversation_id: int, parsed: export.Parsed, ids: list[int]) -> None:
        for mark in parsed.marks:
            values = dict(mark, conversation_id=conversation_id)
            first, last = values.pop("first"), values.pop("last")
            values.update(first_message_id=ids[first], last_message_id=ids[last], message_count=last - first + 1)
            columns = ", ".join(values)
            self.db.execute(
                f"INSERT INTO context_marks ({columns}) VALUES ({', '.join('?' for _ in values)})",
                list(values.values()),
            )
        for note in parsed.notes:
            self.db.execute(
                "INSERT INTO memory_notes (conversation_id, content, created, updated) VALUES (?, ?, ?, ?)",
                [conversation_id, note["content"], note["created"], note["updated"]],
            )
