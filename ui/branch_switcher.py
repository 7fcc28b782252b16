"""`‹ 2/3 ›` under a message that has alternatives: the other replies a regeneration wrote, or the
other versions of an edited message (assistant/store/tree.py keeps them all).

The arrows show the previous or next alternative at once, and make that branch the active path:
what the model sees next and what export prints. Alt+Left and Alt+Right do the same for the last
message that has alternatives (ui/actions.py).

Signals (BranchSwitcher):
    selected(int message_id): the person asked for that alternative.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


class BranchSwitcher(QWidget):
    selected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("BranchSwitcher")
        self.siblings: list[int] = []
        self.index = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.previous_button = self._arrow("‹", self.tr("Previous version"))
        self.label = QLabel(self)
        self.label.setObjectName("BranchLabel")
        self.next_button = self._arrow("›", self.tr("Next version"))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        layout.addWidget(self.previous_button)
        layout.addWidget(self.label)
        layout.addWidget(self.next_button)

    def _arrow(self, text: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName("MessageAction")
        button.setText(text)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def show_siblings(self, message_id: int, siblings: list[int]) -> None:
        """Show where `message_id` stands among its alternatives (ids, oldest first)."""
        self.siblings = list(siblings)
        self.index = self.siblings.index(message_id) if message_id in self.siblings else 0
        count = len(self.siblings)
        self.label.setText(f"{self.index + 1}/{count}")
        self.label.setAccessibleName(
            self.tr("Version %1 of %2").replace("%1", str(self.index + 1)).replace("%2", str(count))
        )
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < count - 1)

    def step(self, delta: int) -> bool:
        """Ask for the alternative `delta` away (-1: previous). False when there is none."""
        target = self.index + delta
        if not 0 <= target < len(self.siblings):
            return False
        self.selected.emit(self.siblings[target])
        return True
