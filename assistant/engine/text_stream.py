"""Turning a reply's token bytes into text: whole UTF-8 characters only, and never a stop string.

Pure (no llama.cpp): the engine feeds it the bytes of each token as they come. A character split
across tokens is held until it is whole; text that could be the start of a stop string (the
template's turn-end marker written out as plain text) is held until it either becomes the stop
string (the reply ends there, the marker itself never shown) or cannot any more.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable


class TextStream:
    def __init__(self, stop: Iterable[str] = ()):
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._stop = [s for s in stop if s]
        self._held = ""
        self.stopped = False

    def feed(self, data: bytes) -> str:
        """The text that is safe to show after `data`; "" while it is held back."""
        if self.stopped:
            return ""
        self._held += self._decoder.decode(data)
        if not self._stop:
            out, self._held = self._held, ""
            return out
        cut = min((at for at in (self._held.find(s) for s in self._stop) if at >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            out, self._held = self._held[:cut], ""
            return out
        keep = max((self._partial_stop_length(s) for s in self._stop), default=0)
        out = self._held[: len(self._held) - keep]
        self._held = self._held[len(self._held) - keep :]
        return out

    def _partial_stop_length(self, stop: str) -> int:
        """How many characters at the end of the held text could begin `stop`."""
        for n in range(min(len(stop) - 1, len(self._held)), 0, -1):
            if self._held.endswith(stop[:n]):
                return n
        return 0

    def flush(self) -> str:
        """At the end of the reply: whatever is still held (nothing after a stop string)."""
        if self.stopped:
            return ""
        out = self._held + self._decoder.decode(b"", final=True)
        self._held = ""
        return out
