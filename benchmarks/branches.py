"""Item 9: conversations as trees and imports.

- Switching branches: a real conversation through ChatSession, as the app runs it. A reply is
  regenerated, then the person alternates between the two versions, sending a question on each
  after every switch. Time to first token of those turns against normal follow-up turns (the same
  question length, no switch), same run: goal at most 1.5x. The shared beginning must come from the
  KV cache, never be processed again; the prompt tokens processed are in the note.
- Import: a made-up ChatGPT export (benchmarks/big_export.py) of 10,000 conversations and 500,000
  messages (1,000 and 50,000 with --quick), read and written to a fresh store: goal 60 s; then one
  search over it.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.long_chat import question
from benchmarks.report import Figure

ITEM = "9 trees"


def switching(model: Path, load, *, quick: bool) -> list[Figure]:
    from assistant.engine import GenerationSettings, LocalEngine, ModelRef
    from assistant.session import ChatSession
    from assistant.store import Store

    settings = GenerationSettings(max_tokens=48, temperature=0.0, seed=1)
    rounds = 3 if quick else 8
    engine = LocalEngine()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.db") as store:
        try:
            engine.load(ModelRef.local(model), load)
            session = ChatSession(store, engine)
            cid = store.create_conversation()["id"]

            def turn(text: str):
                return session.send(cid, text, settings).consume()

            for i in range(4):
                turn(question(i))
            first = store.messages(cid)[-1]
            session.regenerate(cid, settings).consume()
            second = store.messages(cid)[-1]
            follow, switch, follow_eval, switch_eval = [], [], [], []
            tips = {first["id"]: first["id"], second["id"]: second["id"]}
            for r in range(rounds):
                # A follow-up on the branch shown: no switch.
                result = turn(question(10 + 2 * r))
                follow.append(result.stats.ttft_ms)
                follow_eval.append(result.stats.prompt_eval_tokens)
                shown = store.messages(cid)
                here = next(k for k in tips if any(m["id"] == k for m in shown))
                tips[here] = shown[-1]["id"]
                other = next(k for k in tips if k != here)
                store.select_branch(tips[other])
                result = turn(question(11 + 2 * r))
                switch.append(result.stats.ttft_ms)
                switch_eval.append(result.stats.prompt_eval_tokens)
                tips[other] = store.messages(cid)[-1]["id"]
        finally:
            engine.close()
    ratio = statistics.median(switch) / statistics.median(follow)
    note = (
        f"median {statistics.median(switch):.0f} ms after a switch vs {statistics.median(follow):.0f} ms; "
        f"prompt tokens processed {statistics.median(switch_eval):.0f} vs {statistics.median(follow_eval):.0f} "
        f"(the first switch to a branch: {switch_eval[0]}), {rounds} rounds"
    )
    return [
        Figure(
            ITEM, "time to first token after switching branches / a normal follow-up", ratio, "ratio", 1.5, note=note
        )
    ]


def importing(workdir: Path, *, quick: bool) -> list[Figure]:
    """The import as the app runs it (assistant/importers/job.py: a process of its own), while this
    process's main thread wakes every millisecond, as the window's event loop would: its longest
    wait is how long the window would have frozen."""
    import threading

    from assistant.importers.job import run_import
    from assistant.store import Store
    from benchmarks.big_export import write

    conversations, each = (1_000, 50) if quick else (10_000, 50)
    path = write(workdir / "conversations.json", conversations, each)
    size_mb = path.stat().st_size / 1e6
    db = workdir / "imported.db"
    Store(db).close()
    outcomes: list = []
    done = threading.Event()

    def work() -> None:
        try:
            outcomes.extend(run_import([str(path)], db))
        finally:
            done.set()

    started = time.perf_counter()
    threading.Thread(target=work, name="bench-import").start()
    longest, last = 0.0, time.perf_counter()
    while not done.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    seconds = time.perf_counter() - started
    [outcome] = outcomes
    summary = outcome.summary
    with Store(db) as store:
        started = time.perf_counter()
        hits = store.search("bothy 地图", limit=20)
        search_ms = (time.perf_counter() - started) * 1000
    path.unlink()
    note = (
        f"{len(summary.conversations):,} conversations, {summary.message_count:,} messages, {size_mb:.0f} MB of JSON; "
        f"a search right after: {search_ms:.0f} ms, {len(hits)} hits"
    )
    goal = 60.0 * conversations / 10_000
    return [
        Figure(ITEM, f"import a ChatGPT export of {conversations:,} conversations", seconds, "s", goal, note=note),
        Figure(ITEM, "longest wait of the app's main thread during that import", longest * 1000, "ms", 50.0),
    ]
