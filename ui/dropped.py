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
    return [p for p in paths if p.lower().endswith(IMPORTABLE) or Path(p).is_dir()]


def dropped_documents(event) -> list[str]:
    """The local files in a drag-enter or drop event that are documents to attach to the chat
    (conversation exports and models go elsewhere)."""
    from assistant.docs.readers import SUFFIXES

    paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
    return [p for p in paths if p.lower().endswith(tuple(SUFFIXES)) and not p.lower().endswith(IMPORTABLE)]
