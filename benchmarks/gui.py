"""Item 4 (and the GUI parts of 5 and 7): the desktop app's smoothness, opening a long conversation
in the chat view, and the GUI process's memory.

Runs in a process of its own (`python -m benchmarks.gui ...`, started by `run()`), with Qt offscreen
when there is no display, using ui's real main window, EngineBridge and engine process:

- smoothness: a 1 ms heartbeat QTimer records every turn of the event loop while a reply streams at
  full speed into a conversation of 200 messages with code blocks; a stall is the gap between two
  beats. Figures: the longest gap and the 99th percentile, from the first text to the end of the turn.
- long replies: the same heartbeat while a 4,000-token and a 20,000-token Markdown reply (paragraphs,
  code blocks, tables) stream at 500 tokens a second from a scripted engine (tests/fakes.py): the
  GUI's cost per flush must not grow with the reply's length.
- indexing: the same heartbeat while the window indexes 1,000 pages of documents (Attach) in the
  background.
- opening: MainWindow.open_conversation() of the long conversation in the generated scale database
  (a second window on that database, sharing the engine), until the events it posted are handled.
- memory: this process's resident memory (the engine is a separate process: measured too).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.report import Figure, median, not_measured

CHAT_MESSAGES = 200
LONG_REPLIES = (4000, 20000)  # tokens
TOKEN_SECONDS = 0.002  # the scripted engine's pace: 500 tokens a second, a fast GPU's


def long_markdown(tokens: int) -> list[str]:
    """A reply of about `tokens` pieces of about 4 characters: paragraphs, code blocks and tables."""
    section = (
        "The keeper climbed the **ninety-nine** steps again and trimmed the wick, as `lamp.trim()` says.\n\n"
        "```python\ndef trim(lamp, amount=0.9):\n    return lamp.wick * amount\n```\n\n"
        "| night | oil (l) | ships |\n|---|---|---|\n| Monday | 3.5 | 4 |\n| Tuesday | 4.0 | 7 |\n\n"
        "- a list item with *emphasis*\n- another, longer list item that wraps on narrow windows\n\n"
    )
    text = ""
    while len(text) < tokens * 4:
        text += section
    text = text[: tokens * 4]
    return [text[i : i + 4] for i in range(0, len(text), 4)]


def emit_refcount_leak() -> float:
    """References to True lost per Signal.emit() (PySide6 6.12.0 on Python 3.11 loses one each time,
    and its QTimer.singleShot/start lose one to None: the process dies once a count reaches zero)."""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    before = sys.getrefcount(True)
    for _ in range(100):
        probe.ping.emit()
    return (before - sys.getrefcount(True)) / 100


def _pin_singletons() -> None:
    """Add 10^9 to the reference counts of None, True and False, so that PySide6 6.12's leaks cannot
    kill this process before it has measured anything (the app itself has no such protection).
    Done in place (no memory), so that the GUI process's RSS stays what it is."""
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 10**9


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the GUI process -----------------------------------------------------------------------------
def _fill_chat(store) -> int:
    """A conversation of CHAT_MESSAGES messages, the replies with markdown and code blocks."""
    import random

    from benchmarks.store_scale import CODE, EN

    rng = random.Random(4)
    cid = store.create_conversation(title="Two hundred messages")["id"]
    for i in range(CHAT_MESSAGES // 2):
        _, reply = store.begin_turn(cid, f"{rng.choice(EN)} ({i})")
        text = "\n\n".join(
            [" ".join(rng.choices(EN, k=3)), rng.choice(CODE), "- one\n- two", " ".join(rng.choices(EN, k=2))]
        )
        store.finish_reply(reply["id"], text, status="complete", stats={"reply_tokens": 80, "tokens_per_s": 40.0})
    return cid


def _log(message: str) -> None:
    print(f"[bench gui {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _wait(signal, timeout_s: float):
    from PySide6.QtCore import QEventLoop, QTimer

    loop, got = QEventLoop(), []

    def done(*args):
        got.append(args)
        loop.quit()

    signal.connect(done)  # never disconnected: PySide6 6.12's disconnect() has a refcount bug too
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    if not got:
        raise TimeoutError(f"no {signal} within {timeout_s:.0f} s")
    return got[0]


def _settle(app, ms: int = 50) -> None:
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()


class Heartbeat:
    """Every turn of the event loop, as seen by a 1 ms precise timer."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.beats: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))

    def gaps_ms(self, since: float = 0.0) -> list[float]:
        beats = [b for b in self.beats if b >= since]
        return [(b - a) * 1000 for a, b in zip(beats, beats[1:], strict=False)]


def _largest_gaps(beats: list[float], since: float, n: int = 5) -> list[tuple[float, float]]:
    """The n longest gaps as (seconds after `since` when the gap began, gap in ms)."""
    pairs = [(a - since, (b - a) * 1000) for a, b in zip(beats, beats[1:], strict=False) if a >= since]
    return sorted(pairs, key=lambda p: -p[1])[:n]


def _open_window(app, store, settings, engine, model: str, load):
    from assistant.engine import ModelRef
    from ui.app import create_window
    from ui.engine_bridge import EngineBridge

    bridge = EngineBridge(store=store, engine=engine, close_engine=False)
    if engine.loaded is not None:
        bridge.worker.current = (ModelRef.local(model), load)  # already loaded: the window does not load it again
    window = create_window(app, store=store, settings=settings, bridge=bridge)
    bridge.setParent(window)
    window.show()
    window.start()
    _wait(window.model_loaded, 120)
    _settle(app)
    return window


def measure(model: str, load, scale_db: str, big_id: int, *, quick: bool, max_tokens: int) -> dict:
    from assistant.engine import GenerationSettings, LocalEngine
    from assistant.settings import Settings
    from assistant.store import Store
    from benchmarks.engine import GEN, STORY
    from benchmarks.memory import rss_mb
    from ui.app import create_app

    app = create_app(["bothy-bench"])
    out: dict = {"emit_leak": emit_refcount_leak()}
    if out["emit_leak"]:
        _pin_singletons()
    settings = Settings(default_model=model, generation=GenerationSettings(max_tokens=max_tokens, seed=3, **GEN))
    settings.set_load_settings(model, load)
    engine = LocalEngine()
    try:
        store = Store()
        chat = _fill_chat(store)
        _log("window")
        window = _open_window(app, store, settings, engine, model, load)
        window.open_conversation(chat)
        # Past the app's start-up work: its first models-folder poll (2 s after start) imports
        # assistant.library on the GUI thread, a one-off stall that is not part of streaming.
        _settle(app, 2500)
        first_text: list[float] = []
        window.bridge.worker.text.connect(lambda *_: first_text or first_text.append(time.perf_counter()))
        _log("streaming")
        beat = Heartbeat()
        beat.timer.start()
        sent = time.perf_counter()
        window.send(STORY)
        (result,) = _wait(window.turn_done, 600)
        beat.timer.stop()
        if result.error:
            raise RuntimeError(f"the reply failed: {result.error}")
        streaming = beat.gaps_ms(first_text[0] if first_text else sent)
        whole = beat.gaps_ms(sent)
        out["smooth"] = {
            "max_ms": max(streaming),
            "p99_ms": _percentile(streaming, 0.99),
            "turn_max_ms": max(whole),
            "beats": len(streaming),
            "largest": _largest_gaps(beat.beats, first_text[0] if first_text else sent),
            "turn_largest": _largest_gaps(beat.beats, sent),
            "first_text_s": (first_text[0] - sent) if first_text else None,
            "tokens": result.stats.reply_tokens if result.stats else None,
            "tokens_per_s": result.stats.tokens_per_s if result.stats else None,
        }
        _settle(app, 200)
        out["gui_rss_mb"] = rss_mb()
        out["engine_rss_mb"] = rss_mb(engine.pid)
        window.close()
        store.close()

        _log("opening the long conversation")
        big_store = Store(scale_db)
        big_window = _open_window(app, big_store, settings, engine, model, load)
        samples = []
        for _ in range(2 if quick else 5):
            big_window.new_chat()
            _settle(app, 100)
            started = time.perf_counter()
            big_window.open_conversation(big_id)
            app.processEvents()  # layout, and the scroll to the end it posted
            app.processEvents()
            samples.append((time.perf_counter() - started) * 1000)
        _settle(app, 200)
        out["open_ms"] = samples
        out["widgets"] = len(big_window.chat.widgets)
        out["gui_rss_big_mb"] = rss_mb()
        big_window.close()
        big_store.close()

        # Last, so that the memory figures above are not measured after these long documents.
        out["long"] = {}
        for tokens in LONG_REPLIES:
            n = tokens // 10 if quick else tokens
            _log(f"a {n}-token reply")
            out["long"][str(tokens)] = _long_reply(app, settings, model, load, n)
        _log("indexing documents")
        out["indexing"] = _indexing(app, settings, model, load, 100 if quick else 1000)
    finally:
        engine.close()
    return out


def _indexing(app, settings, model: str, load, pages: int) -> dict:
    """The event loop's gaps while the window indexes `pages` documents (Attach) in the background."""
    import random
    import tempfile

    from assistant.store import Store
    from benchmarks.documents import Corpus
    from tests.fakes import FakeEngine

    corpus = Corpus(random.Random(3))
    engine = FakeEngine()
    store = Store()
    window = _open_window(app, store, settings, engine, model, load)
    with tempfile.TemporaryDirectory(prefix="bothy-bench-pages-") as folder:
        paths = []
        for i in range(pages):
            path = Path(folder) / f"page-{i:04d}.md"
            path.write_text(corpus.page(chinese=i % 3 == 2), encoding="utf-8")
            paths.append(str(path))
        try:
            window.new_chat()
            _settle(app, 300)
            beat = Heartbeat()
            beat.timer.start()
            started = time.perf_counter()
            window.attach_documents(paths)
            _wait(window.documents_indexer.finished, 600)
            beat.timer.stop()
            gaps = beat.gaps_ms(started)
            return {
                "max_ms": max(gaps),
                "p99_ms": _percentile(gaps, 0.99),
                "seconds": time.perf_counter() - started,
                "pages": pages,
            }
        finally:
            window.close()
            store.close()
            engine.close()


def _long_reply(app, settings, model: str, load, tokens: int) -> dict:
    """The event loop's gaps while a long Markdown reply streams into a new chat (scripted engine)."""
    from assistant.store import Store
    from tests.fakes import FakeEngine, Scripted

    engine = FakeEngine(n_ctx=65536, script=[Scripted(chunks=long_markdown(tokens), delay=TOKEN_SECONDS)])
    store = Store()
    window = _open_window(app, store, settings, engine, model, load)
    try:
        window.new_chat()
        _settle(app, 300)
        first_text: list[float] = []
        window.bridge.worker.text.connect(lambda *_: first_text or first_text.append(time.perf_counter()))
        beat = Heartbeat()
        beat.timer.start()
        sent = time.perf_counter()
        window.send("Write a very long manual.")
        (result,) = _wait(window.turn_done, 600)
        beat.timer.stop()
        if result.error:
            raise RuntimeError(f"the long reply failed: {result.error}")
        gaps = beat.gaps_ms(first_text[0] if first_text else sent)
        return {
            "max_ms": max(gaps),
            "p99_ms": _percentile(gaps, 0.99),
            "seconds": time.perf_counter() - sent,
            "tokens": tokens,
            "largest": _largest_gaps(beat.beats, first_text[0] if first_text else sent),
        }
    finally:
        window.close()
        store.close()
        engine.close()


def main(argv: list[str] | None = None) -> int:
    from assistant.engine import LoadSettings

    p = argparse.ArgumentParser(prog="python -m benchmarks.gui")
    p.add_argument("--model", required=True)
    p.add_argument("--load", required=True, help="LoadSettings as JSON")
    p.add_argument("--scale-db", required=True)
    p.add_argument("--big-id", type=int, required=True)
    p.add_argument("--max-tokens", type=int, default=400)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    load = LoadSettings.from_dict(json.loads(args.load))
    data = measure(args.model, load, args.scale_db, args.big_id, quick=args.quick, max_tokens=args.max_tokens)
    Path(args.out).write_text(json.dumps(data))
    sys.stdout.flush()
    os._exit(0)  # no teardown: Qt and PySide6 objects at exit are not what is measured


# -- the benchmark process's side ----------------------------------------------------------------
def run(model: Path, load, scale_db: Path, big_id: int, workdir: Path, *, quick: bool, why_not: str) -> list[Figure]:
    """Figures of items 4, 5 (the chat view) and 7 (GUI memory), from a GUI process."""
    names = [
        ("4 GUI", "longest event-loop stall while streaming", "ms", 50),
        ("4 GUI", "99th percentile event-loop gap while streaming", "ms", 16),
        ("4 GUI", "references to True lost per Signal.emit()", "refs", 0),
        *[
            ("4 GUI", f"{label} while a {tokens:,}-token Markdown reply streams", "ms", goal)
            for tokens in LONG_REPLIES
            for label, goal in (("longest stall", 50), ("99th percentile gap", 16))
        ],
        ("4 GUI", "longest stall while documents are indexed in the background", "ms", 50),
        ("5 store", "open the long conversation in the chat view", "ms", 300),
        ("7 memory", "GUI process RSS (200-message chat, after a reply)", "MB", 250),
        ("7 memory", "GUI process RSS (scale database, long conversation open)", "MB", 250),
    ]
    if why_not:
        return [not_measured(item, name, unit, why_not, goal) for item, name, unit, goal in names]
    out = workdir / "gui.json"
    # A short context: the reply streams after the newest turns of the 200 messages are processed,
    # which takes minutes for a full context on a slow CPU, and is not what this item measures.
    load = replace(load, n_ctx=512 if quick else 1024)
    cmd = [sys.executable, "-m", "benchmarks.gui", "--model", str(model), "--load", json.dumps(load.to_dict())]
    cmd += ["--scale-db", str(scale_db), "--big-id", str(big_id), "--out", str(out)]
    cmd += ["--max-tokens", "60" if quick else "400"] + (["--quick"] if quick else [])
    home = workdir / "gui-home"
    env = dict(os.environ, BOTHY_HOME=str(home))
    done = subprocess.run(cmd, env=env, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"the GUI benchmark process failed (exit {done.returncode}): {tail[0][:300]}")
    data = json.loads(out.read_text())
    s = data["smooth"]
    note = f"{s['tokens']} tokens at {s['tokens_per_s'] or 0:.1f} tok/s, n_ctx {load.n_ctx}, {s['beats']} beats"
    leak = data["emit_leak"]
    opened = f"MainWindow.open_conversation, {data['widgets']} widgets made; max {max(data['open_ms']):.0f} ms"
    values = [s["max_ms"], s["p99_ms"], leak]
    notes = [
        f"{note}; at {', '.join(f'{t:.1f} s' for t, _ in s['largest'][:3])}; whole turn: {s['turn_max_ms']:.1f} ms",
        note,
        "PySide6 refcount bug: the app crashes after a few thousand signals" if leak else "no leak",
    ]
    for tokens in LONG_REPLIES:
        long = data["long"][str(tokens)]
        how = f"{long['tokens']} tokens from a scripted engine at {1 / TOKEN_SECONDS:.0f}/s, {long['seconds']:.1f} s"
        values += [long["max_ms"], long["p99_ms"]]
        notes += [f"{how}; at {', '.join(f'{t:.1f} s' for t, _ in long['largest'][:3])}", how]
    indexing = data["indexing"]
    values += [indexing["max_ms"]]
    notes += [f"{indexing['pages']} pages (Attach) indexed in {indexing['seconds']:.1f} s; 99th percentile gap "
              f"{indexing['p99_ms']:.1f} ms"]  # fmt: skip
    values += [median(data["open_ms"]), data["gui_rss_mb"], data["gui_rss_big_mb"]]
    notes += [
        opened,
        f"engine process: {data['engine_rss_mb']:.0f} MB",
        "",
    ]
    return [
        Figure(item, name, value, unit, goal, note=n, samples=data["open_ms"] if item == "5 store" else [])
        for (item, name, unit, goal), value, n in zip(names, values, notes, strict=True)
    ]


if __name__ == "__main__":
    raise SystemExit(main())
