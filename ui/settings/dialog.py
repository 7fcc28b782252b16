"""Settings (Ctrl+,): Models, Discover, Generation, Appearance and Data. Changes are saved as they are made."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from ui.settings.api_tab import ApiTab
from ui.settings.appearance_tab import AppearanceTab
from ui.settings.context import SettingsContext
from ui.settings.data_tab import DataTab
from ui.settings.documents_tab import DocumentsTab
from ui.settings.generation_tab import GenerationTab
from ui.settings.models_tab import ModelsTab
from ui.settings.servers_tab import ServersTab

SAVE_AFTER_MS = 400


class SettingsDialog(QDialog):
    def __init__(self, context: SettingsContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Settings"))
        self.resize(860, 600)
        self.tabs = QTabWidget(self)
        self.models_tab = ModelsTab(context, self)
        self.generation_tab = GenerationTab(context, self)
        self.appearance_tab = AppearanceTab(context, self)
        self.data_tab = DataTab(context, self)
        self.servers_tab = ServersTab(context, self)
        self.documents_tab = DocumentsTab(context, self)
        self.api_tab = ApiTab(context, context.api, self) if context.api is not None else None
        self.tabs.addTab(self.models_tab, self.tr("Models"))
        self.discover_holder = QWidget(self)  # the Discover page is built when first opened
        QVBoxLayout(self.discover_holder).setContentsMargins(0, 0, 0, 0)
        self.discover = None
        self.tabs.addTab(self.discover_holder, self.tr("Discover"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.addTab(self.documents_tab, self.tr("Documents"))
        self.tabs.addTab(self.servers_tab, self.tr("Servers"))
        if self.api_tab is not None:
            self.tabs.addTab(self.api_tab, self.tr("Local server"))
        self.tabs.addTab(self.generation_tab, self.tr("Generation"))
        self.tabs.addTab(self.appearance_tab, self.tr("Appearance"))
        self.tabs.addTab(self.data_tab, self.tr("Data"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self._save_generation)
        self.generation_tab.changed.connect(self._save_timer.start)
        context.models.loaded.connect(self._model_changed)
        context.models.failed.connect(self._model_changed)

    def refresh(self) -> None:
        self.models_tab.refresh()
        self.generation_tab.load()
        self.appearance_tab.load()

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.discover_holder and self.discover is None:
            from ui.discover import DiscoverWidget

            self.discover = DiscoverWidget(
                self.discover_holder,
                manager=self.context.models.download_manager(),
                settings=self.context.settings,
                save_settings=self.context.save,
            )
            self.discover.model_downloaded.connect(lambda _path: self.models_tab.refresh())
            self.discover_holder.layout().addWidget(self.discover)

    @Slot()
    def _model_changed(self, *_args) -> None:
        if self.isVisible():
            self.models_tab.refresh()

    @Slot()
    def _save_generation(self) -> None:
        self.generation_tab.store()
        self.context.save()

    def closeEvent(self, event) -> None:
        if self._save_timer.isActive():
            self._save_generation()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        if self._save_timer.isActive():
            self._save_generation()
        super().done(result)
