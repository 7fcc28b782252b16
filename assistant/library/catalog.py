"""The curated list of downloadable models (models/catalog.json) and what Bothy learned about its files.

The shipped catalog is data, read and checked here; it is never rewritten. A file's size and SHA-256
are in the catalog only where a public source for them is cited. Otherwise they are learned from
Hugging Face when the file is downloaded and kept in `learned-files.json` under paths.cache_dir().
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import paths
from assistant.errors import UserFacingError
from assistant.models.gguf_info import FILE_TYPES

CATALOG_FILE = "catalog.json"
LEARNED_FILE = "learned-files.json"
HF_BASE = "https://huggingface.co"

# Quantization names a catalog file may carry: llama.cpp's file types (general.file_type names).
KNOWN_QUANTIZATIONS = frozenset(v for v in FILE_TYPES.values() if not v.endswith("_SOME_F16"))

_MODEL_KEYS = {"id", "name", "family", "parameters", "context_length", "license", "description", "arch", "files"}
_OPTIONAL_MODEL_KEYS = {"architecture", "modelscope", "kind", "description_zh"}
KINDS = ("chat", "embedding")
_FILE_KEYS = {"repo", "file", "url", "quantization", "size", "sha256", "source", "confirmed"}
_ARCH_KEYS = {"layers", "kv_heads", "head_dim"}
_TOP_KEYS = {"version", "about", "models"}
HF_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"  # one half of a Hugging Face repository id, owner/name
_REPO = re.compile(rf"^{HF_NAME}/{HF_NAME}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class CatalogError(UserFacingError):
    """The catalog file is missing or malformed."""


@dataclass(frozen=True)
class Arch:
    """The numbers that size the KV cache: layers, KV heads and per-head width."""

    layers: int
    kv_heads: int
    head_dim: int


@dataclass(frozen=True)
class CatalogFile:
    """One downloadable GGUF file of a catalog model."""

    repo: str
    file: str
    url: str
    quantization: str
    size: int | None = None
    sha256: str | None = None
    source: str | None = None
    confirmed: str = ""

    @property
    def known_size(self) -> int | None:
        """The catalog's size, else the size learned at an earlier download."""
        if self.size is not None:
            return self.size
        learned = learned_file(self.url)
        return learned.get("size") if learned else None


@dataclass(frozen=True)
class CatalogModel:
    """A curated model: what it is, what it is good at, and its downloadable files."""

    id: str
    name: str
    family: str
    parameters: int
    context_length: int
    license: str
    description: str
    arch: Arch | None
    files: tuple[CatalogFile, ...] = field(default=())
    kind: str = "chat"  # or "embedding": for the person's documents (Settings > Documents), not for chatting
    modelscope: str | None = None  # the same files on ModelScope, in this repository (confirmed, never guessed)
    architecture: str | None = None  # the GGUF general.architecture (e.g. "qwen2"); the llama.cpp build must know it
    description_zh: str | None = None  # the description in Simplified Chinese, for the window in Chinese

    def description_for(self, language: str) -> str:
        """The description in the window's language ('zh_CN' or other), English where none."""
        return self.description_zh if language.startswith("zh") and self.description_zh else self.description

    def matches(self, text: str) -> bool:
        """Whether a search string matches the name, family, licence, description or a quantization."""
        words = text.lower().split()
        hay = " ".join(
            [
                self.id,
                self.name,
                self.family,
                self.license,
                self.description,
                self.description_zh or "",
                *(f.quantization for f in self.files),
            ]
        ).lower()
        return all(w in hay for w in words)


def hf_url(repo: str, file: str, revision: str = "main", *, base_url: str = HF_BASE) -> str:
    """The download address of a file in a Hugging Face repository."""
    return f"{base_url.rstrip('/')}/{repo}/resolve/{revision}/{file}"


def catalog_candidates() -> list[Path]:
    """Where the shipped catalog may be, most specific first."""
    return [folder / CATALOG_FILE for folder in paths.shipped_dirs()]


def catalog_path() -> Path:
    for p in catalog_candidates():
        if p.is_file():
            return p
    return catalog_candidates()[-1]


def load_catalog(path: str | os.PathLike[str] | None = None) -> list[CatalogModel]:
    """Read and check the catalog. Raises CatalogError for a missing or malformed file."""
    p = Path(path) if path is not None else catalog_path()
    try:
        with open(p, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise CatalogError("The model catalog is missing.", hint=f"Looked for {p}.") from None
    except (OSError, ValueError) as e:
        raise CatalogError(f"The model catalog cannot be read: {e}.") from None
    return parse_catalog(data)


def parse_catalog(data: Any) -> list[CatalogModel]:
    """Check the catalog's structure strictly (unknown fields are errors) and build the objects."""

    def fail(where: str, why: str) -> CatalogError:
        return CatalogError(f"The model catalog is malformed: {where}: {why}.")

    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise fail("top level", "expected an object with a 'models' list")
    if extra := set(data) - _TOP_KEYS:
        raise fail("top level", f"unknown fields {sorted(extra)}")
    models: list[CatalogModel] = []
    seen: set[str] = set()
    for i, m in enumerate(data["models"]):
        where = f"model {i}"
        required = {k: v for k, v in m.items() if k not in _OPTIONAL_MODEL_KEYS} if isinstance(m, dict) else m
        _check_keys(required, _MODEL_KEYS, where, fail)
        modelscope = m.get("modelscope")
        if modelscope is not None and not (isinstance(modelscope, str) and _REPO.match(modelscope)):
            raise fail(f"model {m.get('id')!r}", "'modelscope' must be a ModelScope repository, OWNER/NAME")
        kind = m.get("kind", "chat")
        if kind not in KINDS:
            raise fail(f"model {m.get('id')!r}", f"'kind' must be one of {', '.join(KINDS)}")
        architecture = m.get("architecture")
        if architecture is not None and (not isinstance(architecture, str) or not architecture.strip()):
            raise fail(f"model {m.get('id')!r}", "'architecture' must be a GGUF architecture name, e.g. qwen2")
        where = f"model {m.get('id')!r}"
        if "description_zh" in m and (not isinstance(m["description_zh"], str) or not m["description_zh"].strip()):
            raise fail(where, "'description_zh' must be a non-empty string")
        for key in ("id", "name", "family", "license", "description"):
            if not isinstance(m[key], str) or not m[key].strip():
                raise fail(where, f"'{key}' must be a non-empty string")
        if m["id"] in seen:
            raise fail(where, "duplicate id")
        seen.add(m["id"])
        for key in ("parameters", "context_length"):
            if not _positive_int(m[key]):
                raise fail(where, f"'{key}' must be a positive integer")
        arch = None
        if m["arch"] is not None:
            a = m["arch"]
            if not isinstance(a, dict) or set(a) != _ARCH_KEYS or not all(_positive_int(a[k]) for k in _ARCH_KEYS):
                raise fail(where, f"'arch' must be null or an object with positive integers {sorted(_ARCH_KEYS)}")
            arch = Arch(a["layers"], a["kv_heads"], a["head_dim"])
        if not isinstance(m["files"], list) or not m["files"]:
            raise fail(where, "'files' must be a non-empty list")
        files = tuple(_parse_file(f, f"{where} file {j}", fail) for j, f in enumerate(m["files"]))
        models.append(
            CatalogModel(
                id=m["id"],
                name=m["name"],
                family=m["family"],
                parameters=m["parameters"],
                context_length=m["context_length"],
                license=m["license"],
                description=m["description"],
                arch=arch,
                files=files,
                architecture=architecture,
                modelscope=modelscope,
                kind=kind,
                description_zh=m.get("description_zh"),
            )
        )
    return models


def _check_keys(obj: Any, keys: set[str], where: str, fail) -> None:
    """An object with exactly these fields, none missing and none unknown."""
    if not isinstance(obj, dict):
        raise fail(where, "not an object")
    if missing := keys - set(obj):
        raise fail(where, f"missing {sorted(missing)}")
    if extra := set(obj) - keys:
        raise fail(where, f"unknown fields {sorted(extra)}")


def _parse_file(f: Any, where: str, fail) -> CatalogFile:
    _check_keys(f, _FILE_KEYS, where, fail)
    repo, name = f["repo"], f["file"]
    if not isinstance(repo, str) or not _REPO.match(repo):
        raise fail(where, f"bad repository {repo!r}")
    if not isinstance(name, str) or not name.lower().endswith(".gguf") or "/" in name or name.startswith("."):
        raise fail(where, f"bad file name {name!r}")
    if f["url"] != hf_url(repo, name):
        raise fail(where, f"url does not match the repository and file: {f['url']!r}")
    if f["quantization"] not in KNOWN_QUANTIZATIONS:
        raise fail(where, f"unknown quantization {f['quantization']!r}")
    size, sha, source = f["size"], f["sha256"], f["source"]
    if size is not None and not _positive_int(size):
        raise fail(where, "'size' must be null or a positive integer")
    if sha is not None and not (isinstance(sha, str) and _SHA256.match(sha)):
        raise fail(where, "'sha256' must be null or 64 lowercase hex digits")
    if (size is not None or sha is not None) and not (isinstance(source, str) and source.strip()):
        raise fail(where, "a size or sha256 needs a 'source' saying where it comes from")
    if source is not None and not isinstance(source, str):
        raise fail(where, "'source' must be null or a string")
    if not isinstance(f["confirmed"], str) or not f["confirmed"].strip():
        raise fail(where, "'confirmed' must say how the repository and file were confirmed")
    return CatalogFile(repo, name, f["url"], f["quantization"], size, sha, source, f["confirmed"])


def _positive_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


# -- what downloads taught us ------------------------------------------------------------------------

_learned_lock = threading.Lock()


def _learned_path() -> Path:
    return paths.cache_dir() / LEARNED_FILE


def _read_learned() -> dict[str, dict]:
    try:
        with open(_learned_path(), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def learned_file(url: str) -> dict | None:
    """What an earlier download learned about this URL: {"size": int, "sha256": str | None}, or None."""
    with _learned_lock:
        entry = _read_learned().get(url)
    return entry if isinstance(entry, dict) else None


def record_learned(url: str, *, size: int | None, sha256: str | None) -> None:
    """Remember a file's size and hash (from the server, checked against the bytes). Best effort."""
    with _learned_lock:
        data = _read_learned()
        entry = dict(data.get(url) or {})
        if size is not None:
            entry["size"] = size
        if sha256 is not None:
            entry["sha256"] = sha256
        data[url] = entry
        tmp = _learned_path().with_name(LEARNED_FILE + ".tmp")
        with contextlib.suppress(OSError):
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2)
            os.replace(tmp, _learned_path())
