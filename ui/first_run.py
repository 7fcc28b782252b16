"""While the starter model is loaded: a card in the empty chat that says it is a tiny demo and
suggests one or two models that suit this computer (assistant/library/suggest.py), each one click
away with its size and a time estimate. Nothing is downloaded without that click; "Not now" hides
the card for good.

Signals (FirstRunCard):
    download_requested(object Suggestion)
    dismissed()
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from assistant.library import format_bytes
from assistant.library.suggest import ASSUMED_SPEED, Suggestion
from ui import i18n


class FirstRunCard(QFrame):
    download_requested = Signal(object)
    dismissed = Signal()

    def __init__(self, suggestions: list[Suggestion], parent=None):
        super().__init__(parent)
        self.setObjectName("FirstRunCard")
        self.suggestions = suggestions
        layout = QVBoxLayout(self)
        self.text = QLabel(
            self.tr(
                "You are chatting with the starter model, a tiny demo: good for trying Bothy, not for real "
                "work. These suit this computer:"
            ),
            self,
        )
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.buttons: list[QPushButton] = []
        speed = f"{ASSUMED_SPEED / 2**20:.0f} MB/s"
        for suggestion in suggestions:
            row = QHBoxLayout()
            minutes = self.tr("about %1 min at %2").replace("%1", str(suggestion.minutes)).replace("%2", speed)
            description = suggestion.model.description_for(i18n.language())
            label = QLabel(
                f"<b>{suggestion.model.name}</b> · {suggestion.file.quantization} · "
                f"{format_bytes(suggestion.size)} · {minutes}<br><span>{description}</span>",
                self,
            )
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            button = QPushButton(self.tr("Download"), self)
            button.setObjectName("PrimaryButton")
            button.clicked.connect(lambda _=False, s=suggestion, b=button: self._download(s, b))
            row.addWidget(label, 1)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            layout.addLayout(row)
            self.buttons.append(button)
        self.not_now = QPushButton(self.tr("Not now"), self)
        self.not_now.setObjectName("LinkButton")
        self.not_now.clicked.connect(self.dismissed)
        layout.addWidget(self.not_now, 0, Qt.AlignmentFlag.AlignRight)

    def _download(self, suggestion: Suggestion, button: QPushButton) -> None:
        button.setEnabled(False)
        button.setText(self.tr("Downloading…"))
        self.download_requested.emit(suggestion)
