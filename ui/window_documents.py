"""The main window's part for the person's documents: the composer's Attach button (and documents
dropped on the window) index files in the background into the chat's own library, which the chat
then answers from; the composer says which libraries it uses, with a way to stop; each reply that
used passages shows them as numbered sources (ui/message_sources.py).

A mixin of MainWindow (ui/main_window.py). Its strings use QCoreApplication.translate("DocumentHandling", ...).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer, Slot
from PySide6.QtWidgets import QFileDialog

from assistant.errors import UserFacingError
from ui.documents_controller import DocumentsController
from ui.documents_watcher import DocumentsWatcher

ATTACHED_NOTICE_MS = 8000  # "Documents attached" goes by itself; a failure stays until dismissed
UPDATED_NOTICE_MS = 6000  # "Documents updated" in the status bar
STARTUP_REFRESH_MS = 3000  # after start, libraries catch up with what changed while Bothy was closed


class DocumentHandling:
    def _connect_documents(self) -> None:
        self.documents_indexer = DocumentsController(self.store.path, self, embedder=self._embedder)
        self.documents_indexer.progress.connect(self._documents_progress)
        self.documents_indexer.embedding.connect(self._documents_embedding)
        self.documents_indexer.finished.connect(self._documents_indexed)
        self.documents_indexer.failed.connect(self._documents_failed)
        self.documents_indexer.refreshed.connect(self._documents_refreshed)
        self.documents_indexer.idle.connect(self._after_indexing)
        self.documents_watcher = DocumentsWatcher(self)
        self.documents_indexer.watch.connect(self.documents_watcher.watch)
        self.documents_watcher.changed.connect(self.refresh_documents)
        self._documents_waiting: set[str] = set()  # changed while the indexer was busy
        self.composer.attach_requested.connect(self.choose_documents)
        self.composer.documents_cleared.connect(self._stop_using_documents)
        if self.store.has_libraries():
            QTimer.singleShot(STARTUP_REFRESH_MS, self, self.refresh_documents)

    @Slot(list)
    def refresh_documents(self, libraries: list[str] | None = None) -> None:
        """Bring libraries (None: all) up to date in the background: changed files indexed again,
        deleted ones gone, new ones in their folders added (the watcher calls this)."""
        if self.documents_indexer.busy:  # once it is done
            self._documents_waiting |= set(libraries) if libraries else {""}
            return
        self.documents_indexer.refresh(libraries)

    @Slot()
    def _after_indexing(self) -> None:
        """The indexer is free: libraries that changed meanwhile are brought up to date now."""
        if self._documents_waiting:
            waiting, self._documents_waiting = self._documents_waiting, set()
            self.refresh_documents(None if "" in waiting else sorted(waiting))

    @Slot(object)
    def _documents_refreshed(self, results) -> None:
        changed = [r for r in results if r.state != "unchanged"]
        if changed:
            text = QCoreApplication.translate("DocumentHandling", "Documents updated: %1 changed")
            text = text.replace("%1", str(len(changed)))
            self.status.set_documents(text)
            QTimer.singleShot(UPDATED_NOTICE_MS, self.status, lambda: self.status.clear_documents(text))
            self._show_documents()

    @Slot()
    def choose_documents(self) -> None:
        patterns = "*.pdf *.docx *.txt *.md *.html *.htm *.csv *.json *.py *.js *.ts *.c *.cpp *.java"
        kinds = QCoreApplication.translate("DocumentHandling", "Documents (%1);;All files (*)").replace("%1", patterns)
        title = QCoreApplication.translate("DocumentHandling", "Attach documents")
        paths, _ = QFileDialog.getOpenFileNames(self, title, str(Path.home()), kinds)
        if paths:
            self.attach_documents(paths)

    def attach_documents(self, paths: list[str]) -> bool:
        """Index `paths` for the chat shown (a new chat is created for them). False when busy."""
        if self.documents_indexer.busy:
            self.show_error(
                QCoreApplication.translate(
                    "DocumentHandling", "Documents are still being indexed; try again when that is done."
                )
            )
            return False
        if self.conversation_id is None:
            loaded = self.models.current
            try:
                conversation = self.store.create_conversation(
                    system_prompt=self.settings.system_prompt or None, model=loaded.model.file_name if loaded else None
                )
            except UserFacingError as exc:
                self.show_error(str(exc))
                return False
            self.sidebar.reload(conversation["id"])
            self.open_conversation(conversation["id"])
        cid = self.conversation_id
        library = next(iter(self.conversations.documents(cid)), None) or self._new_library_name(paths[0])
        self.status.set_documents(QCoreApplication.translate("DocumentHandling", "Indexing documents…"))
        self.documents_indexer.index(list(paths), library, cid)
        return True

    def _new_library_name(self, first: str) -> str:
        """A name for a chat's own library: its first file's (or folder's) name, made unique."""
        taken = {library["name"] for library in self.store.libraries()}
        base = Path(first).stem or Path(first).name or "Documents"
        name, n = base, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        return name

    def _embedder(self):
        """The chosen embedding model and a way to use it from the indexing thread (the engine is
        shared: each batch waits for the engine's lock, so a reply in progress goes first)."""
        from assistant.docs.vectors import model_key

        path = self.settings.embedding_model
        if not path:
            return None
        model, worker, engine = model_key(path), self.bridge.worker, self.bridge.engine

        def embed(texts: list[str]) -> list[list[float]]:
            with worker.engine_lock:
                return engine.embed(model, texts)

        return model, embed

    @Slot(int)
    def _documents_embedding(self, done: int) -> None:
        text = QCoreApplication.translate("DocumentHandling", "Finding what passages mean: %1")
        self.status.set_documents(text.replace("%1", str(done)))

    @Slot(int, int, str)
    def _documents_progress(self, done: int, total: int, name: str) -> None:
        text = QCoreApplication.translate("DocumentHandling", "Indexing %1 of %2: %3")
        self.status.set_documents(text.replace("%1", str(done)).replace("%2", str(total)).replace("%3", name))

    @Slot(str, object, int)
    def _documents_indexed(self, library: str, results, conversation_id: int) -> None:
        self.status.set_documents("")
        if not results:  # only vectors were computed (Settings > Documents)
            text = QCoreApplication.translate("DocumentHandling", "Passages of %1 can now be found by meaning too.")
            self.banner.show_message(text.replace("%1", library), kind="info", timeout_ms=ATTACHED_NOTICE_MS)
            return
        ok = [r for r in results if r.state in ("indexed", "unchanged")]
        failed = [r for r in results if r.state == "failed"]
        if ok and conversation_id > 0:  # 0: indexed from Settings > Documents, for no chat in particular
            self.conversations.set_documents(conversation_id, [*self.conversations.documents(conversation_id), library])
        passages = sum(r.passages for r in results)
        text = QCoreApplication.translate("DocumentHandling", "Documents attached: %1 · passages: %2")
        text = text.replace("%1", str(len(ok))).replace("%2", str(passages))
        if failed:
            reasons = "; ".join(f"{Path(r.path).name}: {r.reason}" for r in failed[:5])
            unusable = QCoreApplication.translate("DocumentHandling", "could not be used: %1 (%2)")
            text += " · " + unusable.replace("%1", str(len(failed))).replace("%2", reasons)
        self.banner.show_message(
            text, kind="error" if failed and not ok else "info", timeout_ms=0 if failed else ATTACHED_NOTICE_MS
        )
        if conversation_id == self.conversation_id:
            self._show_documents()

    @Slot(str)
    def _documents_failed(self, message: str) -> None:
        self.status.set_documents("")
        self.show_error(message)

    def use_library(self, library: str) -> None:
        """The chat shown answers from `library` too (Settings > Documents)."""
        if self.conversation_id is not None:
            self.conversations.set_documents(
                self.conversation_id, [*self.conversations.documents(self.conversation_id), library]
            )
            self._show_documents()

    def _ask_documents_to_server(self, conversation_id: int, message: str) -> None:
        """The chat answers from documents and its model runs on a server: nothing was sent; the
        person may allow it for this chat (then sends again) or stop using the documents."""

        def allow() -> None:
            self.conversations.allow_documents_to_servers(conversation_id)

        self.banner.show_message(
            message + " " + QCoreApplication.translate("DocumentHandling", "Nothing was sent."),
            kind="error",
            action=QCoreApplication.translate("DocumentHandling", "Allow for this chat"),
            callback=allow,
        )

    @Slot()
    def _stop_using_documents(self) -> None:
        if self.conversation_id is not None:
            self.conversations.set_documents(self.conversation_id, [])
        self._show_documents()

    def _show_documents(self) -> None:
        """The composer says which libraries the chat shown answers from."""
        libraries = self.conversations.documents(self.conversation_id) if self.conversation_id is not None else []
        if not libraries:  # most chats: no counting of every library on each open
            self.composer.set_documents([])
            return
        counts = {library["name"]: library["documents"] - library["failed"] for library in self.store.libraries()}
        libraries = [name for name in libraries if name in counts]
        self.composer.set_documents(libraries, sum(counts[name] for name in libraries))
