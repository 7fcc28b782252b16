"""A loaded llama.cpp model: the one module that reaches into llama-cpp-python's private members.

llama-cpp-python's `Llama` keeps its context and vocabulary pointers, its token cache and its
"evaluate again" flag in private attributes; Bothy needs them for the abort callback, end-of-turn
tokens and KV-state snapshots. Everything that touches them lives here, so an update of
llama-cpp-python that renames one breaks one module, and its tests.
"""

from __future__ import annotations

import ctypes
import queue
import threading
import time
from collections.abc import Callable, Iterator

from assistant.engine.kv_reuse import common_prefix
from assistant.engine.prompt_tokens import PromptTokens, safe_cut_points
from assistant.engine.sampler import GraphFront, Sampler, sample_in_graph_asked
from assistant.engine.types import BackendInfo, GenerationSettings

GGML_TYPES = {"f16": 1, "q4_0": 2, "q8_0": 8}
HANDOFF_INTERVAL = 0.02  # seconds between batches of tokens handed to the caller (TextSender's interval)
EAGER_TOKENS = 8  # a reply's first tokens, handed over one by one (its first text may need several)
_GPU_BACKENDS = ("CUDA", "Metal", "Vulkan", "ROCm", "HIP", "SYCL", "OpenCL", "CANN", "MUSA")


def backend_info(llama_cpp) -> BackendInfo:
    """What this llama.cpp build can do on this machine."""
    info = llama_cpp.llama_print_system_info().decode("utf-8", errors="replace")
    gpu = bool(llama_cpp.llama_supports_gpu_offload())
    backend = next((name for name in _GPU_BACKENDS if name.upper() in info.upper()), "CPU")
    if gpu and backend == "CPU":
        backend = "GPU"
    return BackendInfo(
        backend=backend,
        gpu_offload=gpu,
        llama_cpp_python=getattr(llama_cpp, "__version__", "?"),
        system_info=info.strip(),
    )


class LlamaModel:
    """A `llama_cpp.Llama` and the private parts of it that Bothy uses, behind plain methods."""

    def __init__(self, llama_cpp, **kwargs):
        self._llama_cpp = llama_cpp
        self.llm = llama_cpp.Llama(**kwargs)
        self._no_abort = llama_cpp.ggml_abort_callback()
        self._abort = None  # the installed ctypes callback, kept alive while llama.cpp may call it
        # Per-token questions answered once per token id (each is a ctypes call otherwise).
        self._eog: dict[int, bool] = {}
        self._bytes: dict[int, bytes] = {}
        self._specials: list[str] | None = None
        self.last_decode_seconds = 0.0  # the last reply's time in llama_decode after its first token
        # sampler.py: llama_decode picks the candidates. While its front chain is attached, decodes
        # leave only those: llama-cpp-python's own generate() must not run on this context then.
        self.sample_in_graph = sample_in_graph_asked()
        self._front: GraphFront | None = None
        self._prompts = PromptTokens(self.tokenize, self._cut_points)

    # -- facts -----------------------------------------------------------------------------------
    def n_ctx(self) -> int:
        """The context that can be used: llama.cpp may round it up (640 becomes 768), but
        llama-cpp-python keeps the tokens of only the size that was asked for."""
        return min(self.llm.n_ctx(), len(self.llm.input_ids))

    @property
    def n_threads(self) -> int:
        return self.llm.context_params.n_threads

    @property
    def wants_bos(self) -> bool:
        return self.llm.metadata.get("tokenizer.ggml.add_bos_token", "true") != "false"

    def token_bos(self) -> int:
        return self.llm.token_bos()

    def is_end_of_generation(self, token: int) -> bool:
        eog = self._eog.get(token)
        if eog is None:
            eog = self._eog[token] = bool(self._llama_cpp.llama_vocab_is_eog(self.llm._model.vocab, token))
        return eog

    # -- text ------------------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        """Special tokens parsed (templates write them as text), no BOS added."""
        return self.llm.tokenize(text.encode("utf-8", errors="replace"), add_bos=False, special=True)

    def tokenize_prompt(self, text: str) -> list[int]:
        """`tokenize(text)` for a chat prompt, whose pieces that earlier prompts had are not tokenized
        again (prompt_tokens.py)."""
        return self._prompts.tokens(text)

    def _cut_points(self, tokens) -> set[str]:
        """The texts of the special tokens among `tokens` that a prompt may be cut before
        (prompt_tokens.py): none takes whitespace from the text before it, nor overlaps another."""
        llama_cpp = self._llama_cpp
        vocab = self.llm._model.vocab
        special = self._special_attrs()
        attrs = {token: llama_cpp.llama_vocab_get_attr(vocab, token) for token in set(tokens)}
        candidates = {
            self._special_text(token)
            for token, attr in attrs.items()
            if attr & special and not attr & llama_cpp.LLAMA_TOKEN_ATTR_LSTRIP
        }
        return safe_cut_points(candidates, self._special_texts())

    def _special_texts(self) -> list[str]:
        """The text of every special token of the vocabulary: a scan of it (16 ms for the starter
        model's 49,152 tokens, 100 ms for Gemma 3's 262,144), once."""
        if self._specials is None:
            llama_cpp = self._llama_cpp
            vocab = self.llm._model.vocab
            attr, special = llama_cpp.llama_vocab_get_attr, self._special_attrs()
            n = llama_cpp.llama_vocab_n_tokens(vocab)
            self._specials = [self._special_text(token) for token in range(n) if attr(vocab, token) & special]
        return self._specials

    def _special_attrs(self) -> int:
        """The token attributes llama.cpp's tokenizer cuts a text at (special tokens parsed)."""
        return self._llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | self._llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED

    def _special_text(self, token: int) -> str:
        return self.special_bytes([token]).decode("utf-8", errors="replace")

    def token_bytes(self, token: int) -> bytes:
        piece = self._bytes.get(token)
        if piece is None:
            piece = self._bytes[token] = self.llm.detokenize([token], special=False)
        return piece

    def special_bytes(self, tokens: list[int]) -> bytes:
        """The text of `tokens` with special (control) tokens written out, as a chat template writes them."""
        return self.llm.detokenize(tokens, special=True)

    def generate(
        self,
        tokens: list[int],
        settings: GenerationSettings,
        *,
        limit: int,
        may_end: Callable[[int], bool] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[int]:
        """Evaluate what the cache does not hold of `tokens`, then yield up to `limit` sampled tokens.

        The prompt is evaluated with the abort callback the caller set, which is then removed (a
        Python call per graph node would cost speed; the caller checks for a stop each token).
        Tokens are sampled and decoded on a thread of its own (`_TokenLoop`), so that the caller's
        work on each token, its text and the pipe, happens while llama.cpp decodes it. A token for
        which `may_end(token)` is true (it could complete a stop string) is decoded only once the
        caller asks for the next one, so that a reply ending there does not wait for a decode. The
        loop asks `should_stop()` before each decode and ends once it is true (the caller still gets the
        tokens sampled before). Afterwards `last_decode_seconds` says how long the reply's tokens
        took inside llama_decode: the rest of its time is Bothy's (sampling, text, the pipe)."""
        llm = self.llm
        self.last_decode_seconds = 0.0
        llm.n_tokens = min(common_prefix(self.cached_tokens(), tokens), len(tokens) - 1)
        in_graph = self._graph_front(settings)  # before the prompt: its last token's candidates too
        llm.eval(tokens[llm.n_tokens :])  # drops the cells after n_tokens first
        self.set_abort(None)
        loop = _TokenLoop(self, settings, limit, may_end, should_stop, in_graph)
        try:
            yield from loop.tokens()
        finally:
            loop.close()
            self.last_decode_seconds = loop.decode_seconds

    def _graph_front(self, settings: GenerationSettings) -> bool:
        """Whether llama_decode picks this reply's candidates (sampler.py's GraphFront)."""
        if not self.sample_in_graph:
            if self._front is not None:
                self._front.drop()
            return False
        if self._front is None:
            self._front = GraphFront(self._llama_cpp, self.llm._ctx.ctx)
        return self._front.want(settings)

    # -- the token cache and KV state -------------------------------------------------------------
    def cached_tokens(self) -> list[int]:
        """The tokens whose KV state the context holds now."""
        return self.llm.input_ids[: self.llm.n_tokens].tolist()

    def read_ahead(self, tokens: list[int]) -> int:
        """Evaluate what of `tokens` the cache does not hold yet (after their common start), so that
        a prompt beginning with them later finds them cached. Returns how many were evaluated."""
        common = common_prefix(self.cached_tokens(), tokens)
        if common >= len(tokens):
            return 0
        self.llm.n_tokens = common  # eval() drops the cells after n_tokens first
        self.llm.eval(tokens[common:])
        return len(tokens) - common

    def forget_cache(self) -> None:
        """The cache is in doubt: the next prompt is read whole."""
        self.llm.reset()

    def state_size(self) -> int:
        """Bytes a KV-state snapshot of the context takes now."""
        return self._llama_cpp.llama_state_get_size(self.llm._ctx.ctx)

    def save_state(self, size: int) -> tuple[ctypes.Array, int]:
        """A snapshot of the context's KV state: a buffer of `size` bytes, and how many were written."""
        buf = (ctypes.c_uint8 * size)()
        return buf, self._llama_cpp.llama_state_get_data(self.llm._ctx.ctx, buf, size)

    def load_state(self, buf: ctypes.Array, used: int, tokens: list[int]) -> bool:
        """Put a snapshot back; False (and an empty cache) if llama.cpp refuses it."""
        if self._llama_cpp.llama_state_set_data(self.llm._ctx.ctx, buf, used) != used:
            self.llm.reset()
            return False
        self.llm.input_ids[: len(tokens)] = tokens
        self.llm.n_tokens = len(tokens)
        self.llm._requires_eval = True
        return True

    def shift_out(self, run) -> int:
        """Remove the left-out positions before `run` (a kv_reuse.KeptRun) from the KV cache and move
        the kept ones down, so a prompt that left out its oldest turns reuses them. Returns the
        tokens the cache now holds that the prompt starts with (0 if this model cannot shift)."""
        memory = self._llama_cpp.llama_get_memory(self.llm._ctx.ctx)
        if not self._llama_cpp.llama_memory_can_shift(memory):
            return 0
        cached = self.cached_tokens()
        gap = run.start - run.prefix
        self._llama_cpp.llama_memory_seq_rm(memory, 0, run.start + run.length, -1)  # what followed
        self._llama_cpp.llama_memory_seq_rm(memory, 0, run.prefix, run.start)  # the turns left out
        self._llama_cpp.llama_memory_seq_add(memory, 0, run.start, run.start + run.length, -gap)
        self._compact(memory)
        kept = cached[: run.prefix] + cached[run.start : run.start + run.length]
        self.llm.input_ids[: len(kept)] = kept
        self.llm.n_tokens = len(kept)
        self.llm._requires_eval = True
        return len(kept)

    def _compact(self, memory) -> None:
        """Put the shifted cells next to each other again: llama.cpp attends over every cell up to the
        last one in use, so the holes left by the removed turns would cost as much as the turns did.
        Copying the sequence out and back in packs it (a few tens of ms at 8,192 tokens)."""
        ctx = self.llm._ctx.ctx
        size = self._llama_cpp.llama_state_seq_get_size(ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        used = self._llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0)
        self._llama_cpp.llama_memory_clear(memory, True)
        self._llama_cpp.llama_state_seq_set_data(ctx, buffer, used, 0)

    # -- stopping --------------------------------------------------------------------------------
    def set_abort(self, should_abort: Callable[[], bool] | None) -> None:
        """While set, llama.cpp asks `should_abort()` between graph nodes (stops prompt processing)."""
        if should_abort is None:
            callback = self._no_abort
        else:
            callback = self._llama_cpp.ggml_abort_callback(lambda _data: bool(should_abort()))
        self._llama_cpp.llama_set_abort_callback(self.llm._ctx.ctx, callback, None)
        self._abort = callback

    def close(self) -> None:
        if self._front is not None:
            self._front.drop()
        self.llm.close()


class _TokenLoop:
    """Sample a token, hand it to the caller, decode it; on a thread of its own.

    llama_decode lets go of the GIL, so the caller handles each token while the next is computed,
    instead of between tokens. Tokens are handed over in batches, at most every HANDOFF_INTERVAL
    seconds: waking the caller's thread cost the loop 35-80 us a token on a 2-core host (0.3-0.6%
    of the starter model's 14 ms token, and would be 1.5-4% of a GPU's 2-3 ms one), and the text
    goes to the window no faster than that anyway (TextSender). Handed over at once: a reply's first
    EAGER_TOKENS tokens (its first text can need several, as the start of what may be a stop string
    is held back until it is told apart), the last, and a token `may_end` flags, which then waits
    for the caller's go-ahead (its next read) before it is decoded, so that a reply ending there
    waits for no decode.

    The thread stops after `limit` tokens, at an end of generation (neither decoded: nothing
    follows them), when `should_stop()` says so (the batch so far is handed over first) or when the
    caller stops reading (`close()`). The tokens it decoded meanwhile, which the caller may not
    have read, stay in the cache, booked in llama-cpp-python's token list."""

    def __init__(
        self,
        model: LlamaModel,
        settings: GenerationSettings,
        limit: int,
        may_end: Callable[[int], bool] | None,
        should_stop: Callable[[], bool] | None = None,
        in_graph: bool = False,
    ):
        llama_cpp = model._llama_cpp
        self._model = model
        self._ctx = model.llm._ctx.ctx
        self._sampler = Sampler(llama_cpp, self._ctx, settings, in_graph=in_graph)
        self._batch = llama_cpp.llama_batch_init(1, 0, 1)
        batch = self._batch
        batch.n_tokens = 1
        batch.n_seq_id[0] = 1
        batch.seq_id[0][0] = 0
        batch.logits[0] = 1
        self._may_end = may_end
        self._should_stop = should_stop or (lambda: False)
        self._pending: list[int] = []  # sampled, not handed over yet
        self._out: queue.SimpleQueue = queue.SimpleQueue()  # ([tokens], waits), then None or an exception
        self._go: queue.SimpleQueue = queue.SimpleQueue()  # the caller's answer to a token that waits
        self._halt = False
        self.decode_seconds = 0.0  # spent in llama_decode; read it after close()
        self._thread = threading.Thread(target=self._run, args=(limit,), name="llama-tokens", daemon=True)
        self._thread.start()

    def _run(self, limit: int) -> None:
        try:
            self._loop(limit)
        except BaseException as exc:  # handed to the caller's thread, after the tokens before it
            self._hand_over(False)
            self._out.put(exc)
        else:
            self._hand_over(False)
            self._out.put(None)

    def _hand_over(self, waits: bool) -> None:
        if self._pending:
            self._out.put((self._pending, waits))
            self._pending = []

    def _loop(self, limit: int) -> None:
        model, llm, batch, clock = self._model, self._model.llm, self._batch, time.perf_counter
        decode = model._llama_cpp.llama_decode
        handed = 0.0  # when the last batch was handed over
        for n in range(1, limit + 1):
            token = self._sampler.sample()
            waits = self._may_end is not None and self._may_end(token)
            self._pending.append(token)
            if n == limit or self._halt or model.is_end_of_generation(token):
                return
            now = clock()
            if waits or n <= EAGER_TOKENS or now - handed >= HANDOFF_INTERVAL:
                self._hand_over(waits)
                handed = now
            if waits and not self._go.get():
                return
            if self._should_stop():
                return
            batch.token[0] = token
            batch.pos[0] = llm.n_tokens
            started = clock()
            status = decode(self._ctx, batch)
            self.decode_seconds += clock() - started
            if status != 0:
                llm.reset()  # what the context holds is in doubt
                raise RuntimeError(f"llama_decode returned {status}")
            llm.input_ids[llm.n_tokens] = token
            llm.n_tokens += 1
            if self._halt:
                return

    def tokens(self) -> Iterator[int]:
        while (item := self._out.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            tokens, waits = item
            yield from tokens
            if waits:
                self._go.put(True)

    def close(self) -> None:
        """Stop after the token being decoded, and free the sampler and the batch."""
        self._halt = True
        self._go.put(False)  # in case the thread waits for an answer
        self._thread.join()
        self._sampler.close()
        self._model._llama_cpp.llama_batch_free(self._batch)
