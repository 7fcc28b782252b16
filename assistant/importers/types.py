"""What every importer produces: conversations from another app as trees of messages, in a shape
that does not depend on the app, plus what had to be skipped and why.

An importer reads the other app's data (already parsed JSON) and yields `ImportedConversation`s
and `Skipped`s. The store then writes them (assistant/store/transfer.py), keyed on
(`source`, `key`), so importing the same file twice adds nothing.

A problem with the whole file (not JSON, an unknown shape, a zip without conversations) is an
`ImportFormatError`: one line that names the file and the reason. A problem with one conversation
(a cycle, a message whose parent is missing, a field of the wrong type) is a `Skipped` naming the
conversation by its title, and the rest of the file comes in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assistant.errors import StoreError

ROLES = ("system", "user", "assistant")


class ImportFormatError(StoreError):
    """The whole file cannot be imported. The message names the file and says why, in one line."""

    def __init__(self, file_name: str, reason: str):
        super().__init__(f"{file_name}: {reason}")
        self.file_name = file_name
        self.reason = reason


class BadShape(Exception):
    """Raised by an importer when the whole file is not what it expected; the reason, in a few words,
    is the exception's text. read_path() turns it into an ImportFormatError naming the file."""


class SkipConversation(Exception):
    """Raised inside an importer for one damaged conversation; the importer turns it into a Skipped."""


@dataclass
class ImportedMessage:
    key: str  # the source's id for the message, unique within its conversation
    parent: str | None  # the key of the message it answers or follows; None for a root
    role: str  # "system" | "user" | "assistant"
    content: str
    created: str | None = None  # ISO-8601 UTC in Bothy's shape (iso_time()), or None
    model: str | None = None  # the model that wrote an assistant message, as the source names it
    thinking: str | None = None  # a reasoning model's thoughts, kept apart from the answer
    status: str = "complete"  # or "cancelled", "error", "interrupted"
    error: str | None = None


@dataclass
class ImportedConversation:
    source: str  # which app: "chatgpt", "open-webui", "jan", "lm-studio", "chatbox", "bothy"
    key: str  # the source's id for the conversation (importing twice is keyed on source + key)
    title: str | None
    messages: list[ImportedMessage]  # every message of the tree, each parent before its children
    active_leaf: str | None = None  # the key of the message the person last saw; None: the newest leaf
    created: str | None = None
    updated: str | None = None
    system_prompt: str | None = None
    model: str | None = None


@dataclass
class Skipped:
    title: str  # the conversation's title (or its id when it has none), as the person knows it
    reason: str  # why, in a few words a person understands


@dataclass
class ImportResult:
    """What one file gave: its conversations and what was skipped."""

    file_name: str
    source: str
    conversations: list[ImportedConversation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    native: list = field(default_factory=list)  # Bothy's own export: assistant.store.export.Parsed items


def iso_time(value: object) -> str | None:
    """A timestamp from another app in Bothy's shape (2024-05-01T09:30:00.123456Z), or None.

    Accepts epoch seconds (ChatGPT: 1714555800.123), epoch milliseconds (values above 10^11, as
    Open WebUI, Jan, LM Studio and Chatbox write), and ISO-8601 strings (a missing zone means UTC).
    Anything else, including NaN and dates out of range, gives None rather than an error: a bad time
    is not a reason to lose a message.
    """
    try:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int | float):
            if not math.isfinite(value) or value <= 0:
                return None
            seconds = value / 1000 if value > 1e11 else value
            moment = datetime.fromtimestamp(seconds, UTC)
        elif isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if text.endswith("Z"):
                text = text[:-1] + "+00:00"
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
        else:
            return None
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError, OSError):
        return None


def tree_problem(messages: Iterable[ImportedMessage]) -> str | None:
    """Why these messages are not a tree (a repeated key, a parent that is missing, a cycle, a role
    Bothy does not know), or None when they are one and each parent comes before its children."""
    seen: set[str] = set()
    for message in messages:
        if message.role not in ROLES:
            return f"a message has the unknown role {message.role!r}"
        if message.key in seen:
            return f"the message id {message.key!r} appears twice"
        if message.parent is not None and message.parent not in seen:
            return f"the message {message.key!r} answers a message that is missing or comes after it"
        seen.add(message.key)
    return None


def ordered(messages: Iterable[ImportedMessage]) -> list[ImportedMessage]:
    """The messages reordered so that each parent comes before its children (siblings keep their
    order). Messages in a cycle, or below a missing parent, are left out: arranged() says which."""
    items = list(messages)
    children: dict[str | None, list[ImportedMessage]] = {}
    keys = {message.key for message in items}
    for message in items:
        parent = message.parent if message.parent in keys else None if message.parent is None else message.parent
        children.setdefault(parent, []).append(message)
    result: list[ImportedMessage] = []
    stack = list(reversed(children.get(None, [])))
    placed: set[str] = set()
    while stack:
        message = stack.pop()
        if message.key in placed:
            continue
        placed.add(message.key)
        result.append(message)
        stack.extend(reversed(children.get(message.key, [])))
    return result


def arranged(messages: Iterable[ImportedMessage]) -> list[ImportedMessage]:
    """The messages as a tree, each parent before its children (ordered()). Raises SkipConversation
    saying why they are not one: no messages, a repeated id, a message whose parent is missing, a
    cycle, or a role Bothy does not know. Every importer and the reader check with this one."""
    items = list(messages)
    if not items:
        raise SkipConversation("it has no messages")
    placed = ordered(items)
    keys = {message.key for message in items}
    if len(placed) == len(items):
        problem = tree_problem(placed)  # only an unknown role is left to find
    elif len(keys) != len(items):
        problem = tree_problem(items)  # names the repeated id (or a problem before it)
    elif any(message.parent is not None and message.parent not in keys for message in items):
        problem = "a message answers a message that is missing"
    else:
        problem = "its messages form a cycle"
    if problem is not None:
        raise SkipConversation(problem)
    return placed
