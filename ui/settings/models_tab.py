"""Settings > Models: the models Bothy knows, their details, how each loads, and adding or removing one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assistant import paths
from assistant.engine import KV_CACHE_TYPES, LoadSettings, ModelRef
from assistant.errors import UserFacingError
from assistant.library.units import format_bytes
from assistant.settings import LOAD_RANGES
from ui.background import Task, run_in_background
from ui.dropped import dropped_ggufs
from ui.fit_message import fit_message
from ui.settings import server_models
from ui.settings.context import SettingsContext

PathRole = Qt.ItemDataRole.UserRole + 1


class ModelsTab(QWidget):
    def __init__(self, context: SettingsContext, parent=None):
        super().__init__(parent)
        self.context = context
        context.settings_changed.connect(self.refresh)  # e.g. a server tested: its models are listed
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
        ctx_range = LOAD_RANGES["n_ctx"][1]
        self.ctx_spin.setRange(0, int(ctx_range.high))  # 0: automatic
        self.ctx_spin.setSingleStep(int(ctx_range.step))
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
        self.threads_spin.setRange(0, int(LOAD_RANGES["n_threads"][1].high))  # 0: automatic
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

        details = QWidget(self)
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(info_box)
        column.addWidget(load_box)
        column.addStretch(1)
        scroll = QScrollArea(self)  # long notes (a base model, the fit) scroll instead of being cut off
        scroll.setWidget(details)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right = QVBoxLayout()
        right.addWidget(scroll, 1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        self.entries = []
        self._copy_task: Task | None = None

    def _backend(self):
        loaded = self.context.models.current
        return loaded.backend if loaded else None

    # -- list ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        from assistant.models import list_models

        current = self.current_path()
        self.entries = list_models()
        loaded = self.context.models.current
        in_use = loaded.model.path if loaded else None
        default = str(self.context.settings.default_model or "")
        self.list.blockSignals(True)
        self.list.clear()
        select = 0
        for i, e in enumerate(self.entries):
            marks = []
            if in_use and Path(in_use) == e.path:
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
        for text, key in server_models.items(default=default, in_use=loaded.model if loaded else None):
            item = QListWidgetItem(text)
            item.setData(PathRole, key)
            self.list.addItem(item)
            select = self.list.count() - 1 if key == current else select
        self.list.blockSignals(False)
        if self.list.count():
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
        if server_models.is_server_key(self.current_path()):
            self.default_button.setEnabled(True)
            self.use_button.setEnabled(True)
            server_models.show(self.info_labels, self.current_path())
            return
        if e is None:
            return
        self.remove_button.setEnabled(not e.is_starter)
        labels = self.info_labels
        labels["file"].setText(str(e.path))
        labels["size"].setText(format_bytes(e.file_size))
        info = e.info if e.exists else None
        if info is not None:
            labels["architecture"].setText(info.architecture or "?")
            labels["parameters"].setText(info.size_label or format_parameter_count(info.parameter_count))
            labels["quantization"].setText(info.quantization)
            labels["context"].setText(f"{info.context_length:,}" if info.context_length else "?")
            labels["template"].setText(
                self.tr("embedded in the file") if info.has_chat_template else self.tr("none: guessed when loaded")
            )
            note = info.base_model_note
            labels["state"].setText("⚠ " + note if note else self.tr("Ready"))
        else:
            reason = e.error or self.tr("The file is missing.")
            labels["state"].setText(self.tr("Cannot be used: %1").replace("%1", reason))
        self.use_button.setEnabled(info is not None)
        n_layers = (info.block_count if info and info.block_count else 0) or 0
        ls = self.context.settings.load_settings_for(e.path)
        self.ctx_spin.setValue(ls.n_ctx or 0)
        self.threads_spin.setValue(ls.n_threads or 0)
        self.flash_check.setChecked(ls.flash_attn)
        self.kv_combo.setCurrentText(ls.kv_cache_type)
        self.gpu_slider.setRange(0, n_layers + 1)  # the last step is "all"
        gpu = ls.n_gpu_layers
        self.gpu_slider.setValue(n_layers + 1 if gpu is None or gpu < 0 else min(gpu, n_layers))
        self._gpu_label()
        backend = self._backend()
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
        backend = self._backend()
        if backend is not None and not backend.gpu_offload:
            settings = dataclasses.replace(settings, n_gpu_layers=0)  # a CPU build keeps it all in RAM
        try:
            label.setText(fit_message(estimate_for_file(e.path, settings)))
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
        old = self.context.settings.load_settings_for(e.path) if e else LoadSettings()
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
        if server_models.is_server_key(self.current_path()):
            self.context.load_model(ModelRef.parse(self.current_path()))
            return
        e = self._entry()
        if e is None:
            return
        lowest = int(LOAD_RANGES["n_ctx"][1].low)
        if self.ctx_spin.value() and self.ctx_spin.value() < lowest:
            self.ctx_spin.setValue(lowest)
        self.context.settings.set_load_settings(e.path, self.load_settings())
        if self.context.save():
            self.context.load_model(ModelRef.local(e.path))

    @Slot()
    def set_default(self) -> None:
        e = self._entry()
        if e is None and not server_models.is_server_key(self.current_path()):
            return
        self.context.settings.default_model = str(e.path) if e else self.current_path()
        self.context.save()
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
        if str(self.context.settings.default_model or "") == str(e.path):
            self.context.settings.default_model = None
            self.context.save()
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

        def work(task: Task):
            from assistant.models import add_model

            try:
                return add_model(path, copy=copy, progress=lambda done, total: task.report(done, total))
            except OSError as exc:
                raise UserFacingError(str(exc)) from None

        def show_progress(done: int, total: int, _text: str) -> None:
            progress.setMaximum(total >> 20)
            progress.setValue(done >> 20)

        def added(entry) -> None:
            self.refresh()
            for i in range(self.list.count()):
                if self.list.item(i).data(PathRole) == str(entry.path):
                    self.list.setCurrentRow(i)

        self._copy_task = run_in_background(
            self,
            work,
            name="model-copy",
            on_progress=show_progress,
            on_success=added,
            on_error=lambda message: QMessageBox.warning(self, self.tr("Add a model"), message),
        )
        self._copy_task.finished.connect(progress.close)
        self._copy_task.finished.connect(self.refresh)

    def dragEnterEvent(self, event) -> None:
        if dropped_ggufs(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if files := dropped_ggufs(event):
            self.add_files(files)
