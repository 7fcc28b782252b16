"""Where the user writes: Enter sends, Shift+Enter starts a new line, Esc (or Stop) stops a reply.

Signals:
    submitted(str text): the person sends `text`; it stays in the box until `accepted(text)`, so a
        message that cannot be sent is never lost.
    stop_requested()
    settings_requested(): the "no model" notice's button.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ui.i18n import plural

MAX_LINES = 10


class ComposerEdit(QPlainTextEdit):
    submit = Signal()
    escape = Signal()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.submit.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    submitted = Signal(str)
    stop_requested = Signal()
    settings_requested = Signal()
    attach_requested = Signal()
    documents_cleared = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ready = False
        self._busy = False

        self.notice = QFrame(self)
        self.notice.setObjectName("NoModel")
        nl = QHBoxLayout(self.notice)
        nl.setContentsMargins(12, 8, 8, 8)
        self.notice_label = QLabel(self.notice)
        self.notice_label.setWordWrap(True)
        self.notice_button = QPushButton(self.notice)
        self.notice_button.clicked.connect(self.settings_requested)
        nl.addWidget(self.notice_label, 1)
        nl.addWidget(self.notice_button)
        self.notice.hide()

        self.frame = QFrame(self)
        self.frame.setObjectName("ComposerFrame")
        fl = QHBoxLayout(self.frame)
        fl.setContentsMargins(12, 6, 6, 6)
        fl.setSpacing(6)
        self.attach_button = QPushButton(self.frame)
        self.attach_button.setObjectName("AttachButton")
        self.attach_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.attach_button.clicked.connect(self.attach_requested)
        self.edit = ComposerEdit(self.frame)
        self.edit.setObjectName("ComposerEdit")
        self.edit.setTabChangesFocus(True)
        self.edit.submit.connect(self.send)
        self.edit.escape.connect(self._escape)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.installEventFilter(self)
        self.send_button = QPushButton(self.frame)
        self.send_button.setObjectName("SendButton")
        self.send_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton(self.frame)
        self.stop_button.setObjectName("StopButton")
        self.stop_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.hide()
        fl.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        fl.addWidget(self.edit, 1)
        fl.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        fl.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.hint = QLabel(self)
        self.hint.setObjectName("Muted")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.setSpacing(6)
        self.documents = QFrame(self)  # the libraries this chat answers from, with a way to stop that
        dl = QHBoxLayout(self.documents)
        dl.setContentsMargins(4, 0, 4, 0)
        self.documents_label = QLabel(self.documents)
        self.documents_label.setObjectName("Muted")
        self.documents_clear = QPushButton(self.documents)
        self.documents_clear.setObjectName("LinkButton")
        self.documents_clear.setCursor(Qt.CursorShape.PointingHandCursor)
        self.documents_clear.clicked.connect(self.documents_cleared)
        dl.addWidget(self.documents_label, 1)
        dl.addWidget(self.documents_clear)
        self.documents.hide()
        self._libraries: list[str] = []
        self._document_count = 0
        layout.addWidget(self.notice)
        layout.addWidget(self.documents)
        layout.addWidget(self.frame)
        layout.addWidget(self.hint)
        self.retranslate()
        self._text_changed()

    def set_documents(self, libraries: list[str], documents: int = 0) -> None:
        """Show which document libraries the chat answers from (none: hidden)."""
        self._libraries, self._document_count = list(libraries), documents
        self.documents.setVisible(bool(libraries))
        if libraries:
            count = plural(self.tr("%n document(s)", "", documents), documents)
            self.documents_label.setText(
                self.tr("Answers from your documents: %1 (%2)").replace("%1", ", ".join(libraries)).replace("%2", count)
            )

    def retranslate(self) -> None:
        self.attach_button.setText(self.tr("Attach"))
        self.attach_button.setToolTip(self.tr("Attach documents to this chat: its answers draw on them"))
        self.documents_clear.setText(self.tr("Stop using them"))
        if self._libraries:
            self.set_documents(self._libraries, self._document_count)
        self.edit.setPlaceholderText(self.tr("Message Bothy…"))
        self.edit.setAccessibleName(self.tr("Message"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.send_button.setToolTip(self.tr("Send (Enter)"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop the reply"))
        self.stop_button.setToolTip(self.tr("Stop the reply (Esc)"))
        self.notice_button.setText(self.tr("Open Settings"))
        self.hint.setText(self.tr("Enter to send · Shift+Enter for a new line · Esc to stop"))

    # -- state -----------------------------------------------------------------------------------
    def set_state(self, *, ready: bool, busy: bool, notice: str = "") -> None:
        """ready: a model is loaded; busy: a reply is streaming; notice: why there is no model."""
        self._ready, self._busy = ready, busy
        self.send_button.setVisible(not busy)
        self.stop_button.setVisible(busy)
        self.notice_label.setText(notice)
        self.notice.setVisible(bool(notice))
        self._text_changed()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- actions ---------------------------------------------------------------------------------
    @Slot()
    def send(self) -> None:
        """Offer the text to whoever sends it; it stays here until they call accepted()."""
        text = self.edit.toPlainText()
        if not text.strip() or self._busy or not self._ready:
            return
        self.submitted.emit(text)

    def accepted(self, text: str) -> None:
        """The message `text` is on its way: clear it (unless the person already wrote something else)."""
        if self.edit.toPlainText() == text:
            self.edit.clear()

    def give_back(self, text: str) -> None:
        """A message that could not be sent comes back, unless the person has started a new one."""
        if not self.edit.toPlainText().strip():
            self.edit.setPlainText(text)
            self.edit.moveCursor(QTextCursor.MoveOperation.End)

    @Slot()
    def _escape(self) -> None:
        if self._busy:
            self.stop_requested.emit()

    @Slot()
    def _text_changed(self) -> None:
        self.send_button.setEnabled(self._ready and bool(self.edit.toPlainText().strip()))
        fm = self.edit.fontMetrics()
        lines = max(1, min(MAX_LINES, int(self.edit.document().size().height())))
        margins = self.edit.contentsMargins()
        doc_margin = self.edit.document().documentMargin()
        height = lines * fm.lineSpacing() + 2 * doc_margin + margins.top() + margins.bottom() + 2
        self.edit.setFixedHeight(int(height))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.edit and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.frame.setProperty("focused", event.type() == QEvent.Type.FocusIn)
            self.frame.style().unpolish(self.frame)
            self.frame.style().polish(self.frame)
        return super().eventFilter(obj, event)
