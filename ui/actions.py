"""The main window's actions, menus and keyboard shortcuts, and the Help dialogs.

`WindowActions(window)` builds every QAction on the window (so its shortcut works anywhere in it)
and the menu bar; the window connects each action's `triggered` to what it does.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

THEMES = ("system", "light", "dark")


class WindowActions(QObject):
    def __init__(self, window: QMainWindow, *, theme: str):
        super().__init__(window)
        self.window = window

        def action(shortcut=None) -> QAction:
            a = QAction(window)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(a)
            return a

        self.new = action(QKeySequence.StandardKey.New)
        self.search = action("Ctrl+K")
        self.settings = action("Ctrl+,")
        self.quit = action(QKeySequence.StandardKey.Quit)
        self.stop = action()
        self.regenerate = action("Ctrl+Shift+R")
        self.rename = action()
        self.delete = action()
        self.system_prompt = action()
        self.memory = action()
        self.export = action()
        self.import_files = action(QKeySequence.StandardKey.Open)
        self.import_folder = action()
        self.shortcuts = action(QKeySequence.StandardKey.HelpContents)
        self.about = action()
        self.focus_composer = action("Ctrl+L")
        self.previous_version = action("Alt+Left")
        self.next_version = action("Alt+Right")
        self.theme_group = QActionGroup(self)
        self.themes: dict[str, QAction] = {}
        for name in THEMES:
            a = QAction(window)
            a.setCheckable(True)
            a.setChecked(theme == name)
            self.theme_group.addAction(a)
            self.themes[name] = a
        self.shortcuts.triggered.connect(self.show_shortcuts)
        self.about.triggered.connect(self.show_about)
        self._build_menus()

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        self.file_menu = bar.addMenu("")
        for a in (self.new, self.export, self.import_files, self.import_folder, None, self.settings, None, self.quit):
            self.file_menu.addSeparator() if a is None else self.file_menu.addAction(a)
        self.chat_menu = bar.addMenu("")
        for a in (self.search, self.focus_composer, self.regenerate, self.stop, None):
            self.chat_menu.addSeparator() if a is None else self.chat_menu.addAction(a)
        for a in (self.previous_version, self.next_version, None):
            self.chat_menu.addSeparator() if a is None else self.chat_menu.addAction(a)
        for a in (self.rename, self.system_prompt, self.memory, self.delete):
            self.chat_menu.addAction(a)
        self.view_menu = bar.addMenu("")
        self.theme_menu = self.view_menu.addMenu("")
        for a in self.themes.values():
            self.theme_menu.addAction(a)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.shortcuts)
        self.help_menu.addAction(self.about)

    def retranslate(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.chat_menu.setTitle(self.tr("&Chat"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.theme_menu.setTitle(self.tr("Theme"))
        self.themes["system"].setText(self.tr("Follow the system"))
        self.themes["light"].setText(self.tr("Light"))
        self.themes["dark"].setText(self.tr("Dark"))
        self.new.setText(self.tr("New chat"))
        self.search.setText(self.tr("Search chats"))
        self.settings.setText(self.tr("Settings…"))
        self.quit.setText(self.tr("Quit"))
        self.stop.setText(self.tr("Stop the reply"))
        self.regenerate.setText(self.tr("Regenerate the last reply"))
        self.rename.setText(self.tr("Rename chat"))
        self.delete.setText(self.tr("Delete chat"))
        self.system_prompt.setText(self.tr("System prompt for this chat…"))
        self.memory.setText(self.tr("Memory…"))
        self.export.setText(self.tr("Export this chat…"))
        self.import_files.setText(self.tr("Import conversations…"))
        self.import_folder.setText(self.tr("Import a folder of conversations (Jan)…"))
        self.shortcuts.setText(self.tr("Keyboard shortcuts"))
        self.about.setText(self.tr("About Bothy"))
        self.focus_composer.setText(self.tr("Write a message"))
        self.previous_version.setText(self.tr("Previous version of the last reply"))
        self.next_version.setText(self.tr("Next version of the last reply"))

    def shortcut_list(self) -> list[tuple[str, str]]:
        native = QKeySequence.SequenceFormat.NativeText
        return [
            (QKeySequence(QKeySequence.StandardKey.New).toString(native), self.tr("New chat")),
            ("Ctrl+K", self.tr("Search all chats")),
            ("Ctrl+L", self.tr("Write a message")),
            (self.tr("Enter"), self.tr("Send the message")),
            (self.tr("Shift+Enter"), self.tr("New line in the message")),
            (self.tr("Esc"), self.tr("Stop the reply")),
            ("Ctrl+Shift+R", self.tr("Regenerate the last reply (the old one is kept)")),
            ("Alt+Left / Alt+Right", self.tr("Previous / next version of the last message that has several")),
            ("F2", self.tr("Rename the selected chat")),
            (self.tr("Delete"), self.tr("Delete the selected chat (with undo)")),
            (
                QKeySequence(QKeySequence.StandardKey.Open).toString(native),
                self.tr("Import conversations (ChatGPT, Open WebUI, Jan, LM Studio, Chatbox, Bothy)"),
            ),
            ("Ctrl+,", self.tr("Settings")),
            (QKeySequence(QKeySequence.StandardKey.Quit).toString(native), self.tr("Quit")),
        ]

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in self.shortcut_list())
        box = QMessageBox(self.window)
        box.setWindowTitle(self.tr("Keyboard shortcuts"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<table cellpadding='3'>{rows}</table>")
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    def show_about(self) -> None:
        from assistant import __version__

        QMessageBox.about(
            self.window,
            self.tr("About Bothy"),
            self.tr("Bothy %1: a private assistant that runs entirely on this computer.").replace("%1", __version__),
        )
