"""The small JSON files kept about models (the imported list, the hash cache): read, written, locked.

A file that is missing, unreadable or of the wrong shape reads as the default; writes go through a
temporary file and os.replace, so a reader never sees half a file. `lock` is held around each
read-modify-write of any of them.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

lock = threading.RLock()


def read_json(path: Path, default_factory):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return default_factory()
    expected = type(default_factory())
    return data if expected is type(None) or isinstance(data, expected) else default_factory()


def write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
