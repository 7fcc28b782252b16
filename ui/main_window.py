"""The main window and the controller of a chat turn.

The GUI thread owns the store reads the window needs, the widgets and the Qt models; every engine
call goes through EngineBridge (see engine_bridge.py for the threading).

Signals:
    model_loaded(object LoadedModel)
    model_failed(str message)
    turn_done(object TurnResult): after the store has the reply's final state.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assistant import paths
from assistant.errors import UserFacingError
from assistant.settings import Settings
from assistant.store import Store
from ui import theme
from ui.banner import Banner
from ui.chat_view import ChatView
from ui.composer import Composer
from ui.dropped import dropped_ggufs
from ui.engine_bridge import EngineBridge, TurnResult
from ui.sidebar import Sidebar
from ui.status_bar import StatusBar

log = logging.getLogger("bothy.ui")

UNDO_MS = 10_000


def window_settings() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
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
        self.loaded = None
        self.loading: str | None = None
        self.request_id: int | None = None
        self.turn_conversation: int | None = None
        self.turn_reply_id: int | None = None
        self.turn_text = ""
        self._first_token_at: float | None = None
        self._tokens = 0
        self._closing = False
        self._settings_dialog = None
        self.startup_notice: str | None = None  # e.g. the database was damaged and moved aside
        self._next_system_prompt: str | None = None  # set for a new chat before its first message
        self._downloads = None  # the app's one DownloadManager, made when Discover is first opened
        self._models_watcher = None
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(2000)
        self._watch_timer.timeout.connect(self._poll_models_folder)

        self.sidebar = Sidebar(store=store)
        self.chat = ChatView(self.colors)
        self.composer = Composer()
        self.banner = Banner()
        page = QWidget()
        page.setObjectName("ChatPage")
        page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.setSpacing(0)
        pl.addWidget(self.banner)
        pl.addWidget(self.chat, 1)
        self.composer_holder = QWidget()
        ch = QVBoxLayout(self.composer_holder)
        ch.setContentsMargins(16, 0, 16, 0)
        ch.addWidget(self.composer)
        pl.addWidget(self.composer_holder)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(page)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([260, 840])
        self.setCentralWidget(self.splitter)
        self.status = StatusBar()
        self.setStatusBar(self.status)

        self._build_actions()
        self._connect()
        self.retranslate()
        self._restore_layout()
        self._update_composer()
        self.setAcceptDrops(True)
        QTimer.singleShot(0, self._watch_timer.start)

    # -- construction ----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        def action(shortcut, slot, *, context=Qt.ShortcutContext.WindowShortcut):
            a = QAction(self)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(context)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.new_action = action(QKeySequence.StandardKey.New, self.new_chat)
        self.search_action = action("Ctrl+K", self.sidebar.focus_search)
        self.settings_action = action("Ctrl+,", self.open_settings)
        self.quit_action = action(QKeySequence.StandardKey.Quit, self.close)
        self.stop_action = action(None, self.stop)
        self.regenerate_action = action("Ctrl+Shift+R", self.regenerate)
        self.rename_action = action(None, self.rename_current)
        self.delete_action = action(None, self.delete_current)
        self.system_prompt_action = action(None, self.edit_system_prompt)
        self.export_action = action(None, self.export_current)
        self.shortcuts_action = action(QKeySequence.StandardKey.HelpContents, self.show_shortcuts)
        self.about_action = action(None, self.show_about)
        self.focus_composer_action = action("Ctrl+L", self.composer.focus)
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for name in ("system", "light", "dark"):
            a = QAction(self)
            a.setCheckable(True)
            a.setChecked(self.settings.theme == name)
            a.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(a)
            self.theme_actions[name] = a

        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.new_action)
        self.file_menu.addAction(self.export_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.chat_menu = bar.addMenu("")
        for a in (self.search_action, self.focus_composer_action, self.regenerate_action, self.stop_action):
            self.chat_menu.addAction(a)
        self.chat_menu.addSeparator()
        for a in (self.rename_action, self.system_prompt_action, self.delete_action):
            self.chat_menu.addAction(a)
        self.view_menu = bar.addMenu("")
        self.theme_menu = self.view_menu.addMenu("")
        for a in self.theme_actions.values():
            self.theme_menu.addAction(a)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        w = self.bridge.worker
        q = Qt.ConnectionType.QueuedConnection
        w.load_started.connect(self._load_started, q)
        w.loaded.connect(self._loaded, q)
        w.load_failed.connect(self._load_failed, q)
        w.turn_started.connect(self._turn_started, q)
        w.text.connect(self._text, q)
        w.context.connect(self._context, q)
        w.turn_finished.connect(self._turn_finished, q)
        self.composer.submitted.connect(self.send)
        self.composer.stop_requested.connect(self.stop)
        self.composer.settings_requested.connect(self.open_settings)
        self.chat.regenerate_requested.connect(self.regenerate)
        self.chat.edit_requested.connect(self.edit_and_resend)
        self.sidebar.new_chat.connect(self.new_chat)
        self.sidebar.open_conversation.connect(self.open_conversation)
        self.sidebar.delete_requested.connect(self.delete_conversation)
        self.sidebar.pin_requested.connect(self.pin_conversation)
        self.sidebar.error.connect(self.show_error)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Bothy"))
        self.file_menu.setTitle(self.tr("&File"))
        self.chat_menu.setTitle(self.tr("&Chat"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.theme_menu.setTitle(self.tr("Theme"))
        self.theme_actions["system"].setText(self.tr("Follow the system"))
        self.theme_actions["light"].setText(self.tr("Light"))
        self.theme_actions["dark"].setText(self.tr("Dark"))
        self.new_action.setText(self.tr("New chat"))
        self.search_action.setText(self.tr("Search chats"))
        self.settings_action.setText(self.tr("Settings…"))
        self.quit_action.setText(self.tr("Quit"))
        self.stop_action.setText(self.tr("Stop the reply"))
        self.regenerate_action.setText(self.tr("Regenerate the last reply"))
        self.rename_action.setText(self.tr("Rename chat"))
        self.delete_action.setText(self.tr("Delete chat"))
        self.system_prompt_action.setText(self.tr("System prompt for this chat…"))
        self.export_action.setText(self.tr("Export this chat…"))
        self.shortcuts_action.setText(self.tr("Keyboard shortcuts"))
        self.about_action.setText(self.tr("About Bothy"))
        self.focus_composer_action.setText(self.tr("Write a message"))
        self.sidebar.retranslate()
        self.chat.retranslate()
        self.composer.retranslate()
        self.status.retranslate()
        self._update_composer()

    # -- layout memory ---------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = window_settings()
        geometry = s.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 780)
        splitter = s.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        s = window_settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("splitter", self.splitter.saveState())
        s.sync()

    # -- models ----------------------------------------------------------------------------------
    def start(self) -> None:
        """After the window is shown: recover, list conversations, load the default model."""
        problems = [p for p in (self.settings.problem, self.startup_notice) if p]
        if problems:
            self.show_error(" ".join(problems))
        QTimer.singleShot(0, self.load_default_model)

    @Slot()
    def load_default_model(self) -> None:
        from assistant.models import default_model_path

        path = default_model_path(self.settings.default_model)
        if path is None:
            self._update_composer()
            return
        self.load_model(str(path))

    def load_model(self, path: str) -> bool:
        if self.request_id is not None:
            self.show_error(self.tr("Stop the reply before switching models."))
            return False
        if self.loading is not None:
            return False
        self.loading = path
        self.status.set_loading(path)
        self._update_composer()
        self.bridge.load(path, self.settings.load_settings_for(path))
        return True

    @Slot(str)
    def _load_started(self, path: str) -> None:
        log.info("loading %s", path)

    @Slot(object)
    def _loaded(self, loaded) -> None:
        self.loading = None
        self.loaded = loaded
        self.status.set_model(loaded)
        self._update_composer()
        self.model_loaded.emit(loaded)

    @Slot(str, str)
    def _load_failed(self, path: str, message: str) -> None:
        self.loading = None
        self.loaded = self.bridge.engine.loaded
        self.status.set_model(self.loaded)
        name = Path(path).name
        text = self.tr("%1 could not be loaded: %2").replace("%1", name).replace("%2", message)
        if self.loaded is not None:
            text += " " + self.tr("Still using %1.").replace("%1", Path(self.loaded.path).stem)
        self.show_error(text)
        self._update_composer()
        self.model_failed.emit(message)

    def _update_composer(self) -> None:
        busy = self.request_id is not None
        notice = ""
        if self.loaded is None:
            if self.loading:
                notice = self.tr("Loading %1… you can write your message meanwhile.").replace(
                    "%1", Path(self.loading).stem
                )
            else:
                notice = self.tr(
                    "No model is loaded, so Bothy cannot answer yet. Add a GGUF model file in Settings > Models "
                    "(or drop a .gguf file on this window), then choose Use this model."
                )
        self.composer.set_state(ready=self.loaded is not None and self.loading is None, busy=busy, notice=notice)
        self.chat.set_empty_hint("" if self.loaded is not None or self.loading else notice)

    # -- conversations ---------------------------------------------------------------------------
    @Slot()
    def new_chat(self) -> None:
        self.conversation_id = None
        self.chat.set_conversation(None, [])
        self.sidebar.select_conversation(None)
        self.status.set_context(None)
        if self.request_id is None:
            self.status.set_speed(None)
        self.composer.focus()

    @Slot(int, object)
    def open_conversation(self, conversation_id: int, message_id=None) -> None:
        try:
            messages = self.store.messages(conversation_id)
        except UserFacingError as exc:
            self.show_error(str(exc))
            self.sidebar.reload(self.conversation_id)
            return
        self.conversation_id = conversation_id
        self.chat.set_conversation(conversation_id, messages, focus_message_id=message_id)
        if self.request_id is not None and self.turn_conversation == conversation_id:
            self.chat.resume_stream(self.turn_reply_id, self.turn_text)
        self.chat.set_busy(self.request_id is not None)
        self.status.set_context(None)
        if self.request_id is None:
            self.status.set_speed(None)
        self.sidebar.select_conversation(conversation_id)
        if message_id is None:
            self.composer.focus()

    @Slot()
    def rename_current(self) -> None:
        if self.conversation_id is not None:
            self.sidebar.rename(self.conversation_id)

    @Slot()
    def delete_current(self) -> None:
        if self.conversation_id is not None:
            self.delete_conversation(self.conversation_id)

    @Slot(int)
    def delete_conversation(self, conversation_id: int) -> None:
        if self.request_id is not None and self.turn_conversation == conversation_id:
            self.show_error(self.tr("Stop the reply before deleting this chat."))
            return
        try:
            data = self.store.delete_conversation(conversation_id)
        except UserFacingError as exc:
            self.show_error(str(exc))
            return
        if self.conversation_id == conversation_id:
            self.new_chat()
        self.sidebar.reload(self.conversation_id)
        title = data["conversation"].get("title") or self.tr("Untitled chat")
        self.banner.show_message(
            self.tr("Deleted “%1”.").replace("%1", title),
            kind="info",
            action=self.tr("Undo"),
            callback=lambda: self.restore_conversation(data),
            timeout_ms=UNDO_MS,
        )

    def restore_conversation(self, data: dict) -> None:
        try:
            conversation_id = self.store.restore_conversation(data)
        except UserFacingError as exc:
            self.show_error(str(exc))
            return
        self.sidebar.reload(conversation_id)
        self.open_conversation(conversation_id)

    @Slot(int, bool)
    def pin_conversation(self, conversation_id: int, pinned: bool) -> None:
        try:
            self.store.set_pinned(conversation_id, pinned)
        except UserFacingError as exc:
            self.show_error(str(exc))
        self.sidebar.reload(self.conversation_id)

    @Slot()
    def edit_system_prompt(self) -> None:
        if self.conversation_id is None:
            current = self.settings.system_prompt
        else:
            current = self.store.get_conversation(self.conversation_id).get("system_prompt") or ""
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("System prompt"), self.tr("How Bothy should behave in this chat:"), current
        )
        if not ok:
            return
        if self.conversation_id is None:
            self._next_system_prompt = text
        else:
            try:
                self.store.update_conversation(self.conversation_id, system_prompt=text)
            except UserFacingError as exc:
                self.show_error(str(exc))

    @Slot()
    def export_current(self) -> None:
        if self.conversation_id is None:
            return
        from PySide6.QtWidgets import QFileDialog

        title = self.store.get_conversation(self.conversation_id).get("title") or "chat"
        safe = "".join(ch for ch in title if ch.isalnum() or ch in " -_")[:40].strip() or "chat"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export this chat"), str(Path.home() / f"{safe}.md"), self.tr("Markdown (*.md)")
        )
        if not path:
            return
        try:
            Path(path).write_text(self.store.export_markdown(self.conversation_id), encoding="utf-8")
        except OSError as exc:
            self.show_error(self.tr("Could not write %1: %2").replace("%1", path).replace("%2", exc.strerror or ""))
        except UserFacingError as exc:
            self.show_error(str(exc))

    # -- a chat turn -----------------------------------------------------------------------------
    def _generation(self):
        return self.settings.generation

    def _can_start(self) -> bool:
        return self.request_id is None and self.loaded is not None and self.loading is None

    @Slot(str)
    def send(self, text: str) -> None:
        if not self._can_start():
            return
        if self.conversation_id is None:
            prompt = self._next_system_prompt
            prompt = self.settings.system_prompt if prompt is None else prompt
            model = Path(self.loaded.path).name if self.loaded is not None else None
            try:
                conversation = self.store.create_conversation(system_prompt=prompt or None, model=model)
            except UserFacingError as exc:
                self.show_error(str(exc))
                self.composer.set_text(text)
                return
            self._next_system_prompt = None
            self.conversation_id = conversation["id"]
            self.chat.conversation_id = conversation["id"]
        self.chat.begin_send(text)
        self._start("send", text=text)

    @Slot()
    def regenerate(self) -> None:
        if not self._can_start() or self.conversation_id is None:
            return
        if not any(m["role"] == "user" for m in self.chat.messages):
            return
        self.chat.begin_regenerate()
        self._start("regenerate")

    @Slot(int, str)
    def edit_and_resend(self, message_id: int, text: str) -> None:
        if not self._can_start() or self.conversation_id is None:
            return
        later = self.chat.later_count(message_id)
        if later:
            answer = QMessageBox.question(
                self,
                self.tr("Replace the rest of this chat?"),
                self.tr("Sending the edited message replaces the %n message(s) that followed it.", "", later),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.chat.begin_edit(message_id, text)
        self._start("edit", text=text, message_id=message_id)

    def _start(self, kind: str, **kwargs) -> None:
        self.turn_conversation = self.conversation_id
        self.turn_reply_id = None
        self.turn_text = ""
        self._first_token_at = None
        self._tokens = 0
        self.request_id = self.bridge.start_turn(kind, self.conversation_id, settings=self._generation(), **kwargs)
        self.chat.set_busy(True)
        self._update_composer()

    @Slot()
    def stop(self) -> None:
        if self.request_id is not None:
            self.bridge.stop(self.request_id)

    @Slot(int, object, int)
    def _turn_started(self, request_id: int, user_message_id, reply_message_id: int) -> None:
        if request_id != self.request_id:
            return
        self.turn_reply_id = reply_message_id
        if self.chat.conversation_id == self.turn_conversation:
            self.chat.turn_started(user_message_id, reply_message_id)
        self.sidebar.reload(self.conversation_id)

    @Slot(int, str)
    def _text(self, request_id: int, chunk: str) -> None:
        if request_id != self.request_id:
            return
        now = time.monotonic()
        if self._first_token_at is None:
            self._first_token_at = now
        self._tokens += 1
        self.turn_text += chunk
        if self.chat.conversation_id == self.turn_conversation:
            self.chat.append_text(chunk)
        elapsed = now - self._first_token_at
        if elapsed > 0.25 and self._tokens % 4 == 0:
            self.status.set_speed((self._tokens - 1) / elapsed)

    @Slot(int, object)
    def _context(self, request_id: int, info) -> None:
        if request_id == self.request_id and self.chat.conversation_id == self.turn_conversation:
            self.status.set_context(info)

    @Slot(object)
    def _turn_finished(self, result: TurnResult) -> None:
        if result.request_id != self.request_id:
            return
        self.request_id = None
        records = None
        if result.reply_message_id is not None:
            try:
                reply = self.store.message(result.reply_message_id)
                records = [reply]
                user_id = next((m["id"] for m in reversed(self.chat.messages) if m["role"] == "user"), None)
                if user_id is not None:
                    records.append(self.store.message(user_id))
            except UserFacingError as exc:
                self.show_error(str(exc))
        if self.chat.conversation_id == result.conversation_id:
            if result.reply_message_id is None:
                # The turn never started (e.g. the model went away): show what the store holds.
                self.chat.finish_turn(None)
                self.open_conversation(result.conversation_id)
            else:
                self.chat.finish_turn(records)
            if result.context is not None:
                self.status.set_context(result.context)
        if result.stats is not None and result.stats.tokens_per_s:
            self.status.set_speed(result.stats.tokens_per_s)
        elsewhere = self.chat.conversation_id != result.conversation_id
        if result.error and (result.reply_message_id is None or elsewhere):
            self.show_error(result.error)
        self.chat.set_busy(False)
        self.sidebar.reload(self.conversation_id)
        self._update_composer()
        self.turn_done.emit(result)

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

    # -- theme -----------------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        self.settings.theme = name
        self.theme_actions[name].setChecked(True)
        self._save_settings()
        self.apply_theme()

    def apply_theme(self) -> None:
        self.colors = theme.apply(QApplication.instance(), self.settings.theme)
        self.chat.set_colors(self.colors)

    def set_language(self, language: str) -> None:
        from ui import i18n

        self.settings.language = language
        self._save_settings()
        i18n.install(QApplication.instance(), language)
        self.retranslate()
        if self._settings_dialog is not None:
            dialog, self._settings_dialog = self._settings_dialog, None
            dialog.close()
            dialog.deleteLater()
            QTimer.singleShot(0, self.open_settings)
        if self.conversation_id is not None and self.request_id is None:
            self.open_conversation(self.conversation_id)

    def delete_all_conversations(self) -> None:
        if self.request_id is not None:
            self.stop()
        errors = 0
        for conversation in self.store.list_conversations():
            if self.request_id is not None and conversation["id"] == self.turn_conversation:
                continue
            try:
                self.store.delete_conversation(conversation["id"])
            except UserFacingError:
                errors += 1
        self.new_chat()
        self.sidebar.reload(None)
        if errors:
            self.show_error(self.tr("Some conversations could not be deleted."))

    @Slot()
    def _system_scheme_changed(self, *_args) -> None:
        if self.settings.theme == "system":
            self.apply_theme()

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except (OSError, ValueError) as exc:
            self.show_error(self.tr("Your settings could not be saved: %1").replace("%1", str(exc)))

    # -- dialogs ---------------------------------------------------------------------------------
    @Slot()
    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        if self._settings_dialog is None:
            self._settings_dialog = SettingsDialog(self)
        self._settings_dialog.refresh()
        self._settings_dialog.show()
        self._settings_dialog.raise_()
        self._settings_dialog.activateWindow()

    def shortcuts(self) -> list[tuple[str, str]]:
        native = QKeySequence.SequenceFormat.NativeText
        return [
            (QKeySequence(QKeySequence.StandardKey.New).toString(native), self.tr("New chat")),
            ("Ctrl+K", self.tr("Search all chats")),
            ("Ctrl+L", self.tr("Write a message")),
            (self.tr("Enter"), self.tr("Send the message")),
            (self.tr("Shift+Enter"), self.tr("New line in the message")),
            (self.tr("Esc"), self.tr("Stop the reply")),
            ("Ctrl+Shift+R", self.tr("Regenerate the last reply")),
            ("F2", self.tr("Rename the selected chat")),
            (self.tr("Delete"), self.tr("Delete the selected chat (with undo)")),
            ("Ctrl+,", self.tr("Settings")),
            (QKeySequence(QKeySequence.StandardKey.Quit).toString(native), self.tr("Quit")),
        ]

    @Slot()
    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in self.shortcuts())
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Keyboard shortcuts"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<table cellpadding='3'>{rows}</table>")
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    @Slot()
    def show_about(self) -> None:
        from assistant import __version__

        QMessageBox.about(
            self,
            self.tr("About Bothy"),
            self.tr("Bothy %1: a private assistant that runs entirely on this computer.").replace("%1", __version__),
        )

    # -- the models folder and downloads --------------------------------------------------------
    def download_manager(self):
        """The app's one download manager (downloads go on when Settings is closed)."""
        if self._downloads is None:
            from assistant.library import DownloadManager

            self._downloads = DownloadManager()
        return self._downloads

    @Slot()
    def _poll_models_folder(self) -> None:
        """A GGUF dropped into the models folder appears without a restart."""
        from assistant.library import FolderWatcher

        if self._models_watcher is None:
            self._models_watcher = FolderWatcher(paths.models_dir())
            return
        if self._models_watcher.poll() and self._settings_dialog is not None:
            self._settings_dialog.models_tab.refresh()

    # -- drag and drop a model -------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if dropped_ggufs(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if files := dropped_ggufs(event):
            self.open_settings()
            self._settings_dialog.models_tab.add_files(files)

    # -- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        if not self._closing:
            self._closing = True
            self.save_layout()
            self._watch_timer.stop()
            if self._settings_dialog is not None:
                self._settings_dialog.close()
            if self._downloads is not None:
                self._downloads.close()  # partial downloads stay, and resume next time
            self.bridge.shutdown()
        super().closeEvent(event)
