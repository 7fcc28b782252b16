"""The memory panel (Chat > Memory…): notes the model gets with every message, and this chat's policy.

Notes "for every chat" go with the system prompt of every conversation; notes "for this chat" with
this one's only. Each note is edited in place (Edit turns its text into a box, Save keeps it) or
deleted; a new one is typed into the field under its list. For a new chat (no conversation yet)
only the notes for every chat are shown. The chat's policy says what happens when it outgrows the
model's context; "Use the default" follows Settings > Generation. Every store error is shown by
ConversationActions (its `message` signal), as everywhere else.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.settings import MEMORY_POLICIES, Settings
from ui.conversation_actions import ConversationActions


def _tool(text: str, parent: QWidget, slot) -> QToolButton:
    b = QToolButton(parent)
    b.setObjectName("MessageAction")
    b.setText(text)
    b.setAccessibleName(text)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.clicked.connect(slot)
    return b


class NoteRow(QFrame):
    """One note: its text, Edit and Delete; while editing, a text box with Cancel and Save.

    Signals: save(int note_id, str text), delete(int note_id).
    """

    save = Signal(int, str)
    delete = Signal(int)

    def __init__(self, note: dict, parent=None):
        super().__init__(parent)
        self.setObjectName("NoteRow")
        self.note = note
        self.editor: QPlainTextEdit | None = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 4, 0, 4)
        self.layout_.setSpacing(4)
        row = QHBoxLayout()
        self.label = QLabel(note["content"], self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = _tool(self.tr("Edit"), self, self.start_edit)
        self.delete_button = _tool(self.tr("Delete"), self, lambda: self.delete.emit(self.note["id"]))
        row.addWidget(self.label, 1)
        row.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignTop)
        self.layout_.addLayout(row)
        self.edit_row = QHBoxLayout()
        self.edit_row.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("PrimaryButton")
        self.cancel_button.clicked.connect(self.cancel_edit)
        self.save_button.clicked.connect(self._save)
        self.edit_row.addWidget(self.cancel_button)
        self.edit_row.addWidget(self.save_button)
        self.layout_.addLayout(self.edit_row)
        self._show()

    def set_note(self, note: dict) -> None:
        self.note = note
        self.label.setText(note["content"])
        self.cancel_edit()

    def _show(self) -> None:
        editing = self.editor is not None
        self.label.setVisible(not editing)
        self.edit_button.setVisible(not editing)
        self.cancel_button.setVisible(editing)
        self.save_button.setVisible(editing)

    @Slot()
    def start_edit(self) -> None:
        if self.editor is None:
            self.editor = QPlainTextEdit(self)
            self.editor.setAccessibleName(self.tr("Edit the note"))
            self.editor.setPlainText(self.note["content"])
            self.editor.setFixedHeight(90)
            self.layout_.insertWidget(1, self.editor)
            self.editor.show()
        self._show()
        self.editor.setFocus()

    @Slot()
    def cancel_edit(self) -> None:
        if self.editor is not None:
            self.editor.hide()
            self.editor.deleteLater()
            self.editor = None
        self._show()

    @Slot()
    def _save(self) -> None:
        if self.editor is not None and self.editor.toPlainText().strip():
            self.save.emit(self.note["id"], self.editor.toPlainText().strip())


class NoteList(QWidget):
    """The notes of one scope (every chat: conversation_id None; or one conversation), and a field to add one."""

    def __init__(self, actions: ConversationActions, conversation_id: int | None, parent=None):
        super().__init__(parent)
        self.actions = actions
        self.conversation_id = conversation_id
        self.rows: list[NoteRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(0)
        layout.addLayout(self.rows_layout)
        self.empty = QLabel(self.tr("No notes yet."), self)
        self.empty.setObjectName("Muted")
        layout.addWidget(self.empty)
        add_row = QHBoxLayout()
        self.field = QLineEdit(self)
        self.field.setPlaceholderText(self.tr("Add a note…"))
        self.field.setAccessibleName(
            self.tr("New note for every chat") if conversation_id is None else self.tr("New note for this chat")
        )
        self.field.returnPressed.connect(self.add)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.setAccessibleName(self.field.accessibleName())
        self.add_button.clicked.connect(self.add)
        self.field.textChanged.connect(lambda text: self.add_button.setEnabled(bool(text.strip())))
        self.add_button.setEnabled(False)
        add_row.addWidget(self.field, 1)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        self.reload()

    def reload(self) -> None:
        for row in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = []
        for note in self.actions.memory_notes(self.conversation_id) or []:
            self._add_row(note)
        self.empty.setVisible(not self.rows)

    def _add_row(self, note: dict) -> NoteRow:
        row = NoteRow(note, self)
        row.save.connect(self._save)
        row.delete.connect(self._delete)
        self.rows_layout.addWidget(row)
        self.rows.append(row)
        self.empty.hide()
        return row

    def row(self, note_id: int) -> NoteRow | None:
        return next((r for r in self.rows if r.note["id"] == note_id), None)

    @Slot()
    def add(self) -> None:
        note = self.actions.add_note(self.field.text(), self.conversation_id)
        if note is not None:
            self._add_row(note)
            self.field.clear()

    @Slot(int, str)
    def _save(self, note_id: int, text: str) -> None:
        note = self.actions.update_note(note_id, text)
        row = self.row(note_id)
        if note is not None and row is not None:
            row.set_note(note)

    @Slot(int)
    def _delete(self, note_id: int) -> None:
        row = self.row(note_id)
        if self.actions.delete_note(note_id) and row is not None:
            self.rows.remove(row)
            row.hide()
            row.deleteLater()
            self.empty.setVisible(not self.rows)


class MemoryPanel(QDialog):
    def __init__(self, actions: ConversationActions, settings: Settings, conversation_id: int | None, parent=None):
        super().__init__(parent)
        self.setObjectName("MemoryPanel")
        self.actions = actions
        self.settings = settings
        self.setWindowTitle(self.tr("Memory"))
        self.resize(560, 480)
        layout = QVBoxLayout(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.global_notes: NoteList | None = None
        self.chat_notes: NoteList | None = None
        self.policy: QComboBox | None = None
        self.set_conversation(conversation_id)

    def set_conversation(self, conversation_id: int | None) -> None:
        """Show the notes for every chat, and this conversation's notes and policy (none for a new chat)."""
        self.conversation_id = conversation_id
        page = QWidget()
        column = QVBoxLayout(page)
        column.setSpacing(8)
        intro = QLabel(
            self.tr(
                "Bothy sends these notes to the model with every message, so it keeps them in mind "
                "however long a chat grows."
            ),
            page,
        )
        intro.setObjectName("Muted")
        intro.setWordWrap(True)
        column.addWidget(intro)
        column.addWidget(self._title(self.tr("For every chat"), page))
        self.global_notes = NoteList(self.actions, None, page)
        column.addWidget(self.global_notes)
        column.addSpacing(8)
        column.addWidget(self._title(self.tr("For this chat"), page))
        self.chat_notes = self.policy = None
        if conversation_id is None:
            later = QLabel(self.tr("Once this chat has started, it can have notes of its own."), page)
            later.setObjectName("Muted")
            later.setWordWrap(True)
            column.addWidget(later)
        else:
            self.chat_notes = NoteList(self.actions, conversation_id, page)
            column.addWidget(self.chat_notes)
            column.addSpacing(8)
            column.addWidget(self._title(self.tr("When this chat outgrows the context:"), page))
            self.policy = QComboBox(page)
            self.policy.setAccessibleName(self.tr("When this chat outgrows the context"))
            names = self.policy_names()
            default = names.get(self.settings.memory_policy, self.settings.memory_policy)
            self.policy.addItem(self.tr("Use the default (%1)").replace("%1", default), "")
            for value in MEMORY_POLICIES:
                self.policy.addItem(names[value], value)
            self._show_policy()
            self.policy.currentIndexChanged.connect(self._policy_chosen)
            column.addWidget(self.policy)
        column.addStretch(1)
        self.scroll.setWidget(page)

    def policy_names(self) -> dict[str, str]:
        return {
            "summarize": self.tr("Summarize the oldest messages"),
            "window": self.tr("Leave out the oldest messages"),
            "ask": self.tr("Stop and ask"),
        }

    @staticmethod
    def _title(text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName("SectionTitle")
        return label

    def edit_note(self, note_id: int) -> None:
        """Open a note for editing (after "Remember this" added it)."""
        for notes in (self.chat_notes, self.global_notes):
            row = notes.row(note_id) if notes is not None else None
            if row is not None:
                row.start_edit()
                self.scroll.ensureWidgetVisible(row)
                return

    @Slot(int)
    def _policy_chosen(self, _index: int) -> None:
        if self.conversation_id is not None and not self.actions.set_memory_policy(
            self.conversation_id, self.policy.currentData() or None
        ):
            self._show_policy()  # not saved: show what the chat has

    def _show_policy(self) -> None:
        self.policy.blockSignals(True)
        chosen = self.actions.memory_policy(self.conversation_id) or ""
        self.policy.setCurrentIndex(max(0, self.policy.findData(chosen)))
        self.policy.blockSignals(False)
