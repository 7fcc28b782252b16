"""Keeping the person's document libraries current while Bothy runs: the folders they added and
the files indexed are watched (QFileSystemWatcher); a change, once things have been quiet for a
moment, brings the libraries it concerns up to date in the background (DocumentsController.refresh):
a changed file is indexed again, a deleted one disappears, a new one in a watched folder is added.

Signal:
    changed(list[str] libraries)
"""

from __future__ import annotations

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

QUIET_MS = 1500  # an editor's save, a copy of many files: one refresh once they are done


class DocumentsWatcher(QObject):
    changed = Signal(list)

    def __init__(self, parent=None, *, quiet_ms: int = QUIET_MS):
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._touched)
        self._watcher.fileChanged.connect(self._touched)
        self._libraries: dict[str, set[str]] = {}
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(quiet_ms)
        self._timer.timeout.connect(self._fire)

    def watch(self, paths: dict[str, set[str]]) -> None:
        """Watch exactly these paths (path -> the libraries it concerns)."""
        watched = set(self._watcher.files()) | set(self._watcher.directories())
        gone = watched - paths.keys()
        if gone:
            self._watcher.removePaths(sorted(gone))
        new = [path for path in paths if path not in watched]
        if new:
            self._watcher.addPaths(new)  # a path that vanished meanwhile is skipped by Qt
        self._libraries = {path: set(names) for path, names in paths.items()}

    @property
    def watched(self) -> list[str]:
        return sorted(set(self._watcher.files()) | set(self._watcher.directories()))

    @Slot(str)
    def _touched(self, path: str) -> None:
        self._pending |= self._libraries.get(path, set())
        self._timer.start()

    @Slot()
    def _fire(self) -> None:
        libraries, self._pending = sorted(self._pending), set()
        if libraries:
            self.changed.emit(libraries)
