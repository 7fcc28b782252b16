"""Figures, the machine they were measured on, the table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    """One measured figure. `value` is None when it was not measured; `note` then says why.

    `goal` is met when value <= goal (better="<=") or value >= goal (better=">="); a figure
    without a goal is shown for information.
    """

    item: str  # "1 engine", "2 memory reuse", ...
    name: str
    value: float | None
    unit: str  # "ratio", "ms", "s", "MB", "tok/s"
    goal: float | None = None
    better: str = "<="
    note: str = ""
    samples: list[float] = field(default_factory=list)
    error: bool = False  # the measurement failed with an exception (a bug), not a known limitation

    @property
    def status(self) -> str:
        if self.error:
            return "ERROR"
        if self.value is None:
            return "not measured"
        if self.goal is None:
            return "info"
        ok = self.value <= self.goal if self.better == "<=" else self.value >= self.goal
        return "met" if ok else "NOT MET"

    def to_dict(self) -> dict:
        return {**asdict(self), "status": self.status}


def not_measured(item: str, name: str, unit: str, reason: str, goal: float | None = None, better: str = "<=") -> Figure:
    return Figure(item, name, None, unit, goal, better, note=f"not measured: {reason}")


def median(values) -> float:
    return statistics.median(values)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value:.3f}"
    if unit in ("ms", "MB", "tok/s"):
        return f"{value:,.1f} {unit}"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:g} {unit}"


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(figures: list[Figure]) -> str:
    rows = [("item", "figure", "value", "goal", "status", "note")]
    for f in figures:
        goal = "" if f.goal is None else f"{f.better} {_fmt(f.goal, f.unit)}"
        rows.append((f.item, f.name, _fmt(f.value, f.unit), goal, f.status, f.note))
    widths = [max(_width(r[i]) for r in rows) for i in range(5)]
    lines = []
    for n, r in enumerate(rows):
        cells = [c + " " * (w - _width(c)) for c, w in zip(r[:5], widths, strict=True)]
        lines.append("  ".join(cells) + "  " + r[5])
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(line.rstrip() for line in lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return None


def machine(backend=None) -> dict:
    """The machine and build the figures come from. `backend` is the engine's BackendInfo."""
    try:
        from importlib.metadata import version

        llama_version = version("llama_cpp_python")
    except Exception:
        llama_version = None
    info = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(_ram_gb(), 1) if _ram_gb() else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "llama_cpp_python": llama_version,
        "backend": None,
        "gpu_offload": None,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    if backend is not None:
        info.update(backend=backend.backend, gpu_offload=backend.gpu_offload, system_info=backend.system_info)
    return info


def write_json(path: Path, figures: list[Figure], *, machine_info: dict, options: dict, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(seconds, 1),
        "machine": machine_info,
        "options": options,
        "figures": [f.to_dict() for f in figures],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
