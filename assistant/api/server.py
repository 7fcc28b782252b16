"""Running the local API: uvicorn serving the Starlette app (app.py) on a thread of its own, on
127.0.0.1 unless the person chose the local network, and stopping cleanly.

    server = ApiServer(engine, port=8765, api_key=key)
    server.start()          # raises UserFacingError when the port is taken
    ...
    server.stop()
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time

import uvicorn

from assistant.api.app import ApiConfig, create_app
from assistant.api.gate import EngineGate
from assistant.engine.types import GenerationSettings
from assistant.errors import UserFacingError

log = logging.getLogger("bothy.api")

DEFAULT_PORT = 8765


def new_key() -> str:
    """A fresh API key: 32 random bytes, URL-safe, with a prefix people recognise."""
    return "bothy-" + secrets.token_urlsafe(32)


class ApiServer:
    def __init__(
        self,
        engine,
        *,
        port: int = DEFAULT_PORT,
        api_key: str,
        lan: bool = False,
        origins: set[str] | None = None,
        defaults: GenerationSettings | None = None,
        window_busy=None,
        local_models=None,
        allow_loading: bool = False,
        loader=None,
        keeper=None,
        max_waiting: int = 8,
        engine_lock=None,
    ):
        self.port = port
        self.host = "0.0.0.0" if lan else "127.0.0.1"
        self.gate = EngineGate(
            engine, max_waiting=max_waiting, window_busy=window_busy, lock=engine_lock, loader=loader
        )
        hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        if lan:
            hosts |= {f"{address}:{port}" for address in _addresses()}
        self.config = ApiConfig(
            api_key,
            hosts,
            origins or set(),
            defaults or GenerationSettings(),
            local_models=local_models,
            allow_loading=allow_loading,
            keeper=keeper,
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._server is not None and self._server.started

    def start(self, timeout: float = 10.0) -> None:
        """Start listening; returns once it does. UserFacingError when the port is taken."""
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a restart reuses it
            try:
                probe.bind((self.host, self.port))
            except OSError:
                raise UserFacingError(
                    f"Port {self.port} is taken by another program.", hint="Choose another port for the local server."
                ) from None
        config = uvicorn.Config(
            create_app(self.gate, self.config),
            host=self.host,
            port=self.port,
            log_level="warning",
            access_log=False,
            timeout_keep_alive=5,
            timeout_graceful_shutdown=2,
            limit_concurrency=64,  # beyond this, 503 at once: the queue (gate.py) holds the rest
            h11_max_incomplete_event_size=64 * 1024,  # a slow or endless header is cut off
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # a thread of the app: the app owns signals
        self._thread = threading.Thread(target=self._server.run, name="bothy-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise UserFacingError(f"The local server could not start on port {self.port}.")
            time.sleep(0.02)
        log.info("the local API listens on %s:%d", self.host, self.port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        if self.config.keeper is not None:
            self.config.keeper.close()


def _addresses() -> set[str]:
    """This machine's own addresses, for the Host check when it listens on the local network."""
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            found.add(info[4][0])
    except OSError:
        pass
    found.add(socket.gethostname())
    return found
