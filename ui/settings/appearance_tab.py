"""Settings > Appearance: theme and language, applied at once."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from ui.settings.context import SettingsContext


class AppearanceTab(QWidget):
    def __init__(self, context: SettingsContext, parent=None):
        super().__init__(parent)
        self.context = context
        form = QFormLayout(self)
        self.theme = QComboBox(self)
        self.theme.setAccessibleName(self.tr("Theme"))
        for key, text in (
            ("system", self.tr("Follow the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme.addItem(text, key)
        form.addRow(self.tr("Theme:"), self.theme)
        self.language = QComboBox(self)
        self.language.setAccessibleName(self.tr("Language"))
        for key, text in (("system", self.tr("Follow the system")), ("en", "English"), ("zh_CN", "简体中文")):
            self.language.addItem(text, key)
        form.addRow(self.tr("Language:"), self.language)
        self.theme.activated.connect(lambda _i: self.context.set_theme(self.theme.currentData()))
        self.language.activated.connect(lambda _i: self.context.set_language(self.language.currentData()))

    def load(self) -> None:
        s = self.context.settings
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self.language.setCurrentIndex(max(0, self.language.findData(s.language)))
