"""Settings > Data: where Bothy keeps things, export and import everything, delete everything.

Export, import and delete run in the background with a progress line, so the window never freezes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from assistant import paths
from ui.background import Task
from ui.settings.context import SettingsContext


class DataTab(QWidget):
    def __init__(self, context: SettingsContext, parent=None):
        super().__init__(parent)
        self.context = context
        form = QFormLayout(self)
        for label, path in (
            (self.tr("Conversations"), paths.db_path()),
            (self.tr("Models"), paths.models_dir()),
            (self.tr("Settings"), paths.settings_path()),
            (self.tr("Log"), paths.log_path()),
        ):
            row = QHBoxLayout()
            text = QLabel(str(path), self)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setWordWrap(True)
            button = QPushButton(self.tr("Open folder"), self)
            button.setAccessibleName(self.tr("Open the folder of %1").replace("%1", label))
            folder = path if path.is_dir() else path.parent
            button.clicked.connect(lambda _=False, f=folder: QDesktopServices.openUrl(QUrl.fromLocalFile(str(f))))
            row.addWidget(text, 1)
            row.addWidget(button)
            form.addRow(label + ":", row)
        self.export_button = QPushButton(self.tr("Export all conversations…"), self)
        self.export_button.clicked.connect(self.export_all)
        self.import_button = QPushButton(self.tr("Import conversations…"), self)
        self.import_button.clicked.connect(self.import_file)
        self.delete_button = QPushButton(self.tr("Delete all conversations…"), self)
        self.delete_button.clicked.connect(self.delete_all)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("Muted")
        busy = QHBoxLayout()
        busy.addWidget(self.progress_label)
        busy.addWidget(self.progress, 1)
        form.addRow("", busy)
        self.task: Task | None = None
        self._show_busy(None)

    def _show_busy(self, text: str | None) -> None:
        self.progress.setVisible(text is not None)
        self.progress_label.setVisible(text is not None)
        self.progress_label.setText(text or "")
        for button in (self.export_button, self.import_button, self.delete_button):
            button.setEnabled(text is None)

    def _run(self, task: Task, text: str, done_text) -> Task:
        """Show `text` while `task` runs, then `done_text(result)` (or nothing after a failure)."""
        self.task = task
        self._show_busy(text)
        task.succeeded.connect(lambda result: self.progress_label.setText(done_text(result)))
        task.finished.connect(self._task_finished)
        return task

    @Slot()
    def _task_finished(self) -> None:
        message = self.progress_label.text() if self.task and self.task.state == "succeeded" else None
        self.task = None
        self._show_busy(None)
        if message:
            self.progress_label.setText(message)
            self.progress_label.setVisible(True)

    @Slot()
    def export_all(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export all conversations"),
            str(Path.home() / "bothy-conversations.json"),
            self.tr("JSON (*.json)"),
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> Task:
        task = self.context.conversations.export_all(path, owner=self)
        return self._run(
            task,
            self.tr("Exporting…"),
            lambda n: self.tr("Exported %n conversation(s).", "", n),
        )

    @Slot()
    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import conversations"),
            str(Path.home()),
            self.tr("Chat exports (*.json *.zip);;All files (*)"),
        )
        if path:
            self.import_from(path)

    def import_from(self, path: str):
        """Import in the import window (ui/import_dialog.py): progress, Cancel, and what came in."""
        from ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.context.conversations, [path], self)
        dialog.show()
        self.import_dialog = dialog
        return dialog.task

    @Slot()
    def delete_all(self) -> Task | None:
        count = self.context.store.count_conversations()
        if not count:
            return None
        answer = QMessageBox.warning(
            self,
            self.tr("Delete all conversations"),
            self.tr("Delete all %n conversation(s)? This cannot be undone.", "", count),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        return self.delete_all_now()

    def delete_all_now(self) -> Task:
        task = self.context.conversations.delete_all(owner=self)
        return self._run(task, self.tr("Deleting…"), lambda n: self.tr("Deleted %n conversation(s).", "", n))
