"""The engine process: the only place that imports llama_cpp.

One request at a time arrives on a pipe; events go back on the same pipe. Stopping does not go
through the pipe (it would wait behind the generation): the client writes the id of the request to
stop into shared memory, which the token loop and llama.cpp's abort callback both read.
"""

from __future__ import annotations

import codecs
import ctypes
import faulthandler
import logging
import os
import random
import sys
import threading
import time
import traceback
from collections import OrderedDict

from assistant import memory
from assistant.engine.protocol import (
    DEFAULT_MAX_CONTEXT,
    BackendInfo,
    ContextInfo,
    GenerationSettings,
    LoadedModel,
    LoadSettings,
    ReplyStats,
)
from assistant.errors import ContextOverflowError, ModelError, UserFacingError

log = logging.getLogger("bothy.engine")

SNAPSHOT_BUDGET_BYTES = 1 << 30  # KV-state snapshots of recently used conversations, in RAM
SNAPSHOT_MAX = 8
_GGML_TYPES = {"f16": 1, "q4_0": 2, "q8_0": 8}


def _setup_logging(log_file: str | None) -> None:
    """Send everything the process writes, native llama.cpp output included, to Bothy's log."""
    if not log_file:
        return
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s engine[%(process)d] %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # Native code and stray prints go to the same file (a windowed app has no console).
    fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for target in (1, 2):
        try:
            os.dup2(fd, target)
        except OSError:
            pass
    os.close(fd)
    stream = open(log_file, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = stream
    faulthandler.enable(stream)  # a native crash leaves its Python stack in the log


class _LlamaLog:
    """Routes llama.cpp's log lines to Python logging, whole lines at a time."""

    LEVELS = {1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}  # ggml_log_level; 5 continues

    def __init__(self, llama_cpp):
        self._buffer = ""
        self._level = logging.INFO
        self._logger = logging.getLogger("llama.cpp")
        self.errors: list[str] = []  # llama.cpp's recent error lines, to explain a failed load

        @llama_cpp.llama_log_callback
        def callback(level, text, user_data):
            try:
                if level != 5:  # 5 continues the previous line
                    self._level = self.LEVELS.get(level, logging.INFO)
                self._buffer += text.decode("utf-8", errors="replace")
                while "\n" in self._buffer:
                    line, self._buffer = self._buffer.split("\n", 1)
                    if line.strip() and self._level > logging.DEBUG:
                        self._logger.log(self._level, line)
                        if self._level >= logging.ERROR:
                            self.errors = [*self.errors[-4:], line.strip()]
            except Exception:  # a log callback must never raise into C
                pass

        self._callback = callback
        llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def _explain(errors: list[str], exc: Exception) -> str:
    """The most telling of llama.cpp's own error lines, for people."""
    for line in reversed(errors):
        _, _, reason = line.partition(": ")
        reason = (reason or line).strip().rstrip(".")
        reason = reason.removeprefix("error loading model: ").removeprefix("error loading model architecture: ")
        if reason and "failed to load model" not in reason.lower():
            return reason
    return str(exc).rstrip(".") or type(exc).__name__


def backend_info(llama_cpp) -> BackendInfo:
    info = llama_cpp.llama_print_system_info().decode("utf-8", errors="replace")
    gpu = bool(llama_cpp.llama_supports_gpu_offload())
    backend = "CPU"
    for name in ("CUDA", "Metal", "Vulkan", "ROCm", "HIP", "SYCL", "OpenCL", "CANN", "MUSA"):
        if name.upper() in info.upper():
            backend = name
            break
    if gpu and backend == "CPU":
        backend = "GPU"
    return BackendInfo(
        backend=backend,
        gpu_offload=gpu,
        llama_cpp_python=getattr(llama_cpp, "__version__", "?"),
        system_info=info.strip(),
    )


class _Utf8Stream:
    """Turns token bytes into text, holding back what could be the start of a stop string."""

    def __init__(self, stop: list[str]):
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._stop = [s for s in stop if s]
        self._held = ""
        self.stopped = False

    def feed(self, data: bytes) -> str:
        self._held += self._decoder.decode(data)
        if not self._stop:
            out, self._held = self._held, ""
            return out
        for s in self._stop:
            at = self._held.find(s)
            if at >= 0:
                self.stopped = True
                out, self._held = self._held[:at], ""
                return out
        keep = 0
        for s in self._stop:
            for n in range(min(len(s) - 1, len(self._held)), 0, -1):
                if self._held.endswith(s[:n]):
                    keep = max(keep, n)
                    break
        out = self._held[: len(self._held) - keep]
        self._held = self._held[len(self._held) - keep :]
        return out

    def flush(self) -> str:
        out = self._held + self._decoder.decode(b"", final=True)
        self._held = ""
        return out


class Worker:
    def __init__(self, conn, stop_flag):
        import llama_cpp

        self.llama_cpp = llama_cpp
        self.conn = conn
        self.stop_flag = stop_flag  # multiprocessing.RawValue('q'): id of the request to stop
        self._log = _LlamaLog(llama_cpp)
        self.llm = None
        self.loaded: LoadedModel | None = None
        self.template = None
        # conversation key -> (the buffer llama.cpp wrote, bytes used, tokens): kept as it is, so saving
        # and restoring a state copies it once, not three times
        self._snapshots: OrderedDict[str, tuple[ctypes.Array, int, list[int]]] = OrderedDict()
        self._current_key: str | None = None
        self._request_id = 0
        self._abort_cb = llama_cpp.ggml_abort_callback(lambda _data: self.stop_flag.value >= self._request_id)
        self._no_abort_cb = llama_cpp.ggml_abort_callback()
        self._fault: tuple[str, int] | None = None

    # -- loading -------------------------------------------------------------------------------
    def load(self, path: str, settings: LoadSettings) -> LoadedModel:
        from assistant.models import choose_template, read_info

        started = time.perf_counter()
        info = read_info(path)  # ModelError with a clear reason for bad files
        template = choose_template(info, settings.chat_template)
        backend = backend_info(self.llama_cpp)
        n_ctx_train = info.context_length or DEFAULT_MAX_CONTEXT
        n_ctx = settings.n_ctx or min(n_ctx_train, DEFAULT_MAX_CONTEXT)
        n_gpu = settings.n_gpu_layers
        if n_gpu is None:
            n_gpu = -1 if backend.gpu_offload else 0
        kv = settings.kv_cache_type if settings.kv_cache_type in _GGML_TYPES else "f16"
        if kv != "f16" and not settings.flash_attn:
            raise ModelError(
                f"A {kv} KV cache needs flash attention.",
                hint="Turn on flash attention, or use an f16 KV cache.",
            )
        kwargs = dict(
            model_path=path,
            n_ctx=n_ctx,
            n_gpu_layers=n_gpu,
            n_batch=settings.n_batch,
            n_ubatch=settings.n_batch,
            flash_attn=settings.flash_attn,
            type_k=_GGML_TYPES[kv],
            type_v=_GGML_TYPES[kv],
            verbose=True,  # output goes to the log; verbose=False would juggle file descriptors
        )
        if settings.n_threads:
            kwargs["n_threads"] = settings.n_threads
            kwargs["n_threads_batch"] = settings.n_threads
        elif (os.cpu_count() or 1) <= 4:
            # Leave a core to the window on small machines: with every core processing a long prompt,
            # the GUI's event loop stalled 84-96 ms on 2 cores, 33-38 ms with one core left free.
            kwargs["n_threads_batch"] = max(1, (os.cpu_count() or 1) - 1)
        if self.llm is not None:
            self._unload()
        self._log.errors = []
        try:
            self.llm = self.llama_cpp.Llama(**kwargs)
        except Exception as exc:  # llama.cpp reports failures as ValueError / RuntimeError
            log.exception("load failed: %s", path)
            raise ModelError(
                f"llama.cpp could not load {os.path.basename(path)}: {_explain(self._log.errors, exc)}.",
                hint="The file may be damaged, or made for a newer llama.cpp than this Bothy has.",
            ) from None
        self.template = template
        n_layers = info.block_count or 0
        self.loaded = LoadedModel(
            path=path,
            n_ctx=self.llm.n_ctx(),
            n_ctx_train=n_ctx_train,
            n_gpu_layers=(n_layers if n_gpu < 0 else min(n_gpu, n_layers)) if backend.gpu_offload else 0,
            n_layers=n_layers,
            n_threads=self.llm.context_params.n_threads,
            flash_attn=settings.flash_attn,
            kv_cache_type=kv,
            template_name=template.name,
            template_source=template.source,
            template_reason=template.reason,
            load_seconds=time.perf_counter() - started,
            backend=backend,
        )
        log.info("loaded %s in %.2fs (n_ctx=%d)", path, self.loaded.load_seconds, self.loaded.n_ctx)
        return self.loaded

    def _unload(self) -> None:
        self._snapshots.clear()
        self._current_key = None
        if self.llm is not None:
            self.llm.close()
        self.llm = None
        self.loaded = None

    # -- prompts ---------------------------------------------------------------------------------
    def _render(self, messages: list[dict]) -> list[int]:
        text = self.template.render(messages)
        bos = self.llm.token_bos()
        tokens = self.llm.tokenize(text.encode("utf-8", errors="replace"), add_bos=False, special=True)
        wants_bos = self.llm.metadata.get("tokenizer.ggml.add_bos_token", "true") != "false"
        if wants_bos and bos >= 0 and (not tokens or tokens[0] != bos):
            tokens.insert(0, bos)
        return tokens

    # -- KV snapshots ----------------------------------------------------------------------------
    def _snapshot_current(self) -> None:
        if self._current_key is None or self.llm.n_tokens == 0:
            return
        ctx = self.llm._ctx.ctx
        size = self.llama_cpp.llama_state_get_size(ctx)
        buf = (ctypes.c_uint8 * size)()
        n = self.llama_cpp.llama_state_get_data(ctx, buf, size)
        tokens = self.llm.input_ids[: self.llm.n_tokens].tolist()
        self._snapshots[self._current_key] = (buf, n, tokens)
        self._snapshots.move_to_end(self._current_key)
        total = sum(used for _, used, _ in self._snapshots.values())
        while self._snapshots and (total > SNAPSHOT_BUDGET_BYTES or len(self._snapshots) > SNAPSHOT_MAX):
            _, (_, used, _) = self._snapshots.popitem(last=False)
            total -= used

    def _switch_to(self, key: str | None) -> None:
        """Make the KV cache hold conversation `key`'s state, when a snapshot of it exists."""
        if key == self._current_key:
            return
        self._snapshot_current()
        self._current_key = key
        snap = self._snapshots.get(key) if key else None
        if snap is None:
            return
        buf, used, tokens = snap
        if self.llama_cpp.llama_state_set_data(self.llm._ctx.ctx, buf, used) != used:
            log.warning("could not restore the KV snapshot of %s", key)
            self.llm.reset()
            return
        self.llm.input_ids[: len(tokens)] = tokens
        self.llm.n_tokens = len(tokens)
        self.llm._requires_eval = True
        self._snapshots.move_to_end(key)

    # -- chat ------------------------------------------------------------------------------------
    def chat(self, request_id: int, history, system_prompt, gen: GenerationSettings, key):
        started = time.perf_counter()
        self._request_id = request_id
        if self.llm is None:
            raise UserFacingError("No model is loaded.", hint="Choose a model first.")
        self._switch_to(key)
        n_ctx = self.llm.n_ctx()
        reserve = memory.reply_reserve(n_ctx, gen.max_tokens)
        rendered: dict[int, list[int]] = {}  # candidate length -> its tokens, so the winner is not rendered twice

        def count_tokens(msgs: list[dict]) -> int:
            rendered[len(msgs)] = self._render(msgs)
            return len(rendered[len(msgs)])

        fit = memory.fit_messages(
            history, system_prompt=system_prompt, count_tokens=count_tokens, n_ctx=n_ctx, reserve=reserve
        )
        tokens = rendered[len(fit.messages)]
        if len(tokens) >= n_ctx:  # the fit guarantees this cannot happen; keep the promise anyway
            raise ContextOverflowError(f"The prompt is {len(tokens)} tokens; the context holds {n_ctx}.")
        self.conn.send(
            (
                "context",
                ContextInfo(
                    n_ctx=n_ctx,
                    prompt_tokens=len(tokens),
                    reserve=reserve,
                    history_total=fit.history_total,
                    history_in_context=fit.history_in_context,
                ),
            )
        )
        seed = gen.seed if gen.seed is not None else random.randrange(2**31)
        self.llm.set_seed(seed)
        max_tokens = gen.max_tokens if gen.max_tokens and gen.max_tokens > 0 else n_ctx
        max_tokens = min(max_tokens, n_ctx - len(tokens))
        cached = self._common_prefix(tokens)
        stats = ReplyStats(prompt_tokens=len(tokens), prompt_eval_tokens=len(tokens) - cached, seed=seed)
        stream = _Utf8Stream(self.template.stop)
        llm, llama_cpp = self.llm, self.llama_cpp
        vocab = llm._model.vocab
        ctx = llm._ctx.ctx
        first_at = None
        n = 0
        finish = "length"
        # The abort callback lets a stop interrupt prompt processing; it is removed once generation
        # starts, where the per-token check suffices and a Python call per graph node would cost speed.
        llama_cpp.llama_set_abort_callback(ctx, self._abort_cb, None)
        generator = llm.generate(
            tokens,
            top_k=gen.top_k,
            top_p=gen.top_p,
            min_p=gen.min_p,
            temp=gen.temperature,
            repeat_penalty=gen.repeat_penalty,
        )
        try:
            for token in generator:
                if first_at is None:
                    llama_cpp.llama_set_abort_callback(ctx, self._no_abort_cb, None)
                if self.stop_flag.value >= request_id:
                    finish = "cancelled"
                    break
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish = "stop"
                    break
                n += 1
                if self._fault and n >= self._fault[1]:
                    self._crash(self._fault[0])
                text = stream.feed(llm.detokenize([token], special=False))
                if text:
                    if first_at is None:
                        first_at = time.perf_counter()
                    self.conn.send(("text", text))
                if stream.stopped:
                    finish = "stop"
                    break
                if n >= max_tokens:
                    finish = "length"
                    break
        except RuntimeError as exc:
            if self.stop_flag.value >= request_id:
                finish = "cancelled"  # llama_decode was aborted while processing the prompt
            else:
                raise UserFacingError(f"llama.cpp failed while answering ({exc}).") from None
        finally:
            generator.close()
            llama_cpp.llama_set_abort_callback(ctx, self._no_abort_cb, None)
        rest = stream.flush() if not stream.stopped else ""
        if rest and finish != "cancelled":
            if first_at is None:
                first_at = time.perf_counter()
            self.conn.send(("text", rest))
        end = time.perf_counter()
        stats.reply_tokens = n
        stats.finish_reason = finish
        stats.total_ms = (end - started) * 1000
        if first_at is not None:
            stats.ttft_ms = (first_at - started) * 1000
            if n > 1 and end > first_at:
                stats.tokens_per_s = (n - 1) / (end - first_at)
        return stats

    def _common_prefix(self, tokens: list[int]) -> int:
        n = 0
        for a, b in zip(self.llm.input_ids[: self.llm.n_tokens].tolist(), tokens, strict=False):
            if a != b:
                break
            n += 1
        return min(n, len(tokens) - 1)

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

    def _serve(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                return
            command, args = message[0], message[1:]
            try:
                if command == "quit":
                    self._unload()
                    return
                if command == "probe":
                    self.conn.send(("ok", backend_info(self.llama_cpp)))
                elif command == "load":
                    self.conn.send(("ok", self.load(*args)))
                elif command == "chat":
                    self.conn.send(("done", self.chat(*args)))
                elif command == "fault":
                    self._fault = args[0]
                    self.conn.send(("ok", None))
                else:
                    self.conn.send(("error", "bug", f"unknown command {command!r}"))
            except UserFacingError as exc:
                self.conn.send(("error", type(exc).__name__, exc.message, exc.hint))
            except (BrokenPipeError, EOFError, ConnectionResetError):
                raise
            except Exception as exc:
                log.error("engine error:\n%s", traceback.format_exc())
                self.conn.send(("error", "bug", f"{type(exc).__name__}: {exc}", None))


def _die_with_parent() -> None:
    """End this process soon after the app dies, even by kill -9 in the middle of a long prompt.

    A thread watches the parent's pid (PR_SET_PDEATHSIG would tie the engine's life to the thread
    that started it, not to the app).
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(conn, stop_flag, log_file: str | None) -> None:
    """Entry point of the engine process (multiprocessing, spawn)."""
    _die_with_parent()
    _setup_logging(log_file)
    # llama.cpp's OpenMP threads spin while they wait by default. On a desktop the cores are shared
    # (a browser, the app's own GUI): spinning threads then fight each other, and measured here on
    # a busy 2-core machine generation fell from 46 to 1 token/s with 2 threads. Passive waiting
    # costs little when the machine is idle. Read by libgomp when llama_cpp is first imported.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        worker = Worker(conn, stop_flag)
    except Exception as exc:
        log.error("engine could not start:\n%s", traceback.format_exc())
        conn.send(("error", "UserFacingError", f"The model engine could not start ({exc}).", None))
        return
    conn.send(("ready", None))
    worker.serve()
