"""What a drag and drop onto Bothy carries that it can use."""

from __future__ import annotations


def dropped_ggufs(event) -> list[str]:
    """The local .gguf files in a drag-enter or drop event."""
    return [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".gguf")]


IMPORTABLE = (".json", ".zip", ".jsonl")


def dropped_imports(event) -> list[str]:
    """The local files and folders in a drag-enter or drop event that may hold conversations to
    import (JSON, zip, or a folder such as Jan's); assistant/importers says for sure."""
    from pathlib import Path

    paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
    return [p for p in paths if p.lower().endswith(IMPORTABLE) or (Path(p).is_dir() and holds_exports(Path(p)))]


def dropped_documents(event) -> list[str]:
    """The local files and folders in a drag-enter or drop event that are documents to attach to the
    chat (conversation exports and models go elsewhere)."""
    from pathlib import Path

    from assistant.docs.readers import SUFFIXES

    paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
    return [
        p
        for p in paths
        if (p.lower().endswith(tuple(SUFFIXES)) and not p.lower().endswith(IMPORTABLE))
        or (Path(p).is_dir() and not holds_exports(Path(p)))
    ]


def holds_exports(folder, *, look_at: int = 200) -> bool:
    """Whether a dropped folder holds conversations to import (Jan's data folder, an unpacked
    ChatGPT export, a folder of JSON exports such as LM Studio's) rather than documents: its first
    files are all JSON (or it is Jan's)."""
    import itertools

    from assistant.importers.jan import recognizes_folder

    if recognizes_folder(folder) or any(folder.glob("conversations*.json")):
        return True
    try:
        files = [p for p in itertools.islice(folder.rglob("*"), look_at * 4) if p.is_file()][:look_at]
    except OSError:
        return False
    return bool(files) and all(p.suffix.lower() in IMPORTABLE for p in files if not p.name.startswith("."))
