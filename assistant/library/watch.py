"""Noticing models dropped into (or removed from) the models folder while Bothy runs.

`FolderSnapshot.scan()` lists the folder's GGUF files with sizes and modification times; two
snapshots diff into a `FolderChange`. It is cheap (one directory listing and a stat per file), so the
GUI may call `FolderWatcher.poll()` on a timer, or when its QFileSystemWatcher says the folder changed.
Partial downloads (`.part`) are never listed, and a file still being written (modified within the
last `settle_seconds`) is held back until it stops growing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant import paths


@dataclass(frozen=True)
class FileStamp:
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FolderChange:
    """What changed between two looks at the folder (file paths, sorted)."""

    added: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()
    changed: tuple[Path, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _listed(name: str) -> bool:
    return name.lower().endswith(".gguf") and not name.startswith(".")


@dataclass(frozen=True)
class FolderSnapshot:
    """The GGUF files in a folder, by path, with size and modification time."""

    folder: Path
    files: dict[Path, FileStamp] = field(default_factory=dict)

    @classmethod
    def scan(cls, folder: str | os.PathLike[str] | None = None) -> FolderSnapshot:
        root = Path(folder) if folder is not None else paths.models_dir()
        files: dict[Path, FileStamp] = {}
        try:
            with os.scandir(root) as it:
                for entry in it:
                    if not _listed(entry.name):
                        continue
                    try:
                        if not entry.is_file():
                            continue
                        st = entry.stat()
                    except OSError:
                        continue
                    files[Path(entry.path)] = FileStamp(st.st_size, st.st_mtime_ns)
        except OSError:
            pass
        return cls(root, files)

    def diff(self, newer: FolderSnapshot) -> FolderChange:
        old, new = self.files, newer.files
        return FolderChange(
            added=tuple(sorted(p for p in new if p not in old)),
            removed=tuple(sorted(p for p in old if p not in new)),
            changed=tuple(sorted(p for p in new if p in old and new[p] != old[p])),
        )


class FolderWatcher:
    """Reports settled changes in the models folder since the last poll.

    A new or changed file is reported once it has not been modified for `settle_seconds` (a copy
    in progress keeps touching it). Removals are reported at once.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str] | None = None,
        *,
        settle_seconds: float = 2.0,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.folder = Path(folder) if folder is not None else paths.models_dir()
        self.settle_seconds = settle_seconds
        self._now = wall_clock
        self._reported = FolderSnapshot.scan(self.folder)  # what the caller has been told about
        self._baseline_settled()

    def _baseline_settled(self) -> None:
        """Files still being written when watching starts are not part of the baseline."""
        now = self._now()
        files = {p: s for p, s in self._reported.files.items() if self._settled(s, now)}
        self._reported = FolderSnapshot(self.folder, files)

    def _settled(self, stamp: FileStamp, now: float) -> bool:
        return now - stamp.mtime_ns / 1e9 >= self.settle_seconds

    @property
    def snapshot(self) -> FolderSnapshot:
        """The folder as last reported."""
        return self._reported

    def pending(self) -> list[Path]:
        """Files seen but still being written."""
        now = self._now()
        current = FolderSnapshot.scan(self.folder)
        return sorted(p for p, s in current.files.items() if not self._settled(s, now))

    def poll(self) -> FolderChange:
        """Scan the folder; return what changed (settled files only) since the last report."""
        now = self._now()
        current = FolderSnapshot.scan(self.folder)
        reported = dict(self._reported.files)
        added, removed, changed = [], [], []
        for p in list(reported):
            if p not in current.files:
                removed.append(p)
                del reported[p]
        for p, stamp in current.files.items():
            if not self._settled(stamp, now):
                continue
            if p not in reported:
                added.append(p)
            elif reported[p] != stamp:
                changed.append(p)
            reported[p] = stamp
        self._reported = FolderSnapshot(self.folder, reported)
        return FolderChange(tuple(sorted(added)), tuple(sorted(removed)), tuple(sorted(changed)))
