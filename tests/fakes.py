"""A scripted engine for tests of app logic (in the spirit of simonw/llm's mock model).

`FakeEngine` implements the Engine protocol without a model: each chat() takes the next scripted
reply (or answers "Reply N." when the script is empty), streams it word by word, and records the
request. Tests of the GUI and the session that are about Bothy's own logic use it and run in
milliseconds; every end-to-end path (CLI, self-test, engine, kill tests) still runs the real model.

A scripted reply can think first (`thinking=[chunks]`, as a reasoning model's reply streams),
fail after its text (`error=`), end with a finish reason, or wait at a gate
(`hold=True`) until the test calls `release()`, so "stop while streaming" can be tested without
racing a real model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.engine import (
    BackendInfo,
    Capabilities,
    ChatRequest,
    ContextInfo,
    LoadedModel,
    LoadSettings,
    ModelRef,
    Reply,
    ReplyStats,
)
from assistant.engine.pipe import ContextEvent, DoneEvent, TextEvent
from assistant.errors import ModelError, UserFacingError

FAKE_BACKEND = BackendInfo(backend="CPU", gpu_offload=False, llama_cpp_python="fake")


@dataclass
class Scripted:
    """One scripted reply."""

    text: str = ""
    error: BaseException | None = None  # raised after the text
    finish_reason: str = "stop"
    hold: bool = False  # wait after the first chunk until release() (or stop())
    chunks: list[str] | None = None  # exact chunks; default: the text split after each space
    thinking: list[str] = field(default_factory=list)  # a reasoning model's thinking, streamed before the text
    delay: float = 0.0  # seconds between pieces (a paced stream, as from a model)

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        words = self.text.split(" ")
        return [w + " " for w in words[:-1]] + [words[-1]] if self.text else []

    def events(self) -> list[TextEvent]:
        return [TextEvent(t, thinking=True) for t in self.thinking] + [TextEvent(p) for p in self.pieces()]


@dataclass
class FakeEngine:
    """Satisfies assistant.engine.Engine. `requests` records every ChatRequest it was sent."""

    script: list[Scripted | str] = field(default_factory=list)
    n_ctx: int = 4096
    fail_loads: dict[str, str] = field(default_factory=dict)  # path -> the ModelError message
    name: str = "fake"

    def __post_init__(self):
        self.loaded: LoadedModel | None = None
        self.requests: list[ChatRequest] = []
        self.loads: list[ModelRef] = []
        self.closed = False
        self._active: Reply | None = None
        self._stopped = threading.Event()
        self._gate = threading.Event()
        self.holding = threading.Event()  # set while a held reply waits at its gate

    # -- the Engine protocol ---------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._active is not None and not self._active.done

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def backend(self) -> BackendInfo:
        return FAKE_BACKEND

    def load(self, model: ModelRef, settings: LoadSettings | None = None) -> LoadedModel:
        self.loads.append(model)
        if model.path in self.fail_loads:
            raise ModelError(self.fail_loads[model.path])
        self.loaded = LoadedModel(
            model=model,
            engine=self.name,
            n_ctx=(settings.n_ctx if settings and settings.n_ctx else self.n_ctx),
            n_ctx_train=self.n_ctx,
            n_gpu_layers=0,
            n_layers=1,
            n_threads=1,
            flash_attn=False,
            kv_cache_type="f16",
            template_name="chatml",
            template_source="embedded",
            template_reason="scripted",
            load_seconds=0.0,
            backend=FAKE_BACKEND,
        )
        return self.loaded

    def chat(self, request: ChatRequest) -> Reply:
        if self.busy:
            raise UserFacingError("A reply is still being written.", hint="Stop it first.")
        if self.loaded is None:
            raise UserFacingError("No model is loaded.")
        self.requests.append(request)
        scripted = self.script.pop(0) if self.script else f"Reply {len(self.requests)}."
        if isinstance(scripted, str):
            scripted = Scripted(scripted)
        self._stopped.clear()
        self._gate.clear()
        reply = Reply(self._events(request, scripted), stop=self.stop)
        self._active = reply
        return reply

    def stop(self) -> None:
        self._stopped.set()
        self._gate.set()

    def count_text(self, text: str) -> int:
        """A stand-in tokenizer: one token per word."""
        return len(text.split())

    def count_tokens(self, request: ChatRequest) -> int:
        """One token per word, plus 4 per message for the chat template's markup."""
        system = [request.system_prompt] if request.system_prompt else []
        return sum(self.count_text(text) + 4 for text in [*system, *(m.content for m in request.history)])

    def close(self) -> None:
        self.closed = True
        self.loaded = None

    # -- for tests -------------------------------------------------------------------------------
    @classmethod
    def loaded(cls, folder, **kwargs) -> FakeEngine:
        """A scripted engine with a model loaded: a small stand-in file in `folder`."""
        engine = cls(**kwargs)
        model = folder / "fake-model.gguf"
        model.write_bytes(b"GGUF" + bytes(60))
        engine.load(ModelRef.local(model))
        return engine

    def release(self) -> None:
        """Let a held reply go on."""
        self._gate.set()

    def _events(self, request: ChatRequest, scripted: Scripted) -> Iterator:
        tokens = self.count_tokens(request)
        yield ContextEvent(
            ContextInfo(
                n_ctx=self.loaded.n_ctx,
                prompt_tokens=tokens,
                reserve=min(1024, self.loaded.n_ctx // 2),
                history_total=len(request.history),
                history_in_context=len(request.history),
            )
        )
        finish = scripted.finish_reason
        pieces = scripted.events()
        for i, piece in enumerate(pieces):
            if self._stopped.is_set():
                finish = "cancelled"
                break
            yield piece
            if scripted.delay:
                time.sleep(scripted.delay)
            if i == 0 and scripted.hold:
                self.holding.set()
                self._gate.wait(30)
                self.holding.clear()
        if self._stopped.is_set():
            finish = "cancelled"
        if scripted.error is not None and finish != "cancelled":
            raise scripted.error
        yield DoneEvent(
            ReplyStats(
                prompt_tokens=tokens,
                prompt_eval_tokens=tokens,
                reply_tokens=len(pieces),
                ttft_ms=1.0,
                tokens_per_s=100.0,
                total_ms=2.0,
                finish_reason=finish,
                seed=request.settings.seed,
            )
        )
