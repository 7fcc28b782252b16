"""Conversations as JSON (export, import, undo) and as Markdown (export).

One conversation, format "bothy.conversation", version 2::

    {
      "format": "bothy.conversation",
      "version": 2,
      "exported": "2024-05-01T09:30:00.123456Z",
      "conversation": {"id", "title", "created", "updated", "pinned", "model", "system_prompt", "settings"},
      "messages": [{"id", "role", "content", "status", "error", "created", "engine", "model_ref",
                    "model_file", "model_size", "model_sha256", "sampling", "prompt_tokens",
                    "reply_tokens", "ttft_ms", "tokens_per_s", "finish_reason", "pinned",
                    "thinking", "thinking_ms", "parent", "active"}, ...],  # the whole tree
      "memory": {"notes": [...], "marks": [...]}   # summaries and memory notes: see memory_export.py
    }

Version 2 holds the conversation's whole tree (tree.py): every branch, each message after its
parent. A message's "parent" is the position (from 0) of its parent in "messages", null for a first
message; "active" is true on the active path, the branch the person last saw. Version 1 files (no
"parent") are read as one path, in their order.

("engine", "model_ref", "pinned", "memory", "thinking" and "thinking_ms" came later within version 1:
older exports lack them, and older Bothy versions ignore them, as every reader ignores keys it does
not know. "thinking" is what a reasoning model wrote before its answer, null for other replies.)

Many conversations ("Export all"), format "bothy.conversations", version 1::

    {"format": "bothy.conversations", "version": 1, "exported": "…", "conversations": [<one conversation>, ...]}

Before bundles, "Export all" wrote a bare JSON list of conversation exports; parse_many() reads all
three shapes.

It holds only JSON types (str, int, float, bool, null, objects), so json.dumps() writes it as is.
Reading it back (`parse`) is lenient about what may be missing (only a message's role and content
are required) and ignores keys it does not know, but strict about types and allowed values.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from assistant.errors import StoreError
from assistant.store import memory_export
from assistant.store.export_fields import Invalid, boolean, choice, integer, json_object, number, text, time
from assistant.store.records import (
    FINISH_REASONS,
    MESSAGE_COLUMNS,
    ROLES,
    STATUSES,
    clean_text,
    now,
)

FORMAT = "bothy.conversation"
VERSION = 2
BUNDLE_FORMAT = "bothy.conversations"
BUNDLE_VERSION = 1

# A message's fields in the export: all its columns but where it sits (the file says which conversation
# it belongs to, and the list's order is its place).
_MESSAGE_EXPORT_KEYS = tuple(c for c in MESSAGE_COLUMNS if c not in ("conversation_id", "seq", "parent_id"))


def to_json(
    conversation: Mapping[str, Any],
    messages: Sequence[Mapping[str, Any]],
    *,
    marks: Sequence[Mapping[str, Any]] = (),
    notes: Sequence[Mapping[str, Any]] = (),
    active: Collection[int] | None = None,
) -> dict[str, Any]:
    """The export dict for a conversation, its messages (the whole tree, each after its parent; a
    message's parent_id, when it has one, must be among them), and its memory (summaries and
    notes). `active`: the ids of the active path (None: every message is on it)."""
    position = {message["id"]: index for index, message in enumerate(messages)}
    exported = []
    for message in messages:
        record = {key: message[key] for key in _MESSAGE_EXPORT_KEYS}
        record["parent"] = position.get(message.get("parent_id"))
        record["active"] = active is None or message["id"] in active
        exported.append(record)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported": now(),
        "conversation": dict(conversation),
        "messages": exported,
    }
    if marks or notes:
        data["memory"] = memory_export.to_json(marks, notes, messages)
    return data


def bundle(conversations: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The export of many conversations: a bundle holding their export dicts (as to_json makes them)."""
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "exported": now(),
        "conversations": [dict(conversation) for conversation in conversations],
    }


def write_bundle(fp: TextIO, conversations: Iterable[Mapping[str, Any]]) -> int:
    """Write a bundle as JSON text to `fp` one conversation at a time (one per line), so that a big
    history is never all in memory. json.load() of the result equals bundle(). Returns how many."""
    head = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "exported": now()}
    fp.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "conversations": [')
    count = 0
    for conversation in conversations:
        fp.write(",\n" if count else "\n")
        fp.write(json.dumps(conversation, ensure_ascii=False))
        count += 1
    fp.write("\n]}\n")
    return count


_ROLE_HEADINGS = {"system": "System", "user": "You", "assistant": "Assistant"}
_STATUS_NOTES = {
    "streaming": "_(This reply was still being written when the conversation was exported.)_",
    "cancelled": "_(The reply was stopped before it finished.)_",
    "interrupted": "_(Bothy closed before this reply finished.)_",
    "error": "_(The reply failed.)_",
}


def to_markdown(
    conversation: Mapping[str, Any],
    messages: Sequence[Mapping[str, Any]],
    *,
    marks: Sequence[Mapping[str, Any]] = (),
    notes: Sequence[Mapping[str, Any]] = (),
) -> str:
    """A readable Markdown document: title, details, memory notes, then each message under a heading,
    with the summaries of earlier messages where they apply (after the last message each covers)."""
    title = " ".join((conversation.get("title") or "").split()) or "Untitled conversation"
    lines = [f"# {title}", ""]
    details = [f"Started {conversation['created']}"]
    if conversation.get("model"):
        details.append(f"model {conversation['model']}")
    lines += ["_" + " · ".join(details) + "_", ""]
    if conversation.get("system_prompt"):
        lines += ["## System prompt", "", conversation["system_prompt"], ""]
    if notes:
        lines += ["## Memory notes", "", *(f"- {' '.join(n['content'].split())}" for n in notes), ""]
    after = {}
    for mark in marks:
        after.setdefault(mark["last_message_id"], []).append(mark)
    for message in messages:
        heading = _ROLE_HEADINGS.get(message["role"], message["role"].title())
        if message["role"] == "assistant" and message.get("model_file"):
            heading += f" ({message['model_file']})"
        lines += [f"## {heading}", ""]
        if message.get("thinking"):
            lines += [*_thinking_markdown(message["thinking"], message.get("thinking_ms")), ""]
        lines += [message["content"], ""]
        status = message.get("status")
        if status == "error" and message.get("error"):
            lines += [f"_(The reply failed: {' '.join(message['error'].split())})_", ""]
        elif status in _STATUS_NOTES:
            lines += [_STATUS_NOTES[status], ""]
        for mark in after.get(message.get("id"), ()):
            lines += [*memory_export.to_markdown(mark), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _thinking_markdown(thinking: str, thinking_ms: float | None) -> list[str]:
    """A reasoning model's thinking, collapsed: a <details> block (GitHub, GitLab, VS Code and most
    viewers fold it; the others show it under its summary). Blank lines around the text keep it Markdown."""
    summary = "Thought for " + _seconds(thinking_ms) if thinking_ms is not None else "Thinking"
    body = thinking.strip().replace("</details>", "&lt;/details&gt;")
    return ["<details>", f"<summary>{summary}</summary>", "", body, "", "</details>"]


def _seconds(ms: float) -> str:
    seconds = ms / 1000
    return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"


# ---------------------------------------------------------------------------------------------
# Reading an export back
# ---------------------------------------------------------------------------------------------


@dataclass
class Parsed:
    """A validated export, as column values ready to insert (JSON columns already encoded)."""

    conversation: dict[str, Any]
    messages: list[dict[str, Any]]
    marks: list[dict[str, Any]] = field(default_factory=list)  # "first"/"last": positions in messages
    notes: list[dict[str, Any]] = field(default_factory=list)
    parents: list[int | None] = field(default_factory=list)  # each message's parent, as a position
    active_leaf: int | None = None  # the position of the active path's last message


def _bad(data_name: str, reason: str) -> StoreError:
    return StoreError(
        f"Bothy cannot import this {data_name}: {reason}.",
        hint="Choose a file that Bothy exported (a .json conversation export).",
    )


def _conversation(record: Any) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise Invalid("'conversation' must be an object")
    created = time(record, "created", now())
    return {
        "id": integer(record, "id"),
        "title": text(record, "title"),
        "created": created,
        "updated": time(record, "updated", created),
        "pinned": int(boolean(record, "pinned")),
        "model": text(record, "model"),
        "system_prompt": text(record, "system_prompt"),
        "settings": json_object(record, "settings"),
        "import_source": text(record, "import_source"),
    }


def _message(record: Any, default_created: str) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise Invalid("it must be an object")
    status = choice(record, "status", STATUSES, "complete")
    if status == "streaming":
        status = "interrupted"  # Nothing is writing it any more.
    return {
        "id": integer(record, "id"),
        "role": choice(record, "role", ROLES, None) or _missing("role"),
        "content": text(record, "content", required=True),
        "status": status,
        "error": text(record, "error"),
        "created": time(record, "created", default_created),
        "engine": text(record, "engine"),
        "model_ref": text(record, "model_ref"),
        "model_file": text(record, "model_file"),
        "model_size": integer(record, "model_size"),
        "model_sha256": text(record, "model_sha256"),
        "sampling": json_object(record, "sampling"),
        "prompt_tokens": integer(record, "prompt_tokens"),
        "reply_tokens": integer(record, "reply_tokens"),
        "ttft_ms": number(record, "ttft_ms"),
        "tokens_per_s": number(record, "tokens_per_s"),
        "finish_reason": choice(record, "finish_reason", FINISH_REASONS, None),
        "pinned": int(boolean(record, "pinned")),
        "thinking": text(record, "thinking") or None,
        "thinking_ms": _duration(record, "thinking_ms"),
        "sources": _sources(record),
    }


def _sources(record: Mapping[str, Any]) -> str | None:
    """A reply's recorded passages (a list of objects), stored as JSON again."""
    value = record.get("sources")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise Invalid("'sources' must be a list of objects")
    return json.dumps(value, ensure_ascii=False)


def _duration(record: Mapping[str, Any], key: str) -> float | None:
    value = number(record, key)
    if value is not None and value < 0:
        raise Invalid(f"'{key}' must not be negative")
    return value


def _missing(key: str) -> Any:
    raise Invalid(f"'{key}' is missing")


class _Newer(Exception):
    def __init__(self, version: int, supported: int):
        super().__init__(version)
        self.version = version
        self.supported = supported


def _version(data: Mapping[str, Any], supported: int) -> None:
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise Invalid(f"its format version is not valid ({version!r})")
    if version > supported:
        raise _Newer(version, supported)


def _parse(data: Any) -> Parsed:
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise Invalid("it is not a Bothy conversation export")
    _version(data, VERSION)
    try:
        conversation = _conversation(data.get("conversation"))
    except Invalid as exc:
        raise Invalid(f"the conversation is not valid: {exc}") from None
    raw_messages = data.get("messages", [])
    if not isinstance(raw_messages, list):
        raise Invalid("'messages' must be a list")
    messages = []
    for index, record in enumerate(raw_messages, start=1):
        try:
            messages.append(_message(record, conversation["created"]))
        except Invalid as exc:
            raise Invalid(f"message {index} is not valid: {exc}") from None
    parents, active_leaf = _tree(raw_messages)
    marks, notes = memory_export.parse(data.get("memory"), len(messages), conversation["created"])
    return Parsed(conversation, messages, marks, notes, parents, active_leaf)


def _tree(records: list[Mapping[str, Any]]) -> tuple[list[int | None], int | None]:
    """Each message's parent (a position) and the active leaf's position. Without any "parent"
    (version 1), the messages are one path in their order. Raises Invalid."""
    if not records:
        return [], None
    if not any("parent" in record for record in records):
        return [None, *range(len(records) - 1)], len(records) - 1
    parents: list[int | None] = []
    for index, record in enumerate(records):
        parent = integer(record, "parent")
        if parent is not None and not 0 <= parent < index:
            raise Invalid(f"message {index + 1} is not valid: 'parent' must be the position of an earlier message")
        parents.append(parent)
    active = [index for index, record in enumerate(records) if boolean(record, "active")]
    return parents, active[-1] if active else len(records) - 1


def _newer(data_name: str, exc: _Newer, subject: str = "it") -> StoreError:
    return StoreError(
        f"Bothy cannot import this {data_name}: {subject} was exported by a newer version of Bothy "
        f"(format version {exc.version}; this version reads up to {exc.supported}).",
        hint="Update Bothy to import it.",
    )


def parse(data: Any, *, data_name: str = "conversation") -> Parsed:
    """Validate one conversation's export dict. Raises StoreError saying what is wrong with it."""
    try:
        return _parse(data)
    except Invalid as exc:
        raise _bad(data_name, str(exc)) from None
    except _Newer as exc:
        raise _newer(data_name, exc) from None


def _label(index: int, total: int, data: Any) -> str:
    """Which conversation of a file is wrong, e.g. 'conversation 3 of 5 ("Hill walking")'."""
    label = f"conversation {index} of {total}"
    record = data.get("conversation") if isinstance(data, Mapping) else None
    title = record.get("title") if isinstance(record, Mapping) else None
    if isinstance(title, str) and title.strip():
        title = " ".join(clean_text(title).split())
        label += f' ("{title[:60]}…")' if len(title) > 60 else f' ("{title}")'
    return label


def parse_many(data: Any) -> list[Parsed]:
    """Every conversation in anything Bothy exports: one conversation's export, a bundle, or a bare
    list of conversation exports (what "Export all" wrote before bundles). Raises StoreError saying
    which conversation is wrong, and why, for bad data."""
    if isinstance(data, Mapping) and data.get("format") == FORMAT:
        return [parse(data)]
    if isinstance(data, Mapping) and data.get("format") == BUNDLE_FORMAT:
        try:
            _version(data, BUNDLE_VERSION)
        except Invalid as exc:
            raise _bad("file", str(exc)) from None
        except _Newer as exc:
            raise _newer("file", exc) from None
        items = data.get("conversations")
        if not isinstance(items, list):
            raise _bad("file", "'conversations' must be a list")
    elif isinstance(data, list):
        items = data
    else:
        raise _bad("file", "it is not a Bothy conversation export")
    parsed = []
    for index, item in enumerate(items, start=1):
        try:
            parsed.append(_parse(item))
        except Invalid as exc:
            raise _bad("file", f"{_label(index, len(items), item)} is not valid: {exc}") from None
        except _Newer as exc:
            raise _newer("file", exc, _label(index, len(items), item)) from None
    return parsed
