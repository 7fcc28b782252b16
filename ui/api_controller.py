"""The window's local API: starts and stops assistant.api's server from the settings, over the engine
the window uses, sharing it fairly (the window's turns come first; the engine thread and the API take
turns on one lock). Off by default: nothing listens until the person switches it on.

A request naming another local model loads it through the engine worker (so the window shows the
new model) when the person allowed that; answered requests are kept as conversations (the
sidebar's API group) when the person chose that.

Signals (ApiController):
    state_changed(): started, stopped, or failed (`error` says why, e.g. the port is taken).
    kept(int conversation id): an API conversation was written (from the server's thread).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from assistant.api.local_models import ConversationKeeper, LocalModels
from assistant.api.server import DEFAULT_PORT, ApiServer, new_key
from assistant.errors import UserFacingError


class ApiController(QObject):
    state_changed = Signal()
    kept = Signal(int)

    def __init__(self, *, settings, bridge, busy, db_path=None, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.bridge = bridge
        self.busy = busy  # the window is answering: its turn first
        self.db_path = db_path  # where kept API conversations go (the window's database)
        self.server: ApiServer | None = None
        self.error: str | None = None

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.running

    @property
    def answered(self) -> int:
        return self.server.gate.answered if self.server is not None else 0

    @property
    def port(self) -> int:
        return self.settings.api_port or DEFAULT_PORT

    def key(self) -> str:
        """The key clients send; made the first time it is needed (saved by the caller)."""
        if not self.settings.api_key:
            self.settings.api_key = new_key()
        return self.settings.api_key

    def apply(self) -> None:
        """Start, restart or stop the server as the settings say."""
        self.stop(quiet=True)
        self.error = None
        if self.settings.api_enabled:
            worker = self.bridge.worker
            keeper = None
            if self.settings.api_keep_conversations:
                keeper = ConversationKeeper(self.db_path, on_kept=self.kept.emit)
            server = ApiServer(
                self.bridge.engine,
                port=self.port,
                api_key=self.key(),
                lan=self.settings.api_lan,
                origins=set(self.settings.api_origins),
                defaults=self.settings.generation,
                window_busy=self.busy,
                engine_lock=worker.engine_lock,
                local_models=LocalModels(),
                allow_loading=self.settings.api_allow_loading,
                loader=lambda ref: worker.load_held(ref, self.settings.load_settings_for(ref.path or ref.key)),
                keeper=keeper,
            )
            try:
                server.start()
                self.server = server
            except UserFacingError as exc:
                self.error = str(exc)
        self.state_changed.emit()

    def stop(self, *, quiet: bool = False) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if not quiet:
            self.state_changed.emit()
