"""A message's "⋯" menu, in its footer: its memory actions, "Keep in memory" (pin) and "Remember
this" (a note), and its branch actions, "Fork into a new chat" and "Delete this branch".

Both are in the message's "⋯" menu, so the footer stays quiet; a pinned message shows
"📌 Kept in memory" (its pin mark; a click unpins it). A pinned message is sent to the model on
every turn, even after the messages around it were summarized or left out. "Remember this" adds
the message's text to this chat's memory notes. Both are offered only for a stored message with
text the model could see; the menu itself, for any stored message that is not being written.

Forking makes a new chat of the path up to the message; deleting a branch deletes the message and
everything that follows it in this branch (with Undo). Both are in assistant/store/tree.py.

Signals (MessageMemoryButtons):
    pin_toggled(bool pinned): the person asked to pin or unpin the message.
    remember_clicked()
    fork_clicked()
    delete_branch_clicked()
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
    fork_clicked = Signal()
    delete_branch_clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._pin_button: QToolButton | None = None  # the pin mark, made when a message is first pinned
        self._menu: QMenu | None = None  # made on first use: most messages never open it
        self._pinned = False
        self._memorable = False
        self.more_button = _tool(self)
        self.more_button.setText("⋯")
        self.more_button.setAccessibleName(self.tr("More actions"))
        self.more_button.setToolTip(self.tr("Keep in memory, Remember this, Fork, Delete"))
        self.more_button.clicked.connect(self._open_menu)
        self._layout.addWidget(self.more_button)
        self.show_message({})

    @property
    def pinned(self) -> bool:
        return self._pinned

    @property
    def pin_button(self) -> QToolButton:
        """The pin mark, shown while the message is pinned; a click unpins it."""
        if self._pin_button is None:
            button = _tool(self)
            button.setObjectName("PinMark")
            button.setText("📌 " + self.tr("Kept in memory"))
            button.setAccessibleName(self.tr("Kept in memory"))
            button.setToolTip(
                self.tr("Sent to the model on every turn, even after older messages are summarized. Click to unpin.")
            )
            button.clicked.connect(lambda: self.pin_toggled.emit(False))
            button.hide()
            self._layout.insertWidget(0, button)
            self._pin_button = button
        return self._pin_button

    @property
    def menu(self) -> QMenu:
        if self._menu is None:
            menu = QMenu(self)
            keep = QAction(self.tr("Keep in memory"), menu)
            keep.setCheckable(True)
            keep.setToolTip(
                self.tr("Send this message to the model on every turn, even after older messages are summarized")
            )
            keep.triggered.connect(self._keep)
            remember = QAction(self.tr("Remember this"), menu)
            remember.setToolTip(self.tr("Add this message to this chat's memory notes"))
            remember.triggered.connect(self.remember_clicked)
            fork = QAction(self.tr("Fork into a new chat"), menu)
            fork.setToolTip(self.tr("Start a new chat with this conversation up to here"))
            fork.triggered.connect(self.fork_clicked)
            delete = QAction(self.tr("Delete this branch"), menu)
            delete.setToolTip(self.tr("Delete this message and what follows it in this branch (you can undo)"))
            delete.triggered.connect(self.delete_branch_clicked)
            menu.addAction(keep)
            menu.addAction(remember)
            menu.addSeparator()
            menu.addAction(fork)
            menu.addAction(delete)
            menu.setToolTipsVisible(True)
            self._menu, self._keep_action, self._remember_action = menu, keep, remember
            self._fork_action, self._delete_action = fork, delete
        self._keep_action.setChecked(self._pinned)
        self._keep_action.setEnabled(self._memorable)
        self._remember_action.setEnabled(self._memorable)
        return self._menu

    @property
    def keep_action(self) -> QAction:
        self.menu  # noqa: B018 - made on first use
        return self._keep_action

    @property
    def remember_action(self) -> QAction:
        self.menu  # noqa: B018 - made on first use
        return self._remember_action

    @property
    def fork_action(self) -> QAction:
        self.menu  # noqa: B018 - made on first use
        return self._fork_action

    @property
    def delete_branch_action(self) -> QAction:
        self.menu  # noqa: B018 - made on first use
        return self._delete_action

    @Slot()
    def _open_menu(self) -> None:
        self.menu.popup(self.more_button.mapToGlobal(self.more_button.rect().bottomLeft()))

    def show_message(self, message: dict) -> None:
        """Show the actions as they apply to `message` (the view model's row): the menu for a stored
        message that is not being written; its memory actions only when it has text the model saw."""
        stored = message.get("id") is not None and message.get("status") != "streaming"
        self._memorable = stored and message.get("status") != "error" and bool((message.get("content") or "").strip())
        self.setVisible(stored)
        self._pinned = bool(message.get("pinned"))
        if self._menu is not None:
            self._keep_action.setChecked(self._pinned)
            self._keep_action.setEnabled(self._memorable)
            self._remember_action.setEnabled(self._memorable)
        if self._pinned or self._pin_button is not None:
            self.pin_button.setVisible(self._pinned)

    @Slot(bool)
    def _keep(self, checked: bool) -> None:
        self.pin_toggled.emit(checked)
