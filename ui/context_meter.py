"""The context meter: how the model's context is filled this turn, one colour per part.

The parts come from ContextInfo (assistant/engine/types.py): the system prompt with the memory
notes, the summary of earlier messages, pinned messages, the newest messages, the room kept for
the reply, and what is free. The tooltip lists them; a click (or Space) opens a small popup with
the same list and a "Memory…" button that opens the memory panel. Colours: ui/theme.py.

Signals (ContextMeter):
    memory_requested(): the popup's "Memory…" button.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui import theme
from ui.i18n import plural


def _n(tokens: int) -> str:
    return f"{tokens:,}"


class ContextMeter(QWidget):
    memory_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ContextMeter")
        self.info = None
        self.popup: ContextPopup | None = None
        self.setFixedSize(130, 14)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.set_info(None)

    def sizeHint(self) -> QSize:
        return QSize(130, 14)

    # -- what fills the context ------------------------------------------------------------------
    def parts(self) -> list[tuple[str, int, str]]:
        """(colour attribute of theme.Colors, tokens, text) for each part there is, in order."""
        info = self.info
        if info is None:
            return []
        out = []
        if info.system_tokens:
            if info.notes:
                text = plural(self.tr("System prompt and %n memory note(s): %1 tokens", "", info.notes), info.notes)
            else:
                text = self.tr("System prompt: %1 tokens")
            out.append(("ctx_system", info.system_tokens, text))
        if info.summary_tokens:
            n = info.summarized
            out.append(
                (
                    "ctx_summary",
                    info.summary_tokens,
                    plural(self.tr("Summary of %n earlier message(s): %1 tokens", "", n), n),
                )
            )
        if info.pinned_tokens:
            n = info.pinned
            out.append(("ctx_pinned", info.pinned_tokens, plural(self.tr("%n pinned message(s): %1 tokens", "", n), n)))
        if info.documents_tokens:
            n = info.passages
            text = plural(self.tr("%n passage(s) of your documents: %1 tokens", "", n), n)
            out.append(("ctx_documents", info.documents_tokens, text))
        if info.recent_tokens:
            n = info.history_in_context
            out.append(("accent", info.recent_tokens, plural(self.tr("The newest %n message(s): %1 tokens", "", n), n)))
        reserve = max(0, min(info.reserve, info.n_ctx - info.prompt_tokens))
        if reserve:
            out.append(("ctx_reserve", reserve, self.tr("Kept for the reply: %1 tokens")))
        free = max(0, info.n_ctx - info.prompt_tokens - reserve)
        out.append(("border", free, self.tr("Free: %1 tokens")))
        return [(colour, tokens, text.replace("%1", _n(tokens))) for colour, tokens, text in out]

    def summary_line(self) -> str:
        info = self.info
        if info is None:
            return self.tr("How much of the model's context this conversation uses")
        return (
            self.tr("%1 of %2 tokens of context used")
            .replace("%1", _n(info.prompt_tokens))
            .replace("%2", _n(info.n_ctx))
        )

    def left_out_line(self) -> str:
        n = self.info.dropped if self.info is not None else 0
        return plural(self.tr("%n earlier message(s) left out", "", n), n) if n else ""

    def set_info(self, info) -> None:
        self.info = info
        lines = [self.summary_line(), *(text for _c, _t, text in self.parts())]
        if self.left_out_line():
            lines.append(self.left_out_line())
        self.setToolTip("\n".join(lines))
        self.setAccessibleDescription("; ".join(lines))
        if self.popup is not None and self.popup.isVisible():
            self.popup.fill(self)
        self.update()

    # -- painting and clicks ---------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        colors = theme.for_widget(self)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QRectF(0.5, 2.5, self.width() - 1, self.height() - 5)
        clip = QPainterPath()
        clip.addRoundedRect(bar, 4, 4)
        painter.fillPath(clip, QColor(colors.window))
        info = self.info
        if info is not None and info.n_ctx:
            painter.setClipPath(clip)
            x = bar.left()
            for colour, tokens, _text in self.parts():
                if colour == "border":
                    continue  # free: the bar's background
                width = bar.width() * tokens / info.n_ctx
                painter.fillRect(QRectF(x, bar.top(), width, bar.height()), QColor(getattr(colors, colour)))
                x += width
            painter.setClipping(False)
        painter.setPen(QColor(colors.accent if self.hasFocus() else colors.border))
        painter.drawPath(clip)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.open_popup()
        else:
            super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_popup()
        else:
            super().keyPressEvent(event)

    @Slot()
    def open_popup(self) -> ContextPopup:
        if self.popup is None:
            self.popup = ContextPopup(self)
            self.popup.memory_button.clicked.connect(self._memory)
        self.popup.fill(self)
        self.popup.adjustSize()
        corner = self.mapToGlobal(QPoint(self.width(), 0))
        self.popup.move(corner.x() - self.popup.width(), corner.y() - self.popup.height() - 6)
        self.popup.show()
        return self.popup

    @Slot()
    def _memory(self) -> None:
        self.popup.hide()
        self.memory_requested.emit()


class ContextPopup(QFrame):
    """What is in the model's context right now, with a colour swatch per part, and "Memory…"."""

    def __init__(self, meter: ContextMeter):
        super().__init__(meter, Qt.WindowType.Popup)
        self.setObjectName("ContextPopup")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        self.title = QLabel(self)
        self.title.setObjectName("SectionTitle")
        layout.addWidget(self.title)
        self.rows = QWidget(self)  # made anew by each fill()
        layout.addWidget(self.rows)
        self.left_out = QLabel(self)
        self.left_out.setObjectName("StatusNote")
        layout.addWidget(self.left_out)
        self.hint = QLabel(self)
        self.hint.setObjectName("Muted")
        self.hint.setWordWrap(True)
        self.hint.setMinimumWidth(300)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.memory_button = QPushButton(self)
        buttons.addWidget(self.memory_button)
        layout.addLayout(buttons)

    def fill(self, meter: ContextMeter) -> None:
        colors = theme.for_widget(meter)
        rows = QWidget(self)
        grid = QVBoxLayout(rows)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.title.setText(meter.summary_line())
        self.texts = []
        for colour, _tokens, text in meter.parts():
            row = QHBoxLayout()
            swatch = QLabel(rows)
            swatch.setFixedSize(12, 12)
            swatch.setStyleSheet(
                f"background: {getattr(colors, colour) if colour != 'border' else colors.window};"
                f" border: 1px solid {colors.border}; border-radius: 3px;"
            )
            row.addWidget(swatch)
            row.addWidget(QLabel(text, rows), 1)
            grid.addLayout(row)
            self.texts.append(text)
        self.layout().replaceWidget(self.rows, rows)
        self.rows.deleteLater()
        self.rows = rows
        self.left_out.setText(meter.left_out_line())
        self.left_out.setVisible(bool(meter.left_out_line()))
        self.hint.setText(
            self.tr("Send a message to see what fills the context.")
            if meter.info is None
            else self.tr("Pinned messages and memory notes are sent with every message; see Memory…")
        )
        self.memory_button.setText(self.tr("Memory…"))
        self.memory_button.setAccessibleName(self.tr("Open the memory panel"))
