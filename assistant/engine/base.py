"""The Engine protocol that the session, the GUI and the CLI talk to, and the streamed Reply.

An engine loads a model named by a ModelRef, answers one ChatRequest at a time with a Reply, stops
a reply from any thread, and says what else it can do (Capabilities). LocalEngine (llama.cpp in its
own process) is today's implementation; tests use a scripted one (tests/fakes.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Protocol, runtime_checkable

from assistant.engine.pipe import ContextEvent, DoneEvent, ReplyEvent, TextEvent
from assistant.engine.types import (
    BackendInfo,
    Capabilities,
    ChatRequest,
    ContextInfo,
    LoadedModel,
    LoadSettings,
    ModelRef,
    ReplyStats,
)


class Reply:
    """A streamed reply: iterate it for the answer's text chunks; afterwards `text`, `stats` and
    `context` are set.

    A reasoning model's thinking (TextEvent.thinking) is kept apart: `thinking` holds its text and
    `thinking_ms` how long it went on (from its first chunk to the answer's first, or to the end).
    Iterating the reply gives only the answer; `stream()` gives every TextEvent, thinking included,
    for callers that show the thinking while it streams.

    Made by an engine from an iterator of reply events. Iterating again replays the text already
    received. Leaving the loop early (break, an exception in the caller) closes the event iterator,
    which stops the request and settles the engine. `stop()` is safe from any thread.
    """

    def __init__(
        self, events: Iterator[ReplyEvent], *, stop: Callable[[], None], clock: Callable[[], float] = time.monotonic
    ):
        self._events = events
        self._stop = stop
        self._clock = clock
        self.chunks: list[str] = []  # the answer's
        self.thinking_chunks: list[str] = []
        self.thinking_ms: float | None = None
        self._pieces: list[TextEvent] = []  # both, in order (for replays)
        self._thinking_since: float | None = None
        self.context: ContextInfo | None = None
        self.stats: ReplyStats | None = None
        self.error: BaseException | None = None
        self.done = False

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    @property
    def thinking(self) -> str:
        return "".join(self.thinking_chunks)

    def __iter__(self) -> Iterator[str]:
        events = self.stream()
        try:
            for event in events:
                if not event.thinking:
                    yield event.text
        finally:
            events.close()  # the caller stopped reading: so does stream(), which stops the engine

    def stream(self) -> Iterator[TextEvent]:
        """Every piece of the reply's text as it comes, the thinking ones marked (TextEvent.thinking)."""
        yield from list(self._pieces)
        if self.done:
            return
        try:
            for event in self._events:
                if isinstance(event, TextEvent):
                    self._time_thinking(event.thinking)
                    self._pieces.append(event)
                    (self.thinking_chunks if event.thinking else self.chunks).append(event.text)
                    yield event
                elif isinstance(event, ContextEvent):
                    self.context = event.info
                elif isinstance(event, DoneEvent):
                    self.stats = event.stats
        except GeneratorExit:
            close = getattr(self._events, "close", None)
            if close is not None:
                close()  # the caller stopped reading: the engine stops and settles the request
        except BaseException as exc:
            self.error = exc
            raise
        finally:
            self._time_thinking(False)
            self.done = True

    def _time_thinking(self, thinking: bool) -> None:
        if thinking and self._thinking_since is None:
            self._thinking_since = self._clock()
        elif not thinking and self._thinking_since is not None:
            spent = (self._clock() - self._thinking_since) * 1000
            self.thinking_ms = (self.thinking_ms or 0.0) + spent
            self._thinking_since = None

    def consume(self) -> Reply:
        for _ in self:
            pass
        return self

    def stop(self) -> None:
        self._stop()


@runtime_checkable
class Engine(Protocol):
    """What Bothy needs from an engine. One request at a time."""

    name: str  # which engine, recorded with each reply: "llama.cpp"
    loaded: LoadedModel | None

    @property
    def busy(self) -> bool:
        """A reply is being written (a new chat() would be refused)."""

    def capabilities(self) -> Capabilities: ...

    def backend(self) -> BackendInfo:
        """Where models run (CPU, CUDA, a server, ...)."""

    def load(self, model: ModelRef, settings: LoadSettings | None = None) -> LoadedModel:
        """Load a model; the previous one stays usable if this fails (raises UserFacingError)."""

    def chat(self, request: ChatRequest) -> Reply:
        """Start a reply (raises UserFacingError when no model is loaded or a reply is running)."""

    def count_tokens(self, request: ChatRequest) -> int:
        """Tokens the request's prompt takes (exact with capabilities().tokenize, else an estimate)."""

    def count_text(self, text: str) -> int:
        """Tokens `text` takes (exact with capabilities().tokenize, else an estimate)."""

    def stop(self) -> None:
        """Stop the reply in progress. Returns at once; safe from any thread."""

    def close(self) -> None: ...
