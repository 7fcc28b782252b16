"""A one-line label that gives up width rather than widen the row it sits in."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel


class ElidedLabel(QLabel):
    """Its text is cut with "…" where the space is short. A plain QLabel asks for its whole text's
    width as its minimum: a reply's footer of statistics (491 px) made the reply wider than a narrow
    chat column once it ended, clipping its right edge, and the width change laid the whole reply
    out again (40-120 ms for a 20,000-token reply). `full_text()` is the text before cutting."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._full = ""

    def setText(self, text: str) -> None:
        if text != self._full:
            self._full = text
            self.updateGeometry()
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right() + 2 * self.margin()
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width() - 2 * self.margin()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, width))
        if shown != super().text():
            super().setText(shown)
