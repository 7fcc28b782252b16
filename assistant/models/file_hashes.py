"""Checking model files by SHA-256, with the hashes cached so that an unchanged file is hashed once.

The cache is a JSON file under paths.cache_dir(), keyed by the file's resolved path and checked
against its size and modification time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from assistant import paths
from assistant.models.json_files import lock, read_json, write_json

VERIFY_CACHE_FILE = "model-verification.json"


def verify_file(path: str | os.PathLike[str], *, size: int, sha256: str) -> bool:
    """Whether the file has this size and SHA-256. False for a missing or unreadable file."""
    p = Path(path)
    try:
        if p.stat().st_size != size or not p.is_file():
            return False
        return file_sha256(p) == sha256.lower()
    except OSError:
        return False


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The file's SHA-256, hex. Raises OSError for a missing or unreadable file.

    The hash is cached under paths.cache_dir() keyed by path, size and modification time, so a file
    that has not changed is hashed once (a 10 GB model takes a while).
    """
    p = Path(path)
    actual = cached_sha256(p)
    if actual is not None:
        return actual
    st = p.stat()
    key = str(p.resolve())
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    actual = _sha256(p)
    with lock:
        cache = read_json(paths.cache_dir() / VERIFY_CACHE_FILE, dict)
        cache[key] = {**stamp, "sha256": actual}
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs a re-hash
            write_json(paths.cache_dir() / VERIFY_CACHE_FILE, cache)
    return actual


def cached_sha256(path: str | os.PathLike[str]) -> str | None:
    """The file's SHA-256 if it was computed before and the file has not changed since; never hashes."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return None
    with lock:
        entry = read_json(paths.cache_dir() / VERIFY_CACHE_FILE, dict).get(str(p.resolve()))
    if isinstance(entry, dict) and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
        actual = entry.get("sha256")
        return actual if isinstance(actual, str) else None
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
