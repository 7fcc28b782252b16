"""A message's memory actions, in its footer: "Keep in memory" (pin) and "Remember this" (a note).

Both are in the message's "⋯" menu, so the footer stays quiet; a pinned message shows
"📌 Kept in memory" (its pin mark; a click unpins it). A pinned message is sent to the model on
every turn, even after the messages around it were summarized or left out. "Remember this" adds
the message's text to this chat's memory notes. Both are offered only for a stored message with
text the model could see.

Signals (MessageMemoryButtons):
    pin_toggled(bool pinned): the person asked to pin or unpin the message.
    remember_clicked()
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget


def _tool(parent: QWidget) -> QToolButton:
    b = QToolButton(parent)
    b.setObjectName("MessageAction")
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


class MessageMemoryButtons(QWidget):
    pin_toggled = Signal(bool)
    remember_clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.pin_button = _tool(self)  # the pin mark: shown while pinned
        self.pin_button.setObjectName("PinMark")
        self.pin_button.setText("📌 " + self.tr("Kept in memory"))
        self.pin_button.setAccessibleName(self.tr("Kept in memory"))
        self.pin_button.setToolTip(
            self.tr("Sent to the model on every turn, even after older messages are summarized. Click to unpin.")
        )
        self.pin_button.clicked.connect(lambda: self.pin_toggled.emit(False))
        self.menu = QMenu(self)
        self.keep_action = QAction(self.tr("Keep in memory"), self.menu)
        self.keep_action.setCheckable(True)
        self.keep_action.setToolTip(
            self.tr("Send this message to the model on every turn, even after older messages are summarized")
        )
        self.keep_action.triggered.connect(self._keep)
        self.remember_action = QAction(self.tr("Remember this"), self.menu)
        self.remember_action.setToolTip(self.tr("Add this message to this chat's memory notes"))
        self.remember_action.triggered.connect(self.remember_clicked)
        self.menu.addAction(self.keep_action)
        self.menu.addAction(self.remember_action)
        self.menu.setToolTipsVisible(True)
        self.more_button = _tool(self)
        self.more_button.setText("⋯")
        self.more_button.setAccessibleName(self.tr("More actions"))
        self.more_button.setToolTip(self.tr("Keep in memory, Remember this"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setMenu(self.menu)
        layout.addWidget(self.pin_button)
        layout.addWidget(self.more_button)
        self.show_message({})

    @property
    def pinned(self) -> bool:
        return self.keep_action.isChecked()

    def show_message(self, message: dict) -> None:
        """Show the actions as they apply to `message` (the view model's row)."""
        offered = (
            message.get("id") is not None
            and message.get("status") not in ("streaming", "error")
            and bool((message.get("content") or "").strip())
        )
        self.setVisible(offered)
        pinned = bool(message.get("pinned"))
        self.keep_action.setChecked(pinned)
        self.pin_button.setVisible(pinned)

    @Slot(bool)
    def _keep(self, checked: bool) -> None:
        self.pin_toggled.emit(checked)
