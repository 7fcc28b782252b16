"""The "Stop and ask" policy's question: this chat no longer fits the model's context; what now?

Nothing was sent or stored, and the message is still in the composer. The choices: load the model
again with a longer context (the next power of two that holds the chat and the reply, with the
estimate of whether that fits this computer), start a new chat that carries a summary of this one
(the message is sent there), or cancel.

Signals:
    longer_context(): "Use a longer context" was chosen.
    carry_over(): "New chat with a summary" was chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def _label(text: str, parent: QWidget, name: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class ContextFullDialog(QDialog):
    longer_context = Signal()
    carry_over = Signal()

    def __init__(
        self, *, needed: int, n_ctx: int, proposal: int, fit: str, trained: int | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("This chat no longer fits"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        title = _label(
            self.tr("This chat no longer fits the model's context (%1 tokens).").replace("%1", f"{n_ctx:,}"),
            self,
            "SectionTitle",
        )
        layout.addWidget(title)
        layout.addWidget(
            _label(
                self.tr(
                    "With your new message it needs about %1 tokens. Nothing was sent: your message is still "
                    "in the box."
                ).replace("%1", f"{needed:,}"),
                self,
            )
        )

        longer = self._choice(
            self.tr("Use a longer context"),
            self.tr("Load the model again with room for %1 tokens, then send your message.").replace(
                "%1", f"{proposal:,}"
            ),
        )
        self.fit_label = _label(fit, longer, "Muted")
        self.fit_label.setVisible(bool(fit))
        longer.layout().addWidget(self.fit_label)
        if trained and proposal > trained:
            warning = self.tr("This model was trained on at most %1 tokens: beyond that its replies may get worse.")
            longer.layout().addWidget(_label(warning.replace("%1", f"{trained:,}"), longer, "StatusNote"))
        self.longer_button = self._button(longer, self.tr("Use %1 tokens").replace("%1", f"{proposal:,}"))
        self.longer_button.clicked.connect(self._longer)
        layout.addWidget(longer)

        carry = self._choice(
            self.tr("New chat with a summary"),
            self.tr(
                "The model summarizes this chat; a new chat starts with that summary in its memory, "
                "and your message is sent there. This chat stays as it is."
            ),
        )
        self.carry_button = self._button(carry, self.tr("Start a new chat"))
        self.carry_button.clicked.connect(self._carry)
        layout.addWidget(carry)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    def _choice(self, title: str, text: str) -> QFrame:
        frame = QFrame(self)
        frame.setObjectName("ChoiceCard")
        column = QVBoxLayout(frame)
        column.setContentsMargins(12, 10, 12, 10)
        column.addWidget(_label(title, frame, "SectionTitle"))
        column.addWidget(_label(text, frame))
        return frame

    @staticmethod
    def _button(frame: QFrame, text: str) -> QPushButton:
        row = QHBoxLayout()
        row.addStretch(1)
        button = QPushButton(text, frame)
        button.setObjectName("PrimaryButton")
        button.setAccessibleName(text)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignRight)
        frame.layout().addLayout(row)
        return button

    @Slot()
    def _longer(self) -> None:
        self.accept()
        self.longer_context.emit()

    @Slot()
    def _carry(self) -> None:
        self.accept()
        self.carry_over.emit()
