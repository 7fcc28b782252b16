"""The Engine protocol that the session, the GUI and the CLI talk to, and the streamed Reply.

An engine loads a model named by a ModelRef, answers one ChatRequest at a time with a Reply, stops
a reply from any thread, and says what else it can do (Capabilities). LocalEngine (llama.cpp in its
own process) is today's implementation; tests use a scripted one (tests/fakes.py).
"""

from __future__ import annotations

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
    """A streamed reply: iterate it for text chunks; afterwards `text`, `stats` and `context` are set.

    Made by an engine from an iterator of reply events. Iterating again replays the text already
    received. Leaving the loop early (break, an exception in the caller) closes the event iterator,
    which stops the request and settles the engine. `stop()` is safe from any thread.
    """

    def __init__(self, events: Iterator[ReplyEvent], *, stop: Callable[[], None]):
        self._events = events
        self._stop = stop
        self.chunks: list[str] = []
        self.context: ContextInfo | None = None
        self.stats: ReplyStats | None = None
        self.error: BaseException | None = None
        self.done = False

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def __iter__(self) -> Iterator[str]:
        yield from list(self.chunks)
        if self.done:
            return
        try:
            for event in self._events:
                if isinstance(event, TextEvent):
                    self.chunks.append(event.text)
                    yield event.text
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
            self.done = True

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

    def stop(self) -> None:
        """Stop the reply in progress. Returns at once; safe from any thread."""

    def close(self) -> None: ...
