"""The import window: which file is being read, a progress bar with Cancel, then what came in.

It runs ConversationActions.import_files() in the background, so the main window stays usable
while thousands of conversations are written. Cancel keeps nothing of the file being imported
(files already finished stay). At the end it lists, per file, how many conversations and messages
came in and from which app, how many were already there, and each conversation skipped, with why.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from ui.background import Task
from ui.i18n import plural

APPS = {
    "bothy": "Bothy",
    "chatgpt": "ChatGPT",
    "open-webui": "Open WebUI",
    "jan": "Jan",
    "lm-studio": "LM Studio",
    "chatbox": "Chatbox",
}


class ImportDialog(QDialog):
    def __init__(self, conversations, paths: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("ImportDialog")
        self.setWindowTitle(self.tr("Import conversations"))
        self.setMinimumWidth(460)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("Reading…"), self)
        self.heading.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.detail = QLabel(self)
        self.detail.setObjectName("Muted")
        self.summary = QTextBrowser(self)
        self.summary.hide()
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.hide()  # after addButton(), which shows it
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        for widget in (self.heading, self.progress, self.detail, self.summary, self.buttons):
            layout.addWidget(widget)
        self.outcomes = None
        self.task: Task = conversations.import_files(list(paths), owner=self)
        self.task.progress.connect(self._progress)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.cancelled.connect(self._cancelled)

    @Slot()
    def cancel(self) -> None:
        if not self.task.is_finished:
            self.cancel_button.setEnabled(False)
            self.heading.setText(self.tr("Cancelling…"))
            self.task.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        """Esc or the close button cancel an import that is running."""
        if not self.task.is_finished:
            self.cancel()
            return
        super().reject()

    @Slot(object, object, str)
    def _progress(self, done: int, total: int, name: str) -> None:
        self.heading.setText(self.tr("Importing %1…").replace("%1", name))
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.detail.setText(
                self.tr("%1 of %2 conversations").replace("%1", f"{done:,}").replace("%2", f"{total:,}")
            )

    @Slot(object)
    def _done(self, outcomes) -> None:
        self.outcomes = outcomes
        conversations = sum(len(o.summary.conversations) for o in outcomes if o.summary)
        messages = sum(o.summary.message_count for o in outcomes if o.summary)
        self.heading.setText(
            plural(self.tr("Imported %n conversation(s)", "", conversations), conversations)
            + plural(self.tr(" with %n message(s).", "", messages), messages)
        )
        self.summary.setHtml("".join(self._file_html(o) for o in outcomes))
        self._finish()

    def _file_html(self, outcome) -> str:
        name = _escape(outcome.file_name)
        if outcome.error:
            return f"<p><b>{name}</b><br><span style='color:#c0392b'>{_escape(outcome.error)}</span></p>"
        s = outcome.summary
        lines = [
            plural(self.tr("%n conversation(s)", "", len(s.conversations)), len(s.conversations))
            + plural(self.tr(", %n message(s)", "", s.message_count), s.message_count)
            + self.tr(" from %1").replace("%1", ", ".join(APPS.get(a, a) for a in s.source.split(", ")))
        ]
        if s.already:
            lines.append(self.tr("Already here, not imported again: %n", "", s.already))
        for skipped in s.skipped:
            text = self.tr("Skipped “%1”: %2").replace("%1", skipped.title).replace("%2", skipped.reason)
            lines.append(_escape(text))
        return f"<p><b>{name}</b><br>" + "<br>".join(lines) + "</p>"

    @Slot(str)
    def _failed(self, error: str) -> None:
        self.heading.setText(self.tr("The import failed: nothing of the file being imported was kept."))
        self.summary.setPlainText(error)
        self._finish()

    @Slot()
    def _cancelled(self) -> None:
        self.heading.setText(self.tr("Import cancelled: nothing of the file being imported was kept."))
        self._finish(show_summary=False)

    def _finish(self, show_summary: bool = True) -> None:
        self.progress.hide()
        self.detail.hide()
        self.summary.setVisible(show_summary)
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.adjustSize()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
