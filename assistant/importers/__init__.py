"""Conversations from other apps: ChatGPT's data export, Open WebUI, Jan, LM Studio and Chatbox.

`read_path(path)` reads one file (JSON, JSON Lines, or a zip) or one folder (Jan's data folder, or a
ChatGPT export unpacked) and returns an ImportResult: the conversations as trees (types.py), and
what was skipped and why. It raises ImportFormatError, one line naming the file and the reason, when
nothing in it can be imported. Bothy's own exports are not read here: the store reads those itself
(assistant/store/export.py), because they carry more than any other app's (stats, summaries, pins).

Each format is a module with the same three names:

    SOURCE = "chatgpt"                       # stored with each conversation: importing twice is a no-op
    def recognizes(data) -> bool             # is this parsed JSON in my format?
    def read(data) -> Iterator[ImportedConversation | Skipped]
                                             # raises BadShape when the whole file is wrong
"""

from __future__ import annotations

from assistant.importers.types import (
    BadShape,
    ImportedConversation,
    ImportedMessage,
    ImportFormatError,
    ImportResult,
    Skipped,
    iso_time,
)

__all__ = [
    "BadShape",
    "ImportFormatError",
    "ImportResult",
    "ImportedConversation",
    "ImportedMessage",
    "Skipped",
    "iso_time",
]
