"""Under a reply that used the person's documents: its sources as numbered chips, [1] thesis.pdf,
p. 3; a click shows the passage the model was given (file, page or line, the text, with the words
it shares with the question highlighted) with a button that opens the file itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)


class SourceChips(QWidget):
    """[1] [2] … for a reply's recorded passages (messages.sources)."""

    opened = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 2, 0, 2)
        self._layout.setSpacing(6)
        self.label = QLabel(self.tr("Sources:"), self)
        self.label.setObjectName("Muted")
        self._layout.addWidget(self.label)
        self._layout.addStretch(1)
        self.chips: list[QPushButton] = []

    def set_sources(self, sources: list[dict] | None) -> None:
        for chip in self.chips:
            chip.deleteLater()
        self.chips = []
        for source in sources or []:
            chip = QPushButton(f"[{source.get('number')}] {self._short(source)}", self)
            chip.setObjectName("SourceChip")
            chip.setToolTip(" ".join(str(source.get("text") or "").split())[:300])
            chip.clicked.connect(lambda _=False, s=source: self.opened.emit(s))
            self._layout.insertWidget(self._layout.count() - 1, chip)
            self.chips.append(chip)
        self.setVisible(bool(self.chips))

    def _short(self, source: dict) -> str:
        name = Path(source.get("path") or "").name
        name = name if len(name) <= 28 else name[:25] + "…"
        if source.get("page"):
            return self.tr("%1, p. %2").replace("%1", name).replace("%2", str(source["page"]))
        return self.tr("%1, l. %2").replace("%1", name).replace("%2", str(source.get("line") or 1))


class PassageDialog(QDialog):
    """The passage the model was given, exactly, and a way to open its file."""

    def __init__(self, source: dict, parent=None):
        super().__init__(parent)
        self.source = source
        name = Path(source.get("path") or "").name
        self.setWindowTitle(self.tr("Source [%1]: %2").replace("%1", str(source.get("number"))).replace("%2", name))
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        place = self.tr("%1, page %2") if source.get("page") else self.tr("%1, line %2")
        position = str(source.get("page") or source.get("line") or 1)
        heading = QLabel(place.replace("%1", source.get("path") or "").replace("%2", position), self)
        heading.setWordWrap(True)
        heading.setObjectName("Muted")
        layout.addWidget(heading)
        self.text = QTextBrowser(self)
        self.text.setPlainText(source.get("text") or "")
        self.highlighted = self._highlight(source.get("terms") or [])
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = buttons.addButton(self.tr("Open the file"), QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setEnabled(Path(source.get("path") or "").is_file())
        self.open_button.clicked.connect(self.open_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _highlight(self, terms: list[str]) -> int:
        """Mark where the question's terms occur in the passage; the first one is scrolled to.
        Returns how many places were marked."""
        marks = []
        document = self.text.document()
        for term in terms:
            cursor = QTextCursor(document)
            while not (cursor := document.find(term, cursor, QTextDocument.FindFlag(0))).isNull():
                mark = QTextEdit.ExtraSelection()
                mark.cursor = cursor
                mark.format.setBackground(QColor("#fde68a"))
                mark.format.setForeground(QColor("#1f2937"))
                marks.append(mark)
        self.text.setExtraSelections(marks)
        if marks:
            start = QTextCursor(document)
            start.setPosition(min(mark.cursor.selectionStart() for mark in marks))
            self.text.setTextCursor(start)
            self.text.ensureCursorVisible()
        return len(marks)

    def open_file(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.source.get("path") or ""))
