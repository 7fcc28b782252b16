"""Settings > Servers: the model servers Bothy may chat through (llama-server, Ollama, vLLM, LM Studio,
Jan, another Bothy…), and their models.

Add a server by name and URL, with an optional API key (kept in the system keychain, or a file only
you can read; never in the settings, the database, an export or a log). "Test connection" asks the
server what it is and what it serves, in the background, and says exactly what went wrong when it
fails. Each model can then be used now or made the default, as a local file can. Plain http:// to
another machine gets a warning: the conversation would travel unencrypted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant.engine.remote import remote_ref
from assistant.errors import UserFacingError
from assistant.servers import Server, Servers
from ui.background import Task, run_in_background
from ui.settings.context import SettingsContext

NameRole = Qt.ItemDataRole.UserRole + 1


class ServersTab(QWidget):
    def __init__(self, context: SettingsContext, parent=None, *, servers: Servers | None = None):
        super().__init__(parent)
        self.context = context
        self.servers = servers or Servers()
        self.task: Task | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Chat with models that run on another computer or a server, through the OpenAI-compatible API "
                "(llama-server, Ollama, vLLM, LM Studio, Jan…). Bothy contacts only the servers you add here."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Servers"))
        self.list.currentItemChanged.connect(self._show_current)
        layout.addWidget(self.list, 1)

        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("gpu-box")
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("http://127.0.0.1:8080/v1")
        self.url_edit.textChanged.connect(self._warn)
        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("optional"))
        self.context_spin = QSpinBox(self)
        self.context_spin.setRange(0, 1_048_576)
        self.context_spin.setSingleStep(1024)
        self.context_spin.setSpecialValueText(self.tr("as the server says (else 4,096)"))
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Address"), self.url_edit)
        form.addRow(self.tr("API key"), self.key_edit)
        form.addRow(self.tr("Context length"), self.context_spin)
        self.connect_spin = QSpinBox(self)
        self.connect_spin.setRange(1, 600)
        self.connect_spin.setSuffix(" s")
        self.connect_spin.setValue(10)
        self.first_token_spin = QSpinBox(self)
        self.first_token_spin.setRange(5, 3600)
        self.first_token_spin.setSuffix(" s")
        self.first_token_spin.setValue(300)
        form.addRow(self.tr("Wait for a connection"), self.connect_spin)
        form.addRow(self.tr("Wait for the first word"), self.first_token_spin)
        layout.addLayout(form)
        self.warning = QLabel(self)
        self.warning.setObjectName("ErrorNote")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.warning)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save server"), self)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.save_button.clicked.connect(self.save_server)
        self.test_button.clicked.connect(self.test_connection)
        self.remove_button.clicked.connect(self.remove_server)
        for button in (self.save_button, self.test_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)
        self.models = QListWidget(self)
        self.models.setAccessibleName(self.tr("The server's models"))
        self.models.setMaximumHeight(120)
        layout.addWidget(self.models)
        use = QHBoxLayout()
        self.use_button = QPushButton(self.tr("Use this model"), self)
        self.default_button = QPushButton(self.tr("Make default"), self)
        self.use_button.clicked.connect(self.use_model)
        self.default_button.clicked.connect(self.make_default)
        use.addWidget(self.use_button)
        use.addWidget(self.default_button)
        use.addStretch(1)
        layout.addLayout(use)
        self.refresh()

    # -- the list --------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        self.list.clear()
        for server in self.servers.all():
            item = QListWidgetItem(f"{server.name}  —  {server.url}")
            item.setData(NameRole, server.name)
            self.list.addItem(item)
            if server.name == select:
                self.list.setCurrentItem(item)
        self._update_buttons()

    def current(self) -> Server | None:
        item = self.list.currentItem()
        if item is None:
            return None
        try:
            return self.servers.get(item.data(NameRole))
        except UserFacingError:
            return None

    @Slot()
    def _show_current(self, *_args) -> None:
        server = self.current()
        self.models.clear()
        self.result.clear()
        if server is not None:
            self.name_edit.setText(server.name)
            self.url_edit.setText(server.url)
            self.key_edit.clear()
            self.key_edit.setPlaceholderText(self.tr("saved") if self.servers.key(server) else self.tr("optional"))
            self.context_spin.setValue(server.context or 0)
            self.connect_spin.setValue(int(server.connect_timeout))
            self.first_token_spin.setValue(int(server.first_token_timeout))
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.current() is not None
        busy = self.task is not None
        self.test_button.setEnabled(selected and not busy)
        self.remove_button.setEnabled(selected and not busy)
        self.use_button.setEnabled(self.models.currentItem() is not None)
        self.default_button.setEnabled(self.models.currentItem() is not None)

    @Slot()
    def _warn(self, *_args) -> None:
        try:
            from assistant.servers import clean_url

            off = Server("x", clean_url(self.url_edit.text())).plain_http_off_machine
        except UserFacingError:
            off = False
        self.warning.setText(
            self.tr("Plain http:// to another computer: your conversation would travel unencrypted. Use https://.")
        )
        self.warning.setVisible(off)

    # -- actions ---------------------------------------------------------------------------------
    @Slot()
    def save_server(self) -> Server | None:
        server = Server(
            self.name_edit.text().strip(),
            self.url_edit.text(),
            context=self.context_spin.value() or None,
            connect_timeout=float(self.connect_spin.value()),
            first_token_timeout=float(self.first_token_spin.value()),
        )
        try:
            saved = self.servers.add(server, api_key=self.key_edit.text().strip() or None)
        except UserFacingError as exc:
            self.result.setText(str(exc))
            return None
        self.key_edit.clear()
        self.refresh(select=saved.name)
        return saved

    @Slot()
    def remove_server(self) -> None:
        server = self.current()
        if server is not None:
            self.servers.remove(server.name)
            self.refresh()
            self.models.clear()
            self.result.clear()

    @Slot()
    def test_connection(self) -> Task | None:
        server = self.current()
        if server is None:
            return None
        key = self.servers.key(server)
        self.result.setText(self.tr("Asking %1…").replace("%1", server.url))
        self.models.clear()

        def work(_task: Task):
            from assistant.engine.remote import RemoteEngine

            engine = RemoteEngine(server, key)
            try:
                return engine.probe()
            finally:
                engine.close()

        def done(info) -> None:
            self.result.setText(
                self.tr("%1 answers: %2, serving %n model(s).", "", len(info.models))
                .replace("%1", server.name)
                .replace("%2", info.kind)
            )
            self.servers.remember_models(server.name, [m.id for m in info.models])
            self.context.settings_changed.emit()  # Settings > Models lists them now
            for model in info.models:
                label = model.id + (f"  ·  {model.n_ctx:,}" if model.n_ctx else "")
                item = QListWidgetItem(label)
                item.setData(NameRole, model.id)
                self.models.addItem(item)
            if self.models.count():
                self.models.setCurrentRow(0)

        def failed(message: str) -> None:
            self.result.setText(message)

        def finished() -> None:
            self.task = None
            self._update_buttons()

        self.task = run_in_background(self, work, name="server-test", on_success=done, on_error=failed)
        self.task.finished.connect(finished)
        self._update_buttons()
        return self.task

    def _model_ref(self):
        server, item = self.current(), self.models.currentItem()
        return None if server is None or item is None else remote_ref(server.name, item.data(NameRole))

    @Slot()
    def use_model(self) -> None:
        ref = self._model_ref()
        if ref is not None:
            self.context.load_model(ref)

    @Slot()
    def make_default(self) -> None:
        ref = self._model_ref()
        if ref is not None:
            self.context.settings.default_model = ref.key
            self.context.save()
