"""The Discover page's downloads: starting them (the catalog's Download button, a pasted Hugging Face
link or repository) and the Downloads box that follows them. A mixin of DiscoverWidget (ui/discover.py),
kept apart so each file stays small enough to read in one go.

Download progress follows assistant.library.DownloadManager's events: the manager calls back on its
download threads, a small relay hands each event to the GUI thread through a queued signal, and the
first event of a burst starts a single-shot QTimer (REFRESH_DELAY_MS) after which the list is
redrawn from the manager's snapshots. So no download thread ever touches a widget, a busy download
redraws at most ~10 times a second, and while no download changes nothing runs at all.

Its strings keep the translation context of the page they are on: QCoreApplication.translate(
"DiscoverWidget", ...), where lupdate would file a mixin's self.tr() under the mixin's own name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from assistant.errors import UserFacingError
from assistant.library import (
    DownloadState,
    DownloadStatus,
    RepoFile,
    format_bytes,
    format_duration,
    parse_hf_reference,
)
from assistant.library.fit import Verdict, estimate_for_size
from assistant.library.sources import MODELSCOPE_BASE, Source, SourceUnreachable, pick_files
from ui.background import run_in_background

SPLIT_PART = re.compile(r"-\d{5}-of-\d{5}\.gguf$", re.IGNORECASE)
IdRole = Qt.ItemDataRole.UserRole + 1  # the id behind an item of a list: a download's, a catalog model's
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


class DiscoverDownloads:
    """DiscoverWidget's downloads (uses its manager, message label and selected catalog file)."""

    def _build_downloads(self, root: QVBoxLayout) -> None:
        """The "Search and download" and "Downloads" boxes, added to `root`."""
        paste = QGroupBox(QCoreApplication.translate("DiscoverWidget", "Search and download"), self)
        outer = QVBoxLayout(paste)
        sources = QHBoxLayout()
        sources.addWidget(QLabel(QCoreApplication.translate("DiscoverWidget", "Download from:"), paste))
        self.source_combo = QComboBox(paste)
        self.source_combo.setAccessibleName(QCoreApplication.translate("DiscoverWidget", "Download from"))
        self.source_combo.addItem(QCoreApplication.translate("DiscoverWidget", "Hugging Face"), "hf")
        self.source_combo.addItem(QCoreApplication.translate("DiscoverWidget", "A Hugging Face mirror"), "mirror")
        self.source_combo.addItem(
            QCoreApplication.translate("DiscoverWidget", "ModelScope (modelscope.cn)"), "modelscope"
        )
        self.endpoint_edit = QLineEdit(paste)
        self.endpoint_edit.setPlaceholderText("https://hf-mirror.com")
        self.endpoint_edit.setAccessibleName(QCoreApplication.translate("DiscoverWidget", "The mirror's address"))
        self.token_button = QPushButton(QCoreApplication.translate("DiscoverWidget", "Access token…"), paste)
        self.token_button.setToolTip(
            QCoreApplication.translate(
                "DiscoverWidget",
                "For gated models (Llama, Gemma…): accept the licence on the model's page, then paste your token. "
                "It is kept in the system keychain and sent to this source only.",
            )
        )
        self.token_button.clicked.connect(self.ask_token)
        sources.addWidget(self.source_combo)
        sources.addWidget(self.endpoint_edit, 1)
        sources.addWidget(self.token_button)
        outer.addLayout(sources)
        pl = QHBoxLayout()
        self.paste_edit = QLineEdit(paste)
        self.paste_edit.setPlaceholderText(
            QCoreApplication.translate(
                "DiscoverWidget", "Search models (e.g. qwen gguf), or paste a link or a repository such as owner/name"
            )
        )
        self.paste_edit.setAccessibleName(QCoreApplication.translate("DiscoverWidget", "Search, link or repository"))
        self.paste_edit.returnPressed.connect(self._paste_go)
        self.paste_button = QPushButton(QCoreApplication.translate("DiscoverWidget", "Get"), paste)
        self.paste_button.clicked.connect(self._paste_go)
        self.repo_results_combo = QComboBox(paste)
        self.repo_results_combo.setAccessibleName(QCoreApplication.translate("DiscoverWidget", "Repositories found"))
        self.repo_results_combo.setVisible(False)
        self.repo_results_combo.activated.connect(self._repo_chosen)
        self.repo_files_combo = QComboBox(paste)
        self.repo_files_combo.setAccessibleName(QCoreApplication.translate("DiscoverWidget", "Files in the repository"))
        self.repo_files_combo.setVisible(False)
        self.repo_download_button = QPushButton(QCoreApplication.translate("DiscoverWidget", "Download file"), paste)
        self.repo_download_button.setVisible(False)
        self.repo_download_button.clicked.connect(self._download_repo_file)
        pl.addWidget(self.paste_edit, 1)
        pl.addWidget(self.paste_button)
        outer.addLayout(pl)
        # Hugging Face out of reach (as in mainland China): one click searches ModelScope instead
        self.switch_source_button = QPushButton(
            QCoreApplication.translate("DiscoverWidget", "Try ModelScope instead"), paste
        )
        self.switch_source_button.setVisible(False)
        self.switch_source_button.clicked.connect(self.switch_to_modelscope)
        pl.addWidget(self.switch_source_button)
        found = QHBoxLayout()
        found.addWidget(self.repo_results_combo, 1)
        found.addWidget(self.repo_files_combo, 2)
        found.addWidget(self.repo_download_button)
        outer.addLayout(found)
        root.addWidget(paste)
        self._show_source_choice()
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self.endpoint_edit.editingFinished.connect(self._source_changed)

        box = QGroupBox(QCoreApplication.translate("DiscoverWidget", "Downloads"), self)
        bl = QVBoxLayout(box)
        self.download_list = QListWidget(box)
        self.download_list.setAccessibleName(QCoreApplication.translate("DiscoverWidget", "Downloads"))
        self.download_list.setMaximumHeight(110)
        self.download_list.currentItemChanged.connect(lambda *_: self._show_current_download())
        self.progress = QProgressBar(box)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status_label = QLabel(box)
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        self.pause_button = QPushButton(QCoreApplication.translate("DiscoverWidget", "Pause"), box)
        self.resume_button = QPushButton(QCoreApplication.translate("DiscoverWidget", "Resume"), box)
        self.cancel_button = QPushButton(QCoreApplication.translate("DiscoverWidget", "Cancel"), box)
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

    def _follow_downloads(self, refresh_delay_ms: int) -> None:
        """Follow the manager's download events from now on, and show the downloads there are."""
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
        f, model = self.selected_file(), self.selected_model()
        if f is None or model is None:
            return
        try:
            source = self.source()
        except UserFacingError as exc:
            self.message_label.setText(str(exc))
            return
        if source.kind == "hf":
            self._start(lambda: self.manager.start_file(f))
            return
        repo = f.repo if source.kind == "mirror" else model.modelscope
        if repo is None:
            self.message_label.setText(
                QCoreApplication.translate(
                    "DiscoverWidget",
                    "Bothy does not know {model} on ModelScope: search ModelScope for it above, or download from "
                    "Hugging Face or a mirror.",
                ).format(model=model.name)
            )
            return
        url = source.file_url(repo, f.file)
        self._start(lambda: self.manager.start(url, filename=f.file, sha256=f.sha256, size=f.known_size))

    # -- where downloads come from -------------------------------------------------------------------

    modelscope_base = MODELSCOPE_BASE  # tests point it at 127.0.0.1

    def _show_source_choice(self) -> None:
        settings = self.settings
        kind = settings.download_source if settings is not None else "hf"
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(kind)))
        if settings is not None and settings.download_endpoint:
            self.endpoint_edit.setText(settings.download_endpoint)
        self.endpoint_edit.setVisible(self.source_combo.currentData() == "mirror")

    @Slot()
    def _source_changed(self) -> None:
        self.endpoint_edit.setVisible(self.source_combo.currentData() == "mirror")
        if self.settings is not None:
            self.settings.download_source = self.source_combo.currentData()
            self.settings.download_endpoint = self.endpoint_edit.text().strip() or None
            if self._save_settings is not None:
                self._save_settings()

    def source(self) -> Source:
        """The chosen source (Hugging Face at the download manager's address by default)."""
        kind = self.source_combo.currentData()
        if kind == "hf":
            return Source.choose("hf", self.manager.base_url)
        if kind == "mirror":
            return Source.choose("mirror", self.endpoint_edit.text().strip() or None)
        return Source.choose("modelscope", self.modelscope_base)

    @Slot()
    def ask_token(self) -> bool:
        """Ask for the chosen source's access token and keep it (an empty one forgets it)."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from assistant.library.tokens import set_token

        try:
            source = self.source()
        except UserFacingError as exc:
            self.message_label.setText(str(exc))
            return False
        token, ok = QInputDialog.getText(
            self,
            QCoreApplication.translate("DiscoverWidget", "Access token"),
            QCoreApplication.translate("DiscoverWidget", "Access token for {source}:").format(source=source.label),
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return False
        set_token(source.endpoint, token or None)
        self.status_label.setText(
            QCoreApplication.translate("DiscoverWidget", "The token is kept; it is sent to {host} only.").format(
                host=source.endpoint
            )
            if token
            else QCoreApplication.translate("DiscoverWidget", "The token is forgotten.")
        )
        return True

    @Slot()
    def _paste_go(self) -> None:
        self.message_label.clear()
        text = self.paste_edit.text().strip()
        try:
            source = self.source()
        except UserFacingError as exc:
            self.message_label.setText(str(exc))
            return
        try:
            ref = parse_hf_reference(text)
        except UserFacingError as exc:
            looks_like_an_address = "://" in text or "/" in text.split()[0]
            if looks_like_an_address:  # a link or a repository name gone wrong: say why
                self.message_label.setText(str(exc))
                return
            ref = None
        if ref is None:  # words: search the source
            if not text:
                return
            self._begin_listing(
                QCoreApplication.translate("DiscoverWidget", "Searching {source}…").format(source=source.label),
                lambda _task: source.search(text),
                lambda repos: self._search_done(text, repos),
            )
            return
        if ref.file is not None:
            name = ref.file.rsplit("/", 1)[-1]
            url = source.file_url(ref.repo, ref.file)
            self._start(lambda: self.manager.start(url, filename=name))
            return
        self._list_repo(ref.repo)

    def _list_repo(self, repo: str) -> None:
        source = self.source()
        self._repo = repo
        self._begin_listing(
            QCoreApplication.translate("DiscoverWidget", "Listing the files of {repo}…").format(repo=repo),
            lambda _task: source.files(repo),
            lambda files: self._repo_listed(repo, files),
        )

    def _begin_listing(self, text: str, work, done) -> None:
        self.paste_button.setEnabled(False)
        self.switch_source_button.setVisible(False)
        self.status_label.setText(text)
        self._out_of_reach = None
        kind = self.source_combo.currentData()

        def listing(task):
            try:
                return work(task)
            except SourceUnreachable:
                self._out_of_reach = kind  # read on the GUI thread once the task has failed
                raise

        self._lister = run_in_background(
            self, listing, name="hub-list", on_success=done, on_error=self._repo_list_failed
        )
        self._lister.finished.connect(self._repo_listing_ended)  # in time: a Task's signals come queued

    def _search_done(self, query: str, repos) -> None:
        self.repo_results_combo.clear()
        self.repo_files_combo.setVisible(False)
        self.repo_download_button.setVisible(False)
        if not repos:
            self.repo_results_combo.setVisible(False)
            self.message_label.setText(
                QCoreApplication.translate("DiscoverWidget", "No repositories with GGUF files match “{query}”.").format(
                    query=query
                )
            )
            return
        for repo in repos:
            downloads = QCoreApplication.translate("DiscoverWidget", "{n} downloads").format(n=f"{repo.downloads:,}")
            self.repo_results_combo.addItem(f"{repo.name} — {downloads}", repo.name)
        self.repo_results_combo.setVisible(True)
        self._pending_repo = repos[0].name  # listed once this search's task has ended

    @Slot(int)
    def _repo_chosen(self, index: int) -> None:
        repo = self.repo_results_combo.itemData(index)
        if repo and self._lister is None:
            self._list_repo(repo)
        elif repo:
            self._pending_repo = repo

    @Slot()
    def _repo_listing_ended(self) -> None:
        self._lister = None
        self.paste_button.setEnabled(True)
        self.status_label.clear()
        self._show_current_download()
        pending, self._pending_repo = self._pending_repo, None
        if pending:
            self._list_repo(pending)

    @Slot(str)
    def _repo_list_failed(self, error: str) -> None:
        self.message_label.setText(error)
        self.switch_source_button.setVisible(getattr(self, "_out_of_reach", None) == "hf")

    @Slot()
    def switch_to_modelscope(self) -> None:
        """Hugging Face could not be reached: choose ModelScope (kept in the settings) and do again
        what was asked."""
        self.switch_source_button.setVisible(False)
        self.message_label.clear()
        self.source_combo.setCurrentIndex(self.source_combo.findData("modelscope"))
        self._paste_go()

    def _repo_listed(self, repo: str, files: list[RepoFile]) -> None:
        if not files:
            self.message_label.setText(
                QCoreApplication.translate("DiscoverWidget", "{repo} has no GGUF files.").format(repo=repo)
            )
            return
        self._repo = repo
        self._repo_files = list(files)
        self.repo_files_combo.clear()
        for f in self._repo_files:
            size = (
                format_bytes(f.size)
                if f.size
                else QCoreApplication.translate("DiscoverWidget", "size known at download")
            )
            self.repo_files_combo.addItem(f"{f.name} — {size}{self._fit_of(f)}")
        self.repo_files_combo.setVisible(True)
        self.repo_download_button.setVisible(True)

    def _fit_of(self, f: RepoFile) -> str:
        """ " — fits this computer" (or slow, or won't fit), from the file's size."""
        if not f.size:
            return ""
        verdict = estimate_for_size(f.name, f.size, memory=self.memory, gpu_memory_bytes=self.gpu_memory_bytes).verdict
        words = {
            Verdict.FITS: QCoreApplication.translate("DiscoverWidget", "fits this computer"),
            Verdict.TIGHT: QCoreApplication.translate("DiscoverWidget", "slow on this computer"),
            Verdict.WONT_FIT: QCoreApplication.translate("DiscoverWidget", "won't fit"),
        }
        return f" — {words[verdict]}"

    @Slot()
    def _download_repo_file(self) -> None:
        i = self.repo_files_combo.currentIndex()
        if self._repo is None or not 0 <= i < len(self._repo_files):
            return
        f = self._repo_files[i]
        try:
            source = self.source()
            files = pick_files(self._repo_files, f.name) if SPLIT_PART.search(f.name) else [f]
        except UserFacingError as exc:  # e.g. a split model with a part missing
            self.message_label.setText(str(exc))
            return
        for part in files:  # a split model's parts all together: llama.cpp loads them as one model
            url, name = source.file_url(self._repo, part.name), part.name.rsplit("/", 1)[-1]
            self._start(lambda url=url, name=name, part=part: self.manager.start(
                url, filename=name, sha256=part.sha256, size=part.size
            ))  # fmt: skip

    # -- download progress ---------------------------------------------------------------------------

    def _status_text(self, st: DownloadStatus) -> str:
        amount = format_bytes(st.downloaded)
        if st.total:
            amount = QCoreApplication.translate("DiscoverWidget", "{done} of {total}").format(
                done=amount, total=format_bytes(st.total)
            )
        if st.state == DownloadState.DONE:
            return QCoreApplication.translate(
                "DiscoverWidget", "Done ({size}); the model is in your models folder."
            ).format(size=format_bytes(st.total or st.downloaded))
        if st.state == DownloadState.FAILED:
            return " ".join(x for x in (st.error, st.hint) if x)
        if st.state == DownloadState.CANCELLED:
            return QCoreApplication.translate("DiscoverWidget", "Cancelled.")
        if st.state == DownloadState.PAUSED:
            return QCoreApplication.translate("DiscoverWidget", "Paused at {amount}.").format(amount=amount)
        if st.state == DownloadState.VERIFYING:
            return QCoreApplication.translate("DiscoverWidget", "Checking the file…")
        if st.state == DownloadState.STARTING:
            return QCoreApplication.translate("DiscoverWidget", "Connecting…")
        parts = [amount]
        if st.speed > 0:
            parts.append(QCoreApplication.translate("DiscoverWidget", "{speed}/s").format(speed=format_bytes(st.speed)))
        if st.eta is not None:
            parts.append(
                QCoreApplication.translate("DiscoverWidget", "about {time} left").format(time=format_duration(st.eta))
            )
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
