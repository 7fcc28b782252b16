"""Item 7 (engine side): the engine's resident memory after model switches, against the first load.

Engine.load replaces the engine process, so switching models should give every byte back. The
switches alternate two load settings (different context sizes, so the KV cache really changes);
after each load one short reply runs, so the weights the model uses are paged in before measuring.
The GUI process's own memory is measured by the GUI item (gui.py), in the GUI process.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from benchmarks.report import Figure, not_measured


def rss_mb(pid: int | None = None) -> float | None:
    """Resident memory of a process in MB (Linux /proc), or None where that cannot be read."""
    try:
        text = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def _settle(engine) -> float | None:
    from assistant.engine import ChatRequest, GenerationSettings

    engine.chat(
        ChatRequest.of([{"role": "user", "content": "Say hello."}], GenerationSettings(max_tokens=8, seed=1))
    ).consume()
    return rss_mb(engine.pid)


def switches(model: Path, load, *, quick: bool) -> list[Figure]:
    from assistant.engine import LocalEngine, ModelRef

    count = 2 if quick else 10
    item = "7 memory"
    name = f"engine RSS after {count} switches / after first load"
    if rss_mb() is None:
        return [not_measured(item, name, "ratio", "no /proc on this system", 1.05)]
    a = replace(load, n_ctx=4096)
    b = replace(load, n_ctx=2048)
    client_before = rss_mb()
    engine = LocalEngine()
    ref = ModelRef.local(model)
    try:
        engine.load(ref, a)
        first = _settle(engine)
        for i in range(count):
            engine.load(ref, b if i % 2 == 0 else a)
            last = _settle(engine)
    finally:
        engine.close()
    client_growth = rss_mb() - client_before
    note = f"{first:.0f} MB -> {last:.0f} MB (n_ctx 4096, 2048, 4096, ...: an even count ends where it began)"
    return [
        Figure(item, name, last / first, "ratio", 1.05, note=note),
        Figure(item, "engine RSS after first load", first, "MB", note="starter model, n_ctx 4096, after one reply"),
        Figure(item, f"client RSS growth over {count} switches", client_growth, "MB", note="this (client) process"),
    ]
