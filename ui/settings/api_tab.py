"""Settings > Local server: serve the loaded model to other apps (Cherry Studio, Chatbox, LobeHub,
Open WebUI, editors, scripts) through the OpenAI-compatible API, on this computer.

Off by default. Switched on, it listens on 127.0.0.1 at the port shown, and every request needs
the API key Bothy generated (Copy, Regenerate). Listening on the local network is a separate choice,
with a warning, and still needs the key. Browser-based clients must be listed by origin. Two more
choices, both off by default: a request may load another local model by naming it, and API
conversations may be kept in the history (the sidebar's API group).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.api.server import new_key
from ui.settings.context import SettingsContext


class ApiTab(QWidget):
    def __init__(self, context: SettingsContext, api, parent=None):
        super().__init__(parent)
        self.context = context
        self.api = api  # ui.api_controller.ApiController
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Other apps on this computer (Cherry Studio, Chatbox, LobeHub, Open WebUI, editors, scripts) can use "
                "the model Bothy has loaded, through the OpenAI-compatible API. Off until you switch it on."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        layout.addWidget(intro)
        form = QFormLayout()
        self.enabled = QCheckBox(self.tr("Serve the loaded model to other apps"), self)
        self.port = QSpinBox(self)
        self.port.setRange(1024, 65535)
        self.address = QLineEdit(self)
        self.address.setReadOnly(True)
        self.key = QLineEdit(self)
        self.key.setReadOnly(True)
        copy_address = QPushButton(self.tr("Copy"), self)
        copy_key = QPushButton(self.tr("Copy"), self)
        regenerate = QPushButton(self.tr("Regenerate"), self)
        copy_address.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.address.text()))
        copy_key.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.key.text()))
        regenerate.clicked.connect(self.regenerate_key)
        address_row, key_row = QHBoxLayout(), QHBoxLayout()
        address_row.addWidget(self.address, 1)
        address_row.addWidget(copy_address)
        key_row.addWidget(self.key, 1)
        key_row.addWidget(copy_key)
        key_row.addWidget(regenerate)
        self.lan = QCheckBox(self.tr("Also listen on the local network"), self)
        self.origins = QLineEdit(self)
        self.origins.setPlaceholderText("http://localhost:5173")
        self.allow_loading = QCheckBox(self.tr("Let apps load other models"), self)
        self.allow_loading.setToolTip(
            self.tr("A request that names another of your models loads it in place of the one loaded now.")
        )
        self.keep = QCheckBox(self.tr("Keep API conversations in the history (the API group)"), self)
        self.keep.setToolTip(self.tr("Off: like any server, Bothy keeps nothing that apps send."))
        form.addRow("", self.enabled)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Address"), address_row)
        form.addRow(self.tr("API key"), key_row)
        form.addRow("", self.lan)
        form.addRow(self.tr("Allowed web pages"), self.origins)
        form.addRow("", self.allow_loading)
        form.addRow("", self.keep)
        layout.addLayout(form)
        self.warning = QLabel(
            self.tr("Others on your network can reach it (with the key), and requests travel unencrypted."), self
        )
        self.warning.setObjectName("ErrorNote")
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        apply = QPushButton(self.tr("Apply"), self)
        apply.setObjectName("PrimaryButton")
        apply.clicked.connect(self.apply)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(apply)
        layout.addLayout(row)
        layout.addStretch(1)
        self.lan.toggled.connect(self.warning.setVisible)
        api.state_changed.connect(self.show_state)
        self.load()

    def load(self) -> None:
        s = self.context.settings
        self.enabled.setChecked(s.api_enabled)
        self.port.setValue(self.api.port)
        self.key.setText(self.api.key())
        self.lan.setChecked(s.api_lan)
        self.warning.setVisible(s.api_lan)
        self.origins.setText(" ".join(s.api_origins))
        self.allow_loading.setChecked(s.api_allow_loading)
        self.keep.setChecked(s.api_keep_conversations)
        self.show_state()

    @Slot()
    def regenerate_key(self) -> None:
        self.context.settings.api_key = new_key()
        self.key.setText(self.context.settings.api_key)
        self.apply()

    @Slot()
    def apply(self) -> None:
        s = self.context.settings
        s.api_enabled = self.enabled.isChecked()
        s.api_port = self.port.value()
        s.api_lan = self.lan.isChecked()
        s.api_origins = [o.rstrip("/") for o in self.origins.text().split() if o.startswith(("http://", "https://"))]
        s.api_allow_loading = self.allow_loading.isChecked()
        s.api_keep_conversations = self.keep.isChecked()
        if self.context.save():
            self.api.apply()

    @Slot()
    def show_state(self) -> None:
        self.address.setText(f"http://127.0.0.1:{self.api.port}/v1")
        if self.api.error:
            self.state.setText(self.api.error)
        elif self.api.running:
            self.state.setText(
                self.tr("On: other apps can use %1 at %2 with the key above.")
                .replace("%1", self.context.models.current.model.label if self.context.models.current else "—")
                .replace("%2", self.address.text())
            )
        else:
            self.state.setText(self.tr("Off: nothing listens."))
