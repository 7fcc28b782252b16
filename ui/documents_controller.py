"""Indexing the person's documents for the window, in the background: a thread of its own with its
own database connection (the store allows several), telling the window file by file.

Signals (DocumentsController):
    progress(int done, int total, str file name)
    finished(str library, object results: list of assistant.docs.indexer.FileResult, int conversation id)
    refreshed(object results: the FileResults of libraries brought up to date, unchanged ones included)
    watch(object paths: dict path -> library names, what to watch next: assistant.docs.indexer.watched_paths)
    failed(str message)
    idle(): the background work has ended (after any of the above): another may start
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from assistant.store.errors import NotFoundError


class DocumentsController(QObject):
    progress = Signal(int, int, str)
    embedding = Signal(int)  # passages given vectors so far
    finished = Signal(str, object, int)
    refreshed = Signal(object)
    watch = Signal(object)
    failed = Signal(str)
    idle = Signal()

    def __init__(self, db_path: Path, parent=None, *, embedder=None):
        super().__init__(parent)
        self.db_path = db_path
        # () -> (model key, embed(texts)) or None: when the person chose an embedding model, new
        # passages get their vectors right after they are indexed.
        self.embedder = embedder or (lambda: None)
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def index(self, paths: list[str], library: str, conversation_id: int) -> None:
        """Index `paths` into `library` for the conversation; results come as `finished`."""
        self._start(self._run, paths, library, conversation_id)

    def refresh(self, libraries: list[str] | None = None) -> None:
        """Bring these libraries (None: all) up to date; results come as `refreshed`."""
        self._start(self._refresh, libraries)

    def _start(self, target, *args) -> None:
        self._cancel.clear()
        self._thread = threading.Thread(target=self._guarded, args=(target, *args), name="bothy-documents", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def _guarded(self, target, *args) -> None:
        from assistant.docs.indexer import watched_paths
        from assistant.errors import UserFacingError
        from assistant.store import Store

        try:
            with Store(self.db_path) as store:
                target(store, *args)
                self.watch.emit(watched_paths(store))
        except UserFacingError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: the window says so, the log has the details
            import logging

            logging.getLogger("bothy.ui.documents").exception("indexing failed")
            self.failed.emit(f"Indexing stopped: {type(exc).__name__}.")
        finally:
            self._thread = None  # not busy any more, even before this thread has quite ended
            self.idle.emit()

    def _run(self, store, paths: list[str], library: str, conversation_id: int) -> None:
        from assistant.docs.indexer import add, files_under

        files = list(files_under(Path(p) for p in paths))
        done = [0]

        def step(result) -> None:
            done[0] += 1
            self.progress.emit(done[0], len(files), Path(result.path).name)

        results = add(store, paths, library, progress=step, cancelled=self._cancel.is_set, files=files)
        self._embed(store, library)
        self.finished.emit(library, results, conversation_id)

    def _refresh(self, store, libraries: list[str] | None) -> None:
        from assistant.docs.indexer import refresh

        names = libraries if libraries is not None else [library["name"] for library in store.libraries()]
        results = []
        for name in names:
            if self._cancel.is_set():
                break
            try:
                found = refresh(store, name, cancelled=self._cancel.is_set)
            except NotFoundError:  # removed meanwhile
                continue
            results += found
            if any(r.state in ("indexed", "failed") for r in found):
                self._embed(store, name)
        self.refreshed.emit(results)

    def _embed(self, store, library: str) -> None:
        """New passages get their vectors, when the person chose an embedding model."""
        chosen = self.embedder()
        if chosen is not None and not self._cancel.is_set():
            from assistant.docs.vectors import embed_library

            model, embed = chosen
            embed_library(store, embed, library, model, progress=self.embedding.emit)

    def close(self) -> None:
        self.cancel()
        thread = self._thread  # the thread clears it as it ends
        if thread is not None:
            thread.join(timeout=5)
