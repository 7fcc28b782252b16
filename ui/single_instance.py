"""One Bothy per data folder: a second start brings the first window to the front and exits.

Two instances would be safe for the data (SQLite locks and WAL), but two windows writing the same
history and two engines each holding a model in memory are never what the person wanted.
The key is derived from the data folder, so a test or a second BOTHY_HOME runs side by side.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from assistant import paths


def _key() -> str:
    return "bothy-" + hashlib.sha256(str(paths.data_dir()).encode("utf-8")).hexdigest()[:16]


class SingleInstance(QObject):
    """Signals:
    activated(): another start asked this instance to come to the front.
    """

    activated = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.key = _key()
        self.server: QLocalServer | None = None

    def another_is_running(self, timeout_ms: int = 500) -> bool:
        """True (after asking it to show itself) when another instance owns this data folder."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(b"activate\n")
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def _answers(self, timeout_ms: int = 500) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        alive = socket.waitForConnected(timeout_ms)
        socket.abort()
        return alive

    def listen(self) -> bool:
        """Own this data folder. A socket left by a crashed Bothy is replaced; a live one never is."""
        server = QLocalServer(self)
        if not server.listen(self.key):
            if self._answers():
                return False
            QLocalServer.removeServer(self.key)  # a stale socket left by a crash
            if not server.listen(self.key):
                return False
        server.newConnection.connect(self._connection)
        self.server = server
        return True

    @Slot()
    def _connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.disconnected.connect(socket.deleteLater)
            self.activated.emit()
