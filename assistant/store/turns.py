"""Writing a chat turn: the user's message, the streaming reply, its updates and its end, new
branches (edit and resend, regenerate: see tree.py), and start-up recovery of replies whose writer
is gone.

A streaming reply records the writer id of the Store that writes it (see lease.py); the Store holds
that writer's lease until it is closed, so recover_interrupted() in any process can tell a reply
that is still being written from one whose writer crashed, was killed or was closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.store import lease as leases
from assistant.store import search
from assistant.store.base import StoreBase, chunks
from assistant.store.errors import NotFoundError
from assistant.store.records import (
    FINISHED_STATUSES,
    clean_optional,
    clean_text,
    now,
    reply_values,
    stats_values,
    thinking_values,
    title_from_text,
)

# Finds the streaming rows through the partial index messages_streaming (not a scan of all messages).
STREAMING_SQL = "SELECT id, writer FROM messages WHERE status = 'streaming'"


class Turns(StoreBase):
    def begin_turn(
        self,
        conversation_id: int,
        user_text: str,
        *,
        replace_from: int | None = None,
        engine: str | None = None,
        model_ref: str | None = None,
        model_file: str | None = None,
        model_size: int | None = None,
        model_sha256: str | None = None,
        sampling: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Start a turn in one transaction: the user's message (complete), an empty assistant message
        (streaming, with the engine, model and sampling details and this Store's writer id), the
        conversation's `updated`, and its title from `user_text` when it has none.

        The user's message follows the conversation's active leaf. With `replace_from` (a message id:
        edit and resend) it becomes an alternative to that message instead: a sibling with the same
        parent, so the old message and what followed it stay, on their own branch (tree.py). The new
        reply becomes the active leaf. NotFoundError when that message is not in the conversation.
        Returns (user_message, assistant_message).
        """
        user_text = clean_text(user_text)
        reply = reply_values(
            model_file, model_size, model_sha256, sampling, engine=engine, model_ref=model_ref, writer=self._writer()
        )
        with self._write("save your message"):
            conversation = self._conversation(conversation_id)
            parent = self._parent_for(conversation_id, replace_from)
            stamp = now()
            seq = self._next_seq(conversation_id)
            user_id = self._insert_message(
                {
                    "conversation_id": conversation_id,
                    "seq": seq,
                    "parent_id": parent,
                    "role": "user",
                    "content": user_text,
                    "status": "complete",
                    "created": stamp,
                }
            )
            search.index_messages(self.db, [(user_id, user_text)])
            reply_id = self._insert_message(
                {**reply, "conversation_id": conversation_id, "seq": seq + 1, "parent_id": user_id, "created": stamp}
            )
            self._set_leaf(conversation_id, reply_id)
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
        replace_from: int | None = None,
        engine: str | None = None,
        model_ref: str | None = None,
        model_file: str | None = None,
        model_size: int | None = None,
        model_sha256: str | None = None,
        sampling: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Start only an assistant message (streaming), e.g. to regenerate a reply. Returns it.

        It answers the conversation's active leaf; with `replace_from` (a message id: the reply to
        regenerate) it becomes that message's sibling instead, an alternative that keeps the old one
        (NotFoundError when it is not in the conversation). It becomes the active leaf.
        """
        reply = reply_values(
            model_file, model_size, model_sha256, sampling, engine=engine, model_ref=model_ref, writer=self._writer()
        )
        with self._write("start the reply"):
            self._conversation(conversation_id)
            parent = self._parent_for(conversation_id, replace_from)
            seq = self._next_seq(conversation_id)
            reply_id = self._insert_message(
                {**reply, "conversation_id": conversation_id, "seq": seq, "parent_id": parent}
            )
            self._set_leaf(conversation_id, reply_id)
            self._touch(conversation_id, reply["created"])
            return self._message(reply_id)

    def update_reply(self, message_id: int, content: str, *, thinking: str | None = None) -> None:
        """Save the text streamed so far, and the thinking when given (one UPDATE of one row; the
        search index is not touched).

        Raises NotFoundError for an unknown message, ValueError when it is no longer streaming.
        """
        values = {"content": clean_text(content), **thinking_values(thinking)}
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self._write("save the reply"):
            cursor = self.db.execute(
                f"UPDATE messages SET {assignments} WHERE id = ? AND status = 'streaming'",
                [*values.values(), message_id],
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
        thinking: str | None = None,
        thinking_ms: float | None = None,
    ) -> dict[str, Any]:
        """Write a reply's final text, status and statistics, and add it to the search index.

        `status` is 'complete', 'cancelled', 'error' or 'interrupted'. `stats` may hold
        prompt_tokens, reply_tokens, ttft_ms, tokens_per_s and finish_reason (other keys raise
        ValueError); without a finish_reason, 'cancelled' and 'error' statuses record their own.
        `thinking` (a reasoning model's, kept apart from the text and not searched) and `thinking_ms`
        are written when given. Returns the finished message.
        """
        if status not in FINISHED_STATUSES:
            raise ValueError(f"status must be one of {', '.join(FINISHED_STATUSES)}, not {status!r}")
        values = stats_values(stats, status)
        values.update(content=clean_text(content), status=status, error=clean_optional(error))
        values.update(thinking_values(thinking, thinking_ms))
        with self._write("save the reply"):
            conversation_id = self._message(message_id)["conversation_id"]
            assignments = ", ".join(f"{name} = ?" for name in values)
            self.db.execute(f"UPDATE messages SET {assignments} WHERE id = ?", [*values.values(), message_id])
            search.index_messages(self.db, [(message_id, values["content"])])
            self._touch(conversation_id, now())
            return self._message(message_id)

    def recover_interrupted(self) -> int:
        """Mark as 'interrupted' the replies left 'streaming' by a writer that is gone (a Bothy that
        crashed, was killed or closed mid-reply, or an older Bothy that recorded no writer); their
        text is kept and they are indexed for search. Replies that a live Store is writing (in
        another process, another Store of this one, or this Store) are left alone, so this is safe
        to call at any time. Also deletes the lease files of dead writers. Returns how many."""
        folder = leases.folder_for(self.path)
        with self._guard("recover unfinished replies"):
            rows = self.db.execute(STREAMING_SQL).fetchall()
        own = self.writer
        live = {writer: leases.is_live(folder, writer) for writer in {w for _, w in rows if w not in (None, own)}}
        dead = [message_id for message_id, writer in rows if writer is None or (writer != own and not live[writer])]
        leases.clean_up(folder)
        if not dead:
            return 0
        recovered = 0
        with self._write("recover unfinished replies"):
            for marks, ids in chunks(dead):
                where = f"status = 'streaming' AND id IN ({marks})"
                found = self.db.execute(f"SELECT id, content FROM messages WHERE {where}", ids).fetchall()
                self.db.execute(f"UPDATE messages SET status = 'interrupted' WHERE {where}", ids)
                search.index_messages(self.db, found)
                recovered += len(found)
        return recovered

    def _parent_for(self, conversation_id: int, alternative_to: int | None) -> int | None:
        """The parent of a new message: the active leaf, or the parent of the message it is an
        alternative to (NotFoundError when that message is not in the conversation)."""
        if alternative_to is None:
            return self._leaf(conversation_id)
        message = self._message(alternative_to)
        if message["conversation_id"] != conversation_id:
            raise NotFoundError(f"Message {alternative_to} is not in conversation {conversation_id}.")
        return message["parent_id"]
