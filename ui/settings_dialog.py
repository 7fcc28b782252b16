"""Settings (Ctrl+,): Models, Generation, Appearance and Data. Changes are saved as they are made."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from assistant import paths
from assistant.engine import KV_CACHE_TYPES, GenerationSettings, LoadSettings
from assistant.errors import UserFacingError
from assistant.settings import DEFAULT_SYSTEM_PROMPT
from ui.dropped import dropped_ggufs

PathRole = Qt.ItemDataRole.UserRole + 1
FIELD_WIDTH = 220


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


class _Copier(QObject):
    """Runs add_model(copy=True) on a plain thread; its signals reach the GUI thread queued."""

    progress = Signal(int, int)
    finished = Signal(object, str)  # ModelEntry or None, error message

    def start(self, path: str, copy: bool) -> None:
        threading.Thread(target=self._run, args=(path, copy), name="bothy-model-copy", daemon=True).start()

    def _run(self, path: str, copy: bool) -> None:
        from assistant.models import add_model

        try:
            entry = add_model(path, copy=copy, progress=lambda done, total: self.progress.emit(done >> 20, total >> 20))
        except UserFacingError as exc:
            self.finished.emit(None, str(exc))
            return
        except OSError as exc:
            self.finished.emit(None, str(exc))
            return
        self.finished.emit(entry, "")


class ModelsTab(QWidget):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.setAcceptDrops(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Models"))
        self.list.currentItemChanged.connect(self._show_current)
        self.add_button = QPushButton(self.tr("Add model…"), self)
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self.remove_current)
        self.folder_button = QPushButton(self.tr("Open models folder"), self)
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.models_dir())))
        )
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        drop = QLabel(self.tr("Drop .gguf files here to add them."), self)
        drop.setObjectName("Muted")
        drop.setWordWrap(True)
        left.addWidget(drop)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        left.addWidget(self.folder_button)

        self.info = QFormLayout()
        self.info_labels = {}
        for key, label in (
            ("file", self.tr("File")),
            ("architecture", self.tr("Architecture")),
            ("parameters", self.tr("Parameters")),
            ("quantization", self.tr("Quantization")),
            ("size", self.tr("Size on disk")),
            ("context", self.tr("Trained context")),
            ("template", self.tr("Chat template")),
            ("state", self.tr("Status")),
            ("fit", self.tr("On this computer")),
        ):
            value = QLabel(self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_labels[key] = value
            self.info.addRow(label + ":", value)
        info_box = QGroupBox(self.tr("Model"), self)
        info_box.setLayout(self.info)

        load_box = QGroupBox(self.tr("How it loads"), self)
        lf = QFormLayout(load_box)
        self.ctx_spin = QSpinBox(self)
        self.ctx_spin.setRange(0, 1_048_576)
        self.ctx_spin.setSingleStep(1024)
        self.ctx_spin.setSpecialValueText(self.tr("Automatic (trained, at most 8,192)"))
        self.ctx_spin.setAccessibleName(self.tr("Context length"))
        lf.addRow(self.tr("Context length:"), self.ctx_spin)
        gpu_row = QHBoxLayout()
        self.gpu_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.gpu_slider.setAccessibleName(self.tr("GPU layers"))
        self.gpu_label = QLabel(self)
        self.gpu_label.setMinimumWidth(90)
        self.gpu_slider.valueChanged.connect(self._gpu_label)
        gpu_row.addWidget(self.gpu_slider, 1)
        gpu_row.addWidget(self.gpu_label)
        lf.addRow(self.tr("GPU layers:"), gpu_row)
        self.threads_spin = QSpinBox(self)
        self.threads_spin.setRange(0, 512)
        self.threads_spin.setSpecialValueText(self.tr("Automatic"))
        self.threads_spin.setAccessibleName(self.tr("Threads"))
        lf.addRow(self.tr("Threads:"), self.threads_spin)
        self.flash_check = QCheckBox(self.tr("Flash attention"), self)
        lf.addRow("", self.flash_check)
        self.kv_combo = QComboBox(self)
        self.kv_combo.addItems(list(KV_CACHE_TYPES))
        self.kv_combo.setAccessibleName(self.tr("KV-cache type"))
        lf.addRow(self.tr("KV-cache type:"), self.kv_combo)
        self.backend_label = QLabel(self)
        self.backend_label.setWordWrap(True)
        self.backend_label.setObjectName("Muted")
        lf.addRow(self.tr("Backend:"), self.backend_label)
        self.ctx_spin.valueChanged.connect(self._update_fit)
        self.gpu_slider.valueChanged.connect(self._update_fit)
        self.kv_combo.currentTextChanged.connect(self._update_fit)

        self.default_button = QPushButton(self.tr("Set as default"), self)
        self.default_button.clicked.connect(self.set_default)
        self.use_button = QPushButton(self.tr("Save and use this model"), self)
        self.use_button.setObjectName("PrimaryButton")
        self.use_button.clicked.connect(self.use_current)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.default_button)
        buttons.addWidget(self.use_button)

        right = QVBoxLayout()
        right.addWidget(info_box)
        right.addWidget(load_box)
        right.addStretch(1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        self.entries = []
        self._copier: _Copier | None = None

    # -- list ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        from assistant.models import list_models

        current = self.current_path()
        self.entries = list_models()
        loaded = self.window.loaded.path if self.window.loaded else None
        default = str(self.window.settings.default_model or "")
        self.list.blockSignals(True)
        self.list.clear()
        select = 0
        for i, e in enumerate(self.entries):
            marks = []
            if loaded and Path(loaded) == e.path:
                marks.append(self.tr("in use"))
            if default and Path(default) == e.path:
                marks.append(self.tr("default"))
            if e.is_starter:
                marks.append(self.tr("starter"))
            text = e.display_name + (f"  ({', '.join(marks)})" if marks else "")
            if not e.exists or e.error:
                text = "⚠ " + text
            item = QListWidgetItem(text)
            item.setData(PathRole, str(e.path))
            self.list.addItem(item)
            if current and str(e.path) == current:
                select = i
        self.list.blockSignals(False)
        if self.entries:
            self.list.setCurrentRow(select)
        self._show_current()

    def current_path(self) -> str | None:
        item = self.list.currentItem()
        return item.data(PathRole) if item else None

    def _entry(self):
        path = self.current_path()
        return next((e for e in self.entries if str(e.path) == path), None)

    @Slot()
    def _show_current(self, *_args) -> None:
        from assistant.models import format_parameter_count

        e = self._entry()
        for label in self.info_labels.values():
            label.setText("")
        enabled = e is not None
        for w in (self.remove_button, self.default_button, self.use_button):
            w.setEnabled(enabled)
        if e is None:
            return
        self.remove_button.setEnabled(not e.is_starter)
        labels = self.info_labels
        labels["file"].setText(str(e.path))
        labels["size"].setText(_size(e.file_size))
        info = e.info if e.exists else None
        if info is not None:
            labels["architecture"].setText(info.architecture or "?")
            labels["parameters"].setText(info.size_label or format_parameter_count(info.parameter_count))
            labels["quantization"].setText(info.quantization)
            labels["context"].setText(f"{info.context_length:,}" if info.context_length else "?")
            labels["template"].setText(
                self.tr("embedded in the file") if info.has_chat_template else self.tr("none: guessed when loaded")
            )
            labels["state"].setText(self.tr("Ready"))
        else:
            reason = e.error or self.tr("The file is missing.")
            labels["state"].setText(self.tr("Cannot be used: %1").replace("%1", reason))
        self.use_button.setEnabled(info is not None)
        n_layers = (info.block_count if info and info.block_count else 0) or 0
        ls = self.window.settings.load_settings_for(e.path)
        self.ctx_spin.setValue(ls.n_ctx or 0)
        self.threads_spin.setValue(ls.n_threads or 0)
        self.flash_check.setChecked(ls.flash_attn)
        self.kv_combo.setCurrentText(ls.kv_cache_type)
        self.gpu_slider.setRange(0, n_layers + 1)  # the last step is "all"
        gpu = ls.n_gpu_layers
        self.gpu_slider.setValue(n_layers + 1 if gpu is None or gpu < 0 else min(gpu, n_layers))
        self._gpu_label()
        backend = self.window.loaded.backend if self.window.loaded else None
        if backend is None:
            self.backend_label.setText(self.tr("Known once a model is loaded."))
            self.gpu_slider.setEnabled(True)
        else:
            can = (
                self.tr("GPU offload is possible.")
                if backend.gpu_offload
                else self.tr("This build of llama.cpp runs on the CPU only, so GPU layers have no effect.")
            )
            self.backend_label.setText(f"{backend.backend}. {can}")
            self.gpu_slider.setEnabled(backend.gpu_offload)
        self._update_fit()

    @Slot()
    def _update_fit(self, *_args) -> None:
        """Before loading: do the weights and the KV cache fit this machine with these settings?"""
        from assistant.errors import UserFacingError
        from assistant.library import estimate_for_file

        e = self._entry()
        label = self.info_labels["fit"]
        if e is None or not e.exists or e.info is None:
            label.setText("")
            return
        settings = self.load_settings()
        backend = self.window.loaded.backend if self.window.loaded else None
        if backend is not None and not backend.gpu_offload:
            settings = dataclasses.replace(settings, n_gpu_layers=0)  # a CPU build keeps it all in RAM
        try:
            label.setText(estimate_for_file(e.path, settings).message)
        except UserFacingError as exc:
            label.setText(str(exc))

    @Slot()
    def _gpu_label(self, *_args) -> None:
        value, top = self.gpu_slider.value(), self.gpu_slider.maximum()
        self.gpu_label.setText(self.tr("all") if value == top else str(value))

    def load_settings(self) -> LoadSettings:
        top = self.gpu_slider.maximum()
        gpu = self.gpu_slider.value()
        e = self._entry()
        old = self.window.settings.load_settings_for(e.path) if e else LoadSettings()
        return dataclasses.replace(
            old,
            n_ctx=self.ctx_spin.value() or None,
            n_gpu_layers=-1 if gpu == top else gpu,
            n_threads=self.threads_spin.value() or None,
            flash_attn=self.flash_check.isChecked(),
            kv_cache_type=self.kv_combo.currentText(),
        )

    # -- actions ---------------------------------------------------------------------------------
    @Slot()
    def use_current(self) -> None:
        e = self._entry()
        if e is None:
            return
        if self.ctx_spin.value() and self.ctx_spin.value() < 256:
            self.ctx_spin.setValue(256)
        self.window.settings.set_load_settings(e.path, self.load_settings())
        self.window._save_settings()
        self.window.load_model(str(e.path))

    @Slot()
    def set_default(self) -> None:
        e = self._entry()
        if e is None:
            return
        self.window.settings.default_model = str(e.path)
        self.window._save_settings()
        self.refresh()

    @Slot()
    def remove_current(self) -> None:
        from assistant.models import remove_model

        e = self._entry()
        if e is None or e.is_starter:
            return
        inside = e.origin == "folder"
        text = (
            self.tr("Delete %1 from the models folder?")
            if inside
            else self.tr("Remove %1 from the list? The file stays where it is.")
        ).replace("%1", e.path.name)
        if QMessageBox.question(self, self.tr("Remove model"), text) != QMessageBox.StandardButton.Yes:
            return
        try:
            remove_model(e.path, delete_file=inside)
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("Remove model"), str(exc))
        if str(self.window.settings.default_model or "") == str(e.path):
            self.window.settings.default_model = None
            self.window._save_settings()
        self.refresh()

    @Slot()
    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add a model"), str(Path.home()), self.tr("GGUF models (*.gguf)")
        )
        if files:
            self.add_files(files)

    def add_files(self, files: list[str]) -> None:
        for path in files:
            box = QMessageBox(self)
            box.setWindowTitle(self.tr("Add a model"))
            box.setText(self.tr("Add %1 to Bothy:").replace("%1", Path(path).name))
            copy = box.addButton(self.tr("Copy into the models folder"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("Use it where it is"), QMessageBox.ButtonRole.ActionRole)
            cancel = box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is cancel:
                continue
            self._add(path, box.clickedButton() is copy)

    def _add(self, path: str, copy: bool) -> None:
        progress = QProgressDialog(self.tr("Adding %1…").replace("%1", Path(path).name), "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        copier = _Copier(self)
        copier.progress.connect(lambda done, total: (progress.setMaximum(total), progress.setValue(done)))

        def finished(entry, error: str) -> None:
            progress.close()
            self._copier = None
            if error:
                QMessageBox.warning(self, self.tr("Add a model"), error)
            self.refresh()
            if entry is not None:
                for i in range(self.list.count()):
                    if self.list.item(i).data(PathRole) == str(entry.path):
                        self.list.setCurrentRow(i)

        copier.finished.connect(finished)
        self._copier = copier
        copier.start(path, copy)

    def dragEnterEvent(self, event) -> None:
        if dropped_ggufs(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if files := dropped_ggufs(event):
            self.add_files(files)


class GenerationTab(QWidget):
    changed = Signal()

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        form = QFormLayout(self)
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setAccessibleName(self.tr("Default system prompt"))
        self.system_prompt.setMaximumHeight(110)
        form.addRow(self.tr("Default system prompt:"), self.system_prompt)
        note = QLabel(
            self.tr("Used by new chats. Change one chat's prompt with Chat > System prompt for this chat."), self
        )
        note.setObjectName("Muted")
        note.setWordWrap(True)
        note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        form.addRow("", note)

        def dspin(lo, hi, step, decimals, name):
            s = QDoubleSpinBox(self)
            s.setRange(lo, hi)
            s.setSingleStep(step)
            s.setDecimals(decimals)
            s.setAccessibleName(name)
            s.setMaximumWidth(FIELD_WIDTH)
            form.addRow(name + ":", s)
            return s

        self.temperature = dspin(0.0, 5.0, 0.05, 2, self.tr("Temperature"))
        self.top_p = dspin(0.01, 1.0, 0.01, 2, self.tr("Top-p"))
        self.top_k = QSpinBox(self)
        self.top_k.setRange(0, 1000)
        self.top_k.setAccessibleName(self.tr("Top-k"))
        form.addRow(self.tr("Top-k") + ":", self.top_k)
        self.min_p = dspin(0.0, 1.0, 0.01, 2, self.tr("Min-p"))
        self.repeat_penalty = dspin(0.5, 2.5, 0.05, 2, self.tr("Repeat penalty"))
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSpecialValueText(self.tr("No limit"))
        self.max_tokens.setSuffix(self.tr(" tokens"))
        self.max_tokens.setAccessibleName(self.tr("Maximum reply length"))
        form.addRow(self.tr("Maximum reply length:"), self.max_tokens)
        self.seed = QSpinBox(self)
        self.seed.setRange(-1, 2**31 - 1)
        self.seed.setSpecialValueText(self.tr("Random"))
        self.seed.setAccessibleName(self.tr("Seed"))
        form.addRow(self.tr("Seed:"), self.seed)
        for w in (self.top_k, self.max_tokens, self.seed):
            w.setMaximumWidth(FIELD_WIDTH)
        self.reset_button = QPushButton(self.tr("Reset to defaults"), self)
        self.reset_button.clicked.connect(self.reset)
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_button)
        reset_row.addStretch(1)
        form.addRow("", reset_row)
        self._numbers = (
            self.temperature,
            self.top_p,
            self.min_p,
            self.repeat_penalty,
            self.top_k,
            self.max_tokens,
            self.seed,
        )
        for w in self._numbers:
            w.valueChanged.connect(self.changed)
        self.system_prompt.textChanged.connect(self.changed)

    def load(self) -> None:
        s = self.window.settings
        g = s.generation
        widgets = (self.system_prompt, *self._numbers)
        for w in widgets:
            w.blockSignals(True)
        self.system_prompt.setPlainText(s.system_prompt)
        self.temperature.setValue(g.temperature)
        self.top_p.setValue(g.top_p)
        self.top_k.setValue(g.top_k)
        self.min_p.setValue(g.min_p)
        self.repeat_penalty.setValue(g.repeat_penalty)
        self.max_tokens.setValue(g.max_tokens or 0)
        self.seed.setValue(-1 if g.seed is None else g.seed)
        for w in widgets:
            w.blockSignals(False)

    def store(self) -> None:
        s = self.window.settings
        s.system_prompt = self.system_prompt.toPlainText()
        s.generation = GenerationSettings(
            temperature=self.temperature.value(),
            top_p=self.top_p.value(),
            top_k=self.top_k.value(),
            min_p=self.min_p.value(),
            repeat_penalty=self.repeat_penalty.value(),
            max_tokens=self.max_tokens.value() or None,
            seed=None if self.seed.value() < 0 else self.seed.value(),
        )

    @Slot()
    def reset(self) -> None:
        self.window.settings.generation = GenerationSettings()
        self.window.settings.system_prompt = DEFAULT_SYSTEM_PROMPT
        self.load()
        self.changed.emit()


class AppearanceTab(QWidget):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
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
        self.theme.activated.connect(lambda _i: self.window.set_theme(self.theme.currentData()))
        self.language.activated.connect(lambda _i: self.window.set_language(self.language.currentData()))

    def load(self) -> None:
        s = self.window.settings
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self.language.setCurrentIndex(max(0, self.language.findData(s.language)))


class DataTab(QWidget):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
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
        self.delete_button = QPushButton(self.tr("Delete all conversations…"), self)
        self.delete_button.clicked.connect(self.delete_all)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        form.addRow("", buttons)

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

    def export_to(self, path: str) -> int:
        try:
            conversations = list(self.window.store.export_all())
            Path(path).write_text(json.dumps(conversations, ensure_ascii=False, indent=1), encoding="utf-8")
        except (OSError, UserFacingError) as exc:
            QMessageBox.warning(self, self.tr("Export"), str(exc))
            return 0
        return len(conversations)

    @Slot()
    def delete_all(self) -> None:
        count = self.window.store.count_conversations()
        if not count:
            return
        answer = QMessageBox.warning(
            self,
            self.tr("Delete all conversations"),
            self.tr("Delete all %n conversation(s)? This cannot be undone.", "", count),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.window.delete_all_conversations()


class SettingsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle(self.tr("Settings"))
        self.resize(860, 600)
        self.tabs = QTabWidget(self)
        self.models_tab = ModelsTab(window, self)
        self.generation_tab = GenerationTab(window, self)
        self.appearance_tab = AppearanceTab(window, self)
        self.data_tab = DataTab(window, self)
        self.tabs.addTab(self.models_tab, self.tr("Models"))
        self.discover_holder = QWidget(self)  # the Discover page is built when first opened
        QVBoxLayout(self.discover_holder).setContentsMargins(0, 0, 0, 0)
        self.discover = None
        self.tabs.addTab(self.discover_holder, self.tr("Discover"))
        self.tabs.currentChanged.connect(self._tab_changed)
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
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self._save_generation)
        self.generation_tab.changed.connect(self._save_timer.start)
        window.model_loaded.connect(self._model_changed)
        window.model_failed.connect(self._model_changed)

    def refresh(self) -> None:
        self.models_tab.refresh()
        self.generation_tab.load()
        self.appearance_tab.load()

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.discover_holder and self.discover is None:
            from ui.discover import DiscoverWidget

            self.discover = DiscoverWidget(self.discover_holder, manager=self.window.download_manager())
            self.discover.model_downloaded.connect(lambda _path: self.models_tab.refresh())
            self.discover_holder.layout().addWidget(self.discover)

    @Slot()
    def _model_changed(self, *_args) -> None:
        if self.isVisible():
            self.models_tab.refresh()

    @Slot()
    def _save_generation(self) -> None:
        self.generation_tab.store()
        self.window._save_settings()

    def closeEvent(self, event) -> None:
        if self._save_timer.isActive():
            self._save_generation()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        if self._save_timer.isActive():
            self._save_generation()
        super().done(result)
