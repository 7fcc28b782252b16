"""A non-modal message strip at the top of the chat: errors, notices, and "Deleted. Undo".

Messages queue: one is shown at a time, and one that arrives while another is showing waits its
turn ("1 more" says so), so an error can never push an Undo away. An undo's offer lasts its full
time once shown; closing it (✕) or waiting it out is the only way it goes, and both are visible.
The same text arriving again while shown or queued is not repeated.

Signals:
    action_triggered(): the banner's button (e.g. Undo) was clicked.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton


@dataclass
class Notice:
    text: str
    kind: str = "error"  # error, info
    action: str | None = None
    callback: Callable[[], None] | None = None
    timeout_ms: int = 0


class Banner(QFrame):
    action_triggered = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setAccessibleName(self.tr("Notification"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        self.label = QLabel(self)
        self.label.setObjectName("BannerText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more = QLabel(self)
        self.more.setObjectName("Muted")
        self.button = QPushButton(self)
        self.button.clicked.connect(self._action)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName(self.tr("Close notification"))
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.more)
        layout.addWidget(self.button)
        layout.addWidget(self.close_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.current: Notice | None = None
        self.queue: deque[Notice] = deque()
        self.hide()

    def show_message(
        self, text: str, *, kind: str = "error", action: str | None = None, callback=None, timeout_ms: int = 0
    ) -> None:
        notice = Notice(text, kind, action, callback, timeout_ms)
        if self.current is None:
            self._show(notice)
            return
        if any(n.text == text and n.action is None for n in (self.current, *self.queue)) and action is None:
            return
        self.queue.append(notice)
        self._update_more()

    def _show(self, notice: Notice) -> None:
        self.current = notice
        self.setProperty("kind", notice.kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(notice.text)
        self.button.setText(notice.action or "")
        self.button.setVisible(bool(notice.action))
        if notice.timeout_ms:
            self._timer.start(notice.timeout_ms)
        else:
            self._timer.stop()
        self._update_more()
        self.show()

    def _update_more(self) -> None:
        waiting = len(self.queue)
        self.more.setText(self.tr("%n more", "", waiting) if waiting else "")
        self.more.setVisible(bool(waiting))

    @Slot()
    def _action(self) -> None:
        callback = self.current.callback if self.current else None
        self.dismiss()
        if callback is not None:
            callback()
        self.action_triggered.emit()

    @Slot()
    def dismiss(self) -> None:
        """Close the message shown; the next one waiting, if any, takes its place."""
        self._timer.stop()
        self.current = None
        if self.queue:
            self._show(self.queue.popleft())
        else:
            self.hide()

    def clear(self) -> None:
        """Close everything (used when the window closes)."""
        self.queue.clear()
        self.dismiss()
