"""Reading a file or folder that holds conversations: what shape it is, and what is in it.

`read_path(path)` opens one JSON file, zip or folder, finds out whose export it is (Bothy's own, or
one of the apps in FORMATS), and returns an ImportResult: the conversations, and what was skipped
and why. Anything wrong with the file as a whole is an ImportFormatError, one line naming the file
and the reason: it cannot be read, it is empty, not text, not JSON, cut off, a damaged zip, a zip
or folder without conversations, or a shape Bothy does not know. Nothing here writes anything.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.errors import StoreError
from assistant.importers import chatbox, chatgpt, jan, lm_studio, open_webui
from assistant.importers.types import (
    BadShape,
    ImportedConversation,
    ImportFormatError,
    ImportResult,
    SkipConversation,
    Skipped,
    arranged,
)
from assistant.store import export

log = logging.getLogger("bothy.import")

FORMATS = (chatgpt, open_webui, jan, lm_studio, chatbox)
APPS = "Bothy, ChatGPT, Open WebUI, Jan, LM Studio and Chatbox"
_CHATGPT_PART = re.compile(r"(^|/)conversations(-\d+)?\.json$")


def read_path(path: Path | str) -> ImportResult:
    """What `path` holds. Raises ImportFormatError when nothing in it can be imported."""
    path = Path(path)
    name = path.name or str(path)
    if path.is_dir():
        return _read_folder(path, name)
    try:
        with path.open("rb") as fp:
            head = fp.read(4)
    except OSError as exc:
        raise ImportFormatError(name, f"the file cannot be read ({exc.strerror or exc})") from None
    if head.startswith(b"PK"):
        return _read_zip(path, name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(name, f"the file cannot be read ({exc.strerror or exc})") from None
    return read_data(parse_json(raw, name), name)


def parse_json(raw: bytes, name: str) -> Any:
    """The JSON in `raw`, or an ImportFormatError saying plainly why not."""
    if not raw.strip():
        raise ImportFormatError(name, "the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError(name, "it is not a text file (it holds binary data, not JSON)") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFormatError(name, "it is nested too deeply to be a chat export") from None
    except ValueError as exc:
        position = getattr(exc, "pos", None)
        if position is not None and position >= len(text.rstrip()):
            raise ImportFormatError(name, "the file is cut off (it ends in the middle of the JSON)") from None
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise ImportFormatError(name, f"it is not JSON{where}") from None


def read_data(data: Any, name: str) -> ImportResult:
    """What parsed JSON holds: Bothy's own export, or one of FORMATS'."""
    if _is_bothy(data):
        try:
            native = export.parse_many(data)
        except StoreError as exc:
            raise ImportFormatError(name, str(exc).removeprefix("Bothy cannot import this file: ")) from None
        return ImportResult(name, "bothy", native=native)
    for module in FORMATS:
        if _recognizes(module, data):
            return _collect(name, module.SOURCE, lambda m=module: m.read(data))
    raise ImportFormatError(name, f"Bothy does not know this file's shape (it reads exports of {APPS})")


def _is_bothy(data: Any) -> bool:
    formats = (export.FORMAT, export.BUNDLE_FORMAT)
    if isinstance(data, dict):
        return data.get("format") in formats
    return (
        bool(data) and isinstance(data, list) and all(isinstance(d, dict) and d.get("format") in formats for d in data)
    )


def _recognizes(module, data: Any) -> bool:
    try:
        return bool(module.recognizes(data))
    except Exception:  # an importer's shape check must not break reading: it just does not match
        log.exception("%s.recognizes failed", module.SOURCE)
        return False


def _collect(name: str, source: str, read) -> ImportResult:
    """Run an importer, check every conversation's tree, and say what came of it."""
    result = ImportResult(name, source)
    try:
        for item in read():
            if isinstance(item, Skipped):
                result.skipped.append(item)
            elif isinstance(item, ImportedConversation):
                checked = _checked(item)
                (result.skipped if isinstance(checked, Skipped) else result.conversations).append(checked)
    except BadShape as exc:
        raise ImportFormatError(name, str(exc) or "its contents are not what Bothy expected") from None
    except (RecursionError, MemoryError):
        raise ImportFormatError(name, "it is too large or too deeply nested to read") from None
    except Exception:  # an importer's bug must not be a traceback for the person: say it plainly
        log.exception("importing %s as %s failed", name, source)
        raise ImportFormatError(name, "its contents could not be read (see the log for details)") from None
    if not result.conversations and not result.skipped:
        raise ImportFormatError(name, "it holds no conversations")
    return result


def _checked(conversation: ImportedConversation) -> ImportedConversation | Skipped:
    """The conversation with its messages as a tree, whatever the importer did; or why not."""
    try:
        conversation.messages = arranged(conversation.messages)
    except SkipConversation as problem:
        return Skipped(conversation.title or conversation.key, str(problem))
    return conversation


def _read_zip(path: Path, name: str) -> ImportResult:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".json")]
            chatgpt_parts = sorted((i for i in members if _CHATGPT_PART.search(i.filename)), key=lambda i: i.filename)
            if chatgpt_parts:
                data = []
                for info in chatgpt_parts:
                    part = parse_json(archive.read(info), f"{name}: {info.filename}")
                    if not isinstance(part, list):
                        raise ImportFormatError(name, f"{info.filename} is not a list of conversations")
                    data.extend(part)
                return read_data(data, name)
            results = [_member(archive, info, name) for info in members]
    except zipfile.BadZipFile:
        raise ImportFormatError(name, "it is a damaged zip file") from None
    except OSError as exc:
        raise ImportFormatError(name, f"the file cannot be read ({exc.strerror or exc})") from None
    found = [r for r in results if r is not None]
    if not found:
        raise ImportFormatError(name, "the zip holds no conversations Bothy can read")
    return _merge(name, found)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> ImportResult | None:
    try:
        return read_data(parse_json(archive.read(info), info.filename), name)
    except ImportFormatError:
        return None  # other JSON in the archive (settings, a manifest): not conversations


def _read_folder(path: Path, name: str) -> ImportResult:
    if _recognizes_folder(path):
        return _collect(name, jan.SOURCE, lambda: jan.read_folder(path))
    parts = sorted(p for p in path.glob("conversations*.json") if _CHATGPT_PART.search(p.name))
    if not parts:
        return _read_files_in(path, name)
    data: list = []
    for part in parts:
        try:
            loaded = parse_json(part.read_bytes(), part.name)
        except OSError as exc:
            raise ImportFormatError(part.name, f"the file cannot be read ({exc.strerror or exc})") from None
        if not isinstance(loaded, list):
            raise ImportFormatError(part.name, "it is not a list of conversations")
        data.extend(loaded)
    return read_data(data, name)


def _read_files_in(path: Path, name: str) -> ImportResult:
    """A folder of exports, such as LM Studio's conversations folder (one file per chat, in
    subfolders too): every JSON file in it that holds conversations; the others are passed over."""
    found = []
    for file in sorted(path.rglob("*.json")):
        try:
            found.append(read_path(file))
        except ImportFormatError:
            continue
    if not found:
        raise ImportFormatError(
            name,
            "this folder holds no conversations Bothy can read (Jan's data folder, LM Studio's conversations "
            "folder, or an unpacked ChatGPT export)",
        )
    return _merge(name, found)


def _recognizes_folder(path: Path) -> bool:
    try:
        return bool(jan.recognizes_folder(path))
    except Exception:
        log.exception("jan.recognizes_folder failed")
        return False


def _merge(name: str, results: Iterable[ImportResult]) -> ImportResult:
    results = list(results)
    sources = sorted({r.source for r in results}, key=[r.source for r in results].index)
    merged = ImportResult(name, ", ".join(sources))  # a folder may hold several apps' exports
    for result in results:
        merged.conversations += result.conversations
        merged.skipped += result.skipped
        merged.native += result.native
    return merged
