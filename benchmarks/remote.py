"""Item 10: a model on a server, as fast through Bothy as through a plain client.

A real OpenAI-compatible server on 127.0.0.1 (llama-cpp-python's own, serving the model), and in the
same run, interleaved: a plain streaming client (httpx, the SSE lines read as they come) and a whole
Bothy turn (ChatSession over RemoteEngine: stored first, streamed, saved). Same prompt, seed, reply
length. Figures: generation speed (chunks after the first / time from the first to the last) Bothy
over the plain client, goal at least 0.97; Bothy's added time to first token, goal at most 20 ms.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure

ITEM = "10 servers"
PROMPT = "Write four sentences about a lighthouse on a winter night."


def _plain(client, url: str, max_tokens: int, seed: int) -> tuple[float, float]:
    """(time to first text, chunks per second after it) with a bare streaming client (an httpx
    client kept open, as Bothy keeps its own)."""
    body = {
        "model": "bench",
        "messages": [{"role": "user", "content": PROMPT}],
        "stream": True,
        "max_tokens": max_tokens,
        "seed": seed,
        "temperature": 0.7,
    }
    started = time.monotonic()
    first = last = None
    chunks = 0
    with client.stream("POST", f"{url}/chat/completions", json=body) as response:
        for line in response.iter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            delta = json.loads(line[5:])["choices"]
            if delta and delta[0].get("delta", {}).get("content"):
                last = time.monotonic()
                first = first or last
                chunks += 1
    return (first - started) * 1000, (chunks - 1) / (last - first)


def run(model: Path, *, quick: bool) -> list[Figure]:
    import httpx

    from assistant.engine.remote import RemoteEngine, remote_ref
    from assistant.engine.types import GenerationSettings
    from assistant.servers import Server
    from assistant.session import ChatSession
    from assistant.store import Store
    from tests.servers import llama_server_binary, start_llama_cpp_server, start_llama_server

    rounds = 3 if quick else 8
    max_tokens = 48 if quick else 160
    binary = llama_server_binary()  # llama.cpp's own server where it is built, else llama-cpp-python's
    proc, url = start_llama_server(binary, model) if binary else start_llama_cpp_server(model, alias="bench")
    which = "llama.cpp's llama-server" if binary else "llama-cpp-python's server (llama-server is not built here)"
    engine = RemoteEngine(Server("bench", url, context=2048))
    plain_ttft, plain_speed, bothy_ttft, bothy_speed = [], [], [], []
    try:
        engine.load(remote_ref("bench", engine.probe().models[0].id))
        with (
            tempfile.TemporaryDirectory() as tmp,
            Store(Path(tmp) / "b.db") as store,
            httpx.Client(timeout=120) as client,
        ):
            session = ChatSession(store, engine)
            _plain(client, url, 8, 0)  # warm up both paths
            for r in range(rounds):
                ttft, speed = _plain(client, url, max_tokens, r)
                plain_ttft.append(ttft)
                plain_speed.append(speed)
                cid = store.create_conversation()["id"]
                gen = GenerationSettings(max_tokens=max_tokens, seed=r, temperature=0.7)
                started = time.monotonic()  # storing the turn and planning its memory count too
                turn = session.send(cid, PROMPT, gen)
                first = last = None
                chunks = 0
                for _ in turn:
                    last = time.monotonic()
                    first = first or last
                    chunks += 1
                bothy_ttft.append((first - started) * 1000)
                bothy_speed.append((chunks - 1) / (last - first))
    finally:
        engine.close()
        proc.terminate()
        proc.wait(timeout=10)
    ratio = statistics.median(bothy_speed) / statistics.median(plain_speed)
    added = statistics.median(bothy_ttft) - statistics.median(plain_ttft)
    note = (
        f"{statistics.median(bothy_speed):.1f} vs {statistics.median(plain_speed):.1f} chunks/s; first text "
        f"{statistics.median(bothy_ttft):.0f} vs {statistics.median(plain_ttft):.0f} ms; "
        f"{rounds} rounds of {max_tokens} tokens; {which}"
    )
    speed = "generation speed, Bothy over a plain streaming client of the same server"
    return [
        Figure(ITEM, speed, ratio, "ratio", 0.97, ">=", note=note),
        Figure(ITEM, "time to first token Bothy adds over that client", added, "ms", 20.0),
    ]
