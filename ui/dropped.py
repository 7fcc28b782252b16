"""What a drag and drop onto Bothy carries that it can use."""

from __future__ import annotations


def dropped_ggufs(event) -> list[str]:
    """The local .gguf files in a drag-enter or drop event."""
    return [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".gguf")]
