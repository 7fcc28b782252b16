"""Item 6: start-up to an interactive window (from source, and frozen), and loading the model.

The time to the window runs from just before the process is started to the first turn of the Qt
event loop after the main window is shown, reported by the app itself: with BOTHY_EXIT_WHEN_SHOWN=1
it prints "BOTHY_SHOWN <unix time> <visible>" at that moment and quits (ui/app.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.report import Figure, median, not_measured

HOOK = "BOTHY_EXIT_WHEN_SHOWN"
ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict:
    env = dict(os.environ, BOTHY_HOME=str(home), **{HOOK: "1"})
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def time_to_window(cmd: list[str], home: Path, timeout: float = 60) -> tuple[float | None, str]:
    """Seconds from starting `cmd` to its BOTHY_SHOWN report, or (None, why not)."""
    started = time.time()
    try:
        done = subprocess.run(
            cmd, env=_env(home), cwd=ROOT, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return None, f"no window report within {timeout:.0f} s"
    for line in done.stdout.splitlines():
        if line.startswith("BOTHY_SHOWN "):
            parts = line.split()
            if len(parts) > 2 and parts[2] != "True":
                return None, "the window was not visible"
            return float(parts[1]) - started, ""
    if done.returncode == 0:
        return None, f"the app quit without a BOTHY_SHOWN report (it needs {HOOK} support)"
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    return None, f"no window (exit {done.returncode}: {tail[0][:160]})"


def gui_available() -> str:
    """'' when the desktop app is there (without importing Qt into this process), else why not."""
    import importlib.util

    for module in ("PySide6.QtWidgets", "ui.app", "ui.main_window"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            found = False
        if not found:
            return f"GUI not available (no {module})"
    return ""


def frozen_app() -> Path | None:
    dist = ROOT / "dist"
    for candidate in ("Bothy/Bothy", "bothy/bothy", "Bothy.app/Contents/MacOS/Bothy", "Bothy/Bothy.exe", "Bothy"):
        path = dist / candidate
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


def window(workdir: Path, *, quick: bool) -> list[Figure]:
    item = "6 start-up"
    runs = 2 if quick else 5
    figures = []
    why = gui_available()
    name = "launch to interactive window, from source"
    if why:
        figures.append(not_measured(item, name, "s", why, 1.0))
    else:
        cmd, how = [sys.executable, "-m", "assistant"], "python -m assistant"
        samples, reason = [], ""
        for _ in range(runs):
            value, reason = time_to_window(cmd, workdir / "startup-home")  # the first run creates it
            if value is None:
                break
            samples.append(value)
        if samples and not reason:
            note = f"{how}; {runs} runs, first {samples[0]:.2f} s, max {max(samples):.2f} s"
            figures.append(Figure(item, name, median(samples), "s", 1.0, note=note, samples=samples))
        else:
            figures.append(not_measured(item, name, "s", reason, 1.0))
    name = "launch to interactive window, frozen app"
    app = frozen_app()
    if app is None:
        figures.append(not_measured(item, name, "s", "not built (no app in dist/)", 1.0))
    else:
        samples = []
        for _ in range(runs):
            value, reason = time_to_window([str(app)], workdir / "frozen-home")
            if value is None:
                figures.append(not_measured(item, name, "s", reason, 1.0))
                break
            samples.append(value)
        else:
            figures.append(Figure(item, name, median(samples), "s", 1.0, note=str(app), samples=samples))
    return figures


def model_load(model: Path, load, *, quick: bool) -> list[Figure]:
    """Engine.load's wall time (a fresh engine process each time) and the engine's own load_seconds."""
    from assistant.engine import LocalEngine, ModelRef

    item = "6 start-up"
    wall, inside = [], []
    for _ in range(1 if quick else 3):
        engine = LocalEngine()
        try:
            started = time.perf_counter()
            loaded = engine.load(ModelRef.local(model), load)
            wall.append(time.perf_counter() - started)
            inside.append(loaded.load_seconds)
        finally:
            engine.close()
    note = f"{model.name}, fresh engine process each time"
    return [
        Figure(item, "model load, Engine.load wall time", median(wall), "s", 2.0, note=note, samples=wall),
        Figure(item, "model load, LoadedModel.load_seconds", median(inside), "s", 2.0, samples=inside),
    ]
