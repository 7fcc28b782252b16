"""A context mark in the chat: where the model stopped seeing older messages, and what stands for them.

The store's context marks (assistant/store/memory.py) are shown in the conversation right after the
last message each one covers, as rows of the chat view's model with role "mark" (`with_marks`);
the messages themselves stay above it, always. A marker is one compact line ("32 earlier messages
summarized", or "… no longer fit and were left out") that opens, with a click, to a card with the
summary the model reads instead (Edit, Write again) or why the messages were left out (Summarize
them). The row holds the marker's state besides the mark ("expanded", "busy", "error"), so a marker
made again (scrolling, a refresh after the engine wrote a summary) looks as it did.

Signals (MarkerWidget):
    edit_saved(int mark_id, str text): the person's new text for the summary.
    rewrite_requested(int mark_id): ask the model for a summary (again).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui import markdown
from ui.i18n import plural
from ui.message_text import MessageText, mono_family
from ui.theme import Colors

MARK_ROLE = "mark"


def mark_row(mark: dict) -> dict:
    """A view-model row for a mark (its id is None: it is no message)."""
    return {"id": None, "role": MARK_ROLE, "status": "complete", "content": "", "mark": mark}


def is_mark(row: dict) -> bool:
    return row.get("role") == MARK_ROLE


def with_marks(messages: list[dict], marks: list[dict]) -> list[dict]:
    """The message rows with a row for each mark right after the last message it covers (before
    the first newer message; rows not stored yet count as the newest)."""
    pending = sorted(marks, key=lambda m: (m["last_message_id"], m["id"]))
    out: list[dict] = []
    i = 0
    for row in messages:
        if is_mark(row):
            continue
        rid = row.get("id")
        while i < len(pending) and (rid is None or pending[i]["last_message_id"] < rid):
            out.append(mark_row(pending[i]))
            i += 1
        out.append(row)
    out.extend(mark_row(m) for m in pending[i:])
    return out


def _rule(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setObjectName("MarkerRule")
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    line.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return line


def _button(text: str, parent: QWidget, slot, primary: bool = False) -> QPushButton:
    b = QPushButton(text, parent)
    b.setAccessibleName(text)
    if primary:
        b.setObjectName("PrimaryButton")
    b.clicked.connect(slot)
    return b


class MarkerWidget(QFrame):
    edit_saved = Signal(int, str)
    rewrite_requested = Signal(int)

    def __init__(self, row: dict, colors: Colors, parent=None):
        super().__init__(parent)
        self.setObjectName("ContextMarker")
        self.message = row  # the view model's row itself (see ChatView)
        self.colors = colors
        self.editor: QPlainTextEdit | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 8)
        outer.setSpacing(6)

        header = QHBoxLayout()
        header.setSpacing(8)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("MarkerToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggle.toggled.connect(self._toggled)
        header.addWidget(_rule(self), 1)
        header.addWidget(self.toggle)
        header.addWidget(_rule(self), 1)
        outer.addLayout(header)

        self.card = QFrame(self)
        self.card.setObjectName("MarkerCard")
        card = QVBoxLayout(self.card)
        card.setContentsMargins(14, 10, 14, 10)
        card.setSpacing(6)
        self.explain = QLabel(self.card)
        self.explain.setObjectName("Muted")
        self.explain.setWordWrap(True)
        self.text_view = MessageText(self.card)
        self.text_view.setAccessibleName(self.tr("Summary"))
        self.note = QLabel(self.card)
        self.note.setObjectName("StatusNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QLabel(self.card)
        self.progress.setObjectName("Muted")
        self.error = QLabel(self.card)
        self.error.setObjectName("ErrorNote")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (self.explain, self.text_view, self.note, self.progress, self.error):
            card.addWidget(w)
        self.editor_slot = QVBoxLayout()
        card.addLayout(self.editor_slot)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.edit_button = _button(self.tr("Edit"), self.card, self.start_edit)
        self.edit_button.setToolTip(self.tr("Correct the summary by hand"))
        self.rewrite_button = _button(self.tr("Write again"), self.card, self._rewrite)
        self.rewrite_button.setToolTip(self.tr("Ask the model for a new summary of these messages"))
        self.summarize_button = _button(self.tr("Summarize them"), self.card, self._rewrite, primary=True)
        self.summarize_button.setToolTip(self.tr("Ask the model for a summary of these messages"))
        self.cancel_button = _button(self.tr("Cancel"), self.card, self.cancel_edit)
        self.save_button = _button(self.tr("Save"), self.card, self._save, primary=True)
        for b in (self.edit_button, self.rewrite_button, self.summarize_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        card.addLayout(buttons)
        outer.addWidget(self.card)
        self.refresh()

    # -- state -----------------------------------------------------------------------------------
    @property
    def mark(self) -> dict:
        return self.message["mark"]

    @property
    def mark_id(self) -> int:
        return self.mark["id"]

    @property
    def message_id(self) -> None:
        return None  # no message: ChatView looks messages up by id

    @property
    def summary(self) -> bool:
        return self.mark["kind"] == "summary"

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self.refresh()

    def refresh(self) -> None:
        """Show the row's mark and state (after a change to either)."""
        m, row = self.mark, self.message
        count = m.get("message_count") or 0
        if self.summary:
            title = plural(self.tr("%n earlier message(s) summarized", "", count), count)
            if m.get("edited"):
                title += " · " + self.tr("edited")
            self.explain.setText(
                self.tr(
                    "The model no longer sees the messages above: it reads this summary instead. "
                    "They stay here, in search and in exports."
                )
            )
        else:
            title = "⚠ " + plural(self.tr("%n earlier message(s) no longer fit and were left out", "", count), count)
            self.explain.setText(
                self.tr(
                    "The model no longer sees the messages above, and no summary stands for them. "
                    "They stay here, in search and in exports."
                )
            )
        self.toggle.setText(title)
        self.toggle.setAccessibleName(title)
        self.toggle.setProperty("kind", m["kind"])
        self.toggle.style().unpolish(self.toggle)
        self.toggle.style().polish(self.toggle)
        self.toggle.blockSignals(True)
        self.toggle.setChecked(bool(row.get("expanded")))
        self.toggle.blockSignals(False)
        self._show_card()

    def _show_card(self) -> None:
        row, expanded = self.message, self.expanded
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(
            self.tr("Hide the details")
            if expanded
            else (self.tr("Show the summary the model reads") if self.summary else self.tr("Show why"))
        )
        self.card.setVisible(expanded)
        if not expanded:
            return
        editing, busy = self.editor is not None, bool(row.get("busy"))
        self.text_view.setVisible(self.summary and not editing)
        if self.summary and not editing:
            self.text_view.document().setDefaultStyleSheet(markdown.style_sheet(self.colors, mono_family()))
            self.text_view.set_html(markdown.plain_html(self.mark.get("content") or ""))
        note = "" if self.summary else self.note_text()
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.progress.setText(self.tr("Writing a summary…") if busy else "")
        self.progress.setVisible(busy)
        self.error.setText(row.get("error") or "")
        self.error.setVisible(bool(row.get("error")) and not busy)
        self.edit_button.setVisible(self.summary and not editing)
        self.rewrite_button.setVisible(self.summary and not editing)
        self.summarize_button.setVisible(not self.summary)
        for b in (self.edit_button, self.rewrite_button, self.summarize_button):
            b.setEnabled(not busy)
        self.cancel_button.setVisible(editing)
        self.save_button.setVisible(editing)

    def note_text(self) -> str:
        """Why the messages were left out, for people (the core's notes are short English phrases)."""
        note = self.mark.get("note")
        if not note:
            return ""
        known = {
            "the summary was stopped": self.tr("Summarizing was stopped."),
            "the model wrote an empty summary": self.tr("Summarizing failed: the model wrote an empty summary."),
            "the model wrote the summary in another language": self.tr(
                "Summarizing failed: the model wrote the summary in another language."
            ),
            "the model's summary was longer than the messages it summarized": self.tr(
                "Summarizing failed: the model's summary was longer than the messages it summarized."
            ),
        }
        if note in known:
            return known[note]
        return self.tr("Summarizing failed: %1").replace("%1", note.removeprefix("summarizing failed: "))

    @Slot(bool)
    def _toggled(self, expanded: bool) -> None:
        self.message["expanded"] = expanded
        self._show_card()

    # -- actions ---------------------------------------------------------------------------------
    @Slot()
    def _rewrite(self) -> None:
        self.rewrite_requested.emit(self.mark_id)

    @Slot()
    def start_edit(self) -> None:
        if self.editor is not None:
            return
        self.editor = QPlainTextEdit(self.card)
        self.editor.setObjectName("MarkerEditor")
        self.editor.setAccessibleName(self.tr("Edit the summary"))
        self.editor.setPlainText(self.mark.get("content") or "")
        self.editor.setMinimumHeight(120)
        self.editor_slot.addWidget(self.editor)
        self.editor.show()
        self._show_card()
        self.editor.setFocus()

    @Slot()
    def cancel_edit(self) -> None:
        if self.editor is None:
            return
        self.editor.hide()
        self.editor.deleteLater()
        self.editor = None
        self._show_card()

    @Slot()
    def _save(self) -> None:
        if self.editor is not None and self.editor.toPlainText().strip():
            self.edit_saved.emit(self.mark_id, self.editor.toPlainText().strip())
