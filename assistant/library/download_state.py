"""What a download is and says: its states, its snapshot for the GUI, its errors, its bookkeeping."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.errors import UserFacingError
from assistant.library.units import format_bytes, format_duration

PART_SUFFIX = ".part"
SIDECAR_SUFFIX = ".part.json"


class DownloadState(StrEnum):
    STARTING = "starting"
    DOWNLOADING = "downloading"
    PAUSED = "paused"
    VERIFYING = "verifying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATES = frozenset({DownloadState.STARTING, DownloadState.DOWNLOADING, DownloadState.VERIFYING})
_RESUMABLE = frozenset({DownloadState.PAUSED, DownloadState.FAILED})


class DownloadError(UserFacingError):
    """A download problem to show as it is. `resumable`: pressing Resume may help."""

    def __init__(self, message: str, *, hint: str | None = None, resumable: bool = False):
        super().__init__(message, hint=hint)
        self.resumable = resumable


@dataclass(frozen=True)
class DownloadStatus:
    """A snapshot of one download, safe to read from any thread."""

    id: str
    filename: str
    url: str
    state: DownloadState
    downloaded: int = 0
    total: int | None = None
    speed: float = 0.0  # bytes per second, over the last few seconds
    eta: float | None = None  # seconds left, when the speed and size are known
    error: str | None = None
    hint: str | None = None
    path: Path | None = None  # the finished file
    resumable: bool = False

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def fraction(self) -> float | None:
        if self.state == DownloadState.DONE:
            return 1.0
        return min(1.0, self.downloaded / self.total) if self.total else None

    def describe(self) -> str:
        """One line for people: '1.2 GB of 4.7 GB · 5.3 MB/s · about 11 min left'."""
        if self.state == DownloadState.DONE:
            return f"Done: {format_bytes(self.total or self.downloaded)}"
        if self.state in (DownloadState.FAILED, DownloadState.CANCELLED) and self.error:
            return self.error
        amount = format_bytes(self.downloaded) + (f" of {format_bytes(self.total)}" if self.total else "")
        if self.state == DownloadState.PAUSED:
            return f"Paused at {amount}"
        if self.state == DownloadState.VERIFYING:
            return "Checking the file…"
        if self.state == DownloadState.STARTING:
            return "Connecting…"
        parts = [amount]
        if self.speed > 0:
            parts.append(f"{format_bytes(self.speed)}/s")
        if self.eta is not None:
            parts.append(f"about {format_duration(self.eta)} left")
        return " · ".join(parts)


# -- internals ---------------------------------------------------------------------------------------


class _Paused(Exception):
    pass


class _Cancelled(Exception):
    pass


class _Retry(Exception):
    """A passing failure (connection lost, server busy): try again after a pause."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class _Restart(Exception):
    """The partial file cannot be continued; it was emptied and the download starts over."""


@dataclass
class _Job:
    id: str
    url: str
    filename: str
    final: Path
    expected_sha256: str | None  # from the catalog
    expected_size: int | None
    announced_sha256: str | None = None  # from the server (X-Linked-Etag)
    announced_size: int | None = None
    state: DownloadState = DownloadState.STARTING
    downloaded: int = 0
    total: int | None = None
    error: str | None = None
    hint: str | None = None
    resumable: bool = False
    path: Path | None = None
    thread: threading.Thread | None = None
    pause: threading.Event = field(default_factory=threading.Event)
    cancel: threading.Event = field(default_factory=threading.Event)
    hasher: Any = None  # hashlib.sha256() over the first `hashed` bytes of the partial file
    hashed: int = 0
    samples: deque = field(default_factory=lambda: deque(maxlen=64))
    last_emit: float = 0.0

    @property
    def part(self) -> Path:
        return self.final.with_name(self.final.name + PART_SUFFIX)

    @property
    def sidecar(self) -> Path:
        return self.final.with_name(self.final.name + SIDECAR_SUFFIX)
