"""A reasoning model's thinking, above its answer: collapsed to one line, opened with a click.

The line says "Thinking…" while the model thinks and "Thought for N s" once it answers; clicking it
(or Space on it) shows the thinking itself, which keeps streaming while open, and hides it again.
The thinking is never part of the reply's text: Copy copies the answer only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QToolButton, QVBoxLayout

from ui import markdown
from ui.message_text import MessageText, mono_family
from ui.theme import Colors


def seconds_text(ms: float) -> str:
    """How long the thinking took, for "Thought for %1 s": 2.4 (0.1 at least), or 12 from ten seconds on."""
    seconds = ms / 1000
    return f"{max(seconds, 0.1):.1f}" if seconds < 10 else f"{seconds:.0f}"


class ThinkingBlock(QFrame):
    def __init__(self, colors: Colors, parent=None):
        super().__init__(parent)
        self.setObjectName("ThinkingBlock")
        self.colors = colors
        self.thinking = ""
        self._rendered: str | None = None
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("ThinkingToggle")
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggle.setAccessibleDescription(self.tr("Shows or hides what the model thought before it answered"))
        self.toggle.toggled.connect(self._toggled)
        self.text_view = MessageText(self)
        self.text_view.setObjectName("ThinkingText")
        self.text_view.setAccessibleName(self.tr("Thinking"))
        self.text_view.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.setSpacing(2)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text_view)
        self._update_tooltip()

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)

    def show_thinking(self, thinking: str, *, streaming: bool, thinking_ms: float | None) -> None:
        """Show `thinking` (the text so far); the header says whether it goes on and how long it took."""
        self.thinking = thinking
        if thinking_ms is not None:
            header = self.tr("Thought for %1 s").replace("%1", seconds_text(thinking_ms))
        elif streaming:
            header = self.tr("Thinking…")
        else:
            header = self.tr("Thinking")  # how long is unknown (a reply from before it was measured)
        if header != self.toggle.text():
            self.toggle.setText(header)
            self.toggle.setAccessibleName(header)
        self._render()

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self._rendered = None
        self._render()

    @Slot(bool)
    def _toggled(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.text_view.setVisible(expanded)
        self._update_tooltip()
        self._render()

    def _update_tooltip(self) -> None:
        self.toggle.setToolTip(self.tr("Hide the thinking") if self.expanded else self.tr("Show the thinking"))

    def _render(self) -> None:
        """Lay the text out only while it is shown: a long thinking streams in collapsed at no cost."""
        if not self.expanded or self.thinking == self._rendered:
            return
        self._rendered = self.thinking
        self.text_view.document().setDefaultStyleSheet(markdown.style_sheet(self.colors, mono_family()))
        self.text_view.set_html(markdown.plain_html(self.thinking.strip()))
