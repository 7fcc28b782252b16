"""The main window: layout, and the wiring between the widgets and the controllers that do the work.

- TurnController (ui/turn_controller.py): send, regenerate, edit, stop; the turn in progress.
- ConversationActions (ui/conversation_actions.py): pin, delete with undo, export, import, prompts.
- ModelsController (ui/models_controller.py): which model is loaded, downloads, the models folder.
- WindowActions (ui/actions.py): actions, menus, shortcuts, Help.
- MemoryHandling (ui/window_memory.py): markers, pins, notes, the memory panel, "Summarizing…".
Every engine call goes through EngineBridge (see engine_bridge.py for the threading).

Signals:
    model_loaded(object LoadedModel)
    model_failed(str message)
    turn_done(object TurnResult): after the store has the reply's final state.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QSplitter,
)

from assistant.errors import UserFacingError
from assistant.settings import Settings
from assistant.store import Store
from ui import layout_memory, theme
from ui.actions import WindowActions
from ui.api_controller import ApiController
from ui.chat_page import ChatPage
from ui.conversation_actions import UNDO_MS, ConversationActions
from ui.engine_bridge import EngineBridge
from ui.models_controller import ModelsController
from ui.sidebar import Sidebar
from ui.status_bar import StatusBar
from ui.turn_controller import TurnController
from ui.window_branches import BranchHandling
from ui.window_documents import DocumentHandling
from ui.window_first_run import FirstRunHandling
from ui.window_imports import ImportHandling
from ui.window_memory import MemoryHandling
from ui.window_turns import TurnHandling

log = logging.getLogger("bothy.ui")


class MainWindow(
    ImportHandling, DocumentHandling, FirstRunHandling, BranchHandling, MemoryHandling, TurnHandling, QMainWindow
):
    model_loaded = Signal(object)
    model_failed = Signal(str)
    turn_done = Signal(object)

    def __init__(self, *, store: Store, settings: Settings, bridge: EngineBridge | None = None):
        super().__init__()
        self.setObjectName("MainWindow")
        self.store = store
        self.settings = settings
        self.bridge = bridge or EngineBridge(store=store, parent=self)
        self.colors = theme.resolve(settings.theme)
        self.conversation_id: int | None = None
        self.startup_notice: str | None = None  # e.g. the database was damaged and moved aside
        self._closing = False
        self._settings_dialog = None

        self.turns = TurnController(store=store, settings=settings, bridge=self.bridge, parent=self)
        self.models = ModelsController(settings=settings, bridge=self.bridge, busy=lambda: self.turns.busy, parent=self)
        self.api = ApiController(
            settings=settings, bridge=self.bridge, busy=lambda: self.turns.busy, db_path=store.path, parent=self
        )
        self.turns.can_start = lambda: self.models.ready
        self.conversations = ConversationActions(
            store=store,
            settings=settings,
            streaming=lambda: self.turns.turn.conversation_id if self.turns.turn else None,
            parent=self,
        )

        self.sidebar = Sidebar(store=store)
        self.page = ChatPage(self.colors)
        self.banner, self.chat, self.composer = self.page.banner, self.page.chat, self.page.composer
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.page)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([260, 840])
        self.setCentralWidget(self.splitter)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.window_actions = WindowActions(self, theme=settings.theme)

        self._connect()
        self.retranslate()
        layout_memory.restore(self, self.splitter)
        self._update_composer()
        self.setAcceptDrops(True)
        QTimer.singleShot(0, self.models.watch_folder)

    # -- wiring ----------------------------------------------------------------------------------
    def _connect(self) -> None:
        a = self.window_actions
        for action, slot in (
            (a.new, self.new_chat),
            (a.search, self.sidebar.focus_search),
            (a.settings, self.open_settings),
            (a.quit, self.close),
            (a.stop, self.turns.stop),
            (a.regenerate, self.regenerate),
            (a.rename, self.rename_current),
            (a.delete, self.delete_current),
            (a.system_prompt, self.edit_system_prompt),
            (a.export, self.export_current),
            (a.focus_composer, self.composer.focus),
        ):
            action.triggered.connect(slot)
        for name, action in a.themes.items():
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))

        self.turns.conversation_created.connect(self._conversation_created)
        self.turns.started.connect(self._turn_started)
        self.turns.stored.connect(self._turn_stored)
        self.turns.text.connect(self._turn_text)
        self.turns.thinking.connect(self._turn_text)  # a reasoning model's thinking: the reply row grew too
        self.turns.context.connect(self._turn_context)
        self.turns.speed.connect(self.status.set_speed)
        self.turns.finished.connect(self._turn_finished)

        self.models.loading.connect(self._model_loading)
        self.models.loaded.connect(self._model_loaded)
        self.models.failed.connect(self._model_failed)
        self.models.folder_changed.connect(self._models_folder_changed)

        self.conversations.message.connect(self.show_error)
        self.conversations.undo_offered.connect(self._offer_undo)
        self.conversations.changed.connect(self._conversations_changed)
        self.conversations.deleted.connect(self._conversation_deleted)
        self.conversations.restored.connect(self.open_conversation)

        self.composer.submitted.connect(self.send)
        self.composer.stop_requested.connect(self.turns.stop)
        self.composer.settings_requested.connect(self.open_settings)
        self.chat.regenerate_requested.connect(self.regenerate)
        self.chat.edit_requested.connect(self.edit_and_resend)
        self.sidebar.new_chat.connect(self.new_chat)
        self.sidebar.open_conversation.connect(self.open_conversation)
        self.sidebar.delete_requested.connect(self.conversations.delete)
        self.sidebar.pin_requested.connect(self.conversations.set_pinned)
        self.sidebar.error.connect(self.show_error)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self._connect_memory()
        self._connect_branches()
        self._connect_imports()
        self._connect_documents()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Bothy"))
        self.window_actions.retranslate()
        self.sidebar.retranslate()
        self.chat.retranslate()
        self.composer.retranslate()
        self.status.retranslate()
        self._update_composer()
        if self.first_run_card is not None:  # made in the old language: made again
            self._hide_first_run()
            self._show_first_run(self.models.current)

    def shortcuts(self) -> list[tuple[str, str]]:
        return self.window_actions.shortcut_list()

    # -- models ----------------------------------------------------------------------------------
    @property
    def loaded(self):
        return self.models.current

    def start(self) -> None:
        """After the window is shown: say what went wrong at start-up, load the default model."""
        problems = [p for p in (self.settings.problem, self.startup_notice) if p]
        if problems:
            self.show_error(" ".join(problems))
        QTimer.singleShot(0, self.load_default_model)
        self._start_api()

    @Slot()
    def load_default_model(self) -> None:
        model = self.models.default_model()
        if model is None:
            self._update_composer()
            return
        self.load_model(model)

    def load_model(self, model) -> bool:
        problem = self.models.load(model)
        if problem:
            self.show_error(problem)
        return problem is None

    @Slot(object)
    def _model_loading(self, model) -> None:
        self.status.set_loading(model)
        self._update_composer()

    @Slot(object)
    def _model_loaded(self, loaded) -> None:
        self.status.set_model(loaded)
        if loaded.base_model_note:
            self.banner.show_message(loaded.base_model_note, kind="info")
        self._update_composer()
        self._show_first_run(loaded)
        self.model_loaded.emit(loaded)

    @Slot(object, str)
    def _model_failed(self, model, message: str) -> None:
        self.status.set_model(self.loaded)
        text = (
            self.tr("%1 could not be loaded: %2").replace("%1", model.file_name or model.label).replace("%2", message)
        )
        if self.loaded is not None:
            text += " " + self.tr("Still using %1.").replace("%1", self.loaded.name)
        self.show_error(text)
        self._update_composer()
        self.model_failed.emit(message)

    @Slot()
    def _models_folder_changed(self) -> None:
        if self._settings_dialog is not None:
            self._settings_dialog.models_tab.refresh()

    def _update_composer(self) -> None:
        notice = ""
        if self.loaded is None:
            if self.models.pending is not None:
                notice = self.tr("Loading %1… you can write your message meanwhile.").replace(
                    "%1", self.models.pending.label
                )
            else:
                notice = self.tr(
                    "No model is loaded, so Bothy cannot answer yet. Add a GGUF model file in Settings > Models "
                    "(or drop a .gguf file on this window), then choose Use this model."
                )
        self.composer.set_state(ready=self.models.ready, busy=self.turns.busy, notice=notice)
        self.chat.set_empty_hint("" if self.loaded is not None or self.models.pending else notice)

    # -- conversations ---------------------------------------------------------------------------
    @Slot()
    def new_chat(self) -> None:
        self.conversation_id = None
        self.chat.set_conversation(None, [])
        self.sidebar.select_conversation(None)
        self.status.set_context(None)
        if not self.turns.busy:
            self.status.set_speed(None)
        self._show_documents()
        self.composer.focus()

    @Slot(int, object)
    def open_conversation(self, conversation_id: int, message_id=None, *, highlight=True) -> None:
        try:
            messages = self._rows(conversation_id, message_id)
        except UserFacingError as exc:
            self.show_error(str(exc))
            self.sidebar.reload(self.conversation_id)
            return
        self.conversation_id = conversation_id
        live = self.turns.turn
        self.chat.set_conversation(conversation_id, messages, message_id, live=live, highlight=highlight)
        self.chat.set_busy(self.turns.busy)
        self.status.set_context(None)
        if not self.turns.busy:
            self.status.set_speed(None)
        self.sidebar.select_conversation(conversation_id)
        self._show_documents()
        if not self.turns.busy:
            self.bridge.prepare(conversation_id)  # its KV state goes back while the person types
        if message_id is None:
            self.composer.focus()

    @Slot()
    def rename_current(self) -> None:
        if self.conversation_id is not None:
            self.sidebar.rename(self.conversation_id)

    @Slot()
    def delete_current(self) -> None:
        if self.conversation_id is not None:
            self.conversations.delete(self.conversation_id)

    @Slot(int)
    def _conversation_deleted(self, conversation_id: int) -> None:
        if self.conversation_id == conversation_id:
            self.new_chat()

    @Slot(object)
    def _conversations_changed(self, select) -> None:
        if self.conversation_id is not None and select is None:
            try:
                self.store.get_conversation(self.conversation_id)
            except UserFacingError:  # it is gone (delete all)
                self.new_chat()
        self.sidebar.reload(select if select is not None else self.conversation_id)

    def _offer_undo(self, text: str, callback) -> None:
        self.banner.show_message(text, kind="info", action=self.tr("Undo"), callback=callback, timeout_ms=UNDO_MS)

    @Slot()
    def edit_system_prompt(self) -> None:
        current = self.conversations.system_prompt(self.conversation_id)
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("System prompt"), self.tr("How Bothy should behave in this chat:"), current
        )
        if ok:
            self.conversations.set_system_prompt(self.conversation_id, text)

    @Slot()
    def export_current(self) -> None:
        if self.conversation_id is None:
            return
        name = self.conversations.suggested_export_name(self.conversation_id)
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export this chat"), str(Path.home() / f"{name}.md"), self.tr("Markdown (*.md)")
        )
        if path:
            self.conversations.export_markdown(self.conversation_id, path)

    # -- messages --------------------------------------------------------------------------------
    @Slot(str)
    @Slot()
    def bring_to_front(self) -> None:
        """Another start of Bothy asked for this window."""
        log.info("another start of Bothy: bringing the window to the front")
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def show_error(self, text: str) -> None:
        self.banner.show_message(text, kind="error")

    # -- appearance ------------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        self.settings.theme = name
        self.window_actions.themes[name].setChecked(True)
        self.save_settings()
        self.apply_theme()

    def apply_theme(self) -> None:
        self.colors = theme.apply(QApplication.instance(), self.settings.theme)
        self.chat.set_colors(self.colors)

    def set_language(self, language: str) -> None:
        from ui import i18n

        self.settings.language = language
        self.save_settings()
        i18n.install(QApplication.instance(), language)
        self.retranslate()
        if self._settings_dialog is not None:
            dialog, self._settings_dialog = self._settings_dialog, None
            dialog.close()
            dialog.deleteLater()
            QTimer.singleShot(0, self.open_settings)
        if self.conversation_id is not None:
            self.open_conversation(self.conversation_id)

    @Slot()
    def _system_scheme_changed(self, *_args) -> None:
        if self.settings.theme == "system":
            self.apply_theme()

    def save_settings(self) -> bool:
        try:
            self.settings.save()
        except (OSError, ValueError) as exc:
            self.show_error(self.tr("Your settings could not be saved: %1").replace("%1", str(exc)))
            return False
        return True

    # -- dialogs ---------------------------------------------------------------------------------
    @Slot()
    def open_settings(self):
        from ui.settings import SettingsContext, SettingsDialog

        if self._settings_dialog is None:
            context = SettingsContext.for_window(self)
            self._settings_dialog = SettingsDialog(context, parent=self)
        self._settings_dialog.refresh()
        self._settings_dialog.show()
        self._settings_dialog.raise_()
        self._settings_dialog.activateWindow()
        return self._settings_dialog

    # -- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        if not self._closing:
            self._closing = True
            layout_memory.save(self, self.splitter)
            if self._settings_dialog is not None:
                self._settings_dialog.close()
            self.models.close()
            self.api.stop(quiet=True)
            self.documents_indexer.close()  # what was indexed stays; the rest is indexed next time
            self.bridge.shutdown()
        super().closeEvent(event)
