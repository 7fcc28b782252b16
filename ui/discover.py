"""Settings > Models > Discover: browse the curated catalog, see what fits, download models.

A self-contained widget. It reads the catalog from disk and this machine's memory; it touches the
network only when the user presses Download or asks for a repository's files (that listing runs as a
ui.background Task).

Download progress follows assistant.library.DownloadManager's events: the manager calls back on its
download threads, a small relay hands each event to the GUI thread through a queued signal, and the
first event of a burst starts a single-shot QTimer (REFRESH_DELAY_MS) after which the list is
redrawn from the manager's snapshots. So no download thread ever touches a widget, a busy download
redraws at most ~10 times a second, and while no download changes nothing runs at all.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assistant.errors import UserFacingError
from assistant.library import (
    CatalogFile,
    CatalogModel,
    DownloadManager,
    DownloadState,
    DownloadStatus,
    FitEstimate,
    MemoryInfo,
    RepoFile,
    Verdict,
    estimate_for_catalog,
    format_bytes,
    format_duration,
    hf_repo_files,
    load_catalog,
    parse_hf_reference,
    system_memory,
)
from assistant.library.fit import BITS_PER_WEIGHT
from assistant.models.gguf_info import format_parameter_count
from ui.background import Task, run_in_background

IdRole = Qt.ItemDataRole.UserRole + 1
REFRESH_DELAY_MS = 100  # a burst of download events becomes one redraw this long after its first event


class _DownloadEvents(QObject):
    """Hands DownloadManager events from download threads to the GUI thread.

    It has no Qt parent and is referenced by the manager's listener, so a download thread that is
    calling back while the DiscoverWidget is being destroyed still emits on a live object; the
    queued connection to the (gone) widget is then simply dropped by Qt.

    Signals:
        changed(): some download changed (emitted on a download thread; connect it queued).
    """

    changed = Signal()

    def __call__(self, _status: DownloadStatus) -> None:
        self.changed.emit()


class DiscoverWidget(QWidget):
    """The Discover page: catalog with search and filters, details with a fit verdict, downloads.

    Signals:
        model_downloaded(str): a download finished; the argument is the new file's path (it is in
            the models folder, so the model list only needs a refresh).
    """

    model_downloaded = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        manager: DownloadManager | None = None,
        catalog: list[CatalogModel] | None = None,
        memory: MemoryInfo | None = None,
        gpu_memory_bytes: int | None = None,
        refresh_delay_ms: int = REFRESH_DELAY_MS,
    ):
        super().__init__(parent)
        self._owns_manager = manager is None
        self.manager = manager or DownloadManager()
        self.memory = memory if memory is not None else system_memory()
        self.gpu_memory_bytes = gpu_memory_bytes
        self._notified: set[str] = set()
        self._repo_files: list[RepoFile] = []
        self._repo: str | None = None
        self._current_download: str | None = None
        self.catalog: list[CatalogModel] = []
        self._catalog_error = ""
        try:
            self.catalog = catalog if catalog is not None else load_catalog()
        except UserFacingError as exc:
            self._catalog_error = str(exc)
        self._lister: Task | None = None
        self._build()
        self._fill_list()
        # Events: subscribe before the first snapshot, so no change falls between the two.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(refresh_delay_ms)
        self._refresh_timer.timeout.connect(self.refresh_downloads)
        self._events = _DownloadEvents()
        self._events.changed.connect(self._download_changed, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = self.manager.subscribe(self._events)
        self.destroyed.connect(self._unsubscribe)  # also when shutdown() was never called
        self.refresh_downloads()

    # -- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)

        filters = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search models (name, family, licence, use)…"))
        self.search.setAccessibleName(self.tr("Search models"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill_list)
        self.family_combo = QComboBox(self)
        self.family_combo.setAccessibleName(self.tr("Family"))
        self.family_combo.addItem(self.tr("All families"), "")
        for family in sorted({m.family for m in self.catalog}):
            self.family_combo.addItem(family, family)
        self.family_combo.currentIndexChanged.connect(self._fill_list)
        self.fits_check = QCheckBox(self.tr("Only models that fit this computer"), self)
        self.fits_check.toggled.connect(self._fill_list)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.family_combo)
        filters.addWidget(self.fits_check)
        root.addLayout(filters)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.model_list = QListWidget(split)
        self.model_list.setAccessibleName(self.tr("Models you can download"))
        self.model_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.model_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model_list.setMinimumWidth(240)
        self.model_list.currentItemChanged.connect(lambda *_: self._show_details())
        # The details scroll rather than squeeze their rows together when the dialog is small.
        details_scroll = QScrollArea(split)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details = QWidget(details_scroll)
        details_scroll.setWidget(details)
        dl = QVBoxLayout(details)
        self.name_label = QLabel(details)
        self.name_label.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.name_label.setWordWrap(True)
        self.description_label = QLabel(details)
        self.description_label.setWordWrap(True)
        form = QFormLayout()
        self.params_label = QLabel(details)
        self.context_label = QLabel(details)
        self.license_label = QLabel(details)
        self.repo_label = QLabel(details)
        self.repo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Parameters:"), self.params_label)
        form.addRow(self.tr("Trained context:"), self.context_label)
        form.addRow(self.tr("Licence:"), self.license_label)
        form.addRow(self.tr("From:"), self.repo_label)
        self.quant_combo = QComboBox(details)
        self.quant_combo.setAccessibleName(self.tr("Quantization"))
        self.quant_combo.currentIndexChanged.connect(lambda *_: self._show_fit())
        form.addRow(self.tr("Quantization:"), self.quant_combo)
        self.verdict_label = QLabel(details)
        self.verdict_label.setStyleSheet("font-weight: bold;")
        form.addRow(self.tr("On this computer:"), self.verdict_label)
        self.fit_label = QLabel(details)
        self.fit_label.setWordWrap(True)
        self.download_button = QPushButton(self.tr("Download"), details)
        self.download_button.clicked.connect(self._download_selected)
        dl.addWidget(self.name_label)
        dl.addWidget(self.description_label)
        dl.addLayout(form)
        dl.addWidget(self.fit_label)
        dl.addWidget(self.download_button, 0, Qt.AlignmentFlag.AlignLeft)
        dl.addStretch(1)
        split.addWidget(self.model_list)
        split.addWidget(details_scroll)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([340, 560])
        root.addWidget(split, 1)

        paste = QGroupBox(self.tr("From Hugging Face"), self)
        pl = QHBoxLayout(paste)
        self.paste_edit = QLineEdit(paste)
        self.paste_edit.setPlaceholderText(self.tr("Paste a Hugging Face link, or a repository such as owner/name"))
        self.paste_edit.setAccessibleName(self.tr("Hugging Face link or repository"))
        self.paste_edit.returnPressed.connect(self._paste_go)
        self.paste_button = QPushButton(self.tr("Get"), paste)
        self.paste_button.clicked.connect(self._paste_go)
        self.repo_files_combo = QComboBox(paste)
        self.repo_files_combo.setAccessibleName(self.tr("Files in the repository"))
        self.repo_files_combo.setVisible(False)
        self.repo_download_button = QPushButton(self.tr("Download file"), paste)
        self.repo_download_button.setVisible(False)
        self.repo_download_button.clicked.connect(self._download_repo_file)
        pl.addWidget(self.paste_edit, 1)
        pl.addWidget(self.paste_button)
        pl.addWidget(self.repo_files_combo, 1)
        pl.addWidget(self.repo_download_button)
        root.addWidget(paste)

        box = QGroupBox(self.tr("Downloads"), self)
        bl = QVBoxLayout(box)
        self.download_list = QListWidget(box)
        self.download_list.setAccessibleName(self.tr("Downloads"))
        self.download_list.setMaximumHeight(110)
        self.download_list.currentItemChanged.connect(lambda *_: self._show_current_download())
        self.progress = QProgressBar(box)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status_label = QLabel(box)
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        self.pause_button = QPushButton(self.tr("Pause"), box)
        self.resume_button = QPushButton(self.tr("Resume"), box)
        self.cancel_button = QPushButton(self.tr("Cancel"), box)
        self.pause_button.clicked.connect(lambda: self._act(self.manager.pause))
        self.resume_button.clicked.connect(lambda: self._act(self.manager.resume))
        self.cancel_button.clicked.connect(lambda: self._act(self.manager.cancel))
        for b in (self.pause_button, self.resume_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        bl.addWidget(self.download_list)
        bl.addWidget(self.progress)
        bl.addWidget(self.status_label)
        bl.addLayout(buttons)
        root.addWidget(box)
        self.downloads_box = box
        box.setVisible(False)  # shown once there is a download to show

        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b3261e;")
        self.message_label.setText(self._catalog_error)
        root.addWidget(self.message_label)

    # -- the catalog ---------------------------------------------------------------------------------

    def _estimate(self, model: CatalogModel, file: CatalogFile) -> FitEstimate:
        return estimate_for_catalog(
            model, file, memory=self.memory, gpu_memory_bytes=self.gpu_memory_bytes, read_machine=False
        )

    def _best_verdict(self, model: CatalogModel) -> Verdict:
        order = [Verdict.FITS, Verdict.TIGHT, Verdict.WONT_FIT]
        return min((self._estimate(model, f).verdict for f in model.files), key=order.index)

    def _verdict_text(self, verdict: Verdict) -> str:
        return {
            Verdict.FITS: self.tr("Fits"),
            Verdict.TIGHT: self.tr("Tight fit"),
            Verdict.WONT_FIT: self.tr("Won't fit"),
        }[verdict]

    @Slot()
    def _fill_list(self) -> None:
        selected = self.selected_model()
        text = self.search.text()
        family = self.family_combo.currentData() or ""
        only_fits = self.fits_check.isChecked()
        self.model_list.blockSignals(True)
        self.model_list.clear()
        for m in self.catalog:
            if not m.matches(text) or (family and m.family != family):
                continue
            verdict = self._best_verdict(m)
            if only_fits and verdict == Verdict.WONT_FIT:
                continue
            label = self.tr("{name}  ·  {params}  ·  {verdict}").format(
                name=m.name, params=format_parameter_count(m.parameters), verdict=self._verdict_text(verdict)
            )
            item = QListWidgetItem(label, self.model_list)
            item.setData(IdRole, m.id)
            item.setToolTip(m.description)
        self.model_list.blockSignals(False)
        row = 0
        for i in range(self.model_list.count()):
            if selected is not None and self.model_list.item(i).data(IdRole) == selected.id:
                row = i
        if self.model_list.count():
            self.model_list.setCurrentRow(row)
        self._show_details()

    def selected_model(self) -> CatalogModel | None:
        item = self.model_list.currentItem() if hasattr(self, "model_list") else None
        if item is None:
            return None
        return next((m for m in self.catalog if m.id == item.data(IdRole)), None)

    def selected_file(self) -> CatalogFile | None:
        model = self.selected_model()
        i = self.quant_combo.currentIndex()
        return model.files[i] if model is not None and 0 <= i < len(model.files) else None

    def _show_details(self) -> None:
        model = self.selected_model()
        self.download_button.setEnabled(model is not None)
        self.quant_combo.blockSignals(True)
        self.quant_combo.clear()
        if model is None:
            for label in (self.name_label, self.description_label, self.params_label, self.context_label):
                label.clear()
            self.license_label.clear()
            self.repo_label.clear()
            self.verdict_label.clear()
            self.fit_label.setText(self.tr("No model matches the search.") if self.catalog else "")
            self.quant_combo.blockSignals(False)
            return
        self.name_label.setText(model.name)
        self.description_label.setText(model.description)
        self.params_label.setText(format_parameter_count(model.parameters))
        self.context_label.setText(self.tr("{n} tokens").format(n=f"{model.context_length:,}"))
        self.license_label.setText(model.license)
        for f in model.files:
            size = f.known_size
            if size is not None:
                text = f"{f.quantization} — {format_bytes(size)}"
            else:
                guess = model.parameters * BITS_PER_WEIGHT.get(f.quantization, 5.0) / 8
                text = self.tr("{quant} — size known at download (about {size})").format(
                    quant=f.quantization, size=format_bytes(guess)
                )
            self.quant_combo.addItem(text)
        self.quant_combo.blockSignals(False)
        self.quant_combo.setCurrentIndex(0)
        self._show_fit()

    def _show_fit(self) -> None:
        model, f = self.selected_model(), self.selected_file()
        if model is None or f is None:
            return
        self.repo_label.setText(f"huggingface.co/{f.repo}")
        e = self._estimate(model, f)
        self.verdict_label.setText(self._verdict_text(e.verdict))
        self.fit_label.setText(e.message)
        self._update_download_button()

    def _update_download_button(self) -> None:
        f = self.selected_file()
        if f is None:
            return
        st = self.manager.find(f.file)
        if (self.manager.models_dir / f.file).exists():
            self.download_button.setText(self.tr("Downloaded"))
            self.download_button.setEnabled(False)
        elif st is not None and st.active:
            self.download_button.setText(self.tr("Downloading…"))
            self.download_button.setEnabled(False)
        else:
            self.download_button.setText(self.tr("Download"))
            self.download_button.setEnabled(True)

    # -- starting downloads --------------------------------------------------------------------------

    def _start(self, starter) -> None:
        self.message_label.clear()
        try:
            download_id = starter()
        except UserFacingError as exc:
            self.message_label.setText(str(exc))
            return
        self._current_download = download_id
        self.refresh_downloads()

    @Slot()
    def _download_selected(self) -> None:
        f = self.selected_file()
        if f is not None:
            self._start(lambda: self.manager.start_file(f))

    @Slot()
    def _paste_go(self) -> None:
        self.message_label.clear()
        try:
            ref = parse_hf_reference(self.paste_edit.text())
        except UserFacingError as exc:
            self.message_label.setText(str(exc))
            return
        if ref.file is not None:
            name = ref.file.rsplit("/", 1)[-1]
            self._start(lambda: self.manager.start(ref.url(), filename=name))
            return
        repo, base_url = ref.repo, self.manager.base_url
        self._repo = repo
        self.paste_button.setEnabled(False)
        self.status_label.setText(self.tr("Listing the files of {repo}…").format(repo=repo))
        self._lister = run_in_background(
            self,
            lambda _task: hf_repo_files(repo, base_url=base_url),
            name="hf-list",
            on_success=lambda files: self._repo_listed(repo, files),
            on_error=self._repo_list_failed,
        )
        self._lister.finished.connect(self._repo_listing_ended)  # in time: a Task's signals come queued

    @Slot()
    def _repo_listing_ended(self) -> None:
        self._lister = None
        self.paste_button.setEnabled(True)
        self.status_label.clear()
        self._show_current_download()

    @Slot(str)
    def _repo_list_failed(self, error: str) -> None:
        self.message_label.setText(error)

    def _repo_listed(self, repo: str, files: list[RepoFile]) -> None:
        if not files:
            self.message_label.setText(self.tr("{repo} has no GGUF files.").format(repo=repo))
            return
        self._repo = repo
        self._repo_files = list(files)
        self.repo_files_combo.clear()
        for f in self._repo_files:
            size = format_bytes(f.size) if f.size else self.tr("size known at download")
            self.repo_files_combo.addItem(f"{f.name} — {size}")
        self.repo_files_combo.setVisible(True)
        self.repo_download_button.setVisible(True)

    @Slot()
    def _download_repo_file(self) -> None:
        i = self.repo_files_combo.currentIndex()
        if self._repo is None or not 0 <= i < len(self._repo_files):
            return
        f = self._repo_files[i]
        url = parse_hf_reference(f"{self._repo}/{f.name}").url()
        name = f.name.rsplit("/", 1)[-1]
        self._start(lambda: self.manager.start(url, filename=name, sha256=f.sha256, size=f.size))

    # -- download progress ---------------------------------------------------------------------------

    def _status_text(self, st: DownloadStatus) -> str:
        amount = format_bytes(st.downloaded)
        if st.total:
            amount = self.tr("{done} of {total}").format(done=amount, total=format_bytes(st.total))
        if st.state == DownloadState.DONE:
            return self.tr("Done ({size}); the model is in your models folder.").format(
                size=format_bytes(st.total or st.downloaded)
            )
        if st.state == DownloadState.FAILED:
            return " ".join(x for x in (st.error, st.hint) if x)
        if st.state == DownloadState.CANCELLED:
            return self.tr("Cancelled.")
        if st.state == DownloadState.PAUSED:
            return self.tr("Paused at {amount}.").format(amount=amount)
        if st.state == DownloadState.VERIFYING:
            return self.tr("Checking the file…")
        if st.state == DownloadState.STARTING:
            return self.tr("Connecting…")
        parts = [amount]
        if st.speed > 0:
            parts.append(self.tr("{speed}/s").format(speed=format_bytes(st.speed)))
        if st.eta is not None:
            parts.append(self.tr("about {time} left").format(time=format_duration(st.eta)))
        return " · ".join(parts)

    @Slot()
    def _download_changed(self) -> None:
        """A download changed (GUI thread): redraw soon, once for the whole burst."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot()
    def refresh_downloads(self) -> None:
        """Redraw the downloads from the manager's snapshots (GUI thread)."""
        self._refresh_timer.stop()
        statuses = self.manager.statuses()
        items = {
            self.download_list.item(i).data(IdRole): self.download_list.item(i)
            for i in range(self.download_list.count())
        }
        for st in statuses:
            item = items.pop(st.id, None)
            if item is None:
                item = QListWidgetItem(self.download_list)
                item.setData(IdRole, st.id)
            pct = f"{st.fraction * 100:.0f}% · " if st.fraction is not None and st.state != DownloadState.DONE else ""
            text = f"{st.filename} — {pct}{self._status_text(st)}"
            if item.text() != text:
                item.setText(text)
            if st.state == DownloadState.DONE and st.id not in self._notified and st.path is not None:
                self._notified.add(st.id)
                self.model_downloaded.emit(str(st.path))
        for item in items.values():
            self.download_list.takeItem(self.download_list.row(item))
        self.downloads_box.setVisible(self.download_list.count() > 0)
        if self._current_download is not None:
            for i in range(self.download_list.count()):
                if self.download_list.item(i).data(IdRole) == self._current_download:
                    self.download_list.setCurrentRow(i)
            self._current_download = None
        if self.download_list.currentItem() is None and self.download_list.count():
            self.download_list.setCurrentRow(0)
        self._show_current_download()
        self._update_download_button()

    def current_download(self) -> DownloadStatus | None:
        item = self.download_list.currentItem()
        if item is None:
            return None
        return self.manager.find(item.data(IdRole))

    def _show_current_download(self) -> None:
        st = self.current_download()
        if st is None:
            self.progress.setValue(0)
            self.progress.setRange(0, 1000)
            for b in (self.pause_button, self.resume_button, self.cancel_button):
                b.setEnabled(False)
            return
        if st.fraction is None and st.active:
            self.progress.setRange(0, 0)  # busy indicator: size not known yet
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int((st.fraction or 0) * 1000))
        text = self._status_text(st)
        if self.status_label.text() != text:
            self.status_label.setText(text)
        self.pause_button.setEnabled(st.active)
        self.resume_button.setEnabled(
            st.state == DownloadState.PAUSED or (st.state == DownloadState.FAILED and st.resumable)
        )
        self.cancel_button.setEnabled(st.state not in (DownloadState.DONE, DownloadState.CANCELLED))

    def _act(self, action) -> None:
        st = self.current_download()
        if st is None:
            return
        try:
            action(st.id)
        except (KeyError, UserFacingError) as exc:
            self.message_label.setText(str(exc))
        self.refresh_downloads()

    def shutdown(self) -> None:
        """Stop following downloads and listing files; a manager this widget created pauses its
        downloads (they resume next time)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self.destroyed.disconnect(self._unsubscribe)
            self._unsubscribe = None
        self._refresh_timer.stop()
        if self._lister is not None:
            self._lister.cancel()
        if self._owns_manager:
            self.manager.close()
