"""Finding models: the models folder, files imported by reference, and the list the app shows.

The list starts with the bundled starter model (starter_model.py). Files in the models folder are
listed by scanning it. Files elsewhere that the user imported "in place" are kept in `imported.json`
in the models folder: a JSON list of absolute paths. Files are checked by SHA-256 in file_hashes.py.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant import paths
from assistant.errors import ModelError
from assistant.models.file_hashes import (  # part of this module's interface (assistant.models)
    cached_sha256,  # noqa: F401
    file_sha256,  # noqa: F401
    verify_file,  # noqa: F401
)
from assistant.models.gguf_info import ModelInfo, read_info
from assistant.models.json_files import lock, read_json, write_json
from assistant.models.starter_model import (  # all but two: part of this module's interface
    STARTER_DISPLAY_NAME,
    STARTER_FILENAME,  # noqa: F401
    STARTER_SHA256,  # noqa: F401
    STARTER_SIZE,  # noqa: F401
    starter_model_candidates,  # noqa: F401
    starter_model_path,
    verify_starter_model,  # noqa: F401
)

IMPORTED_FILE = "imported.json"

# The second and later parts of a split model (model-00002-of-00003.gguf) are loaded through the first.
_LATER_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)

Origin = Literal["starter", "folder", "imported"]


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
    data = read_json(_imported_path(), list)
    return [x for x in data if isinstance(x, str) and x]


def _write_imported(refs: list[str]) -> None:
    target = _imported_path()
    if target.exists() and not isinstance(read_json(target, lambda: None), list):
        # keep a damaged list for the user to look at rather than silently overwriting it
        with contextlib.suppress(OSError):
            os.replace(target, target.with_name(IMPORTED_FILE + ".damaged"))
    write_json(target, list(dict.fromkeys(refs)))


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
        with lock:
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
    with lock:
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
