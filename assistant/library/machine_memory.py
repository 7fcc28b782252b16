"""This machine's RAM, total and available, read without psutil (Linux, macOS and Windows)."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class MemoryInfo:
    """The machine's RAM in bytes."""

    total: int
    available: int


def system_memory() -> MemoryInfo | None:
    """Total and available RAM, or None when it cannot be read. Never imports psutil."""
    try:
        if sys.platform.startswith("linux"):
            return _linux_memory()
        if sys.platform == "darwin":
            return _mac_memory()
        if sys.platform == "win32":
            return _windows_memory()
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return None


def _linux_memory(meminfo: str | os.PathLike[str] = "/proc/meminfo") -> MemoryInfo | None:
    values: dict[str, int] = {}
    with open(meminfo, encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            parts = rest.split()
            if parts and parts[0].isdigit():
                values[key] = int(parts[0]) * (1024 if parts[1:2] == ["kB"] else 1)
    total = values.get("MemTotal")
    if not total:
        return None
    available = values.get("MemAvailable")
    if available is None:  # kernels before 3.14
        available = values.get("MemFree", 0) + values.get("Cached", 0) + values.get("Buffers", 0)
    return MemoryInfo(total, available)


def _mac_memory() -> MemoryInfo | None:
    total = int(subprocess.run(["sysctl", "-n", "hw.memsize"], capture_output=True, text=True, timeout=5).stdout)
    out = subprocess.run(["vm_stat"], capture_output=True, text=True, timeout=5).stdout
    page = 4096
    pages: dict[str, int] = {}
    for line in out.splitlines():
        if "page size of" in line:
            page = int("".join(ch for ch in line.split("page size of")[1] if ch.isdigit()) or 4096)
        key, _, value = line.partition(":")
        value = value.strip().rstrip(".")
        if value.isdigit():
            pages[key.strip()] = int(value)
    free = sum(pages.get(k, 0) for k in ("Pages free", "Pages inactive", "Pages speculative", "Pages purgeable"))
    return MemoryInfo(total, min(total, free * page))


def _windows_memory() -> MemoryInfo | None:
    class MEMORYSTATUSEX(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MEMORYSTATUSEX()
    status.dwLength = ctypes.sizeof(MEMORYSTATUSEX)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        return None
    return MemoryInfo(int(status.ullTotalPhys), int(status.ullAvailPhys))
