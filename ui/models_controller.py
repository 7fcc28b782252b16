"""Which model is loaded or loading, the app's one download manager, and the watched models folder.

Loading goes through the engine bridge (the engine thread); the result comes back as signals.

Signals:
    loading(object ModelRef): a load started.
    loaded(object LoadedModel)
    failed(object ModelRef, str message): the load failed; `loaded` is still the previous model.
    folder_changed(): a GGUF file appeared in or left the models folder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from assistant import paths
from assistant.engine import LoadedModel, ModelRef
from assistant.settings import Settings
from ui.engine_bridge import EngineBridge

log = logging.getLogger("bothy.ui.models")

WATCH_MS = 2000


class ModelsController(QObject):
    loading = Signal(object)
    loaded = Signal(object)
    failed = Signal(object, str)
    folder_changed = Signal()

    def __init__(self, *, settings: Settings, bridge: EngineBridge, busy: Callable[[], bool], parent=None):
        super().__init__(parent)
        self.settings = settings
        self.bridge = bridge
        self.busy = busy  # a reply is being written: no switching then
        self.current: LoadedModel | None = None
        self.pending: ModelRef | None = None
        self._downloads = None
        self._watcher = None
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_MS)
        self._watch_timer.timeout.connect(self._poll_folder)
        w = bridge.worker
        q = Qt.ConnectionType.QueuedConnection
        w.loaded.connect(self._loaded, q)
        w.load_failed.connect(self._failed, q)

    @property
    def ready(self) -> bool:
        return self.current is not None and self.pending is None

    # -- loading ---------------------------------------------------------------------------------
    def default_model(self) -> ModelRef | None:
        from assistant.models import default_model_path

        chosen = self.settings.default_model
        if chosen and chosen.startswith("server:"):
            return ModelRef.parse(chosen)  # a server's model (assistant/engine/router.py)
        path = default_model_path(chosen)
        return ModelRef.local(path) if path is not None else None

    def load(self, model: ModelRef) -> str | None:
        """Start loading `model`. Returns why it cannot start now (for people), or None."""
        if self.busy():
            return self.tr("Stop the reply before switching models.")
        if self.pending is not None:
            return self.tr("A model is still loading.")
        self.pending = model
        self.loading.emit(model)
        self.bridge.load(model, self.settings.load_settings_for(model.path or model.key))
        return None

    @Slot(object)
    def _loaded(self, loaded: LoadedModel) -> None:
        self.pending = None
        self.current = loaded
        log.info("loaded %s", loaded.model.key)
        self.loaded.emit(loaded)

    @Slot(object, str)
    def _failed(self, model: ModelRef, message: str) -> None:
        self.pending = None
        self.current = self.bridge.engine.loaded
        self.failed.emit(model, message)

    # -- downloads and the models folder ----------------------------------------------------------
    def download_manager(self):
        """The app's one download manager (downloads go on when Settings is closed)."""
        if self._downloads is None:
            from assistant.library import DownloadManager

            self._downloads = DownloadManager()
        return self._downloads

    def watch_folder(self) -> None:
        self._watch_timer.start()

    @Slot()
    def _poll_folder(self) -> None:
        """A GGUF dropped into the models folder appears without a restart."""
        from assistant.library import FolderWatcher

        if self._watcher is None:
            self._watcher = FolderWatcher(paths.models_dir())
            return
        if self._watcher.poll():
            self.folder_changed.emit()

    def close(self) -> None:
        self._watch_timer.stop()
        if self._downloads is not None:
            self._downloads.close()  # partial downloads stay, and resume next time
