"""The conversation store: Bothy's chat history in one SQLite database.

Records are plain dicts (see assistant.store.records for their keys):

- conversation: id, title (str | None), created, updated (ISO-8601 UTC "…Z"), pinned (bool),
  model, system_prompt (str | None), settings (dict | None).
- message: id, conversation_id, seq (its position, increasing within the conversation), role
  ('system' | 'user' | 'assistant'), content, status ('streaming' | 'complete' | 'cancelled' |
  'error' | 'interrupted'), error, created, model_file, model_size, model_sha256, sampling (dict |
  None), prompt_tokens, reply_tokens, ttft_ms, tokens_per_s, finish_reason ('stop' | 'length' |
  'cancelled' | 'error' | None).

A conversation's `updated` is its last activity (a message written or finished, messages deleted);
renaming, pinning and changing settings do not move it in the sidebar.

Errors: an unknown id raises NotFoundError (a StoreError and a KeyError). A full disk, a read-only
or locked file or a damaged database raises StoreError with a message for people. Wrong arguments
(a bad status, an unknown field) raise ValueError or TypeError: those are bugs.
Every write is one transaction: either all of it happens or none of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from assistant import paths
from assistant.errors import StoreError
from assistant.store import export, search
from assistant.store.db import DEFAULT_TIMEOUT, Connection
from assistant.store.errors import NotFoundError
from assistant.store.records import (
    CONVERSATION_COLUMNS,
    FINISHED_STATUSES,
    MESSAGE_COLUMNS,
    clean_optional,
    clean_text,
    clean_title,
    conversation_from_row,
    encode_json,
    message_from_row,
    now,
    reply_values,
    stats_values,
    title_from_text,
)

_CONVERSATION_SELECT = f"SELECT {', '.join(CONVERSATION_COLUMNS)} FROM conversations"
_MESSAGE_SELECT = f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM messages"
_UPDATABLE = ("title", "model", "system_prompt", "settings", "pinned")


class Store(Connection):
    """Bothy's conversations and messages. `Store()` opens (creating and migrating) paths.db_path().

    `timeout` is how long a write waits for another program holding the database (seconds).
    Use it as a context manager or call close(). One Store may be shared by threads (calls are
    serialised by a lock); a second Store (or a second copy of Bothy) on the same file also works,
    thanks to WAL and the busy timeout.

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
                f"{_CONVERSATION_SELECT} ORDER BY pinned DESC, updated DESC, id DESC LIMIT ? OFFSET ?",
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
        """The conversation's messages in order (only the last `limit` of them, when given).

        Raises NotFoundError for an unknown conversation.
        """
        with self._guard("load the conversation"):
            self._conversation(conversation_id)
            if limit is None:
                rows = self.db.query(f"{_MESSAGE_SELECT} WHERE conversation_id = ? ORDER BY seq", [conversation_id])
                return [message_from_row(row) for row in rows]
            rows = self.db.query(
                f"{_MESSAGE_SELECT} WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?",
                [conversation_id, limit],
            )
            return [message_from_row(row) for row in rows][::-1]

    def message(self, message_id: int) -> dict[str, Any]:
        """One message. Raises NotFoundError when there is none with this id."""
        with self._guard("load the message"):
            return self._message(message_id)

    def begin_turn(
        self,
        conversation_id: int,
        user_text: str,
        *,
        model_file: str | None = None,
        model_size: int | None = None,
        model_sha256: str | None = None,
        sampling: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Start a turn in one transaction: the user's message (complete), an empty assistant message
        (streaming, with the model and sampling details), the conversation's `updated`, and its title
        from `user_text` when it has none. Returns (user_message, assistant_message)."""
        user_text = clean_text(user_text)
        reply = reply_values(model_file, model_size, model_sha256, sampling)
        with self._write("save your message"):
            conversation = self._conversation(conversation_id)
            stamp = now()
            seq = self._next_seq(conversation_id)
            user_id = self._insert_message(
                {
                    "conversation_id": conversation_id,
                    "seq": seq,
                    "role": "user",
                    "content": user_text,
                    "status": "complete",
                    "created": stamp,
                }
            )
            search.index_messages(self.db, [(user_id, user_text)])
            reply_id = self._insert_message(
                {**reply, "conversation_id": conversation_id, "seq": seq + 1, "created": stamp}
            )
            title = conversation["title"] or title_from_text(user_text)
            self.db.execute(
                "UPDATE conversations SET updated = ?, title = ? WHERE id = ?",
                [stamp, title, conversation_id],
            )
            return self._message(user_id), self._message(reply_id)

    def begin_reply(
        self,
        conversation_id: int,
        *,
        model_file: str | None = None,
        model_size: int | None = None,
        model_sha256: str | None = None,
        sampling: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Start only an assistant message (streaming), e.g. to regenerate a reply. Returns it."""
        reply = reply_values(model_file, model_size, model_sha256, sampling)
        with self._write("start the reply"):
            self._conversation(conversation_id)
            seq = self._next_seq(conversation_id)
            reply_id = self._insert_message({**reply, "conversation_id": conversation_id, "seq": seq})
            self._touch(conversation_id, reply["created"])
            return self._message(reply_id)

    def update_reply(self, message_id: int, content: str) -> None:
        """Save the text streamed so far (one UPDATE of one row; the search index is not touched).

        Raises NotFoundError for an unknown message, ValueError when it is no longer streaming.
        """
        content = clean_text(content)
        with self._write("save the reply"):
            cursor = self.db.execute(
                "UPDATE messages SET content = ? WHERE id = ? AND status = 'streaming'", [content, message_id]
            )
            if cursor.rowcount == 0:
                status = self._message(message_id)["status"]
                raise ValueError(f"message {message_id} is {status}, not streaming")

    def finish_reply(
        self,
        message_id: int,
        content: str,
        *,
        status: str,
        stats: Mapping[str, Any] | None = None,
        error: str | None = None,
    ) -> dict[str, Any]:
        """Write a reply's final text, status and statistics, and add it to the search index.

        `status` is 'complete', 'cancelled', 'error' or 'interrupted'. `stats` may hold
        prompt_tokens, reply_tokens, ttft_ms, tokens_per_s and finish_reason (other keys raise
        ValueError); without a finish_reason, 'cancelled' and 'error' statuses record their own.
        Returns the finished message.
        """
        if status not in FINISHED_STATUSES:
            raise ValueError(f"status must be one of {', '.join(FINISHED_STATUSES)}, not {status!r}")
        values = stats_values(stats, status)
        values.update(content=clean_text(content), status=status, error=clean_optional(error))
        with self._write("save the reply"):
            conversation_id = self._message(message_id)["conversation_id"]
            assignments = ", ".join(f"{name} = ?" for name in values)
            self.db.execute(f"UPDATE messages SET {assignments} WHERE id = ?", [*values.values(), message_id])
            search.index_messages(self.db, [(message_id, values["content"])])
            self._touch(conversation_id, now())
            return self._message(message_id)

    def delete_messages_from(self, conversation_id: int, message_id: int) -> int:
        """Delete `message_id` and every later message of the conversation (edit & resend,
        regenerate). Returns how many were deleted. NotFoundError if the message is not in it."""
        with self._write("delete the messages"):
            message = self._message(message_id)
            if message["conversation_id"] != conversation_id:
                raise NotFoundError(f"Message {message_id} is not in conversation {conversation_id}.")
            cursor = self.db.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND seq >= ?",
                [conversation_id, message["seq"]],
            )
            self._touch(conversation_id, now())
            return cursor.rowcount

    def recover_interrupted(self) -> int:
        """Mark replies left 'streaming' by a previous run as 'interrupted' (their text is kept) and
        index them for search. Call once at start, before any reply streams. Returns how many."""
        with self._write("recover unfinished replies"):
            rows = self.db.execute("SELECT id, content FROM messages WHERE status = 'streaming'").fetchall()
            self.db.execute("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'")
            search.index_messages(self.db, rows)
            return len(rows)

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

    # ---- export and import -------------------------------------------------------------------

    def export_json(self, conversation_id: int) -> dict[str, Any]:
        """The conversation as a versioned export dict (see assistant.store.export); JSON-ready."""
        with self._guard("export the conversation"):
            return self._export(conversation_id)

    def export_markdown(self, conversation_id: int) -> str:
        with self._guard("export the conversation"):
            return export.to_markdown(self._conversation(conversation_id), self.messages(conversation_id))

    def export_all(self) -> Iterator[dict[str, Any]]:
        """Every conversation as an export dict, oldest first, one at a time (each read when needed)."""
        with self._guard("export the conversations"):
            ids = [row[0] for row in self.db.execute("SELECT id FROM conversations ORDER BY id").fetchall()]
        for conversation_id in ids:
            try:
                yield self.export_json(conversation_id)
            except NotFoundError:
                continue  # Deleted while exporting.

    def import_json(self, data: Mapping[str, Any]) -> int:
        """Add an exported conversation as a new one (new ids) and return its id. Messages keep their
        text, roles, status, statistics and times. Raises StoreError, saying why, for bad data."""
        parsed = export.parse(data)
        with self._write("import the conversation"):
            return self._insert(parsed, keep_ids=False)

    # ---- helpers (call with the lock held) ---------------------------------------------------

    def _conversation(self, conversation_id: int) -> dict[str, Any]:
        rows = list(self.db.query(f"{_CONVERSATION_SELECT} WHERE id = ?", [conversation_id]))
        if not rows:
            raise NotFoundError(f"Conversation {conversation_id} does not exist (it may have been deleted).")
        return conversation_from_row(rows[0])

    def _message(self, message_id: int) -> dict[str, Any]:
        rows = list(self.db.query(f"{_MESSAGE_SELECT} WHERE id = ?", [message_id]))
        if not rows:
            raise NotFoundError(f"Message {message_id} does not exist (it may have been deleted).")
        return message_from_row(rows[0])

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

    def _export(self, conversation_id: int) -> dict[str, Any]:
        conversation = self._conversation(conversation_id)
        rows = self.db.query(f"{_MESSAGE_SELECT} WHERE conversation_id = ? ORDER BY seq", [conversation_id])
        return export.to_json(conversation, [message_from_row(row) for row in rows])

    def _insert(self, parsed: export.Parsed, *, keep_ids: bool) -> int:
        conversation = dict(parsed.conversation)
        if not keep_ids:
            conversation.pop("id")
        columns = ", ".join(conversation)
        marks = ", ".join("?" for _ in conversation)
        cursor = self.db.execute(f"INSERT INTO conversations ({columns}) VALUES ({marks})", list(conversation.values()))
        conversation_id = cursor.lastrowid
        indexed = []
        for seq, message in enumerate(parsed.messages, start=1):
            values = dict(message, conversation_id=conversation_id, seq=seq)
            if not keep_ids:
                values.pop("id")
            message_id = self._insert_message(values)
            indexed.append((message_id, values["content"]))
        search.index_messages(self.db, indexed)
        return conversation_id
