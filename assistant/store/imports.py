"""Importing what assistant.importers read: Bothy's own exports and other apps' conversations.

`import_result(result)` writes one file's conversations in one transaction: all of them, or none
when it fails or is cancelled. A conversation records where it came from (`import_source`, e.g.
"chatgpt", and that app's id for it, `import_key`), so importing the same file again adds nothing:
those conversations are counted as already there. Big imports are written with few statements
(message ids are given out here, so rows go in with executemany), about 100,000 messages a second
with their search index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import StoreError
from assistant.importers.types import ImportedConversation, ImportResult, Skipped
from assistant.store import search
from assistant.store.base import StoreBase
from assistant.store.records import STATUSES, clean_optional, clean_text, clean_title, now

_MESSAGE_INSERT = (
    "INSERT INTO messages (id, conversation_id, seq, parent_id, role, content, status, error, created, engine, "
    "model_ref, thinking) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class ImportCancelled(StoreError):
    """The person cancelled the import: nothing of it was kept."""


@dataclass
class ImportSummary:
    file_name: str
    source: str
    conversations: list[dict[str, Any]] = field(default_factory=list)  # id, title, messages
    skipped: list[Skipped] = field(default_factory=list)
    already: int = 0  # conversations imported before (the same source and id)

    @property
    def message_count(self) -> int:
        return sum(c["messages"] for c in self.conversations)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "source": self.source,
            "conversations": self.conversations,
            "messages": self.message_count,
            "already_imported": self.already,
            "skipped": [{"title": s.title, "reason": s.reason} for s in self.skipped],
        }


Progress = Callable[[int, int], None]


class Imports(StoreBase):
    def import_result(
        self,
        result: ImportResult,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        """Write the conversations of one file (assistant.importers.read_path()). `progress(done,
        total)` is called now and then; when `cancelled()` turns true, ImportCancelled is raised and
        nothing is kept. StoreError for a full disk and the like, with nothing kept either."""
        summary = ImportSummary(result.file_name, result.source, skipped=list(result.skipped))
        total = len(result.conversations) + len(result.native)
        step = max(1, total // 100)
        with self._write("import the conversations"):
            seen: dict[str, set[str]] = {}  # per source (a folder may hold several apps' exports)
            next_id = self._next_message_id()
            for done, item in enumerate([*result.native, *result.conversations], start=1):
                if cancelled is not None and cancelled():
                    raise ImportCancelled("The import was cancelled: nothing was imported.")
                source = item.source if isinstance(item, ImportedConversation) else "bothy"
                key = item.key if isinstance(item, ImportedConversation) else _native_key(item)
                if source not in seen:
                    seen[source] = self._imported_keys(source)
                if key in seen[source] or (source == "bothy" and self._still_here(item)):
                    summary.already += 1
                elif isinstance(item, ImportedConversation):
                    conversation_id, next_id = self._insert_imported(item, next_id)
                    summary.conversations.append(
                        {"id": conversation_id, "title": clean_title(item.title), "messages": len(item.messages)}
                    )
                else:
                    conversation_id = self._insert(item, keep_ids=False)
                    next_id = self._next_message_id()
                    self.db.execute(
                        "UPDATE conversations SET import_source = 'bothy', import_key = ? WHERE id = ?",
                        [key, conversation_id],
                    )
                    title = item.conversation.get("title")
                    summary.conversations.append(
                        {"id": conversation_id, "title": title, "messages": len(item.messages)}
                    )
                seen[source].add(key)
                if progress is not None and (done % step == 0 or done == total):
                    progress(done, total)
            if cancelled is not None and cancelled():
                raise ImportCancelled("The import was cancelled: nothing was imported.")
        return summary

    # ---- helpers (call with the lock held) ---------------------------------------------------

    def _imported_keys(self, source: str) -> set[str]:
        rows = self.db.execute("SELECT import_key FROM conversations WHERE import_source = ?", [source])
        return {row[0] for row in rows.fetchall()}

    def _still_here(self, parsed: Any) -> bool:
        """A Bothy export of a conversation this database still holds (the same id and start)."""
        conversation = parsed.conversation
        row = self.db.execute(
            "SELECT 1 FROM conversations WHERE id = ? AND created = ?",
            [conversation.get("id"), conversation.get("created")],
        ).fetchone()
        return row is not None

    def _next_message_id(self) -> int:
        """The next message id AUTOINCREMENT would give (it never gives an id twice, even a deleted one's)."""
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
        highest = self.db.execute("SELECT max(id) FROM messages").fetchone()[0]
        return max(row[0] if row else 0, highest or 0) + 1

    def _insert_imported(self, item: ImportedConversation, next_id: int) -> tuple[int, int]:
        stamp = now()
        times = [m.created for m in item.messages if m.created]
        created = item.created or (min(times) if times else stamp)
        updated = item.updated or (max(times) if times else created)
        cursor = self.db.execute(
            "INSERT INTO conversations (title, created, updated, pinned, model, system_prompt, import_source, "
            "import_key) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
            [
                clean_title(item.title),
                created,
                max(updated, created),
                clean_optional(item.model),
                clean_optional(item.system_prompt) or None,
                item.source,
                item.key,
            ],
        )
        conversation_id = cursor.lastrowid
        ids: dict[str, int] = {}
        rows, indexed = [], []
        parents = set()
        for seq, message in enumerate(item.messages, start=1):
            message_id = ids[message.key] = next_id
            next_id += 1
            content = clean_text(message.content)
            parent = ids.get(message.parent) if message.parent is not None else None
            parents.add(parent)
            model = f"{item.source}:{message.model}" if message.model else None
            rows.append(
                (
                    message_id,
                    conversation_id,
                    seq,
                    parent,
                    message.role,
                    content,
                    message.status if message.status in STATUSES and message.status != "streaming" else "complete",
                    clean_optional(message.error),
                    message.created or created,
                    item.source if message.role == "assistant" else None,
                    clean_optional(model),
                    clean_optional(message.thinking) or None,
                )
            )
            indexed.append((message_id, search.index_text(content)))
        self.db.conn.executemany(_MESSAGE_INSERT, rows)
        self.db.conn.executemany(f"INSERT INTO {search.FTS_TABLE} (rowid, body) VALUES (?, ?)", indexed)
        leaf = ids.get(item.active_leaf) if item.active_leaf is not None else None
        if leaf is None:
            leaf = next(row[0] for row in reversed(rows) if row[0] not in parents)
        self._set_leaf(conversation_id, leaf)
        return conversation_id, next_id


def _native_key(parsed: Any) -> str:
    """A Bothy export's conversation, as the same conversation on any machine: its id and start."""
    conversation = parsed.conversation
    return f"{conversation.get('id')}@{conversation.get('created')}"
