"""The main window's part for memory beyond the context window.

A mixin of MainWindow (ui/main_window.py), kept apart so each file stays small enough to read in
one go. It shows what the engine thread does for a conversation's memory (the markers in the chat,
"Summarizing N earlier messages…" in the status bar), and does what people ask of it: pin a
message, remember it as a note, edit a summary or have it written again, open the memory panel,
and choose what to do when a chat under the "ask" policy no longer fits. Store errors become
messages in ConversationActions; the model's work runs on the engine thread (EngineBridge). Its
strings use QCoreApplication.translate("MemoryHandling", ...) (see ui/window_turns.py for why).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from assistant.engine import ModelRef
from assistant.memory import DEFAULT_REPLY_RESERVE
from assistant.settings import LOAD_RANGES
from ui.engine_bridge import MemoryResult

NOTE_BANNER_MS = 8000


class MemoryEvents(QObject):
    """The engine thread's memory signals, re-emitted on the GUI thread (this object's): a queued
    connection needs a QObject receiver, which a mixin's method is not."""

    status = Signal(int)
    changed = Signal(int)
    done = Signal(object)

    def __init__(self, worker, parent: QObject):
        super().__init__(parent)
        q = Qt.ConnectionType.QueuedConnection
        worker.memory_status.connect(self.status, q)
        worker.memory_changed.connect(self.changed, q)
        worker.memory_done.connect(self.done, q)


class MemoryHandling:
    """Slots of MainWindow for memory (uses its chat, status, banner, composer and controllers)."""

    def _connect_memory(self) -> None:
        self._rewrites: dict[int, tuple[int | None, int]] = {}  # request id -> (conversation, mark id)
        self._carry: dict[int, str] = {}  # carry-over request id -> the text to send in the new chat
        self._resend: tuple[int | None, str] | None = None  # after loading with a longer context
        self._memory_panel = None
        self.context_full_dialog = None
        self.memory_events = MemoryEvents(self.bridge.worker, self)
        self.memory_events.status.connect(self.status.set_summarizing)
        self.memory_events.changed.connect(self._memory_changed)
        self.memory_events.done.connect(self._memory_done)
        self.status.stop_memory_requested.connect(self.bridge.stop_memory)
        self.status.memory_requested.connect(self.open_memory)
        self.window_actions.memory.triggered.connect(lambda: self.open_memory())
        self.chat.pin_requested.connect(self.pin_message)
        self.chat.remember_requested.connect(self.remember_message)
        self.chat.mark_edited.connect(self.save_mark)
        self.chat.mark_rewrite_requested.connect(self.rewrite_mark)
        self.turns.finished.connect(self._marks_after_turn)
        self.models.loaded.connect(self._resend_after_load)
        self.models.failed.connect(self._forget_resend)

    # -- the chat's markers ----------------------------------------------------------------------
    @Slot(int)
    def _memory_changed(self, conversation_id: int) -> None:
        """The engine thread recorded a mark: show it, the view staying where it is."""
        if conversation_id == self.chat.conversation_id:
            marks = self.conversations.context_marks(conversation_id)
            if marks is not None:
                self.chat.set_marks(marks)

    @Slot(object, object)
    def _marks_after_turn(self, _turn, result) -> None:
        # An edit or a regeneration deletes the marks that reach what it replaced.
        if result.reply_message_id is not None:
            self._memory_changed(result.conversation_id)

    @Slot(int, str)
    def save_mark(self, mark_id: int, text: str) -> None:
        mark = self.conversations.update_mark(mark_id, text)
        if mark is not None:
            self.chat.update_mark(mark_id, mark, error=None)

    @Slot(int)
    def rewrite_mark(self, mark_id: int) -> None:
        """Ask the model for a (new) summary of a mark's messages, on the engine thread."""
        if not self.models.ready:
            self.show_error(QCoreApplication.translate("MemoryHandling", "Load a model first: it writes the summary."))
            return
        request = self.bridge.rewrite_mark(mark_id)
        self._rewrites[request] = (self.chat.conversation_id, mark_id)
        self.chat.update_mark(mark_id, busy=True, error=None)

    @Slot(object)
    def _memory_done(self, result: MemoryResult) -> None:
        if result.request_id in self._rewrites:
            conversation_id, mark_id = self._rewrites.pop(result.request_id)
            if result.error is None:
                self.chat.update_mark(mark_id, result.value, busy=False, error=None)
                return
            reason = result.error.removeprefix("summarizing failed: ")
            text = QCoreApplication.translate("MemoryHandling", "The summary could not be written: %1").replace(
                "%1", reason
            )
            self.chat.update_mark(mark_id, busy=False, error=text)
            self.show_error(text)
        elif result.request_id in self._carry:
            self._carried_over(result, self._carry.pop(result.request_id))

    # -- messages --------------------------------------------------------------------------------
    def _row(self, message_id: int) -> dict | None:
        return next((m for m in self.chat.messages if m.get("id") == message_id), None)

    @Slot(int, bool)
    def pin_message(self, message_id: int, pinned: bool) -> None:
        stored = self.conversations.set_message_pinned(message_id, pinned)
        row = self._row(message_id)
        if stored is not None and row is not None:
            row["pinned"] = stored["pinned"]
        widget = self.chat.message_widget(message_id)
        if widget is not None:
            widget.refresh()  # shows the stored state: the pin did not change when saving failed

    @Slot(int)
    def remember_message(self, message_id: int) -> None:
        row = self._row(message_id)
        if row is None or self.conversation_id is None:
            return
        note = self.conversations.remember(self.conversation_id, row)
        if note is not None:
            self.banner.show_message(
                QCoreApplication.translate("MemoryHandling", "Added to this chat's memory."),
                kind="info",
                action=QCoreApplication.translate("MemoryHandling", "Edit"),
                callback=lambda: self.open_memory(note["id"]),
                timeout_ms=NOTE_BANNER_MS,
            )

    # -- the memory panel ------------------------------------------------------------------------
    @Slot()
    def open_memory(self, note_id: int | None = None):
        from ui.memory_panel import MemoryPanel

        if self._memory_panel is None:
            self._memory_panel = MemoryPanel(self.conversations, self.settings, self.conversation_id, parent=self)
            self._memory_panel.setModal(True)
        else:
            self._memory_panel.set_conversation(self.conversation_id)
        self._memory_panel.show()
        self._memory_panel.raise_()
        if note_id is not None:
            self._memory_panel.edit_note(note_id)
        return self._memory_panel

    # -- the "ask" policy: this chat no longer fits ------------------------------------------------
    def _context_full(self, text: str, full: dict) -> None:
        from ui.context_full import ContextFullDialog

        loaded = self.loaded
        proposal = self._longer_context(full["needed"], full["n_ctx"])
        dialog = ContextFullDialog(
            needed=full["needed"],
            n_ctx=full["n_ctx"],
            proposal=proposal,
            fit=self._fit_text(proposal),
            trained=loaded.n_ctx_train if loaded else None,
            parent=self,
        )
        dialog.longer_button.setEnabled(loaded is not None and bool(loaded.model.path))  # a local file to reload
        dialog.longer_context.connect(lambda: self._use_longer_context(full["conversation_id"], text, proposal))
        dialog.carry_over.connect(lambda: self._carry_over(full["conversation_id"], text))
        self.context_full_dialog = dialog
        dialog.open()

    def _longer_context(self, needed: int, n_ctx: int) -> int:
        """The next power of two that holds the chat and the reply (above the context now)."""
        want = max(needed + (self.settings.generation.max_tokens or DEFAULT_REPLY_RESERVE), n_ctx + 1)
        return min(1 << (want - 1).bit_length(), int(LOAD_RANGES["n_ctx"][1].high))

    def _fit_text(self, n_ctx: int) -> str:
        from assistant.errors import UserFacingError
        from assistant.library import estimate_for_file

        loaded = self.loaded
        if loaded is None or not loaded.model.path:
            return ""
        settings = dataclasses.replace(self.settings.load_settings_for(loaded.model.path), n_ctx=n_ctx)
        if not loaded.backend.gpu_offload:
            settings = dataclasses.replace(settings, n_gpu_layers=0)  # a CPU build keeps it all in RAM
        try:
            from ui.fit_message import fit_message

            return fit_message(estimate_for_file(loaded.model.path, settings))
        except UserFacingError as exc:
            return str(exc)

    def _use_longer_context(self, conversation_id: int, text: str, n_ctx: int) -> None:
        loaded = self.loaded
        if loaded is None or not loaded.model.path:
            return
        path = loaded.model.path
        self.settings.set_load_settings(path, dataclasses.replace(self.settings.load_settings_for(path), n_ctx=n_ctx))
        if self.save_settings() and self.load_model(ModelRef.local(path)):
            self._resend = (conversation_id, text)

    @Slot(object)
    def _resend_after_load(self, _loaded) -> None:
        """Loaded with a longer context: send the message that did not fit (if it is still waiting)."""
        resend, self._resend = self._resend, None
        if resend is not None and resend[0] == self.conversation_id and self.composer.text() == resend[1]:
            self.send(resend[1])

    @Slot(object, str)
    def _forget_resend(self, *_args) -> None:
        self._resend = None  # the longer context could not be loaded: the message stays in the box

    def _carry_over(self, conversation_id: int, text: str) -> None:
        if not self.models.ready:
            self.show_error(QCoreApplication.translate("MemoryHandling", "Load a model first: it writes the summary."))
            return
        self._carry[self.bridge.carry_over(conversation_id)] = text
        self._carrying = QCoreApplication.translate(
            "MemoryHandling", "Summarizing this chat for a new one… your message is sent there next."
        )
        self.banner.show_message(self._carrying, kind="info", timeout_ms=NOTE_BANNER_MS)

    def _carried_over(self, result: MemoryResult, text: str) -> None:
        if result.error is not None:
            self.show_error(
                QCoreApplication.translate("MemoryHandling", "The new chat could not be started: %1").replace(
                    "%1", result.error.removeprefix("summarizing failed: ")
                )
            )
            return
        if self.banner.current is not None and self.banner.current.text == self._carrying:
            self.banner.dismiss()
        self.sidebar.reload(result.value)
        self.open_conversation(result.value)
        if self.composer.text() == text or not self.composer.text().strip():
            self.composer.set_text(text)
            self.send(text)
