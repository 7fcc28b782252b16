"""The main window's part for importing conversations: File > Import… (files: Bothy's exports,
ChatGPT's export zip, Open WebUI, LM Studio, Chatbox), File > Import a folder… (Jan's data folder),
and dropping any of them on the window (a dropped .gguf goes to Settings > Models instead). Each
import shows ui/import_dialog.py.

A mixin of MainWindow (ui/main_window.py). Its strings use QCoreApplication.translate("ImportHandling",
...) (see ui/window_turns.py for why).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QFileDialog

from ui.dropped import dropped_documents, dropped_ggufs, dropped_imports
from ui.import_dialog import ImportDialog


class ImportHandling:
    def _connect_imports(self) -> None:
        self.import_dialog: ImportDialog | None = None
        self.window_actions.import_files.triggered.connect(self.choose_import_files)
        self.window_actions.import_folder.triggered.connect(self.choose_import_folder)

    @Slot()
    def choose_import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            QCoreApplication.translate("ImportHandling", "Import conversations"),
            str(Path.home()),
            QCoreApplication.translate("ImportHandling", "Chat exports (*.json *.zip);;All files (*)"),
        )
        if paths:
            self.import_conversations(paths)

    @Slot()
    def choose_import_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, QCoreApplication.translate("ImportHandling", "Import a folder of conversations"), str(Path.home())
        )
        if path:
            self.import_conversations([path])

    def import_conversations(self, paths: list[str]) -> ImportDialog:
        """Import these files or folders, showing the progress and then what came in."""
        dialog = ImportDialog(self.conversations, paths, self)
        dialog.show()
        self.import_dialog = dialog
        return dialog

    def dragEnterEvent(self, event) -> None:
        if dropped_ggufs(event) or dropped_imports(event) or dropped_documents(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if files := dropped_ggufs(event):
            self.open_settings().models_tab.add_files(files)
        elif files := dropped_imports(event):
            self.import_conversations(files)
        elif files := dropped_documents(event):
            self.attach_documents(files)

    # -- the local API's state in the status bar (ui/api_controller.py) ----------------------------
    def _start_api(self) -> None:
        from PySide6.QtCore import QTimer

        self._api_timer = QTimer(self)
        self._api_timer.setInterval(1000)
        self._api_timer.timeout.connect(self._show_api)
        self.api.state_changed.connect(self._show_api)
        self.api.kept.connect(self._api_conversation_kept)
        self.api.apply()

    @Slot(int)
    def _api_conversation_kept(self, conversation_id: int) -> None:
        if not self.sidebar.searching():
            self.sidebar.reload(self.conversation_id)

    @Slot()
    def _show_api(self) -> None:
        running = self.api.running
        self.status.set_api(running, self.api.answered, self.api.port)
        if running and not self._api_timer.isActive():
            self._api_timer.start()
        elif not running:
            self._api_timer.stop()
        if self.api.error:
            self.show_error(self.api.error)
