"""One message in the chat: its text (Markdown for replies), status, stats and actions.

Signals (MessageWidget):
    regenerate_requested()
    edit_submitted(int message_id, str text)
    pin_requested(int message_id, bool pinned): "Keep in memory" (ui/message_memory.py).
    remember_requested(int message_id): "Remember this".
    branch_requested(int message_id): show that alternative (`‹ 2/3 ›`, ui/branch_switcher.py).
    fork_requested(int message_id): "Fork into a new chat" from here.
    delete_branch_requested(int message_id): "Delete this branch" (the message and what follows it).
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui import markdown
from ui.branch_switcher import BranchSwitcher
from ui.elided_label import ElidedLabel
from ui.message_memory import MessageMemoryButtons
from ui.message_sources import PassageDialog, SourceChips
from ui.message_text import MessageText, mono_family
from ui.streaming_text import StreamingRenderer, render_function
from ui.theme import Colors
from ui.thinking_block import ThinkingBlock

__all__ = ["MessageText", "MessageWidget", "mono_family"]

USER_BUBBLE_FRACTION = 0.8
LONG_MESSAGE_CHARS = 6000
EXPAND_URL = "bothy:expand"


def _action(text: str, parent: QWidget, slot) -> QToolButton:
    b = QToolButton(parent)
    b.setObjectName("MessageAction")
    b.setText(text)
    b.setAccessibleName(text)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.clicked.connect(slot)
    return b


class MessageWidget(QWidget):
    regenerate_requested = Signal()
    edit_submitted = Signal(int, str)
    pin_requested = Signal(int, bool)
    remember_requested = Signal(int)
    branch_requested = Signal(int)
    fork_requested = Signal(int)
    delete_branch_requested = Signal(int)

    def __init__(self, message: dict, colors: Colors, parent=None):
        super().__init__(parent)
        self.message = message  # the view model's row itself, never a copy (see ChatView)
        self.colors = colors
        self.role = message["role"]
        self.code_blocks: list[str] = []
        self._editor: QFrame | None = None
        self._rendered_text: str | None = None
        self._streamer: StreamingRenderer | None = None  # while the reply streams
        self._sources: SourceChips | None = None  # made when a reply first has sources
        self._expanded = False  # a very long message is shown shortened until asked for in full
        self._thinking_block: ThinkingBlock | None = None
        self._branch_switcher: BranchSwitcher | None = None  # made when the message first has alternatives

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 6, 0, 6)
        outer.setSpacing(4)
        self.text_view = MessageText(self)
        self.text_view.anchorClicked.connect(self._anchor)
        self.text_view.setAccessibleName(self.tr("Your message") if self.role == "user" else self.tr("Reply"))

        if self.role == "user":
            self.bubble = QFrame(self)
            self.bubble.setObjectName("UserBubble")
            bl = QVBoxLayout(self.bubble)
            bl.setContentsMargins(14, 9, 14, 9)
            bl.addWidget(self.text_view)
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addStretch(1)
            row.addWidget(self.bubble)
            outer.addLayout(row)
        else:
            self.bubble = None
            header = QLabel(self.tr("Bothy"), self)
            header.setObjectName("RoleLabel")
            outer.addWidget(header)
            outer.addWidget(self.text_view)  # a reasoning model's thinking goes above it (thinking_block)

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        outer.addWidget(self.note)

        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.setSpacing(2)
        self.stats_label = ElidedLabel(self)  # never widens the reply past a narrow window
        self.stats_label.setObjectName("StatsLabel")
        self.copy_button = _action(self.tr("Copy"), self, self.copy_message)
        self.copy_button.setToolTip(self.tr("Copy the whole message"))
        self.memory_buttons = MessageMemoryButtons(self)
        self.memory_buttons.pin_toggled.connect(lambda pinned: self.pin_requested.emit(self.message_id, pinned))
        self.memory_buttons.remember_clicked.connect(lambda: self.remember_requested.emit(self.message_id))
        self.memory_buttons.fork_clicked.connect(lambda: self.fork_requested.emit(self.message_id))
        self.memory_buttons.delete_branch_clicked.connect(lambda: self.delete_branch_requested.emit(self.message_id))
        if self.role == "user":
            footer.addStretch(1)
            self.edit_button = _action(self.tr("Edit"), self, self.start_edit)
            self.edit_button.setToolTip(self.tr("Edit this message and send it again"))
            footer.addWidget(self.edit_button)
            footer.addWidget(self.copy_button)
            footer.addWidget(self.memory_buttons)
            self.regenerate_button = None
        else:
            self.edit_button = None
            footer.addWidget(self.copy_button)
            self.regenerate_button = _action(self.tr("Regenerate"), self, self.regenerate_requested)
            self.regenerate_button.setToolTip(self.tr("Write this reply again"))
            self.regenerate_button.hide()
            footer.addWidget(self.regenerate_button)
            footer.addWidget(self.memory_buttons)
            footer.addSpacing(8)
            footer.addWidget(self.stats_label, 1)
        outer.addLayout(footer)
        self._outer = outer
        self._footer = footer
        self.refresh()

    # -- content -------------------------------------------------------------------------------
    @property
    def message_id(self) -> int | None:
        return self.message.get("id")

    @property
    def streaming(self) -> bool:
        return self.message.get("status") == "streaming"

    def show_streamed_text(self) -> None:
        """The row's text (or its thinking) grew while streaming: show it."""
        self._update_thinking()
        self._render()
        if self.message.get("content") or self.message.get("thinking"):
            self._update_note()

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self._rendered_text = None
        if self._thinking_block is not None:
            self._thinking_block.set_colors(colors)
        self.refresh()

    def refresh(self) -> None:
        self._update_thinking()
        self._render()
        self._update_sources()
        self._update_note()
        self._update_footer()

    def _update_sources(self) -> None:
        """The passages of the person's documents this reply's model was given, as [n] chips."""
        sources = self.message.get("sources")
        if not sources and self._sources is None:
            return  # most replies: no row at all
        if self._sources is None:
            self._sources = SourceChips(self)
            self._sources.opened.connect(self.show_source)
            self._outer.insertWidget(self._outer.indexOf(self.text_view) + 1, self._sources)
        self._sources.set_sources(sources)

    def show_source(self, source: dict) -> PassageDialog:
        dialog = PassageDialog(source, self)
        dialog.open()
        return dialog

    def _update_thinking(self) -> None:
        """A reasoning model's thinking, collapsed above the answer (hidden for replies without)."""
        if self.role != "assistant":
            return
        thinking = self.message.get("thinking") or ""
        if not thinking and self._thinking_block is None:
            return  # most replies: no block at all
        self.thinking_block.setVisible(bool(thinking))
        if thinking:
            self.thinking_block.show_thinking(
                thinking, streaming=self.streaming, thinking_ms=self.message.get("thinking_ms")
            )
        self.text_view.setVisible(bool(self.message.get("content")) or not thinking)  # no gap under the thinking

    @property
    def thinking_block(self) -> ThinkingBlock:
        """The collapsible thinking above a reply's answer, made when a reply first has thinking."""
        if self._thinking_block is None:
            self._thinking_block = ThinkingBlock(self.colors, self)
            self._thinking_block.hide()
            layout = self._outer
            layout.insertWidget(layout.indexOf(self.text_view), self._thinking_block)
        return self._thinking_block

    def _render(self) -> None:
        text = self.message.get("content") or ""
        if text == self._rendered_text:
            return
        self._rendered_text = text
        doc = self.text_view.document()
        doc.setDefaultStyleSheet(markdown.style_sheet(self.colors, mono_family()))
        if self.role == "user":
            self.code_blocks = []
            if len(text) > LONG_MESSAGE_CHARS and not self._expanded:
                # Laying out a huge paste (1 MB) would freeze the window for seconds: show its start.
                more = self.tr("Show all %1 characters").replace("%1", f"{len(text):,}")
                html = markdown.plain_html(text[:LONG_MESSAGE_CHARS] + " …")
                html += f'<p><a href="{EXPAND_URL}">{more}</a></p>'
                self.text_view.set_html(html)
            else:
                self.text_view.set_html(markdown.plain_html(text))
            self._fit_bubble()
        elif self.streaming or (self._streamer is not None and self._streamer.continues(text)):
            # Only the unfinished tail is rendered again on each flush (ui/streaming_text.py); when
            # the reply ends, its last flush stays (rendering a long reply whole would stall).
            if self._streamer is None:
                render = render_function(self.colors, self.tr("Copy"), self.tr("image"))
                self._streamer = StreamingRenderer(doc, render)
            self._streamer.update(text)
            self.code_blocks = self._streamer.all_code_blocks()
            self.text_view.fit()
            if not self.streaming:
                self._streamer = None
        else:
            self._streamer = None
            rendered = markdown.render(text, self.colors, copy_label=self.tr("Copy"), image_label=self.tr("image"))
            self.code_blocks = rendered.code_blocks
            self.text_view.set_html(rendered.html)

    def _update_note(self) -> None:
        status = self.message.get("status")
        note, kind = "", "StatusNote"
        if self.role == "assistant":
            if status == "streaming" and not self.message.get("content") and not self.message.get("thinking"):
                note, kind = self.tr("Thinking…"), "Muted"
            elif status == "cancelled":
                note = self.tr("Stopped before the end.")
            elif status == "interrupted":
                note = self.tr("Interrupted: Bothy closed before this reply was finished.")
            elif status == "error":
                note, kind = self.message.get("error") or self.tr("This reply failed."), "ErrorNote"
            elif self.message.get("finish_reason") == "length":
                note = self.tr("Reached the maximum reply length (see Settings > Generation).")
        if self.note.objectName() != kind:
            self.note.setObjectName(kind)
            self.note.style().unpolish(self.note)
            self.note.style().polish(self.note)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _update_footer(self) -> None:
        streaming = self.streaming
        self.copy_button.setVisible(not streaming)
        if self.edit_button is not None:
            self.edit_button.setVisible(self._editor is None)
        self.memory_buttons.show_message(self.message)
        self._update_branches()
        if self.role == "assistant":
            stats = self.stats_text()
            self.stats_label.setText(stats)
            self.stats_label.setToolTip("\n".join(filter(None, [stats, self.stats_tooltip()])))  # when it is cut

    def _update_branches(self) -> None:
        siblings = self.message.get("siblings") or []
        if len(siblings) < 2 and self._branch_switcher is None:
            return  # most messages: no alternatives, no switcher
        self.branch_switcher.setVisible(len(siblings) > 1)
        if len(siblings) > 1:
            self.branch_switcher.show_siblings(self.message_id, siblings)
            self.branch_switcher.setEnabled(not self.streaming)

    @property
    def branch_switcher(self) -> BranchSwitcher:
        """`‹ 2/3 ›`, first in the footer (after the space on a user message's side)."""
        if self._branch_switcher is None:
            self._branch_switcher = BranchSwitcher(self)
            self._branch_switcher.selected.connect(self.branch_requested)
            self._footer.insertWidget(1 if self.role == "user" else 0, self._branch_switcher)
        return self._branch_switcher

    def stats_text(self) -> str:
        m = self.message
        if m.get("status") == "streaming" or not m.get("reply_tokens"):
            return ""
        parts = []
        if m.get("tokens_per_s"):
            parts.append(self.tr("%1 tokens/s").replace("%1", f"{m['tokens_per_s']:.1f}"))
        if m.get("ttft_ms") is not None:
            parts.append(self.tr("%1 s to first token").replace("%1", f"{m['ttft_ms'] / 1000:.2f}"))
        parts.append(self.tr("%1 tokens").replace("%1", str(m["reply_tokens"])))
        if m.get("model_file"):
            parts.append(Path(m["model_file"]).stem)
        return " · ".join(parts)

    def stats_tooltip(self) -> str:
        m = self.message
        if not m.get("prompt_tokens"):
            return ""
        return self.tr("Prompt: %1 tokens").replace("%1", str(m["prompt_tokens"]))

    def set_last_reply(self, last: bool, can_regenerate: bool = True) -> None:
        if self.regenerate_button is not None:
            self.regenerate_button.setVisible(last and not self.streaming and can_regenerate)

    # -- layout ----------------------------------------------------------------------------------
    def _fit_bubble(self) -> None:
        if self.bubble is None or self.width() <= 0:
            return
        limit = int(self.width() * USER_BUBBLE_FRACTION) - 28
        ideal = math.ceil(self.text_view.ideal_width()) + 4
        self.text_view.setFixedWidth(max(40, min(ideal, limit)))
        self.text_view.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_bubble()

    # -- actions ---------------------------------------------------------------------------------
    @Slot()
    def copy_message(self) -> None:
        QGuiApplication.clipboard().setText(self.message.get("content") or "")

    @Slot(QUrl)
    def _anchor(self, url: QUrl) -> None:
        if url.toString() == EXPAND_URL:
            self._expanded = True
            self._rendered_text = None
            self._render()
            return
        if url.scheme() == markdown.COPY_SCHEME:
            try:
                QGuiApplication.clipboard().setText(self.code_blocks[int(url.path())])
            except (ValueError, IndexError):
                pass
            return
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    @Slot()
    def start_edit(self) -> None:
        if self._editor is not None or self.bubble is None:
            return
        frame = QFrame(self)
        frame.setObjectName("ComposerFrame")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 8, 10, 8)
        edit = QPlainTextEdit(frame)
        edit.setObjectName("ComposerEdit")
        edit.setAccessibleName(self.tr("Edit your message"))
        edit.setPlainText(self.message.get("content") or "")
        edit.setMinimumHeight(80)
        layout.addWidget(edit)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton(self.tr("Cancel"), frame)
        send = QPushButton(self.tr("Send"), frame)
        send.setObjectName("PrimaryButton")
        row.addWidget(cancel)
        row.addWidget(send)
        layout.addLayout(row)
        cancel.clicked.connect(self.cancel_edit)
        send.clicked.connect(lambda: self._submit_edit(edit.toPlainText()))
        self._editor = frame
        self._edit_field = edit
        self.bubble.hide()
        self._outer.insertWidget(0, frame)
        self._update_footer()
        edit.setFocus()

    @Slot()
    def cancel_edit(self) -> None:
        if self._editor is None:
            return
        self._editor.deleteLater()
        self._editor = None
        self.bubble.show()
        self._update_footer()

    def _submit_edit(self, text: str) -> None:
        if text.strip() and self.message_id is not None:
            self.edit_submitted.emit(self.message_id, text)
