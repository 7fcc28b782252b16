"""One engine, shared fairly between the window and the API's clients.

The Engine protocol answers one request at a time. The gate lets one API generation run at a time,
after whatever the window is doing (its own turns come first: an API request waits while the engine
is busy), keeps at most `max_waiting` requests waiting, and turns one more into a 429 with
Retry-After. Each generation runs on a thread of its own and hands its events to the server's event
loop; when the client goes away, stop() ends the reply within a token or two, and the thread drains
it before the next request gets the engine.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from assistant.api.schema import ApiError
from assistant.engine.types import ChatRequest, ModelRef
from assistant.errors import ContextOverflowError, UserFacingError

POLL_SECONDS = 0.02


class EngineGate:
    def __init__(
        self,
        engine,
        *,
        max_waiting: int = 8,
        window_busy: Callable[[], bool] | None = None,
        lock: threading.Lock | None = None,
        loader: Callable | None = None,
    ):
        self.engine = engine
        # (ModelRef) -> LoadedModel, called with the engine held when a request names another local
        # model; the window's loads through its engine worker, so the window knows.
        self.loader = loader or engine.load
        self.max_waiting = max_waiting
        self.window_busy = window_busy or (lambda: False)
        self._engine_lock = lock or threading.Lock()  # the window's engine thread holds it for its turns
        self._count_lock = threading.Lock()
        self.waiting = 0
        self.answered = 0
        self._next_ticket = 0  # the next request's place in line
        self._serving = 0  # whose turn it is
        self._done_tickets: set[int] = set()

    def _enter_queue(self) -> None:
        with self._count_lock:
            if self.waiting >= self.max_waiting:
                raise ApiError(
                    429,
                    "Bothy is busy with other requests; try again shortly.",
                    kind="rate_limit_error",
                    code="queue_full",
                    headers={"Retry-After": "5"},
                )
            self.waiting += 1

    def _leave_queue(self) -> None:
        with self._count_lock:
            self.waiting -= 1

    def acquire(self, cancelled: threading.Event) -> bool:
        """Wait (on a worker thread) until the engine is free for an API request: after the window's
        turn, and after the API requests that came before (first come, first served: a ticket each).
        False when the client went away meanwhile."""
        with self._count_lock:
            ticket = self._next_ticket
            self._next_ticket += 1
        try:
            while not cancelled.is_set():
                my_turn = self._serving == ticket and not self.window_busy()
                if my_turn and self._engine_lock.acquire(timeout=POLL_SECONDS):
                    if not self.window_busy() and not self.engine.busy:
                        return True
                    self._engine_lock.release()
                time.sleep(POLL_SECONDS)
            return False
        finally:
            with self._count_lock:
                self._done_tickets.add(ticket)
                while self._serving in self._done_tickets:  # the next in line (a leaver gives its turn on)
                    self._done_tickets.discard(self._serving)
                    self._serving += 1

    def release(self) -> None:
        self._engine_lock.release()

    async def run(self, request: ChatRequest, *, switch_to: ModelRef | None = None) -> Generation:
        """Queue for the engine and start the reply (after loading `switch_to`, when that is not the
        loaded model). Raises ApiError 429 when the queue is full."""
        self._enter_queue()
        generation = Generation(self, request, asyncio.get_running_loop(), switch_to)
        try:
            started = await asyncio.to_thread(self.acquire, generation.cancelled)
        except BaseException:
            generation.cancelled.set()
            raise
        finally:
            self._leave_queue()
        if not started:
            raise asyncio.CancelledError
        generation.start()
        return generation


class Generation:
    """One reply on its own thread. `events`: ("started", (prompt tokens, the model's ModelRef)),
    ("text", TextEvent)…, then ("done", Reply); or ("error", exc) at any point."""

    def __init__(
        self, gate: EngineGate, request: ChatRequest, loop: asyncio.AbstractEventLoop, switch_to: ModelRef | None
    ):
        self.gate = gate
        self.request = request
        self.switch_to = switch_to
        self.loop = loop
        self.events: asyncio.Queue = asyncio.Queue()
        self.cancelled = threading.Event()
        self.reply = None
        self._lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self._run, name="bothy-api-reply", daemon=True).start()

    def stop(self) -> None:
        """The client went away, or a stop sequence came: end the reply now. Safe from any thread."""
        self.cancelled.set()
        with self._lock:
            reply = self.reply
        if reply is not None:
            reply.stop()

    def _put(self, item) -> None:
        self.loop.call_soon_threadsafe(self.events.put_nowait, item)

    def _run(self) -> None:
        try:
            engine = self.gate.engine
            loaded = engine.loaded
            if self.switch_to is not None and (loaded is None or loaded.model.key != self.switch_to.key):
                self.gate.loader(self.switch_to)
            if engine.loaded is None:
                raise UserFacingError("No model is loaded in Bothy.")
            prompt = engine.count_tokens(self.request)  # with the engine held: nothing else runs on it
            n_ctx = engine.loaded.n_ctx
            if prompt >= n_ctx:
                raise ContextOverflowError(
                    f"This conversation's prompt is {prompt:,} tokens, and the model's context holds {n_ctx:,}."
                )
            self._put(("started", (prompt, engine.loaded.model)))
            reply = engine.chat(self.request)
            with self._lock:
                self.reply = reply
            if self.cancelled.is_set():
                reply.stop()
            for event in reply.stream():
                self._put(("text", event))
            self._put(("done", reply))
        except BaseException as exc:  # the engine's error, for the client
            self._put(("error", exc))
        finally:
            self.gate.answered += 1
            self.gate.release()
