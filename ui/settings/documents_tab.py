"""Settings > Documents: the person's document libraries ("My thesis", "Company handbook"): each
with its files and their state (indexed with N passages, or failed and why); a new library, files or
a folder added to one (indexed in the background), a library brought up to date or removed (the
files stay), and a library switched on for the chat shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import plural
from ui.settings.context import SettingsContext

LIBRARY_ROLE = Qt.ItemDataRole.UserRole + 1


class DocumentsTab(QWidget):
    def __init__(self, context: SettingsContext, parent=None):
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Libraries of your own files that a chat can answer from. Everything stays on this computer: "
                "files are read here and only the passages that match a question go to the model."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        layout.addWidget(intro)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Library or file"), self.tr("State"), self.tr("Passages")])
        self.tree.setColumnWidth(0, 320)
        self.tree.setColumnWidth(1, 260)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.tree, 1)
        self.state = QLabel(self)
        self.state.setObjectName("Muted")
        layout.addWidget(self.state)
        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New library…"), self)
        self.add_files_button = QPushButton(self.tr("Add files…"), self)
        self.add_folder_button = QPushButton(self.tr("Add a folder…"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.use_button = QPushButton(self.tr("Use in the chat shown"), self)
        self.new_button.clicked.connect(self.new_library)
        self.add_files_button.clicked.connect(self.choose_files)
        self.add_folder_button.clicked.connect(self.choose_folder)
        self.refresh_button.clicked.connect(self.refresh_library)
        self.remove_button.clicked.connect(self.remove_selected)
        self.use_button.clicked.connect(self.use_selected)
        for button in (self.new_button, self.add_files_button, self.add_folder_button, self.refresh_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        row.addWidget(self.use_button)
        layout.addLayout(row)
        meaning = QHBoxLayout()
        meaning.addWidget(QLabel(self.tr("Also find passages by meaning, with:"), self))
        self.embedding = QComboBox(self)
        self.embedding.setToolTip(
            self.tr("An embedding model turns passages into vectors, so a question finds passages that say the "
                    "same thing in other words. Without one, passages are found by their words.")
        )  # fmt: skip
        self.embedding.currentIndexChanged.connect(self._embedding_chosen)
        meaning.addWidget(self.embedding, 1)
        self.vectors_button = QPushButton(self.tr("Compute vectors"), self)
        self.vectors_button.clicked.connect(self.compute_vectors)
        meaning.addWidget(self.vectors_button)
        layout.addLayout(meaning)
        indexer = context.documents
        if indexer is not None:
            indexer.progress.connect(self._progress)
            indexer.finished.connect(lambda *_: self.load())
            indexer.refreshed.connect(self._refreshed)
            indexer.idle.connect(self._selection_changed)  # the buttons, once the indexer is free again
            indexer.failed.connect(self.state.setText)
        self._pending_library: str | None = None
        self._checking = False  # Refresh was clicked: say what it found
        self._fill_embedding_models()
        self.load()

    # -- showing ---------------------------------------------------------------------------------
    def load(self) -> None:
        selected = self.selected_library()
        self.tree.clear()
        store = self.context.store
        for library in store.libraries():
            n = library["documents"]
            counts = plural(self.tr("%n document(s)", "", n), n)
            if library["failed"]:
                counts += " · " + self.tr("%1 failed").replace("%1", str(library["failed"]))
            item = QTreeWidgetItem([library["name"], counts, str(library["passages"])])
            item.setData(0, LIBRARY_ROLE, library["name"])
            for document in store.documents(library["id"]):
                state = (
                    self.tr("indexed")
                    if document["state"] == "indexed"
                    else self.tr("failed: %1").replace("%1", document["reason"] or "")
                )
                child = QTreeWidgetItem([Path(document["path"]).name, state, str(document["passages"])])
                child.setToolTip(0, document["path"])
                child.setData(0, LIBRARY_ROLE, library["name"])
                child.setData(0, Qt.ItemDataRole.UserRole, document["path"])
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            if library["name"] == selected:
                self.tree.setCurrentItem(item)
        if self.tree.topLevelItemCount() and self.tree.currentItem() is None:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._selection_changed()

    def selected_library(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, LIBRARY_ROLE) if item is not None else None

    @Slot()
    def _selection_changed(self) -> None:
        has = self.selected_library() is not None
        busy = self.context.documents is not None and self.context.documents.busy
        for button in (self.add_files_button, self.add_folder_button, self.refresh_button, self.remove_button):
            button.setEnabled(has and not busy)
        self.use_button.setEnabled(has and self.context.conversation_id() is not None)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, name: str) -> None:
        self.state.setText(
            self.tr("Indexing %1 of %2: %3").replace("%1", str(done)).replace("%2", str(total)).replace("%3", name)
        )

    def _fill_embedding_models(self) -> None:
        from assistant.models import list_models

        chosen = self.context.settings.embedding_model
        self.embedding.blockSignals(True)
        self.embedding.clear()
        self.embedding.addItem(self.tr("Off (by their words only)"), None)
        for entry in list_models():
            if entry.exists:
                self.embedding.addItem(entry.display_name, str(entry.path))
        if chosen and self.embedding.findData(chosen) < 0:
            self.embedding.addItem(Path(chosen).stem, chosen)
        self.embedding.setCurrentIndex(max(0, self.embedding.findData(chosen)) if chosen else 0)
        self.embedding.blockSignals(False)
        self.vectors_button.setEnabled(bool(chosen))

    @Slot()
    def _embedding_chosen(self) -> None:
        self.context.settings.embedding_model = self.embedding.currentData()
        self.context.save()
        self.vectors_button.setEnabled(self.embedding.currentData() is not None)

    @Slot()
    def compute_vectors(self) -> bool:
        """Give the selected library's passages their vectors (in the background)."""
        return self.add_paths([])

    # -- changing --------------------------------------------------------------------------------
    @Slot()
    def new_library(self) -> str | None:
        name, ok = QInputDialog.getText(self, self.tr("New library"), self.tr("Name, e.g. My thesis:"))
        name = " ".join(name.split())
        if ok and name:
            self.context.store.library(name, create=True)
            self.load()
            self._select(name)
            return name
        return None

    def _select(self, name: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(i).data(0, LIBRARY_ROLE) == name:
                self.tree.setCurrentItem(self.tree.topLevelItem(i))

    @Slot()
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add files to the library"), str(Path.home()))
        if paths:
            self.add_paths(paths)

    @Slot()
    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Add a folder to the library"), str(Path.home()))
        if path:
            self.add_paths([path])

    def add_paths(self, paths: list[str]) -> bool:
        library = self.selected_library()
        indexer = self.context.documents
        if library is None or indexer is None or indexer.busy:
            return False
        self.state.setText(self.tr("Indexing…"))
        indexer.index(list(paths), library, 0)  # 0: for no chat in particular
        self._selection_changed()
        return True

    @Slot()
    def refresh_library(self) -> bool:
        """Bring the selected library up to date (in the background). False when busy."""
        library, indexer = self.selected_library(), self.context.documents
        if library is None or indexer is None or indexer.busy:
            return False
        self.state.setText(self.tr("Checking %1…").replace("%1", library))
        self._checking = True
        indexer.refresh([library])
        self._selection_changed()
        return True

    @Slot(object)
    def _refreshed(self, results) -> None:
        """A library was brought up to date: by Refresh here, or because its files changed."""
        if self._checking:
            changed = sum(1 for r in results if r.state != "unchanged")
            self.state.setText(self.tr("Up to date (%1 changed)").replace("%1", str(changed)))
            self._checking = False
        self.load()

    @Slot()
    def remove_selected(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        store, library = self.context.store, item.data(0, LIBRARY_ROLE)
        path = item.data(0, Qt.ItemDataRole.UserRole)
        if path:
            store.exclude_document(store.library(library)["id"], path)
        else:
            store.delete_library(library)
        self.load()

    @Slot()
    def use_selected(self) -> None:
        library = self.selected_library()
        if library is not None:
            self.context.use_library(library)
            self.state.setText(self.tr("The chat shown now answers from %1.").replace("%1", library))
