"""The engine process's worker: the only place that imports llama_cpp.

One command at a time arrives on a pipe (pipe.py); events go back on the same pipe. Stopping does
not go through the pipe (it would wait behind the generation): the client writes the id of the
request to stop into shared memory, which the token loop and llama.cpp's abort callback both read.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import os
import random
import time
import traceback
from collections.abc import Callable

from assistant import memory
from assistant.engine import kv_reuse, pipe, thinking_markers
from assistant.engine.embedder import Embedder
from assistant.engine.kv_snapshots import KVSnapshots
from assistant.engine.llama_log import LlamaLog, explain
from assistant.engine.llama_model import GGML_TYPES, LlamaModel, backend_info
from assistant.engine.text_sender import TextSender
from assistant.engine.text_stream import TextStream
from assistant.engine.types import (
    DEFAULT_MAX_CONTEXT,
    ChatRequest,
    ContextInfo,
    LoadedModel,
    LoadSettings,
    ModelRef,
    ReplyStats,
)
from assistant.errors import ContextOverflowError, ModelError, UserFacingError

log = logging.getLogger("bothy.engine")


def _load_kwargs(path: str, settings: LoadSettings, n_ctx: int, n_gpu: int, kv: str) -> dict:
    kwargs = dict(
        model_path=path,
        n_ctx=n_ctx,
        n_gpu_layers=n_gpu,
        n_batch=settings.n_batch,
        n_ubatch=settings.n_batch,
        flash_attn=settings.flash_attn,
        type_k=GGML_TYPES[kv],
        type_v=GGML_TYPES[kv],
        verbose=True,  # output goes to the log; verbose=False would juggle file descriptors
    )
    if settings.n_threads:
        kwargs["n_threads"] = settings.n_threads
        kwargs["n_threads_batch"] = settings.n_threads
    elif (os.cpu_count() or 1) <= 4:
        # Leave a core to the window on small machines: with every core processing a long prompt,
        # the GUI's event loop stalled 84-96 ms on 2 cores, 33-38 ms with one core left free.
        kwargs["n_threads_batch"] = max(1, (os.cpu_count() or 1) - 1)
    return kwargs


class Worker:
    def __init__(self, conn, stop_flag, *, faults_allowed: bool = False):
        import llama_cpp

        self.llama_cpp = llama_cpp
        self.conn = conn
        self.stop_flag = stop_flag  # multiprocessing.RawValue('q'): id of the request to stop
        self._log = LlamaLog(llama_cpp)
        self.model: LlamaModel | None = None
        self.loaded: LoadedModel | None = None
        self.template = None
        self.snapshots = KVSnapshots()
        self.embedder: Embedder | None = None  # an embedding model beside the chat model, when asked for
        self._faults_allowed = faults_allowed
        self._fault: pipe.InjectFault | None = None

    # -- loading -------------------------------------------------------------------------------
    def load(self, ref: ModelRef, settings: LoadSettings) -> LoadedModel:
        from assistant.models import choose_template, read_info

        started = time.perf_counter()
        path = ref.path
        info = read_info(path)  # ModelError with a clear reason for bad files
        template = choose_template(info, settings.chat_template)
        backend = backend_info(self.llama_cpp)
        n_ctx_train = info.context_length or DEFAULT_MAX_CONTEXT
        n_ctx = settings.n_ctx or min(n_ctx_train, DEFAULT_MAX_CONTEXT)
        n_gpu = settings.n_gpu_layers
        if n_gpu is None:
            n_gpu = -1 if backend.gpu_offload else 0
        kv = settings.kv_cache_type if settings.kv_cache_type in GGML_TYPES else "f16"
        if kv != "f16" and not settings.flash_attn:
            raise ModelError(
                f"A {kv} KV cache needs flash attention.",
                hint="Turn on flash attention, or use an f16 KV cache.",
            )
        self._unload()
        self._log.errors = []
        try:
            self.model = LlamaModel(self.llama_cpp, **_load_kwargs(path, settings, n_ctx, n_gpu, kv))
        except Exception as exc:  # llama.cpp reports failures as ValueError / RuntimeError
            log.exception("load failed: %s", path)
            raise ModelError(
                f"llama.cpp could not load {os.path.basename(path)}: {explain(self._log.errors, exc)}.",
                hint="The file may be damaged, or made for a newer llama.cpp than this Bothy has.",
            ) from None
        self.template = template
        n_layers = info.block_count or 0
        self.loaded = LoadedModel(
            model=ref,
            engine="llama.cpp",
            n_ctx=self.model.n_ctx(),
            n_ctx_train=n_ctx_train,
            n_gpu_layers=(n_layers if n_gpu < 0 else min(n_gpu, n_layers)) if backend.gpu_offload else 0,
            n_layers=n_layers,
            n_threads=self.model.n_threads,
            flash_attn=settings.flash_attn,
            kv_cache_type=kv,
            template_name=template.name,
            template_source=template.source,
            template_reason=template.reason,
            load_seconds=time.perf_counter() - started,
            backend=backend,
            base_model_note=info.base_model_note,
        )
        log.info("loaded %s in %.2fs (n_ctx=%d)", path, self.loaded.load_seconds, self.loaded.n_ctx)
        return self.loaded

    def _unload(self) -> None:
        self.snapshots.clear()
        if self.model is not None:
            self.model.close()
        self.model = None
        self.loaded = None

    def _require_model(self) -> LlamaModel:
        if self.model is None:
            raise UserFacingError("No model is loaded.", hint="Choose a model first.")
        return self.model

    # -- prompts ---------------------------------------------------------------------------------
    def _render(self, messages: list[dict], *, add_generation_prompt: bool = True) -> list[int]:
        model = self.model
        tokens = model.tokenize_prompt(self.template.render(messages, add_generation_prompt=add_generation_prompt))
        bos = model.token_bos()
        if model.wants_bos and bos >= 0 and (not tokens or tokens[0] != bos):
            tokens.insert(0, bos)
        return tokens

    def _prompt(self, request: ChatRequest, *, add_generation_prompt: bool = True) -> list[int]:
        """The request's tokens: its system prompt and history, the chat template applied.

        What to send is decided by the caller (assistant/memory.py); this only renders it.
        """
        head = [{"role": "system", "content": request.system_prompt}] if request.system_prompt else []
        messages = head + [{"role": m.role, "content": m.content} for m in request.history]
        return self._render(messages, add_generation_prompt=add_generation_prompt)

    # -- between turns -----------------------------------------------------------------------------
    def prepare(self, key: str, ahead: ChatRequest | None) -> bool:
        """Make the context hold conversation `key` (its snapshot put back, if one is kept); with
        `ahead` (its history up to the last reply), read what the next prompt will have that the
        cache does not, and copy the state out ahead of a switch. Returns whether a snapshot was
        put back."""
        model = self.model
        if model is None:
            return False
        restored = self.snapshots.switch_to(key, model)
        if ahead is not None:
            try:
                tokens = self._prompt(ahead, add_generation_prompt=False)
                if len(tokens) < model.n_ctx() - memory.reply_reserve(model.n_ctx(), ahead.settings.max_tokens):
                    read = model.read_ahead(tokens)
                    log.info("read %d tokens of the conversation ahead of its next turn", read)
                self.snapshots.refresh(model)  # switching away later need not copy the state out
            except Exception:  # only a head start: the next turn reads what is missing anyway
                log.exception("reading ahead failed")
                model.forget_cache()
        return restored

    # -- chat ------------------------------------------------------------------------------------
    def chat(self, request_id: int, request: ChatRequest) -> ReplyStats:
        started = time.perf_counter()
        model = self._require_model()
        gen = request.settings
        self.snapshots.switch_to(request.conversation_key, model)
        n_ctx = model.n_ctx()
        tokens = self._prompt(request)
        if len(tokens) >= n_ctx:  # the caller's plan makes sure it fits; keep the promise anyway
            raise ContextOverflowError(
                f"This conversation's prompt is {len(tokens):,} tokens, and the model's context holds {n_ctx:,}.",
                hint="Start a new chat, or raise the context length in Settings > Models.",
            )
        info = ContextInfo(
            n_ctx=n_ctx,
            prompt_tokens=len(tokens),
            reserve=memory.reply_reserve(n_ctx, gen.max_tokens),
            history_total=len(request.history),
            history_in_context=len(request.history),
        )
        self.conn.send(pipe.ContextEvent(info))
        seed = gen.seed if gen.seed is not None else random.randrange(2**31)
        max_tokens = gen.max_tokens if gen.max_tokens and gen.max_tokens > 0 else n_ctx
        max_tokens = min(max_tokens, n_ctx - len(tokens))
        cached = self._reuse(model, tokens)
        stats = ReplyStats(prompt_tokens=len(tokens), prompt_eval_tokens=len(tokens) - cached, seed=seed)
        reasoning = thinking_markers.for_prompt(model, self.template.template, tokens)
        stream = TextStream(self.template.stop, thinking=reasoning.markers, opened=reasoning.opened)
        stopping = self.stop_flag
        sender = TextSender(self.conn)
        first_at = None
        n = 0
        finish = "length"

        # The abort callback lets a stop interrupt prompt processing; generate() removes it before
        # the first token, and its token loop asks the same question before each decode.
        def stopped() -> bool:
            return stopping.value >= request_id

        model.set_abort(stopped)
        generator = model.generate(
            tokens, dataclasses.replace(gen, seed=seed), limit=max_tokens, may_end=self._may_end(), should_stop=stopped
        )
        generated = 0
        try:
            for token in generator:
                generated += 1
                if stopping.value >= request_id:
                    finish = "cancelled"
                    break
                if model.is_end_of_generation(token):
                    finish = "stop"
                    break
                n += 1
                if self._fault and n >= self._fault.after_tokens:
                    self._crash(self._fault.kind)
                pieces = stream.feed_pieces(reasoning.token_text.get(token) or model.token_bytes(token))
                if pieces and first_at is None:
                    first_at = time.perf_counter()
                for piece in pieces:
                    sender.add(piece.text, piece.thinking)
                if stream.stopped:
                    finish = "stop"
                    break
        except RuntimeError as exc:
            if stopping.value >= request_id:
                finish = "cancelled"  # llama_decode was aborted while processing the prompt
            else:
                raise UserFacingError(f"llama.cpp failed while answering ({exc}).") from None
        finally:
            generator.close()
            model.set_abort(None)
        rest = stream.flush_pieces() if finish != "cancelled" else []
        if rest and first_at is None:
            first_at = time.perf_counter()
        for piece in rest:
            sender.add(piece.text, piece.thinking)
        sender.flush()
        end = time.perf_counter()
        stats.reply_tokens = n
        stats.generated_tokens = generated
        stats.finish_reason = finish
        stats.total_ms = (end - started) * 1000
        stats.decode_ms = model.last_decode_seconds * 1000
        if first_at is not None:
            stats.ttft_ms = (first_at - started) * 1000
            if generated > 1 and end > first_at:
                stats.tokens_per_s = (generated - 1) / (end - first_at)
        return stats

    def _may_end(self) -> Callable[[int], bool]:
        """Whether a token could complete one of the template's stop strings: its text holds the
        last character of one (a hint to the token loop, which then waits before decoding it)."""
        finals = {stop[-1].encode("utf-8") for stop in self.template.stop if stop}
        model = self.model
        answers: dict[int, bool] = {}

        def may_end(token: int) -> bool:
            answer = answers.get(token)
            if answer is None:
                piece = model.token_bytes(token)
                answer = answers[token] = any(final in piece for final in finals)
            return answer

        return may_end

    @staticmethod
    def _reuse(model: LlamaModel, tokens: list[int]) -> int:
        """How many of `tokens` the KV cache already holds. When the prompt left out its oldest turns
        and goes on with later cached ones, those are shifted into place instead of processed again
        (kv_reuse.py finds them by comparing tokens)."""
        cached = model.cached_tokens()
        run = kv_reuse.kept_run(cached, tokens)
        reused = model.shift_out(run) if run is not None else 0
        if reused:
            log.info("kept %d cached tokens by shifting out %d", run.length, run.start - run.prefix)
        return min(max(reused, kv_reuse.common_prefix(cached, tokens)), len(tokens) - 1)

    @staticmethod
    def _crash(kind: str) -> None:
        log.warning("injecting a %s for a test", kind)
        if kind == "abort":
            os.abort()
        if kind == "segfault":
            ctypes.string_at(0)
        if kind == "exit":
            os._exit(3)

    # -- loop ------------------------------------------------------------------------------------
    def serve(self) -> None:
        try:
            self._serve()
        except (BrokenPipeError, EOFError, ConnectionResetError):
            log.info("the app went away; the engine stops")

    def _answer(self, command):
        """The event that answers `command` (a reply's text and context events are sent on the way)."""
        if isinstance(command, pipe.Probe):
            return pipe.Ok(backend_info(self.llama_cpp))
        if isinstance(command, pipe.Load):
            return pipe.Ok(self.load(command.model, command.settings))
        if isinstance(command, pipe.Chat):
            return pipe.DoneEvent(self.chat(command.request_id, command.request))
        if isinstance(command, pipe.Tokenize):
            return pipe.Ok(self._require_model().tokenize(command.text))
        if isinstance(command, pipe.CountPrompt):
            self._require_model()
            return pipe.Ok(len(self._prompt(command.request)))
        if isinstance(command, pipe.Embed):
            if self.embedder is None or self.embedder.path != command.model_path:
                if self.embedder is not None:
                    self.embedder.close()
                self.embedder = None
                self.embedder = Embedder(self.llama_cpp, command.model_path)
            return pipe.Ok(self.embedder.embed(command.texts))
        if isinstance(command, pipe.Prepare):
            return pipe.Ok(self.prepare(command.conversation_key, command.ahead))
        if isinstance(command, pipe.InjectFault):
            if not self._faults_allowed:
                raise RuntimeError("fault injection is for tests only (BOTHY_TEST_FAULTS=1)")
            self._fault = command
            return pipe.Ok()
        raise RuntimeError(f"unknown command {command!r}")

    def _serve(self) -> None:
        while True:
            try:
                command = self.conn.recv()
            except (EOFError, OSError):
                return
            if isinstance(command, pipe.Quit):
                self._unload()
                return
            try:
                answer = self._answer(command)
            except UserFacingError as exc:
                answer = pipe.ErrorEvent(type(exc).__name__, exc.message, exc.hint)
            except (BrokenPipeError, EOFError, ConnectionResetError):
                raise
            except Exception:
                log.error("engine error:\n%s", traceback.format_exc())
                answer = pipe.ErrorEvent("bug", traceback.format_exc(limit=1).strip().splitlines()[-1])
            self.conn.send(answer)
