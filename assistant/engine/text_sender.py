"""A reply's text to the app, a few tokens at a time.

One pipe write per token costs about 0.3 ms (pickling and the write), a few per cent of a token on a
fast machine and more on a GPU. The first piece goes at once (the time to first token is what people
feel); after it, pieces are joined and sent at most every SEND_INTERVAL seconds, which is below what
the window shows anyway (it repaints the streaming reply every 30 ms). Thinking and answer pieces
are never joined together.
"""

from __future__ import annotations

import time

from assistant.engine import pipe

SEND_INTERVAL = 0.02


class TextSender:
    def __init__(self, conn, interval: float = SEND_INTERVAL, clock=time.perf_counter):
        self.conn = conn
        self.interval = interval
        self.clock = clock
        self._pending: list[str] = []
        self._thinking = False
        self._last: float | None = None  # when the last piece was sent

    def add(self, text: str, thinking: bool = False) -> None:
        if self._pending and thinking != self._thinking:
            self.flush()
        self._pending.append(text)
        self._thinking = thinking
        if self._last is None or self.clock() - self._last >= self.interval:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.conn.send(pipe.TextEvent("".join(self._pending), thinking=self._thinking))
            self._pending = []
            self._last = self.clock()
