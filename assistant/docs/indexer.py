"""Indexing files and folders into a document library, one file per transaction: a crash or a kill
loses nothing already indexed, and running again goes on where it stopped (unchanged files, by size
and modification time, are skipped). Every file ends with a state: indexed (N passages), unchanged,
failed (and why), or removed (it is gone from disk)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.docs import DEFAULT_LIBRARY
from assistant.docs.chunks import passages
from assistant.docs.readers import SUFFIXES, Unreadable, read_document


@dataclass
class FileResult:
    path: str
    state: str  # "indexed", "unchanged", "failed", "removed"
    passages: int = 0
    reason: str | None = None

    def to_dict(self) -> dict:
        return {"path": self.path, "state": self.state, "passages": self.passages, "reason": self.reason}


def files_under(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and the documents inside the folders named (hidden ones skipped), each once;
    a symbolic-link loop is followed once, not forever."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    for given in paths:
        given = Path(given).expanduser()
        if not given.is_dir():
            key = os.path.abspath(given)
            if key not in seen_files:
                seen_files.add(key)
                yield given
            continue
        for root, names in _walk(given, seen_dirs):
            for name in sorted(names):
                path = Path(root) / name
                if not name.startswith(".") and path.suffix.lower() in SUFFIXES:
                    key = os.path.abspath(path)
                    if key not in seen_files:
                        seen_files.add(key)
                        yield path


def _walk(folder: Path | str, seen: set[tuple[int, int]]) -> Iterator[tuple[str, list[str]]]:
    """(folder, its file names) for a folder and those below it that are not hidden, each folder
    once (`seen` holds device and inode numbers: a symbolic-link loop ends there), leaving out
    Bothy's own folders (a home folder added on macOS holds them, not hidden: its log would be
    indexed again at every line written)."""
    if not seen:  # Bothy's own folders (its database, logs, models) are never documents
        for own in _own_folders():
            seen.add(own)
    for root, dirs, names in os.walk(folder, followlinks=True):
        try:
            info = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield root, names


def index_file(store, library_id: int, path: Path) -> FileResult:
    key = str(Path(os.path.abspath(path)))
    try:
        info = path.stat()
    except OSError as exc:
        return FileResult(key, "failed", reason=f"could not be read ({exc.strerror or exc})")
    version = (info.st_size, info.st_mtime)
    if store.document_version(library_id, key) == version:
        return FileResult(key, "unchanged")
    try:
        pieces = passages(read_document(path))
        if not pieces:
            raise Unreadable("empty")
    except Unreadable as exc:
        store.put_document(library_id, key, size=info.st_size, mtime=info.st_mtime, reason=str(exc))
        return FileResult(key, "failed", reason=str(exc))
    store.put_document(library_id, key, size=info.st_size, mtime=info.st_mtime, passages=pieces)
    return FileResult(key, "indexed", passages=len(pieces))


def add(
    store,
    paths: Iterable[Path],
    library: str = DEFAULT_LIBRARY,
    *,
    progress: Callable[[FileResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    files: Iterable[Path] | None = None,
) -> list[FileResult]:
    """Index `paths` (files and folders) into `library` (made when new); the library remembers them,
    so that bringing it up to date finds new files in those folders. `files`: the files under
    `paths` when the caller has listed them already (files_under)."""
    paths = [Path(p).expanduser() for p in paths]
    library_id = store.library(library, create=True)["id"]
    store.add_roots(library_id, [os.path.abspath(p) for p in paths])
    return _index(store, library_id, files_under(paths) if files is None else files, progress, cancelled)


def _index(store, library_id, files, progress, cancelled) -> list[FileResult]:
    results = []
    for path in files:
        if cancelled is not None and cancelled():
            break
        result = index_file(store, library_id, path)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


def refresh(
    store,
    library: str = DEFAULT_LIBRARY,
    *,
    progress: Callable[[FileResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[FileResult]:
    """Bring a library up to date: changed files indexed again, deleted ones removed, and files new
    in its folders indexed (not those the person removed from it)."""
    library_id = store.library(library)["id"]
    results = []
    known = set()
    for document in store.documents(library_id):
        known.add(document["path"])
        path = Path(document["path"])
        if not path.exists():
            store.remove_document(library_id, document["path"])
            result = FileResult(document["path"], "removed")
        else:
            result = index_file(store, library_id, path)
        results.append(result)
        if progress is not None:
            progress(result)
    skipped = known | set(store.roots(library_id, excluded=True))
    folders = [Path(root) for root in store.roots(library_id) if os.path.isdir(root)]
    new = (path for path in files_under(folders) if os.path.abspath(path) not in skipped)
    return results + _index(store, library_id, new, progress, cancelled)


def watched_paths(store, limit: int = 4000) -> dict[str, set[str]]:
    """What to watch so that libraries stay current: path -> the libraries it concerns. The folders
    the person added and their sub-folders first (a file saved, deleted or renamed in one changes
    it), then the files they added one by one, then the files found in those folders (an edit in
    place changes only the file), `limit` paths in all: a library past that is still brought up to
    date before each answer from it."""
    folders: dict[str, set[str]] = {}
    added: dict[str, set[str]] = {}
    found: dict[str, set[str]] = {}
    for library in store.libraries():
        name = library["name"]
        roots = store.roots(library["id"])
        for root in roots:
            for folder in _folders_under(root, limit):
                folders.setdefault(folder, set()).add(name)
        given = set(roots)
        for document in store.documents(library["id"]):
            (added if document["path"] in given else found).setdefault(document["path"], set()).add(name)
    chosen = dict(list(folders.items())[:limit])
    for group in (added, found):
        for path, names in group.items():
            if len(chosen) >= limit:
                return chosen
            chosen.setdefault(path, set()).update(names)
    return chosen


def _own_folders() -> list[tuple[int, int]]:
    from assistant import paths

    found = []
    for folder in (paths.data_dir(), paths.config_dir(), paths.log_dir(), paths.cache_dir(), paths.models_dir()):
        try:
            info = os.stat(folder)
        except OSError:
            continue
        found.append((info.st_dev, info.st_ino))
    return found


def _folders_under(root: str, limit: int) -> list[str]:
    if not os.path.isdir(root):
        return []
    return [folder for folder, _ in itertools.islice(_walk(root, set()), limit)]
