"""Conversations that came through the local API (assistant/api), when the person chose to keep them
(Settings > Local server; off by default: the API stores nothing).

A client of the API sends the whole conversation with every request. Each answered request is
written so that the client's next request continues the same conversation: a kept conversation
carries a fingerprint of its messages so far (`import_key`, with `import_source` 'api'), and a
request whose earlier messages have that fingerprint is added to it. Any other request starts a
new conversation, which the sidebar shows in its "API" group.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.store import search
from assistant.store.base import StoreBase
from assistant.store.records import clean_text, now, reply_values, stats_values, title_from_text

API_SOURCE = "api"


def fingerprint(system: str | None, messages: Sequence[tuple[str, str]]) -> str:
    """Which conversation these messages are: the same system prompt and messages, the same text."""
    data = json.dumps([system or "", [[role, text] for role, text in messages]], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


class ApiRecords(StoreBase):
    def record_api_exchange(
        self,
        *,
        system: str | None,
        history: Sequence[tuple[str, str]],
        reply: str,
        status: str = "complete",
        model_ref: str | None = None,
        engine: str | None = None,
        stats: Mapping[str, Any] | None = None,
    ) -> int:
        """Keep one answered request: `history` is what the client sent ((role, text), ending with
        the user's message), `reply` what Bothy answered. Returns the conversation's id."""
        before = fingerprint(system, history[:-1])
        after = fingerprint(system, [*history, ("assistant", clean_text(reply))])
        with self._write("keep the API conversation"):
            row = self.db.execute(
                "SELECT id FROM conversations WHERE import_source = ? AND import_key = ? ORDER BY id DESC LIMIT 1",
                [API_SOURCE, before],
            ).fetchone()
            stamp = now()
            if row is not None:
                conversation_id, new, parent = row[0], history[-1:], self._leaf(row[0])
            else:
                first = next((text for role, text in history if role == "user"), "")
                conversation_id = self.db.execute(
                    "INSERT INTO conversations (title, created, updated, pinned, model, system_prompt, import_source) "
                    "VALUES (?, ?, ?, 0, ?, ?, ?)",
                    [title_from_text(first), stamp, stamp, model_ref, system or None, API_SOURCE],
                ).lastrowid
                new, parent = history, None
            seq = self._next_seq(conversation_id)
            written = []
            for role, text in new:
                values = {"conversation_id": conversation_id, "seq": seq, "parent_id": parent, "role": role}
                values.update(content=clean_text(text), status="complete", created=stamp)
                parent = self._insert_message(values)
                written.append((parent, values["content"]))
                seq += 1
            values = reply_values(None, None, None, None, engine=engine, model_ref=model_ref)
            values.update(stats_values(stats, status))
            values.update(conversation_id=conversation_id, seq=seq, parent_id=parent, content=clean_text(reply))
            values.update(status=status, created=stamp)
            reply_id = self._insert_message(values)
            written.append((reply_id, values["content"]))
            search.index_messages(self.db, written)
            self._set_leaf(conversation_id, reply_id)
            self.db.execute(
                "UPDATE conversations SET updated = ?, import_key = ? WHERE id = ?", [stamp, after, conversation_id]
            )
            return conversation_id
