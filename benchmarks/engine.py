"""Items 1-3 through Bothy's engine: overhead against raw llama-cpp-python, memory reuse, stop latency.

"Raw" is a `llama_cpp.Llama` in this process, loaded with the same settings as the engine's and fed
exactly the prompt tokens the engine renders, with the same seed and sampling: once through
`Llama.generate()` (what the engine itself calls) and once through `create_completion(stream=True)`.
Bothy's side is a whole chat turn: ChatSession stores the turn, the engine process generates, the
text streams back over the pipe and is saved to the store while it streams and at the end.
Generation speed is (tokens - 1) / (time from the first text to the end), the rate after the
first token, measured in this process for every path.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks import llama_bench as llama_bench_tool
from benchmarks.report import Figure, median

STORY = "Write a very long story about a lighthouse keeper, her cat and the storm that changed the village."
LABELS = {"bothy": "Bothy (ChatSession)", "generate": "raw generate()", "completion": "raw create_completion(stream)"}
GEN = dict(temperature=0.7, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.1)


@dataclass
class Setup:
    """What items 1-3 share: one loaded engine, a store and a chat session on it."""

    model: Path
    engine: object  # assistant.engine.Engine
    load: object  # assistant.engine.LoadSettings
    store: object  # assistant.store.Store
    session: object  # assistant.session.ChatSession


def open_setup(model: Path, load) -> Setup:
    from assistant.engine import LocalEngine, ModelRef
    from assistant.session import ChatSession
    from assistant.store import Store

    engine = LocalEngine()
    engine.load(ModelRef.local(model), load)
    store = Store()
    return Setup(model, engine, load, store, ChatSession(store, engine))


def ceiling(binary: Path | None, setup: Setup):
    """llama-bench's tg for the setup's model and load settings, `(n_gen, depth) -> tok/s`; None
    when llama-bench is not built."""
    if binary is None:
        return None

    def bench(n_gen: int, depth: int) -> float:
        return llama_bench_tool.tg(binary, setup.model, setup.engine.loaded, setup.load, n_gen=n_gen, depth=depth)

    return bench


def overhead_on(model: Path, load, binary: Path | None, **options) -> list[Figure]:
    """Item 1 on another model, with an engine of its own: Bothy over raw and over llama-bench."""
    setup = open_setup(model, load)
    try:
        return overhead(setup, quick=False, llama_bench=ceiling(binary, setup), **options)
    finally:
        close_setup(setup)


def close_setup(setup: Setup) -> None:
    setup.engine.close()
    setup.store.close()


# -- raw llama-cpp-python ------------------------------------------------------------------------
class Raw:
    """A Llama in this process, loaded like the engine loads it (see assistant/engine/worker.py)."""

    def __init__(self, model: Path, loaded, load):
        import llama_cpp

        from assistant.models import choose_template, read_info

        kv = {"f16": llama_cpp.GGML_TYPE_F16, "q8_0": llama_cpp.GGML_TYPE_Q8_0, "q4_0": llama_cpp.GGML_TYPE_Q4_0}
        kwargs = dict(
            model_path=str(model),
            n_ctx=loaded.n_ctx,
            n_gpu_layers=-1 if loaded.n_gpu_layers and loaded.n_gpu_layers >= loaded.n_layers else loaded.n_gpu_layers,
            n_batch=load.n_batch,
            n_ubatch=load.n_batch,
            flash_attn=load.flash_attn,
            type_k=kv[loaded.kv_cache_type],
            type_v=kv[loaded.kv_cache_type],
            verbose=False,
        )
        if load.n_threads:
            kwargs.update(n_threads=load.n_threads, n_threads_batch=load.n_threads)
        self.llama_cpp = llama_cpp
        self.llm = llama_cpp.Llama(**kwargs)
        self.template = choose_template(read_info(model), load.chat_template)

    def tokens(self, messages: list[dict]) -> list[int]:
        """The prompt tokens, rendered exactly as the engine's Worker._render does."""
        llm = self.llm
        tokens = llm.tokenize(self.template.render(messages).encode("utf-8"), add_bos=False, special=True)
        bos = llm.token_bos()
        wants_bos = llm.metadata.get("tokenizer.ggml.add_bos_token", "true") != "false"
        if wants_bos and bos >= 0 and (not tokens or tokens[0] != bos):
            tokens.insert(0, bos)
        return tokens

    def generate(self, tokens: list[int], seed: int, max_tokens: int) -> tuple[float, int]:
        """tok/s and tokens through Llama.generate(), with text made from each token."""
        llm = self.llm
        vocab = llm._model.vocab
        llm.set_seed(seed)
        first = None
        n = 0
        stream = llm.generate(
            tokens,
            top_k=GEN["top_k"],
            top_p=GEN["top_p"],
            min_p=GEN["min_p"],
            temp=GEN["temperature"],
            repeat_penalty=GEN["repeat_penalty"],
        )
        generated = 0
        for token in stream:
            generated += 1
            if self.llama_cpp.llama_vocab_is_eog(vocab, token):
                break
            n += 1
            llm.detokenize([token])
            if first is None:
                first = time.perf_counter()
            if n >= max_tokens:
                break
        end = time.perf_counter()
        stream.close()
        return _rate(generated, first, end), n

    def completion(self, tokens: list[int], seed: int, max_tokens: int) -> tuple[float, int]:
        """tok/s and tokens through create_completion(stream=True)."""
        first = None
        text, finish = "", None
        chunks = self.llm.create_completion(tokens, max_tokens=max_tokens, seed=seed, stream=True, **GEN)
        for chunk in chunks:
            choice = chunk["choices"][0]
            if choice["text"] and first is None:
                first = time.perf_counter()
            text += choice["text"]
            finish = choice.get("finish_reason") or finish
        end = time.perf_counter()
        # Streamed chunks carry no token counts: a reply cut by the limit has exactly max_tokens,
        # and one that stopped ended with an end-of-generation token, generated like the others.
        n = max_tokens if finish == "length" else len(self.llm.tokenize(text.encode(), add_bos=False))
        return _rate(n + (finish == "stop"), first, end), n

    def close(self) -> None:
        self.llm.close()


def _rate(n: int, first: float | None, end: float) -> float:
    """Tokens per second after the first of `n` generated tokens (an end-of-generation token
    counts: the model generated it; llama.cpp counts it too)."""
    return (n - 1) / (end - first) if first is not None and n > 1 and end > first else 0.0


def decode_share(stats) -> float:
    """Of the engine's time from a reply's first token to its last, the share llama_decode took."""
    if stats.generated_tokens < 2 or not stats.tokens_per_s:
        return 0.0
    return stats.decode_ms / 1000 / ((stats.generated_tokens - 1) / stats.tokens_per_s)


def attended_cells(tokens: int) -> int:
    """The KV cells llama.cpp attends over with `tokens` in the cache: rounded up to 256
    (llama_kv_cache::get_n_kv; it also caps them at the context's size, which these runs stay within)."""
    return -(-tokens // 256) * 256


def bothy_turn(
    setup: Setup, text: str, *, seed: int, max_tokens: int, conversation_id: int | None = None, after: bool = False
):
    """One stored chat turn; returns (tok/s after the first text, seconds to the first text, turn).
    With `after`, then what the app does while the person reads (ChatSession.after_turn)."""
    from assistant.engine import GenerationSettings

    if conversation_id is None:
        conversation_id = setup.store.create_conversation()["id"]
    gen = GenerationSettings(max_tokens=max_tokens, seed=seed, **GEN)
    started = time.perf_counter()
    turn = setup.session.send(conversation_id, text, gen)
    first = None
    for _ in turn:
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    n = turn.stats.generated_tokens if turn.stats else 0
    if after and turn.status == "complete":
        setup.session.after_turn(conversation_id, gen)
    return _rate(n, first, end), (first or end) - started, turn


# -- item 1 --------------------------------------------------------------------------------------
def overhead(
    setup: Setup,
    *,
    quick: bool,
    llama_bench=None,
    model_label: str = "",
    rounds: int | None = None,
    max_tokens: int | None = None,
) -> list[Figure]:
    """Bothy's generation speed over raw llama-cpp-python's, runs interleaved to cancel drift.

    `llama_bench(n_gen, depth)`, when given, runs llama.cpp's llama-bench once (tok/s); it joins
    the rounds, and Bothy over it is "the ceiling". `model_label` names a second model's figures.
    """
    figures = _overhead(setup, quick=quick, llama_bench=llama_bench, rounds=rounds, max_tokens=max_tokens)
    if model_label:
        for figure in figures:
            figure.name = f"{model_label}: {figure.name}"
    return figures


def _overhead(setup: Setup, *, quick: bool, llama_bench=None, rounds=None, max_tokens=None) -> list[Figure]:
    default_rounds, default_tokens = (1, 48) if quick else (5, 256)
    rounds, max_tokens = rounds or default_rounds, max_tokens or default_tokens
    item = "1 engine"
    raw = Raw(setup.model, setup.engine.loaded, setup.load)
    matched = None
    try:
        tokens = raw.tokens([{"role": "user", "content": STORY}])
        paths = ["generate", "completion", "bothy"]
        if llama_bench is not None:
            # llama-bench's context is its depth plus its run, so it attends over no more cells than
            # it uses; the app's attends over the used cells rounded up to 256. Replies run up to a
            # multiple of 256 cells, so both attend over as many. The size of the KV cache costs
            # llama.cpp speed too (without flash attention V is stored transposed, and the rows of a
            # larger cache lie further apart), so Bothy is measured against llama-bench with an
            # engine of llama-bench's context beside the one with the app's.
            max_tokens = attended_cells(len(tokens) + max_tokens) - len(tokens)
            matched = open_setup(setup.model, replace(setup.load, n_ctx=len(tokens) + max_tokens))
            paths += ["bothy, llama-bench's context", "llama-bench"]
        setups = {"bothy": setup, "bothy, llama-bench's context": matched}
        samples = {p: [] for p in paths}
        counts = {p: [] for p in paths}
        shares = {p: [] for p in setups}  # of Bothy's time after the first token, llama_decode's
        prompt_tokens = None
        raw.generate(tokens, 1, 8)  # warm up every side once
        for each in filter(None, setups.values()):
            bothy_turn(each, STORY, seed=1, max_tokens=8)
        for r in range(rounds):
            seed = 100 + r
            # Bothy first, then the others in turn (none of them always right after it). A reply
            # that ends early (at the template's turn marker, which raw generation does not watch
            # for) is compared with raw runs of the same length.
            others = [p for p in paths if p != "bothy"]
            order = ["bothy", *others[r % len(others) :], *others[: r % len(others)]]
            length = max_tokens
            for path in order:
                if path == "llama-bench":  # a reply that stopped early: run on to the same cells
                    rate, n = llama_bench(attended_cells(len(tokens) + length) - len(tokens), len(tokens)), length
                elif path in setups:  # Bothy, then the same reply (same seed) at another context size
                    rate, _, turn = bothy_turn(setups[path], STORY, seed=seed, max_tokens=max_tokens)
                    n = turn.stats.reply_tokens
                    shares[path].append(decode_share(turn.stats))
                    if path == "bothy":
                        length = max(2, min(max_tokens, n))
                        prompt_tokens = turn.context.prompt_tokens
                else:
                    rate, n = getattr(raw, path)(tokens, seed, length)
                samples[path].append(rate)
                counts[path].append(n)
    finally:
        raw.close()
        if matched is not None:
            close_setup(matched)
    if prompt_tokens != len(tokens):
        raise RuntimeError(f"prompts differ: engine {prompt_tokens} tokens, raw {len(tokens)}")
    faster = max(("generate", "completion"), key=lambda p: median(samples[p]))
    ratios = [b / f for b, f in zip(samples["bothy"], samples[faster], strict=True) if f]
    threads = setup.engine.loaded.n_threads
    detail = f"{len(tokens)} prompt tokens, {threads} thread(s), {rounds} interleaved rounds"
    figures = [
        Figure(
            item,
            f"Bothy tg / raw tg ({LABELS[faster]}, the faster)",
            median(ratios),
            "ratio",
            0.97,
            ">=",
            detail,
            ratios,
        ),
    ]
    own = [share for path in setups for share in shares[path]]
    figures.append(
        Figure(
            item,
            "Bothy's time after the first token spent inside llama_decode (the rest: sampling, text, the pipe)",
            median(own),
            "ratio",
            note=f"min {min(own):.4f}, the engine's own clock, every Bothy run",
            samples=own,
        )
    )
    for path in ("bothy", "generate", "completion"):
        note = f"tokens per run {sorted(set(counts[path]))}"
        figures.append(
            Figure(item, f"tg, {LABELS[path]}", median(samples[path]), "tok/s", note=note, samples=samples[path])
        )
    if llama_bench is not None:
        same = "bothy, llama-bench's context"
        cells, n_ctx = len(tokens) + max_tokens, setup.engine.loaded.n_ctx
        note = f"llama-bench from depth {len(tokens)} to {cells} cells: {median(samples['llama-bench']):.1f} tok/s"
        ceiling = [b / c for b, c in zip(samples[same], samples["llama-bench"], strict=True) if c]
        at_app = [b / c for b, c in zip(samples["bothy"], samples["llama-bench"], strict=True) if c]
        cost = [b / c for b, c in zip(samples["bothy"], samples[same], strict=True) if c]
        figures[1:1] = [
            Figure(
                item,
                f"Bothy tg / llama-bench tg, both with a {cells}-cell context (the ceiling)",
                median(ceiling),
                "ratio",
                0.97,
                ">=",
                note,
                ceiling,
            ),
            Figure(
                item,
                "the same, fastest run / fastest run (a busy host only slows a run down)",
                max(samples[same]) / max(samples["llama-bench"]),
                "ratio",
                note=f"{max(samples[same]):.1f} / {max(samples['llama-bench']):.1f} tok/s",
            ),
            Figure(
                item,
                f"the same, Bothy with the app's {n_ctx:,}-token context",
                median(at_app),
                "ratio",
                note=note,
                samples=at_app,
            ),
            Figure(
                item,
                f"Bothy tg with a {n_ctx:,}-token context / with {cells} cells (what the KV cache's size costs)",
                median(cost),
                "ratio",
                samples=cost,
            ),
        ]
        figures.append(
            Figure(
                item, f"tg, Bothy with a {cells}-cell context", median(samples[same]), "tok/s", samples=samples[same]
            )
        )
    return figures


# -- item 2 --------------------------------------------------------------------------------------
def _question(i: int) -> str:
    return f"Question {i:02d}: in one short sentence, what is a good name for a small grey cat?"


def memory_reuse(setup: Setup, *, quick: bool) -> list[Figure]:
    """TTFT late in a conversation, and after coming back to it, over TTFT at turn 2.

    Beside them, the floor: llama.cpp alone decoding the same new tokens after the same cached
    prefix as the engine did at turn 2 and at the last turn (attention grows with the context).
    """
    repeats, turns, max_tokens = (1, 8, 4) if quick else (5, 30, 8)
    item = "2 memory reuse"
    late, back, opened, prompt, swaps = [], [], [], [], []
    evals = {}
    for r in range(repeats):
        conversation = setup.store.create_conversation()["id"]
        ttft = {}
        for t in range(1, turns + 1):
            _, ttft[t], turn = bothy_turn(
                setup, _question(t), seed=r, max_tokens=max_tokens, conversation_id=conversation, after=True
            )
            if r == 0 and t in (2, turns):
                evals[t] = (turn.stats.prompt_tokens, turn.stats.prompt_eval_tokens)
        prompt.append(turn.context.prompt_tokens)
        if r == 0:
            first = conversation
        _three_others(setup, r, max_tokens)
        _, again, turn = bothy_turn(
            setup, _question(turns + 1), seed=r, max_tokens=max_tokens, conversation_id=conversation, after=True
        )
        # the window's way back: the person opens the chat (its KV state goes back then), then types
        _three_others(setup, r, max_tokens)
        started = time.perf_counter()
        setup.session.prepare(conversation)
        swaps.append((time.perf_counter() - started) * 1000)
        _, again_opened, turn = bothy_turn(
            setup, _question(turns + 2), seed=r, max_tokens=max_tokens, conversation_id=conversation, after=True
        )
        late.append(ttft[turns] / ttft[2])
        back.append(again / ttft[2])
        opened.append(again_opened / ttft[2])
    floor, floor_note = _decode_floor(setup, first, evals, turns, repeats=3 if quick else 21)
    note = f"{repeats} conversation(s), prompt {median(prompt):.0f} tokens at turn {turns}, max_tokens {max_tokens}"
    return [
        Figure(item, f"TTFT turn {turns} / turn 2", median(late), "ratio", 1.3, note=note, samples=late),
        Figure(item, "TTFT back after 3 others / turn 2", median(back), "ratio", 1.5, samples=back),
        Figure(item, f"llama.cpp alone, same decode: turn {turns} / turn 2", floor, "ratio", note=floor_note),
        Figure(item, f"TTFT turn {turns} / turn 2, over llama.cpp's floor", median(late) / floor, "ratio", 1.05),
        Figure(item, "TTFT back after 3 others / turn 2, over llama.cpp's floor", median(back) / floor, "ratio", 1.05,
               note="sent at once, as the CLI and the API do: the KV state is copied back first"),
        Figure(item, "TTFT back after 3 others, opened first / turn 2, over llama.cpp's floor",
               median(opened) / floor, "ratio", 1.05, samples=[o / floor for o in opened],
               note=f"as in the window: opening the chat puts its KV state back while the person types "
                    f"(that swap: {median(swaps):.0f} ms)"),
    ]  # fmt: skip


def _three_others(setup: Setup, r: int, max_tokens: int) -> None:
    """Three other conversations, two turns each, between two visits to one conversation."""
    for other in range(3):
        cid = setup.store.create_conversation()["id"]
        for t in range(2):
            bothy_turn(
                setup, _question(50 + other * 2 + t), seed=r, max_tokens=max_tokens, conversation_id=cid, after=True
            )


def _decode_floor(setup: Setup, conversation: int, evals: dict, turns: int, *, repeats: int) -> tuple[float, str]:
    """Raw llama.cpp's time to decode the new tokens of the last turn over that of turn 2, each after
    the same cached prefix as in the engine (two Llamas, each holding one prefix; runs interleaved)."""
    from assistant.session import history_for_model

    history = [{"role": m.role, "content": m.content} for m in history_for_model(setup.store.messages(conversation))]
    raws, cases = [], []
    try:
        for t in (2, turns):
            raw = Raw(setup.model, setup.engine.loaded, setup.load)
            raws.append(raw)
            tokens = raw.tokens(history[: 2 * t - 1])
            total, new = evals[t]
            if len(tokens) != total:
                raise RuntimeError(f"turn {t}: the engine's prompt had {total} tokens, rendered here {len(tokens)}")
            raw.llm.eval(tokens[: total - new])  # the cached prefix, once
            cases.append((raw.llm, total - new, tokens[total - new :]))
        times = [[], []]
        for _ in range(repeats):
            for i, (llm, cached, new_tokens) in enumerate(cases):
                llm.n_tokens = cached  # eval() drops the cells after n_tokens first
                started = time.perf_counter()
                llm.eval(new_tokens)
                times[i].append(time.perf_counter() - started)
    finally:
        for raw in raws:
            raw.close()
    # The best of the repeats: this is a property of llama.cpp and the model, and a busy machine
    # only ever adds time (two threads waiting for each other at every step when a core is taken).
    (p2, n2), (pt, nt) = evals[2], evals[turns]
    best = [min(t) * 1000 for t in times]
    note = (
        f"best of {repeats}: {n2} new tokens after {p2 - n2}, {nt} after {pt - nt}: {best[0]:.0f} -> {best[1]:.0f} ms"
    )
    return best[1] / best[0], note


# -- item 3 --------------------------------------------------------------------------------------
def _long_prompt(nonce: int, words: int = 560) -> str:
    text = " ".join(f"word{(i * 7 + nonce) % 997}" for i in range(words))
    return f"Note {nonce}: summarise this list. {text}"


def stop_latency(setup: Setup, *, quick: bool) -> list[Figure]:
    """From Reply.stop() to the end of the reply's iteration (the engine idle again)."""
    from assistant.engine import ChatRequest, GenerationSettings

    tries = 2 if quick else 7
    item = "3 stop"
    engine = setup.engine
    generating, prompting, prompt_sizes = [], [], []
    for i in range(tries):
        reply = engine.chat(
            ChatRequest.of([{"role": "user", "content": STORY}], GenerationSettings(max_tokens=2000, seed=i))
        )
        stopped_at = None
        for n, _ in enumerate(reply):
            if n == 5 + i and stopped_at is None:
                stopped_at = time.perf_counter()
                reply.stop()
        end = time.perf_counter()
        if stopped_at is None or reply.stats.finish_reason != "cancelled":
            raise RuntimeError(f"the reply was not stopped ({reply.stats.finish_reason})")
        generating.append((end - stopped_at) * 1000)

        # A long prompt nobody has seen before (the nonce), in a conversation of its own.
        reply = engine.chat(
            ChatRequest.of(
                [{"role": "user", "content": _long_prompt(1000 + i)}],
                GenerationSettings(max_tokens=16, seed=i),
                conversation_key=f"bench-long-{i}-{time.time()}",
            )
        )
        when = {}

        def stop(reply=reply, when=when):
            when["stop"] = time.perf_counter()
            reply.stop()

        timer = threading.Timer(0.3 if quick else 0.6 + 0.1 * i, stop)
        timer.start()
        reply.consume()
        end = time.perf_counter()
        timer.join()
        if reply.stats.reply_tokens or reply.stats.finish_reason != "cancelled":
            raise RuntimeError("the prompt was processed before the stop: make it longer")
        prompting.append((end - when["stop"]) * 1000)
        prompt_sizes.append(reply.context.prompt_tokens)
    return [
        Figure(item, "stop while generating, median", median(generating), "ms", 100, samples=generating),
        Figure(item, "stop while generating, max", max(generating), "ms", 100, note=f"{tries} tries"),
        Figure(
            item,
            "stop during a long prompt, median",
            median(prompting),
            "ms",
            100,
            note=f"prompt {median(prompt_sizes):.0f} tokens",
            samples=prompting,
        ),
        Figure(item, "stop during a long prompt, max", max(prompting), "ms", 100, note=f"{tries} tries"),
    ]
