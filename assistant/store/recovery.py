"""Opening the store the way the apps do: a damaged database is moved aside, never a dead end.

A database written by a newer Bothy is refused and left untouched (StoreError), because the newer
Bothy can still read it. A damaged one can't be used by anyone, so it is renamed (with its -wal and
-shm files) and a new, empty database takes its place; the person is told where the old one is.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from assistant import paths
from assistant.store.errors import DamagedDatabaseError
from assistant.store.store import Store

log = logging.getLogger("bothy.store")


def open_store(path: Path | None = None) -> tuple[Store, str | None]:
    """The store, and a notice for people when the old database had to be moved aside."""
    path = Path(path) if path is not None else paths.db_path()
    try:
        return Store(path), None
    except DamagedDatabaseError as exc:
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        log.error("moving damaged database %s aside to %s: %s", path, aside, exc.message)
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{path}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{aside}{suffix}"))
        notice = (
            f"Your conversation database was damaged, so Bothy started a new, empty one. "
            f"The old file was kept at {aside}."
        )
        return Store(path), notice
