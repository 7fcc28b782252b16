"""What people do to whole conversations: pin, delete with undo, export, import, system prompt, delete all;
and to a conversation's memory: pinned messages, memory notes, summaries, its memory policy.

The one place that turns the store's errors into messages for people (the `message` signal); slow
work (export all, import, delete all) runs in the background (ui.background) with progress.

Signals:
    message(str text): an error to show.
    undo_offered(str text, object callback): show `text` with an Undo button calling `callback`.
    changed(object conversation_id): the list of conversations changed; select this one (or None).
    deleted(int conversation_id)
    restored(int conversation_id): an undo put a conversation back.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from assistant.errors import UserFacingError
from assistant.importers.job import ImportOutcome
from assistant.settings import Settings
from assistant.store import Store
from ui.background import Cancelled, Task, run_in_background
from ui.i18n import plural

UNDO_MS = 10_000


def safe_file_name(title: str, fallback: str = "chat") -> str:
    name = "".join(ch for ch in title if ch.isalnum() or ch in " -_")[:40].strip()
    return name or fallback


class ConversationActions(QObject):
    message = Signal(str)
    undo_offered = Signal(str, object)
    changed = Signal(object)
    deleted = Signal(int)
    restored = Signal(int)
    branch_changed = Signal(int)

    def __init__(self, *, store: Store, settings: Settings, streaming: Callable[[], int | None], parent=None):
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.streaming = streaming  # the conversation whose reply is being written, if any
        self.next_system_prompt: str | None = None  # chosen for a new chat before its first message

    def _attempt(self, fn, *args):
        """fn(*args), or None after showing the store's error."""
        try:
            return fn(*args)
        except UserFacingError as exc:
            self.message.emit(str(exc))
            return None

    # -- one conversation ------------------------------------------------------------------------
    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._attempt(self.store.set_pinned, conversation_id, pinned)
        self.changed.emit(None)

    def delete(self, conversation_id: int) -> bool:
        if self.streaming() == conversation_id:
            self.message.emit(self.tr("Stop the reply before deleting this chat."))
            return False
        data = self._attempt(self.store.delete_conversation, conversation_id)
        if data is None:
            return False
        self.deleted.emit(conversation_id)
        self.changed.emit(None)
        title = data["conversation"].get("title") or self.tr("Untitled chat")
        self.undo_offered.emit(self.tr("Deleted “%1”.").replace("%1", title), lambda: self.restore(data))
        return True

    # -- branches (assistant/store/tree.py) ------------------------------------------------------
    def branches(self, conversation_id: int, messages: list[dict] | None = None) -> dict[int, list[int]]:
        """The alternatives of each message on the active path ({} after an error)."""
        return self._attempt(self.store.branches, conversation_id, messages) or {}

    def select_branch(self, conversation_id: int, message_id: int) -> int | None:
        """Make the branch through `message_id` the active path; its new leaf, or None."""
        if self.streaming() == conversation_id:
            self.message.emit(self.tr("Wait for the reply to finish, or stop it, before switching versions."))
            return None
        return self._attempt(self.store.select_branch, message_id)

    def fork(self, message_id: int) -> dict | None:
        """A new chat with the path up to `message_id`; the new conversation, or None."""
        conversation = self._attempt(self.store.fork_conversation, message_id)
        if conversation is not None:
            self.changed.emit(conversation["id"])
        return conversation

    def delete_branch(self, conversation_id: int, message_id: int) -> bool:
        """Delete a message and what follows it in its branch, offering Undo."""
        if self.streaming() == conversation_id:
            self.message.emit(self.tr("Stop the reply before deleting messages of this chat."))
            return False
        data = self._attempt(self.store.delete_branch, message_id)
        if data is None:
            return False
        self.branch_changed.emit(conversation_id)
        count = len(data["messages"])
        text = plural(self.tr("Deleted %n message(s).", "", count), count)
        self.undo_offered.emit(text, lambda: self.restore_branch(data))
        return True

    def restore_branch(self, data: dict) -> None:
        if self._attempt(self.store.restore_branch, data) is not None:
            self.branch_changed.emit(data["conversation_id"])

    def restore(self, data: dict) -> None:
        conversation_id = self._attempt(self.store.restore_conversation, data)
        if conversation_id is not None:
            self.changed.emit(conversation_id)
            self.restored.emit(conversation_id)

    def system_prompt(self, conversation_id: int | None) -> str:
        """The prompt a chat uses: its own, or for a new chat the one chosen for it or the default."""
        if conversation_id is None:
            chosen = self.next_system_prompt
            return self.settings.system_prompt if chosen is None else chosen
        conversation = self._attempt(self.store.get_conversation, conversation_id)
        return (conversation or {}).get("system_prompt") or ""

    def set_system_prompt(self, conversation_id: int | None, text: str) -> None:
        if conversation_id is None:
            self.next_system_prompt = text
        else:
            self._attempt(lambda: self.store.update_conversation(conversation_id, system_prompt=text))

    def take_new_chat_prompt(self) -> str:
        """The system prompt for the chat being created now (and forget the one chosen for it)."""
        prompt = self.system_prompt(None)
        self.next_system_prompt = None
        return prompt

    def suggested_export_name(self, conversation_id: int) -> str:
        conversation = self._attempt(self.store.get_conversation, conversation_id) or {}
        return safe_file_name(conversation.get("title") or "")

    def export_markdown(self, conversation_id: int, path: str) -> bool:
        try:
            Path(path).write_text(self.store.export_markdown(conversation_id), encoding="utf-8")
        except OSError as exc:
            self.message.emit(self.tr("Could not write %1: %2").replace("%1", path).replace("%2", exc.strerror or ""))
            return False
        except UserFacingError as exc:
            self.message.emit(str(exc))
            return False
        return True

    # -- memory ----------------------------------------------------------------------------------
    def set_message_pinned(self, message_id: int, pinned: bool) -> dict | None:
        """Pin a message ("Keep in memory") or unpin it; the stored message, or None after an error."""
        return self._attempt(self.store.set_message_pinned, message_id, pinned)

    def remember(self, conversation_id: int, message: dict) -> dict | None:
        """Add a message's text to the conversation's memory notes; the note, or None."""
        return self._attempt(
            lambda: self.store.add_memory_note(
                message["content"], conversation_id=conversation_id, source_message_id=message.get("id")
            )
        )

    def context_marks(self, conversation_id: int) -> list[dict] | None:
        return self._attempt(self.store.context_marks, conversation_id)

    def update_mark(self, mark_id: int, text: str) -> dict | None:
        """The person's own text for a summary (marked edited); the mark, or None."""
        return self._attempt(self.store.update_context_mark, mark_id, text)

    def memory_notes(self, conversation_id: int | None) -> list[dict] | None:
        """The notes for every chat (conversation_id None), or those of one conversation only."""
        if conversation_id is None:
            return self._attempt(self.store.memory_notes, None)
        return self._attempt(lambda: self.store.memory_notes(conversation_id, with_global=False))

    def add_note(self, text: str, conversation_id: int | None) -> dict | None:
        if not text.strip():
            return None
        return self._attempt(lambda: self.store.add_memory_note(text, conversation_id=conversation_id))

    def update_note(self, note_id: int, text: str) -> dict | None:
        if not text.strip():
            return None
        return self._attempt(self.store.update_memory_note, note_id, text)

    def delete_note(self, note_id: int) -> bool:
        return self._attempt(lambda: self.store.delete_memory_note(note_id) or True) is not None

    def memory_policy(self, conversation_id: int) -> str | None:
        """The conversation's own policy ("summarize", "window", "ask"), or None: the default."""
        conversation = self._attempt(self.store.get_conversation, conversation_id) or {}
        return (conversation.get("settings") or {}).get("memory_policy")

    def set_memory_policy(self, conversation_id: int, policy: str | None) -> bool:
        """Give the conversation its own policy, or (None) let it follow the default."""

        def change():
            settings = dict(self.store.get_conversation(conversation_id).get("settings") or {})
            if policy is None:
                settings.pop("memory_policy", None)
            else:
                settings["memory_policy"] = policy
            return self.store.update_conversation(conversation_id, settings=settings)

        return self._attempt(change) is not None

    def documents(self, conversation_id: int) -> list[str]:
        """The document libraries switched on for the conversation."""
        conversation = self._attempt(self.store.get_conversation, conversation_id) or {}
        return list((conversation.get("settings") or {}).get("documents") or [])

    def set_documents(self, conversation_id: int, libraries: list[str]) -> bool:
        """Switch document libraries on for the conversation (an empty list: none)."""

        def change():
            settings = dict(self.store.get_conversation(conversation_id).get("settings") or {})
            if libraries:
                settings["documents"] = list(dict.fromkeys(libraries))
            else:
                settings.pop("documents", None)
            return self.store.update_conversation(conversation_id, settings=settings)

        return self._attempt(change) is not None

    def allow_documents_to_servers(self, conversation_id: int) -> bool:
        """Let this chat send passages of its documents to a model on a server."""

        def change():
            settings = dict(self.store.get_conversation(conversation_id).get("settings") or {})
            settings["documents_to_servers"] = True
            return self.store.update_conversation(conversation_id, settings=settings)

        return self._attempt(change) is not None

    # -- all conversations (in the background) --------------------------------------------------
    def export_all(self, path: str, *, owner: QObject) -> Task:
        """Write every conversation to `path` as one bundle that import reads back."""

        def work(task: Task) -> int:
            task.report(0, 0, path)
            part = Path(path + ".part")  # a failure half way leaves no half-written export behind
            try:
                with part.open("w", encoding="utf-8") as f:
                    count = self.store.write_bundle(f)
                os.replace(part, path)
            except OSError as exc:
                part.unlink(missing_ok=True)
                raise UserFacingError(f"Could not write {path}: {exc.strerror or exc}.") from None
            return count

        return run_in_background(owner, work, name="export-all", on_error=self.message.emit)

    def import_files(self, paths: list[str], *, owner: QObject) -> Task:
        """Import conversations from files of Bothy or another app (assistant/importers), each file
        whole or not at all, in a process of its own (assistant/importers/job.py), so the window
        never waits for it. The Task reports (conversations done, total, file name) and gives a list
        of ImportOutcome; cancelling keeps nothing of the file being imported."""
        from assistant.importers.job import ImportStopped, run_import

        def work(task: Task) -> list[ImportOutcome]:
            try:
                return run_import(paths, self.store.path, progress=task.report, cancelled=lambda: task.is_cancelled)
            except ImportStopped:
                raise Cancelled from None

        def done(_outcomes: list[ImportOutcome]) -> None:
            self.changed.emit(None)  # the sidebar shows them; the chat that is open stays open

        return run_in_background(owner, work, name="import", on_success=done, on_error=self.message.emit)

    def delete_all(self, *, owner: QObject) -> Task:
        """Delete every conversation but the one whose reply is being written, in one statement."""
        keep = [cid for cid in (self.streaming(),) if cid is not None]

        def done(_count: int) -> None:
            self.changed.emit(None)

        return run_in_background(
            owner,
            lambda _task: self.store.delete_all_conversations(keep=keep),
            name="delete-all",
            on_success=done,
            on_error=self.message.emit,
        )
