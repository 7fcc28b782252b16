"""Item 12: Bothy against the engine other apps drive, llama.cpp's own `llama-server`.

The same 30-turn conversation (the same questions, each side keeping its own replies, as a chat
app does) through Bothy (ChatSession over its engine process) and through llama-server with a plain
streaming client that sends the whole conversation every turn (llama-server keeps the prompt's
prefix cached in its slot, as Bothy keeps its KV cache). Both with the same model, context, threads,
batch, sampling and reply length; turns interleaved (which side goes first alternates) so drift
cancels. Figures, medians over the turns: Bothy's time to first token over the server's (goal at
most 1.0) and Bothy's generation speed over the server's (goal at least 1.0).

llama-server is built by benchmarks/llama_server.py (`./bothy.sh test` builds it once).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure, not_measured

ITEM = "12 llama-server"
N_CTX = 4096


def question(i: int) -> str:
    return f"Question {i:02d}: in two short sentences, what should a lighthouse keeper check on a stormy night?"


def _server_turn(
    client, url: str, messages: list[dict], max_tokens: int, seed: int
) -> tuple[float, float, str, int | None]:
    """(time to first text in ms, chunks per second after it, the reply, the prompt tokens the server
    processed, from its `timings`) from a plain streaming client."""
    body = {"model": "bench", "messages": messages, "stream": True, "max_tokens": max_tokens, "seed": seed}
    body.update(temperature=0.7, top_p=0.95, top_k=40, min_p=0.05)
    started = time.monotonic()
    first = last = None
    chunks, text, processed = 0, [], None
    with client.stream("POST", f"{url}/chat/completions", json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            event = json.loads(line[5:])
            processed = (event.get("timings") or {}).get("prompt_n", processed)
            choices = event.get("choices") or []
            piece = choices[0].get("delta", {}).get("content") if choices else None
            if piece:
                last = time.monotonic()
                first = first or last
                chunks += 1
                text.append(piece)
    speed = (chunks - 1) / (last - first) if chunks > 1 and last > first else 0.0
    return ((first or time.monotonic()) - started) * 1000, speed, "".join(text), processed


def _bothy_turn(session, cid: int, text: str, settings) -> tuple[float, float, int | None]:
    """(time to first text in ms, tokens per second after it, prompt tokens processed) of a whole
    Bothy turn, then what the app does while the person reads (ChatSession.after_turn)."""
    started = time.monotonic()
    turn = session.send(cid, text, settings)
    first = None
    for _ in turn:
        first = first or time.monotonic()
    stats = turn.stats
    if turn.status == "complete":
        session.after_turn(cid, settings)
    return (
        ((first or time.monotonic()) - started) * 1000,
        stats.tokens_per_s if stats else 0.0,
        (stats.prompt_eval_tokens if stats else None),
    )


def run(
    model: Path, load, *, quick: bool, turns: int | None = None, max_tokens: int | None = None, model_label: str = ""
) -> list[Figure]:
    import httpx

    from assistant.engine import LocalEngine, ModelRef
    from assistant.engine.types import GenerationSettings
    from assistant.session import ChatSession
    from assistant.store import Store
    from benchmarks.llama_server import find
    from tests.servers import start_llama_server

    binary = find()
    prefix = f"{model_label}: " if model_label else ""
    names = [
        (f"{prefix}Bothy's time to first token / llama-server's", 1.0, "<="),
        (f"{prefix}Bothy's generation speed / llama-server's", 1.0, ">="),
    ]
    if binary is None:
        why = "llama-server is not built (python -m benchmarks.llama_server)"
        return [not_measured(ITEM, name, "ratio", why, goal, better) for name, goal, better in names]
    default_turns, default_tokens = (4, 8) if quick else (30, 48)
    turns, max_tokens = turns or default_turns, max_tokens or default_tokens
    engine = LocalEngine()
    loaded = engine.load(ModelRef.local(model), _with_context(load))
    proc, url = start_llama_server(binary, model, n_ctx=N_CTX, threads=loaded.n_threads, batch=load.n_batch)
    ratios_ttft, ratios_speed, ours, theirs, read = [], [], [], [], []
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            Store(Path(tmp) / "v.db") as store,
            httpx.Client(timeout=300) as client,
        ):
            session = ChatSession(store, engine)
            cid = store.create_conversation()["id"]
            messages: list[dict] = []
            for i in range(turns):
                settings = GenerationSettings(max_tokens=max_tokens, seed=i, temperature=0.7, top_p=0.95, top_k=40)
                messages.append({"role": "user", "content": question(i)})
                if i % 2:
                    b = _bothy_turn(session, cid, question(i), settings)
                    s = _server_turn(client, url, messages, max_tokens, i)
                else:
                    s = _server_turn(client, url, messages, max_tokens, i)
                    b = _bothy_turn(session, cid, question(i), settings)
                messages.append({"role": "assistant", "content": s[2]})
                ours.append(b[:2])
                theirs.append(s[:2])
                read.append((b[2], s[3]))
                if s[0] and b[0]:
                    ratios_ttft.append(b[0] / s[0])
                if s[1] and b[1]:
                    ratios_speed.append(b[1] / s[1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        engine.close()
    detail = (
        f"{turns} turns, {max_tokens}-token replies, n_ctx {N_CTX}, {loaded.n_threads} thread(s); "
        f"time to first token Bothy {statistics.median(t for t, _ in ours):.0f} ms, "
        f"llama-server {statistics.median(t for t, _ in theirs):.0f} ms; "
        f"speed {statistics.median(v for _, v in ours):.1f} vs {statistics.median(v for _, v in theirs):.1f} tok/s; "
        f"prompt tokens processed per turn {_median(b for b, _ in read)} vs {_median(s for _, s in read)}"
    )
    (ttft_name, ttft_goal, _), (speed_name, speed_goal, _) = names
    return [
        Figure(ITEM, ttft_name, statistics.median(ratios_ttft), "ratio", ttft_goal, "<=", detail, ratios_ttft),
        Figure(ITEM, speed_name, statistics.median(ratios_speed), "ratio", speed_goal, ">=", detail, ratios_speed),
    ]


def _median(values) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.0f}" if known else "?"


def _with_context(load):
    from dataclasses import replace

    return replace(load, n_ctx=N_CTX)
