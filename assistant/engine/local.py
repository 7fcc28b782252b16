"""LocalEngine: llama.cpp in its own process on this computer, behind the Engine protocol.

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
import time
from collections.abc import Iterator
from multiprocessing.connection import wait

from assistant import errors, paths
from assistant.engine import pipe
from assistant.engine.base import Reply
from assistant.engine.types import BackendInfo, Capabilities, ChatRequest, LoadedModel, LoadSettings, ModelRef

log = logging.getLogger("bothy.engine")
_ctx = multiprocessing.get_context("spawn")
_ERRORS = {
    name: getattr(errors, name)
    for name in ("UserFacingError", "ModelError", "ContextOverflowError", "EngineCrashedError", "StoreError")
}
ENGINE_BUG = "Something went wrong inside the model engine (the details are in Bothy's log)."
START_TIMEOUT_S = 120
LOAD_TIMEOUT_S = 600


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            return f"crashed ({signal.Signals(-code).name})"
        except ValueError:
            return f"crashed (signal {-code})"
    return f"exited with code {code}"


class EngineProcess:
    """One engine process and its pipe. Every way out (close, kill, a crash) releases both."""

    def __init__(self):
        self.conn, child = _ctx.Pipe()
        self.released = False
        self.stop_flag = _ctx.RawValue("q", 0)
        from assistant.engine import process

        self.proc = _ctx.Process(
            target=process.main,
            args=(child, self.stop_flag, str(paths.log_path())),
            name="bothy-engine",
            daemon=True,
        )
        try:
            self.proc.start()
        finally:
            child.close()
        try:
            ready = self.receive(timeout=START_TIMEOUT_S)
        except BaseException:
            self.kill()
            raise
        if not isinstance(ready, pipe.Ready) or ready.protocol_version != pipe.PROTOCOL_VERSION:
            self.kill()
            raise errors.EngineCrashedError(
                f"The model engine speaks another version of Bothy's protocol ({ready!r}).",
                hint="Bothy's installation looks incomplete: install it again.",
            )

    def alive(self) -> bool:
        return not self.released and self.proc.is_alive()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.alive() else None

    def send(self, command) -> None:
        try:
            self.conn.send(command)
        except (BrokenPipeError, OSError):
            self.crashed()

    def request(self, command, timeout: float | None = None):
        """Send a command and return the value of its Ok answer."""
        self.send(command)
        answer = self.receive(timeout=timeout)
        if not isinstance(answer, pipe.Ok):
            raise RuntimeError(f"the engine answered {answer!r} to {command!r}")
        return answer.value

    def receive(self, timeout: float | None = None):
        """The next event; raises EngineCrashedError if the process died first, or the error it sent."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = wait([self.conn, self.proc.sentinel], remaining)
            if self.conn in ready:
                try:
                    event = self.conn.recv()
                except (EOFError, OSError):
                    self.crashed()
                if isinstance(event, pipe.ErrorEvent):
                    if event.kind == "bug":
                        log.error("engine error: %s", event.message)
                        raise errors.UserFacingError(ENGINE_BUG, hint="Try again; if it keeps failing, restart Bothy.")
                    raise _ERRORS.get(event.kind, errors.UserFacingError)(event.message, hint=event.hint)
                return event
            if self.proc.sentinel in ready:
                self.crashed()
            if deadline is not None and time.monotonic() >= deadline:
                self.kill()
                raise errors.EngineCrashedError("The model engine did not answer in time and was restarted.")

    def crashed(self):
        what = "is no longer running"
        if not self.released:
            self.proc.join(timeout=1)
            what = _describe_exit(self.proc.exitcode)
            self.kill()
        log.error("engine process %s", what)
        raise errors.EngineCrashedError(
            f"The model engine {what}. Your conversation is saved.",
            hint="Send your message again to retry; the model is loaded again first.",
        )

    def close(self, timeout: float = 3.0) -> None:
        if self.alive():
            try:
                self.conn.send(pipe.Quit())
            except OSError:
                pass
            self.proc.join(timeout)
        self.kill()

    def kill(self) -> None:
        """End the process if it still runs and release the pipe and the process handle."""
        if self.released:
            return
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()
        self.released = True
        if self.proc.exitcode is not None:
            self.proc.close()  # the sentinel's descriptor; a process still dying keeps it until GC


class LocalEngine:
    """The Engine that runs GGUF models with llama.cpp in a child process. One request at a time."""

    name = "llama.cpp"

    def __init__(self):
        self._process: EngineProcess | None = None
        self._ids = itertools.count(1)
        self._last_id = 0
        self._active: Reply | None = None
        self.loaded: LoadedModel | None = None
        self._load_args: tuple[ModelRef, LoadSettings] | None = None
        self._backend: BackendInfo | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        return Capabilities(tokenize=True, kv_snapshots=True, gpu_layers=self.backend().gpu_offload)

    def backend(self) -> BackendInfo:
        """What this llama.cpp build can do here (starts the engine process if needed)."""
        if self._backend is None:
            if self.loaded is not None:
                self._backend = self.loaded.backend
            else:
                self._backend = self._ensure_process().request(pipe.Probe(), timeout=60)
        return self._backend

    def load(self, model: ModelRef, settings: LoadSettings | None = None) -> LoadedModel:
        """Load a model in a fresh engine process; the current one keeps running until this succeeds."""
        from assistant.models import read_info

        if not isinstance(model, ModelRef):
            raise TypeError(f"load() takes a ModelRef, not {type(model).__name__}")
        if model.engine != "local" or not model.path:
            raise errors.ModelError(f"{model.label} is not a model file on this computer.")
        settings = settings or LoadSettings()
        self._refuse_if_busy()
        read_info(model.path)  # a bad file fails here, in 25 ms, without starting a process
        new = EngineProcess()
        try:
            loaded = new.request(pipe.Load(model, settings), timeout=LOAD_TIMEOUT_S)
        except BaseException:
            new.kill()
            raise
        old, self._process = self._process, new
        if old is not None:
            old.close()
        self.loaded, self._load_args, self._backend = loaded, (model, settings), loaded.backend
        return loaded

    def close(self) -> None:
        if self._active is not None:
            self.stop()
        if self._process is not None:
            self._process.close()
        self._process = None
        self.loaded = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    # -- chat ------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._active is not None and not self._active.done

    def chat(self, request: ChatRequest) -> Reply:
        self._refuse_if_busy()
        if self._load_args is None:
            raise errors.UserFacingError("No model is loaded.", hint="Choose a model in Settings > Models.")
        if self._process is None or not self._process.alive():
            self._restart()
        request_id = self._last_id = next(self._ids)
        process = self._process
        process.send(pipe.Chat(request_id, request))
        reply = Reply(self._events(process, request_id), stop=lambda: self._stop(process, request_id))
        self._active = reply
        return reply

    def stop(self) -> None:
        """Stop the reply in progress. Returns at once; safe from any thread."""
        if self._process is not None:
            self._stop(self._process, self._last_id)

    def tokenize(self, text: str) -> list[int]:
        """The loaded model's tokens for `text` (special tokens parsed, no BOS added)."""
        return self._ask(pipe.Tokenize(text))

    def count_text(self, text: str) -> int:
        return len(self.tokenize(text))

    def count_tokens(self, request: ChatRequest) -> int:
        """Tokens the request's prompt takes, the model's chat template applied."""
        return self._ask(pipe.CountPrompt(request))

    def prepare(self, conversation_key: str, ahead: ChatRequest | None = None) -> bool:
        """Get a conversation ready for its next turn while the person reads or types (pipe.Prepare):
        its kept KV state put back, and with `ahead` the conversation so far read as the next prompt
        renders it. False when no state was kept."""
        if self.busy or self._load_args is None or self._process is None or not self._process.alive():
            return False
        return self._ask(pipe.Prepare(conversation_key, ahead))

    def embed(self, model_path: str, texts: list[str]) -> list[list[float]]:
        """Vectors for `texts` from an embedding model (a GGUF file), run in the engine process beside
        the chat model (assistant/engine/embedder.py): normalized, one per text."""
        self._refuse_if_busy()
        return self._ensure_process().request(pipe.Embed(str(model_path), list(texts)), timeout=600)

    def _ask(self, command):
        self._refuse_if_busy()
        if self._load_args is None:
            raise errors.UserFacingError("No model is loaded.", hint="Choose a model in Settings > Models.")
        return self._ensure_process().request(command, timeout=60)

    def inject_fault(self, kind: str, after_tokens: int = 1) -> None:
        """Tests only: make the engine process crash ('abort', 'segfault', 'exit') mid-reply.
        The process honours it only when BOTHY_TEST_FAULTS=1 is set in its environment."""
        self._ensure_process().request(pipe.InjectFault(kind, after_tokens), timeout=10)

    # -- internals -------------------------------------------------------------------------------
    @staticmethod
    def _stop(process: EngineProcess, request_id: int) -> None:
        if request_id > process.stop_flag.value:
            process.stop_flag.value = request_id

    def _events(self, process: EngineProcess, request_id: int) -> Iterator[pipe.ReplyEvent]:
        """The reply's events. Closed early, it stops the request and drains what is left of it."""
        finished = False
        try:
            while not finished:
                event = process.receive()
                finished = isinstance(event, pipe.DoneEvent)
                yield event
        except GeneratorExit:
            self._abandon(process, request_id)
        except errors.EngineCrashedError:
            self._lost(process)
            raise

    def _abandon(self, process: EngineProcess, request_id: int) -> None:
        """Stop a request nobody reads any more, and drain its events so the next request starts clean."""
        self._stop(process, request_id)
        try:
            while not isinstance(process.receive(timeout=30), pipe.DoneEvent):
                pass
        except errors.EngineCrashedError:
            self._lost(process)
        except errors.UserFacingError as exc:  # the request failed while being abandoned: nobody waits for it
            log.info("an abandoned request ended with: %s", exc)

    def _lost(self, process: EngineProcess) -> None:
        process.kill()
        if self._process is process:
            self._process = None

    def _refuse_if_busy(self) -> None:
        if self.busy:
            raise errors.UserFacingError("A reply is still being written.", hint="Stop it first.")

    def _ensure_process(self) -> EngineProcess:
        if self._process is None or not self._process.alive():
            if self._load_args is not None:
                self._restart()
            else:
                self._process = EngineProcess()
        return self._process

    def _restart(self) -> None:
        model, settings = self._load_args
        log.warning("restarting the engine and loading %s again", model.label)
        self._process = None
        self.load(model, settings)
