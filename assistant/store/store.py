"""The conversation store: Bothy's chat history in one SQLite database.

Records are plain dicts (see assistant.store.records for their keys):

- conversation: id, title (str | None), created, updated (ISO-8601 UTC "…Z"), pinned (bool),
  model, system_prompt (str | None), settings (dict | None).
- message: id, conversation_id, seq (its position, increasing within the conversation), role
  ('system' | 'user' | 'assistant'), content, status ('streaming' | 'complete' | 'cancelled' |
  'error' | 'interrupted'), error, created, engine (what ran the model, e.g. "llama.cpp"), model_ref
  (a stable name for the model, e.g. "local:/path/a.gguf"), model_file, model_size, model_sha256,
  sampling (dict | None), prompt_tokens, reply_tokens, ttft_ms, tokens_per_s, finish_reason
  ('stop' | 'length' | 'cancelled' | 'error' | None).

A conversation's `updated` is its last activity (a message written or finished, messages deleted);
renaming, pinning and changing settings do not move it in the sidebar.

Errors: an unknown id raises NotFoundError (a StoreError and a KeyError). A full disk, a read-only
or locked file or a damaged database raises StoreError with a message for people. Wrong arguments
(a bad status, an unknown field) raise ValueError or TypeError: those are bugs.
Every write is one transaction: either all of it happens or none of it.

The Store is put together from parts: this module (conversations, messages, search, delete all),
turns.py (writing a turn and its reply, recovery of replies whose writer is gone), transfer.py
(export and import) and base.py (shared row helpers and the writer lease).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from assistant import paths
from assistant.errors import StoreError
from assistant.store import export, search
from assistant.store.api_records import ApiRecords
from assistant.store.base import CONVERSATION_SELECT, chunks
from assistant.store.db import DEFAULT_TIMEOUT
from assistant.store.documents import Documents
from assistant.store.imports import Imports
from assistant.store.memory import Memory
from assistant.store.records import (
    clean_optional,
    clean_text,
    clean_title,
    conversation_from_row,
    encode_json,
    now,
)
from assistant.store.transfer import Transfer
from assistant.store.tree import Tree
from assistant.store.turns import Turns

_UPDATABLE = ("title", "model", "system_prompt", "settings", "pinned")


class Store(Turns, Tree, Imports, Transfer, Memory, ApiRecords, Documents):
    """Bothy's conversations and messages. `Store()` opens (creating and migrating) paths.db_path().

    `timeout` is how long a write waits for another program holding the database (seconds).
    Use it as a context manager or call close(). One Store may be shared by threads (calls are
    serialised by a lock); a second Store (or a second copy of Bothy) on the same file also works,
    thanks to WAL and the busy timeout. A Store that streams a reply holds a writer lease until it is
    closed (see lease.py), so recover_interrupted() anywhere leaves that reply alone.

    Attributes: `path`, the database file; `db`, the sqlite_utils.Database (for tests and
    maintenance; writes through it bypass the search index).
    """

    def __init__(self, path: Path | str | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        super().__init__(Path(path) if path is not None else paths.db_path(), timeout)

    # ---- conversations -----------------------------------------------------------------------

    def create_conversation(
        self,
        *,
        title: str | None = None,
        model: str | None = None,
        system_prompt: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new, empty conversation. An empty or blank title is stored as None (untitled)."""
        values = (clean_title(title), clean_optional(model), clean_optional(system_prompt))
        settings_json = encode_json(settings, "settings")
        with self._write("create the conversation"):
            stamp = now()
            cursor = self.db.execute(
                "INSERT INTO conversations (title, created, updated, pinned, model, system_prompt, settings) "
                "VALUES (?, ?, ?, 0, ?, ?, ?)",
                [values[0], stamp, stamp, values[1], values[2], settings_json],
            )
            return self._conversation(cursor.lastrowid)

    def get_conversation(self, conversation_id: int) -> dict[str, Any]:
        """The conversation. Raises NotFoundError when there is none with this id."""
        with self._guard("load the conversation"):
            return self._conversation(conversation_id)

    def list_conversations(self, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Conversations for the sidebar: pinned first, then most recently updated (then newest id)."""
        with self._guard("load the list of conversations"):
            rows = self.db.query(
                f"{CONVERSATION_SELECT} ORDER BY pinned DESC, updated DESC, id DESC LIMIT ? OFFSET ?",
                [-1 if limit is None else limit, offset],
            )
            return [conversation_from_row(row) for row in rows]

    def count_conversations(self) -> int:
        with self._guard("count the conversations"):
            return self.db.execute("SELECT count(*) FROM conversations").fetchone()[0]

    def rename_conversation(self, conversation_id: int, title: str | None) -> dict[str, Any]:
        """Set the title (blank -> None). Returns the updated conversation."""
        return self.update_conversation(conversation_id, title=title)

    def set_pinned(self, conversation_id: int, pinned: bool) -> dict[str, Any]:
        return self.update_conversation(conversation_id, pinned=pinned)

    def update_conversation(self, conversation_id: int, **fields: Any) -> dict[str, Any]:
        """Change any of title, model, system_prompt, settings (a dict, replaced whole) and pinned.

        Returns the updated conversation. Unknown field names raise TypeError.
        """
        unknown = set(fields) - set(_UPDATABLE)
        if unknown:
            raise TypeError(f"update_conversation() cannot change {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "title":
                values[name] = clean_title(value)
            elif name == "settings":
                values[name] = encode_json(value, "settings")
            elif name == "pinned":
                values[name] = int(bool(value))
            else:
                values[name] = clean_optional(value)
        with self._write("save the conversation"):
            self._conversation(conversation_id)
            if values:
                assignments = ", ".join(f"{name} = ?" for name in values)
                self.db.execute(
                    f"UPDATE conversations SET {assignments} WHERE id = ?",
                    [*values.values(), conversation_id],
                )
            return self._conversation(conversation_id)

    def delete_conversation(self, conversation_id: int) -> dict[str, Any]:
        """Delete a conversation and its messages. Returns them as an export dict (with their ids), which
        restore_conversation() puts back as they were, for "undo"."""
        with self._write("delete the conversation"):
            data = self._export(conversation_id)
            self.db.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])
            return data

    def delete_all_conversations(self, *, keep: Iterable[int] = ()) -> int:
        """Delete every conversation but those in `keep` (e.g. the one whose reply is streaming), with
        their messages and search index rows, in one transaction. Returns how many were deleted.

        A few set-based statements, whatever the size of the history: the search index is emptied
        at once (search.clear_index) and the finished messages of the kept conversations, meant to
        be few, are indexed again.
        """
        keep = sorted({int(value) for value in keep})
        marks = ", ".join("?" for _ in keep)
        with self._write("delete the conversations"):
            others = self.db.execute(f"SELECT count(*) FROM conversations WHERE id NOT IN ({marks})", keep)
            if others.fetchone()[0] == 0:
                return 0
            search.clear_index(self.db)
            self.db.execute(f"DELETE FROM messages WHERE conversation_id NOT IN ({marks})", keep)
            deleted = self.db.execute(f"DELETE FROM conversations WHERE id NOT IN ({marks})", keep).rowcount
            for chunk_marks, ids in chunks(keep):
                where = f"status != 'streaming' AND conversation_id IN ({chunk_marks})"
                cursor = self.db.conn.execute(f"SELECT id, content FROM messages WHERE {where}", ids)
                while batch := cursor.fetchmany(500):
                    search.index_messages(self.db, batch)
            return deleted

    def restore_conversation(self, data: Mapping[str, Any]) -> int:
        """Put back a conversation returned by delete_conversation(), with the same ids.

        Raises StoreError if the data is not valid or lacks ids, or if those ids are in use again.
        """
        parsed = export.parse(data, data_name="deleted conversation")
        ids = [parsed.conversation["id"], *(m["id"] for m in parsed.messages)]
        if any(value is None for value in ids) or len(set(ids[1:])) != len(ids) - 1:
            raise StoreError("Bothy cannot restore this conversation: its ids are missing or repeated.")
        with self._write("restore the conversation"):
            if self._exists("conversations", [parsed.conversation["id"]]) or self._exists("messages", ids[1:]):
                raise StoreError("Bothy cannot restore this conversation: it is already there.")
            return self._insert(parsed, keep_ids=True)

    # ---- messages ----------------------------------------------------------------------------

    def messages(self, conversation_id: int, *, limit: int | None = None) -> list[dict[str, Any]]:
        """The conversation's active path in order: the messages from the first down to its active
        leaf (only the last `limit` of them, when given). See tree.py for the other branches.

        Raises NotFoundError for an unknown conversation.
        """
        with self._guard("load the conversation"):
            self._conversation(conversation_id)
            messages = self._messages(conversation_id)
            return messages if limit is None else messages[max(0, len(messages) - limit) :]

    def message(self, message_id: int) -> dict[str, Any]:
        """One message. Raises NotFoundError when there is none with this id."""
        with self._guard("load the message"):
            return self._message(message_id)

    # ---- search ------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        markers: tuple[str, str] = ("[", "]"),
        conversation_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Finished messages that contain every word of `query`, newest first.

        Words match by prefix ("mod" finds "models"); Chinese, Japanese and Korean text matches
        anywhere inside a word (模型 finds 大模型). Any input is safe: nothing is FTS syntax.
        Each hit: message_id, conversation_id, conversation_title, role, created, and snippet (a
        short extract of the original text, matches wrapped in `markers`, cuts shown as "…").
        """
        with self._guard("search the conversations"):
            return search.search(
                self.db, clean_text(query), limit=limit, markers=markers, conversation_id=conversation_id
            )

    def rebuild_search_index(self) -> int:
        """Rebuild the search index from the messages (a repair tool). Returns how many are indexed."""
        with self._write("rebuild the search index"):
            return search.reindex_all(self.db)
