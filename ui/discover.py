"""Settings > Models > Discover: browse the curated catalog, see what fits, download models.

A self-contained widget. It reads the catalog from disk and this machine's memory; it touches the
network only when the user presses Download or asks for a repository's files (that listing runs as a
ui.background Task). Starting downloads and following them is in ui/discover_downloads.py (a mixin
of DiscoverWidget).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
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
    FitEstimate,
    MemoryInfo,
    RepoFile,
    Verdict,
    estimate_for_catalog,
    format_bytes,
    load_catalog,
    system_memory,
)
from assistant.library.quant_sizes import BITS_PER_WEIGHT
from assistant.models.gguf_info import format_parameter_count
from ui import i18n
from ui.background import Task
from ui.discover_downloads import REFRESH_DELAY_MS, DiscoverDownloads, IdRole
from ui.fit_message import fit_message


class DiscoverWidget(DiscoverDownloads, QWidget):
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
        settings=None,
        save_settings=None,
    ):
        super().__init__(parent)
        self.settings = settings  # where downloads come from is kept there (download_source, _endpoint)
        self._save_settings = save_settings
        self._owns_manager = manager is None
        self.manager = manager or DownloadManager()
        self.memory = memory if memory is not None else system_memory()
        self.gpu_memory_bytes = gpu_memory_bytes
        self._notified: set[str] = set()
        self._repo_files: list[RepoFile] = []
        self._repo: str | None = None
        self._pending_repo: str | None = None  # a search result to list once the search has ended
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
        self._follow_downloads(refresh_delay_ms)

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

        self._build_downloads(root)

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
            if m.kind == "embedding":
                label += "  ·  " + self.tr("for documents")
            item = QListWidgetItem(label, self.model_list)
            item.setData(IdRole, m.id)
            item.setToolTip(m.description_for(i18n.language()))
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
        self.description_label.setText(model.description_for(i18n.language()))
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
        model = self.selected_model()
        where = f"huggingface.co/{f.repo}"
        if model is not None and model.modelscope:
            where += f" · modelscope.cn/models/{model.modelscope}"
        self.repo_label.setText(where)
        e = self._estimate(model, f)
        self.verdict_label.setText(self._verdict_text(e.verdict))
        self.fit_label.setText(fit_message(e))
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
