"""Turning a reply's token bytes into text: whole UTF-8 characters only, never a stop string, and
the thinking of a reasoning model kept apart from the answer.

Pure (no llama.cpp): the engine feeds it the bytes of each token as they come. A character split
across tokens is held until it is whole; text that could be the start of a stop string (the
template's turn-end marker written out as plain text) is held until it either becomes the stop
string (the reply ends there, the marker itself never shown) or cannot any more.

Given thinking markers (thinking_markers.py), a reply that starts with an opening marker (or whose
prompt already opened one) is thinking until the closing marker; the markers themselves are never
shown, and text that could still become one is held like a stop string. Thinking can only come
first: a marker later in the answer is just text. Whitespace around the thinking, and between it
and the answer, is dropped.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from typing import NamedTuple

from assistant.engine.thinking_markers import ThinkingMarkers

_START, _THINKING, _AFTER_THINKING, _ANSWER = "start", "thinking", "after thinking", "answer"


class Piece(NamedTuple):
    text: str
    thinking: bool = False


def _partial(held: str, marker: str) -> int:
    """How many characters at the end of `held` could begin `marker` (without being all of it)."""
    for n in range(min(len(marker) - 1, len(held)), 0, -1):
        if held.endswith(marker[:n]):
            return n
    return 0


def _could_become(text: str, candidates: Iterable[str]) -> bool:
    """`text` is a proper beginning of one of `candidates`: more text may still make it one."""
    return any(len(c) > len(text) and c.startswith(text) for c in candidates)


class TextStream:
    def __init__(
        self,
        stop: Iterable[str] = (),
        *,
        thinking: Iterable[ThinkingMarkers] = (),
        opened: ThinkingMarkers | None = None,
    ):
        """stop: strings that end the reply. thinking: the markers a reply may start thinking with;
        opened: the markers whose thinking the prompt already opened (the reply starts inside it)."""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._stop = [s for s in stop if s]
        self._markers = list(dict.fromkeys([*thinking, *([opened] if opened else [])]))
        self._held = ""
        self._state = _START if self._markers else _ANSWER
        self._current: ThinkingMarkers | None = None  # the markers of the thinking block
        self._thinking_started = False  # some thinking was shown (its leading whitespace is gone)
        self._may_repeat_open = False  # a model may write the opening marker the prompt already wrote
        self._headers: tuple[str, ...] = ()  # what may still be dropped before the answer
        self.stopped = False
        if opened is not None:
            self._enter_thinking(opened, repeat=True)

    # -- the public part ---------------------------------------------------------------------------
    def feed_pieces(self, data: bytes) -> list[Piece]:
        """The text that is safe to show after `data`, thinking and answer apart, in order."""
        if self.stopped:
            return []
        self._held += self._decoder.decode(data)
        return self._drain(final=False)

    def flush_pieces(self) -> list[Piece]:
        """At the end of the reply: whatever is still held (nothing after a stop string)."""
        if self.stopped:
            return []
        self._held += self._decoder.decode(b"", final=True)
        return self._drain(final=True)

    def feed(self, data: bytes) -> str:
        """The answer text that is safe to show after `data` (thinking left out); "" while held back."""
        return "".join(p.text for p in self.feed_pieces(data) if not p.thinking)

    def flush(self) -> str:
        """The answer text still held at the end of the reply (thinking left out)."""
        return "".join(p.text for p in self.flush_pieces() if not p.thinking)

    @property
    def thinking(self) -> bool:
        """The reply is inside its thinking now."""
        return self._state == _THINKING

    # -- the states ------------------------------------------------------------------------------
    def _enter_thinking(self, markers: ThinkingMarkers, *, repeat: bool = False) -> None:
        self._state, self._current = _THINKING, markers
        self._thinking_started = False
        self._may_repeat_open = repeat

    def _drain(self, *, final: bool) -> list[Piece]:
        out: list[Piece] = []
        while True:
            step = {
                _START: self._start,
                _THINKING: self._thinking,
                _AFTER_THINKING: self._after_thinking,
                _ANSWER: self._answer,
            }[self._state]
            if not step(out, final):
                return [p for p in out if p.text]

    def _start(self, out: list[Piece], final: bool) -> bool:
        """Before anything is shown: does the reply open a thinking block (or an answer header)?"""
        rest = self._held.lstrip()
        for m in self._markers:
            if rest.startswith(m.open):
                self._held = rest[len(m.open) :]
                self._enter_thinking(m)
                return True
        headers = [h for m in self._markers for h in m.answer_headers]
        for header in headers:
            if rest.startswith(header):
                self._held, self._state = rest[len(header) :], _ANSWER
                return True
        if not final and (not rest or _could_become(rest, [*(m.open for m in self._markers), *headers])):
            return False  # wait and see
        self._state = _ANSWER
        return True

    def _thinking(self, out: list[Piece], final: bool) -> bool:
        m = self._current
        if not self._thinking_started:
            self._held = self._held.lstrip()
            if not self._held:
                return False
            if self._may_repeat_open:
                if self._held.startswith(m.open):
                    self._held = self._held[len(m.open) :]
                    self._may_repeat_open = False
                    return True
                if not final and _could_become(self._held, [m.open]):
                    return False
                self._may_repeat_open = False
        held = self._held
        close_at = held.find(m.close)
        stop_at = self._first_stop(held)
        if stop_at >= 0 and (close_at < 0 or stop_at < close_at):
            self._emit(out, held[:stop_at].rstrip(), thinking=True)
            self._held, self.stopped = "", True
            return False
        if close_at >= 0:
            self._emit(out, held[:close_at].rstrip(), thinking=True)
            self._held = held[close_at + len(m.close) :]
            self._state, self._headers = _AFTER_THINKING, m.answer_headers
            return True
        if final:
            self._emit(out, held.rstrip(), thinking=True)
            self._held = ""
            return False
        cut = len(held) - max([_partial(held, m.close), *(_partial(held, s) for s in self._stop)])
        while cut > 0 and held[cut - 1].isspace():
            cut -= 1  # whitespace before the closing marker is not thinking
        self._emit(out, held[:cut], thinking=True)
        self._held = held[cut:]
        return False

    def _after_thinking(self, out: list[Piece], final: bool) -> bool:
        """Between the thinking and the answer: whitespace, and a header some formats write (dropped)."""
        self._held = self._held.lstrip()
        if not self._held:
            return False
        for header in self._headers:
            if self._held.startswith(header):
                self._held, self._headers = self._held[len(header) :], ()
                return True
        if not final and _could_become(self._held, self._headers):
            return False
        self._state = _ANSWER
        return True

    def _answer(self, out: list[Piece], final: bool) -> bool:
        held = self._held
        stop_at = self._first_stop(held)
        if stop_at >= 0:
            self._emit(out, held[:stop_at])
            self._held, self.stopped = "", True
            return False
        keep = 0 if final else max((_partial(held, s) for s in self._stop), default=0)
        self._emit(out, held[: len(held) - keep])
        self._held = held[len(held) - keep :]
        return False

    # -- helpers ---------------------------------------------------------------------------------
    def _first_stop(self, text: str) -> int:
        return min((at for at in (text.find(s) for s in self._stop) if at >= 0), default=-1)

    def _emit(self, out: list[Piece], text: str, *, thinking: bool = False) -> None:
        if not text:
            return
        if thinking:
            self._thinking_started = True
        if out and out[-1].thinking == thinking:
            out[-1] = Piece(out[-1].text + text, thinking)
        else:
            out.append(Piece(text, thinking))
