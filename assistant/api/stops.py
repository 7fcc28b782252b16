"""The API's `stop` sequences: the reply ends before the first of them, which is never sent.

Text arrives in pieces, and a stop sequence can be split across two; so the last few characters
(one less than the longest sequence) are held back until the next piece shows they are not one.
"""

from __future__ import annotations


class StopFilter:
    def __init__(self, stops: list[str]):
        self.stops = [s for s in stops if s]
        self.keep = max((len(s) for s in self.stops), default=1) - 1
        self.pending = ""
        self.hit = False

    def feed(self, text: str) -> str:
        """The text that can be sent now."""
        if self.hit:
            return ""
        if not self.stops:
            return text
        self.pending += text
        found = [i for i in (self.pending.find(s) for s in self.stops) if i >= 0]
        if found:
            self.hit = True
            out, self.pending = self.pending[: min(found)], ""
            return out
        cut = max(0, len(self.pending) - self.keep)
        out, self.pending = self.pending[:cut], self.pending[cut:]
        return out

    def flush(self) -> str:
        """At the end: what was held back (it was not a stop sequence)."""
        out, self.pending = ("" if self.hit else self.pending), ""
        return out
