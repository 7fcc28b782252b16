"""Sizes and durations written for people."""

from __future__ import annotations


def format_bytes(n: float | None) -> str:
    """1.2 GB, 350.0 MB, 12.0 KB, 512 B (decimal units, as disks and downloads count)."""
    if n is None:
        return "?"
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


def format_duration(seconds: float) -> str:
    """45 s, 12 min, 2 h 5 min."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{round(s / 60)} min"
    return f"{s // 3600} h {round((s % 3600) / 60)} min"
