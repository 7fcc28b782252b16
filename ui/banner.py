"""A non-modal message strip at the top of the chat: errors, and "Deleted. Undo".

Signals:
    action_triggered(): the banner's button (e.g. Undo) was clicked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton


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
        self.button = QPushButton(self)
        self.button.clicked.connect(self._action)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName(self.tr("Close notification"))
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.close_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._callback = None
        self.hide()

    def show_message(
        self, text: str, *, kind: str = "error", action: str | None = None, callback=None, timeout_ms: int = 0
    ) -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.button.setText(action or "")
        self.button.setVisible(bool(action))
        self._callback = callback
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()
        self.show()

    @Slot()
    def _action(self) -> None:
        callback, self._callback = self._callback, None
        self.dismiss()
        if callback is not None:
            callback()
        self.action_triggered.emit()

    @Slot()
    def dismiss(self) -> None:
        self._timer.stop()
        self._callback = None
        self.hide()
