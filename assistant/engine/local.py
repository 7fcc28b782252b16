"""The engine client: runs the model in its own process and streams replies from it.

A crash inside llama.cpp (segfault, abort, out of memory) kills only the engine process: the reply
in progress ends with EngineCrashedError, and the next request starts a new process and loads the
same model again. Loading a different model starts a fresh process and only then retires the old
one, so a model that fails to load leaves the previous one usable, and a switch gives the previous
model's memory back completely.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from multiprocessing.connection import wait

from assistant import errors, paths
from assistant.engine.protocol import (
    BackendInfo,
    ContextInfo,
    GenerationSettings,
    LoadedModel,
    LoadSettings,
    ReplyStats,
)

log = logging.getLogger("bothy.engine")
_ctx = multiprocessing.get_context("spawn")
_ERRORS = {
    name: getattr(errors, name)
    for name in ("UserFacingError", "ModelError", "ContextOverflowError", "EngineCrashedError", "StoreError")
}


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            return f"crashed ({signal.Signals(-code).name})"
        except ValueError:
            return f"crashed (signal {-code})"
    return f"exited with code {code}"


class _Process:
    """One engine process and its pipe."""

    def __init__(self):
        self.conn, child = _ctx.Pipe()
        self.stop_flag = _ctx.RawValue("q", 0)
        from assistant.engine import worker

        self.proc = _ctx.Process(
            target=worker.main,
            args=(child, self.stop_flag, str(paths.log_path())),
            name="bothy-engine",
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.receive(timeout=120)  # ("ready", None)

    def alive(self) -> bool:
        return self.proc.is_alive()

    def send(self, *message) -> None:
        try:
            self.conn.send(message)
        except (BrokenPipeError, OSError):
            self.crashed()

    def receive(self, timeout: float | None = None):
        """The next event; raises EngineCrashedError if the process died first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = wait([self.conn, self.proc.sentinel], remaining)
            if self.conn in ready:
                try:
                    event = self.conn.recv()
                except (EOFError, OSError):
                    self.crashed()
                if event[0] == "error":
                    _, kind, message, *rest = event
                    hint = rest[0] if rest else None
                    if kind == "bug":
                        raise RuntimeError(f"engine error: {message}")
                    raise _ERRORS.get(kind, errors.UserFacingError)(message, hint=hint)
                return event
            if self.proc.sentinel in ready:
                self.crashed()
            if deadline is not None and time.monotonic() >= deadline:
                self.kill()
                raise errors.EngineCrashedError("The model engine did not answer in time and was restarted.")

    def crashed(self):
        self.proc.join(timeout=1)
        what = _describe_exit(self.proc.exitcode)
        log.error("engine process %s", what)
        raise errors.EngineCrashedError(
            f"The model engine {what}. Your conversation is saved.",
            hint="Send your message again to retry; the model is loaded again first.",
        )

    def close(self, timeout: float = 3.0) -> None:
        if self.proc.is_alive():
            try:
                self.conn.send(("quit",))
            except OSError:
                pass
            self.proc.join(timeout)
        self.kill()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()


class Reply:
    """A streamed reply: iterate it for text chunks; afterwards `text`, `stats` and `context` are set.

    Iterating again replays the text already received. `stop()` is safe from any thread.
    """

    def __init__(self, engine: Engine, request_id: int):
        self._engine = engine
        self.request_id = request_id
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
        proc = self._engine._proc
        finished = False
        try:
            while True:
                event = self._handle(proc.receive())
                if event == "done":
                    finished = True
                    break
                if event is not None:
                    yield event
        except GeneratorExit:
            pass  # the caller stopped reading: settle the request below
        except BaseException as exc:
            finished = True
            self.error = exc
            if isinstance(exc, errors.EngineCrashedError):
                self._engine._lost_process()
            raise
        finally:
            if not finished:
                self._abandon(proc)
            self.done = True
            self._engine._finished(self)

    def _handle(self, event):
        kind = event[0]
        if kind == "text":
            self.chunks.append(event[1])
            return event[1]
        if kind == "context":
            self.context = event[1]
        elif kind == "done":
            self.stats = event[1]
            return "done"
        return None

    def _abandon(self, proc) -> None:
        """Stop a request nobody reads any more, and drain its events so the next request starts clean."""
        self._engine.stop(self.request_id)
        try:
            while self._handle(proc.receive(timeout=30)) != "done":
                pass
        except errors.EngineCrashedError:
            self._engine._lost_process()
        except Exception as exc:  # the request failed while being abandoned: nobody is waiting for it
            self.error = exc

    def consume(self) -> Reply:
        for _ in self:
            pass
        return self

    def stop(self) -> None:
        self._engine.stop(self.request_id)


class Engine:
    """The client side of the engine. One request at a time."""

    def __init__(self):
        self._proc: _Process | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._active: Reply | None = None
        self.loaded: LoadedModel | None = None
        self._load_args: tuple[str, LoadSettings] | None = None
        self._backend: BackendInfo | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def backend(self) -> BackendInfo:
        """What this llama.cpp build can do here (starts the engine process if needed)."""
        if self._backend is None:
            if self.loaded is not None:
                self._backend = self.loaded.backend
            else:
                proc = self._ensure_process()
                proc.send("probe")
                self._backend = proc.receive(timeout=60)[1]
        return self._backend

    def load(self, path, settings: LoadSettings | None = None) -> LoadedModel:
        """Load a model in a fresh engine process; the current one keeps running until this succeeds."""
        from assistant.models import read_info

        settings = settings or LoadSettings()
        self._require_idle()
        read_info(path)  # a bad file fails here, in 25 ms, without starting a process
        new = _Process()
        try:
            new.send("load", str(path), settings)
            loaded = new.receive(timeout=600)[1]
        except BaseException:
            new.kill()
            raise
        old, self._proc = self._proc, new
        if old is not None:
            old.close()
        self.loaded, self._load_args, self._backend = loaded, (str(path), settings), loaded.backend
        return loaded

    def close(self) -> None:
        if self._active is not None:
            self.stop()
        if self._proc is not None:
            self._proc.close()
        self._proc = None
        self.loaded = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._proc.proc.pid if self._proc and self._proc.alive() else None

    # -- chat ------------------------------------------------------------------------------------
    def chat(
        self,
        history: Sequence[dict],
        settings: GenerationSettings | None = None,
        *,
        system_prompt: str | None = None,
        conversation_key: str | None = None,
    ) -> Reply:
        """Start a reply to `history` (oldest first, ending with the user's message).

        `conversation_key` names the conversation so the engine can keep its KV state when the
        user moves between conversations.
        """
        settings = settings or GenerationSettings()
        self._require_idle()
        if self._load_args is None:
            raise errors.UserFacingError("No model is loaded.", hint="Choose a model in Settings > Models.")
        if self._proc is None or not self._proc.alive():
            self._restart()
        history = [{"role": m["role"], "content": m["content"]} for m in history]
        request_id = next(self._ids)
        reply = Reply(self, request_id)
        self._active = reply
        self._proc.send("chat", request_id, history, system_prompt, settings, conversation_key)
        return reply

    def stop(self, request_id: int | None = None) -> None:
        """Stop the reply in progress (or the given one). Returns at once; safe from any thread."""
        proc = self._proc
        if proc is None:
            return
        target = request_id if request_id is not None else (self._active.request_id if self._active else 0)
        if target > proc.stop_flag.value:
            proc.stop_flag.value = target

    @property
    def busy(self) -> bool:
        return self._active is not None

    def _inject_fault(self, kind: str, after_tokens: int = 1) -> None:
        """Test-only: make the engine process crash ('abort', 'segfault', 'exit') mid-reply."""
        proc = self._ensure_process()
        proc.send("fault", (kind, after_tokens))
        proc.receive(timeout=10)

    # -- internals -------------------------------------------------------------------------------
    def _require_idle(self) -> None:
        if self._active is not None and not self._active.done:
            raise errors.UserFacingError("A reply is still being written.", hint="Stop it first.")

    def _finished(self, reply: Reply) -> None:
        if self._active is reply:
            self._active = None

    def _lost_process(self) -> None:
        if self._proc is not None:
            self._proc.kill()
        self._proc = None

    def _ensure_process(self) -> _Process:
        if self._proc is None or not self._proc.alive():
            if self._load_args is not None:
                self._restart()
            else:
                self._proc = _Process()
        return self._proc

    def _restart(self) -> None:
        path, settings = self._load_args
        log.warning("restarting the engine and loading %s again", path)
        self._proc = None
        self.load(path, settings)
