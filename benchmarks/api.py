"""Item 11: Bothy's local API is as fast as a turn in Bothy itself, and serves many clients in order.

One engine with the model, in the same run, interleaved: a whole Bothy turn (ChatSession: stored,
planned, streamed, saved) and the same request streamed by the official `openai` client through
Bothy's local API (assistant/api) on 127.0.0.1. Same prompt, seed and reply length. Figures:
generation speed (chunks after the first over the time from the first to the last) through the API
over in the app, goal at least 0.95; time to first text the API adds, goal at most 30 ms; then 20
clients at once: every one answered, none refused, none failing.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.report import Figure

ITEM = "11 local API"
PROMPT = "Write four sentences about a lighthouse on a winter night."


def _timed(chunks) -> tuple[float, float, int]:
    started = time.monotonic()
    first = last = None
    n = 0
    for _ in chunks:
        last = time.monotonic()
        first = first or last
        n += 1
    return (first - started) * 1000, (n - 1) / (last - first), n


def run(model: Path, load, *, quick: bool) -> list[Figure]:
    import openai

    from assistant.api.server import ApiServer, new_key
    from assistant.engine import LocalEngine, ModelRef
    from assistant.engine.types import GenerationSettings
    from assistant.session import ChatSession
    from assistant.store import Store
    from tests.servers import free_port

    rounds, max_tokens = (3, 48) if quick else (8, 160)
    engine = LocalEngine()
    key = new_key()
    try:
        engine.load(ModelRef.local(model), load)
        server = ApiServer(engine, port=free_port(), api_key=key, max_waiting=32)
        server.start()
        app_ttft, app_speed, api_ttft, api_speed = [], [], [], []
        with (
            tempfile.TemporaryDirectory() as tmp,
            Store(Path(tmp) / "b.db") as store,
            openai.OpenAI(base_url=server.url, api_key=key, max_retries=0) as client,
        ):
            session = ChatSession(store, engine)
            for r in range(rounds):
                gen = GenerationSettings(max_tokens=max_tokens, seed=r, temperature=0.7)
                cid = store.create_conversation()["id"]
                ttft, speed, _ = _timed(session.send(cid, PROMPT, gen))
                app_ttft.append(ttft)
                app_speed.append(speed)
                stream = client.chat.completions.create(
                    model="", messages=[{"role": "user", "content": PROMPT}], stream=True,
                    max_tokens=max_tokens, seed=r, temperature=0.7,
                )  # fmt: skip
                ttft, speed, _ = _timed(c for c in stream if c.choices and c.choices[0].delta.content)
                api_ttft.append(ttft)
                api_speed.append(speed)
            outcomes = _many(client, 20)
        server.stop()
    finally:
        engine.close()
    ratio = statistics.median(api_speed) / statistics.median(app_speed)
    added = statistics.median(api_ttft) - statistics.median(app_ttft)
    note = (
        f"{statistics.median(api_speed):.1f} vs {statistics.median(app_speed):.1f} chunks/s; first text "
        f"{statistics.median(api_ttft):.0f} vs {statistics.median(app_ttft):.0f} ms; {rounds} rounds of {max_tokens}"
    )
    served = sum(1 for o in outcomes if o == "ok")
    return [
        Figure(
            ITEM, "generation speed through the API (openai client) / in the app", ratio, "ratio", 0.95, ">=", note=note
        ),
        Figure(ITEM, "time to first token the API adds", added, "ms", 30.0),
        Figure(ITEM, "20 clients at once: answered", served, "of 20", 20, ">=", note=", ".join(sorted(set(outcomes)))),
    ]


def _many(client, n: int) -> list[str]:
    outcomes: list[str] = []

    def one(i: int) -> None:
        try:
            reply = client.chat.completions.create(
                model="", messages=[{"role": "user", "content": f"Say the number {i}."}], max_tokens=8, seed=i
            )
            outcomes.append("ok" if reply.choices[0].message.content is not None else "empty")
        except Exception as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return outcomes
