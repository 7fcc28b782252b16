"""Conversations as trees: branches that are kept, switching between them, deleting one, forking.

Every message has a parent (`parent_id`; None for a conversation's first message), so a message can
have alternatives: its siblings, the messages with the same parent. Regenerating a reply adds a
sibling reply; editing and resending a message adds a sibling user message with its own reply
(turns.py); nothing is deleted. A conversation has an active leaf: the path from the first message
down to it is what the person sees, what the model is sent next, what Markdown export prints, and
what messages() returns. A message's `seq` grows with the order messages were written, so along any
path it grows too, and ordering a path by seq (or by id) gives the conversation's order.

Context marks (summaries, memory.py) cover a range of one path: a mark belongs to the branches that
hold its last message, and context_marks() gives only those of the active path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.errors import StoreError
from assistant.store import search
from assistant.store.base import MESSAGE_SELECT, StoreBase, chunks
from assistant.store.records import MESSAGE_COLUMNS, encode_json, message_from_row, now

# The message and everything under it.
_SUBTREE_SQL = """
WITH RECURSIVE below(id) AS (
    SELECT :message_id
    UNION
    SELECT messages.id FROM messages JOIN below ON messages.parent_id = below.id
    WHERE messages.conversation_id = :conversation_id
)
SELECT id FROM below
"""


class Tree(StoreBase):
    def tree(self, conversation_id: int) -> list[dict[str, Any]]:
        """Every message of the conversation, of every branch, in the order they were written (each
        parent before its children), each with `active`: True when it is on the active path."""
        with self._guard("load the conversation"):
            self._conversation(conversation_id)
            active = {message["id"] for message in self._messages(conversation_id)}
            return [{**m, "active": m["id"] in active} for m in self._tree_messages(conversation_id)]

    def branches(self, conversation_id: int, messages: list[dict[str, Any]] | None = None) -> dict[int, list[int]]:
        """For each message on the active path that has alternatives: the ids of it and its
        siblings, oldest first. Messages without alternatives are left out. `messages`: the active
        path when the caller has just read it (saves reading it again)."""
        with self._guard("load the conversation"):
            forks = self.db.execute(
                "SELECT parent_id FROM messages WHERE conversation_id = ? GROUP BY parent_id HAVING count(*) > 1",
                [conversation_id],
            ).fetchall()
            if not forks:
                return {}  # most conversations: one path, found with one look at an index
            path = messages if messages is not None else self._messages(conversation_id)
            children: dict[int | None, list[int]] = {}
            for (parent,) in forks:
                rows = self.db.execute(
                    "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id",
                    [conversation_id, parent],
                ).fetchall()
                children[parent] = [row[0] for row in rows]
        return {m["id"]: children[m["parent_id"]] for m in path if m["parent_id"] in children}

    def select_branch(self, message_id: int) -> int:
        """Make the active path go through `message_id`: its leaf becomes the newest message under
        it (the message itself when nothing follows it). Returns the new active leaf's id."""
        with self._write("switch to that branch"):
            message = self._message(message_id)
            leaf = self._newest_below(message["conversation_id"], message_id)
            self._set_leaf(message["conversation_id"], leaf)
            return leaf

    def delete_branch(self, message_id: int) -> dict[str, Any]:
        """Delete a message and everything under it. When the active path went through it, the path
        moves to the newest message left under its parent (or in the conversation). Returns what
        restore_branch() needs to put it all back ("undo"). StoreError when a reply is being written
        in that branch."""
        with self._write("delete the branch"):
            message = self._message(message_id)
            conversation_id = message["conversation_id"]
            ids = self._subtree(conversation_id, message_id)
            deleted = self._rows(ids)
            if any(m["status"] == "streaming" for m in deleted):
                raise StoreError("Bothy cannot delete this branch while a reply in it is being written.")
            inside = set(ids)
            context_marks = [
                mark
                for mark in self._marks(conversation_id, every_branch=True)
                if mark["first_message_id"] in inside or mark["last_message_id"] in inside
            ]
            leaf = self._leaf(conversation_id)
            for mark in context_marks:
                self.db.execute("DELETE FROM context_marks WHERE id = ?", [mark["id"]])
            for chunk_marks, chunk in chunks(ids):
                self.db.execute(f"DELETE FROM messages WHERE id IN ({chunk_marks})", chunk)
            if leaf is None or leaf in inside:
                parent = message["parent_id"]
                below = self._newest_below(conversation_id, parent) if parent else self._newest(conversation_id)
                self._set_leaf(conversation_id, below)
            self._touch(conversation_id, now())
            return {
                "conversation_id": conversation_id,
                "active_leaf": leaf,
                "messages": deleted,
                "marks": context_marks,
            }

    def restore_branch(self, data: Mapping[str, Any]) -> int:
        """Put back a branch that delete_branch() returned, with the same ids and the same active
        path; returns its conversation's id. StoreError when its conversation is gone or its ids
        are in use again."""
        conversation_id = data["conversation_id"]
        messages, context_marks = list(data["messages"]), list(data["marks"])
        with self._write("restore the branch"):
            self._conversation(conversation_id)
            if self._exists("messages", [m["id"] for m in messages]):
                raise StoreError("Bothy cannot restore this branch: it is already there.")
            parent = messages[0]["parent_id"] if messages else None
            if parent is not None and not self._exists("messages", [parent]):
                raise StoreError("Bothy cannot restore this branch: the message it followed is gone.")
            for message in messages:
                values = {key: message[key] for key in MESSAGE_COLUMNS}
                values["sampling"] = _json_text(values["sampling"])
                values["pinned"] = int(values["pinned"])
                self._insert_message(values)
            search.index_messages(self.db, [(m["id"], m["content"]) for m in messages])
            for mark in context_marks:
                values = {**mark, "edited": int(mark["edited"])}
                columns = ", ".join(values)
                self.db.execute(
                    f"INSERT INTO context_marks ({columns}) VALUES ({', '.join('?' for _ in values)})",
                    list(values.values()),
                )
            if data.get("active_leaf") is not None:
                self._set_leaf(conversation_id, data["active_leaf"])
            self._touch(conversation_id, now())
            return conversation_id

    def fork_conversation(self, message_id: int) -> dict[str, Any]:
        """A new conversation holding the path from the first message down to `message_id` (copies:
        text, roles, models, statistics, pins and thinking), with the original's system prompt,
        model, settings, memory notes and the summaries within that path. Returns the new
        conversation; the original is not changed."""
        with self._write("fork the conversation"):
            message = self._message(message_id)
            source = self._conversation(message["conversation_id"])
            messages = self._rows(self._ancestor_ids(message_id))
            stamp = now()
            title = f"{source['title'] or 'Untitled'} (fork)"
            cursor = self.db.execute(
                "INSERT INTO conversations (title, created, updated, pinned, model, system_prompt, settings) "
                "VALUES (?, ?, ?, 0, ?, ?, ?)",
                [title, stamp, stamp, source["model"], source["system_prompt"], _json_text(source["settings"])],
            )
            conversation_id = cursor.lastrowid
            new_ids: dict[int, int] = {}
            for seq, old in enumerate(messages, start=1):
                values = {key: old[key] for key in MESSAGE_COLUMNS if key != "id"}
                values.update(
                    conversation_id=conversation_id,
                    seq=seq,
                    parent_id=new_ids.get(old["parent_id"]),
                    sampling=_json_text(old["sampling"]),
                    pinned=int(old["pinned"]),
                )
                if values["status"] == "streaming":
                    values["status"] = "interrupted"
                new_ids[old["id"]] = self._insert_message(values)
            search.index_messages(self.db, [(new_ids[m["id"]], m["content"]) for m in messages])
            self._set_leaf(conversation_id, new_ids[message_id])
            for mark in self._marks(source["id"], every_branch=True):
                if mark["first_message_id"] not in new_ids or mark["last_message_id"] not in new_ids:
                    continue
                values = {k: v for k, v in mark.items() if k != "id"}
                values.update(
                    conversation_id=conversation_id,
                    first_message_id=new_ids[mark["first_message_id"]],
                    last_message_id=new_ids[mark["last_message_id"]],
                    edited=int(mark["edited"]),
                )
                columns = ", ".join(values)
                self.db.execute(
                    f"INSERT INTO context_marks ({columns}) VALUES ({', '.join('?' for _ in values)})",
                    list(values.values()),
                )
            self.db.execute(
                "INSERT INTO memory_notes (conversation_id, content, source_message_id, created, updated) "
                "SELECT ?, content, NULL, created, updated FROM memory_notes WHERE conversation_id = ? ORDER BY id",
                [conversation_id, source["id"]],
            )
            return self._conversation(conversation_id)

    # ---- helpers (call with the lock held) ---------------------------------------------------

    def _subtree(self, conversation_id: int, message_id: int) -> list[int]:
        rows = self.db.execute(_SUBTREE_SQL, {"message_id": message_id, "conversation_id": conversation_id})
        return [row[0] for row in rows.fetchall()]

    def _newest_below(self, conversation_id: int, message_id: int) -> int:
        """The newest message under `message_id` (or itself): always a leaf, as children are newer."""
        return max(self._rows(self._subtree(conversation_id, message_id)), key=lambda m: m["seq"])["id"]

    def _newest(self, conversation_id: int) -> int | None:
        row = self.db.execute(
            "SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1", [conversation_id]
        ).fetchone()
        return None if row is None else row[0]

    def _rows(self, ids: list[int]) -> list[dict[str, Any]]:
        """These messages, in order."""
        found = []
        for chunk_marks, chunk in chunks(ids):
            rows = self.db.query(f"{MESSAGE_SELECT} WHERE id IN ({chunk_marks})", chunk)
            found += [message_from_row(row) for row in rows]
        return sorted(found, key=lambda m: m["seq"])


def _json_text(value: Any) -> str | None:
    return encode_json(value, "value")
