"""Conversations as JSON (export, import, undo) and as Markdown (export).

One conversation, format "bothy.conversation", version 1::

    {
      "format": "bothy.conversation",
      "version": 1,
      "exported": "2024-05-01T09:30:00.123456Z",
      "conversation": {"id", "title", "created", "updated", "pinned", "model", "system_prompt", "settings"},
      "messages": [{"id", "role", "content", "status", "error", "created", "engine", "model_ref",
                    "model_file", "model_size", "model_sha256", "sampling", "prompt_tokens",
                    "reply_tokens", "ttft_ms", "tokens_per_s", "finish_reason"}, ...]  # in order
    }

("engine" and "model_ref" came later within version 1: older exports lack them, and older Bothy
versions ignore them, as every reader ignores keys it does not know.)

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
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from assistant.errors import StoreError
from assistant.store.records import (
    FINISH_REASONS,
    MESSAGE_COLUMNS,
    ROLES,
    STATUSES,
    clean_text,
    encode_json,
    now,
    parse_time,
)

FORMAT = "bothy.conversation"
VERSION = 1
BUNDLE_FORMAT = "bothy.conversations"
BUNDLE_VERSION = 1

# A message's fields in the export: all its columns but where it sits (the file says which conversation
# it belongs to, and the list's order is its place).
_MESSAGE_EXPORT_KEYS = tuple(c for c in MESSAGE_COLUMNS if c not in ("conversation_id", "seq"))


def to_json(conversation: Mapping[str, Any], messages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The export dict for a conversation and its messages (as returned by Store)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": now(),
        "conversation": dict(conversation),
        "messages": [{key: message[key] for key in _MESSAGE_EXPORT_KEYS} for message in messages],
    }


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


def to_markdown(conversation: Mapping[str, Any], messages: Sequence[Mapping[str, Any]]) -> str:
    """A readable Markdown document: title, details, then each message under a heading."""
    title = " ".join((conversation.get("title") or "").split()) or "Untitled conversation"
    lines = [f"# {title}", ""]
    details = [f"Started {conversation['created']}"]
    if conversation.get("model"):
        details.append(f"model {conversation['model']}")
    lines += ["_" + " · ".join(details) + "_", ""]
    if conversation.get("system_prompt"):
        lines += ["## System prompt", "", conversation["system_prompt"], ""]
    for message in messages:
        heading = _ROLE_HEADINGS.get(message["role"], message["role"].title())
        if message["role"] == "assistant" and message.get("model_file"):
            heading += f" ({message['model_file']})"
        lines += [f"## {heading}", "", message["content"], ""]
        status = message.get("status")
        if status == "error" and message.get("error"):
            lines += [f"_(The reply failed: {' '.join(message['error'].split())})_", ""]
        elif status in _STATUS_NOTES:
            lines += [_STATUS_NOTES[status], ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------------
# Reading an export back
# ---------------------------------------------------------------------------------------------


@dataclass
class Parsed:
    """A validated export, as column values ready to insert (JSON columns already encoded)."""

    conversation: dict[str, Any]
    messages: list[dict[str, Any]]


class _Invalid(Exception):
    pass


def _bad(data_name: str, reason: str) -> StoreError:
    return StoreError(
        f"Bothy cannot import this {data_name}: {reason}.",
        hint="Choose a file that Bothy exported (a .json conversation export).",
    )


def _text(record: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None:
        if required:
            raise _Invalid(f"'{key}' is missing")
        return None
    if not isinstance(value, str):
        raise _Invalid(f"'{key}' must be text")
    return clean_text(value)


def _integer(record: Mapping[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"'{key}' must be a whole number")
    if not -(2**63) <= value < 2**63:
        raise _Invalid(f"'{key}' is too large")
    return value


def _number(record: Mapping[str, Any], key: str) -> float | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(f"'{key}' must be a number")
    value = float(value)
    if not math.isfinite(value):
        raise _Invalid(f"'{key}' must be a finite number")
    return value


def _choice(record: Mapping[str, Any], key: str, allowed: Sequence[str], default: str | None) -> str | None:
    value = record.get(key, default)
    if value is None and default is None:
        return None
    if value not in allowed:
        raise _Invalid(f"'{key}' must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _time(record: Mapping[str, Any], key: str, default: str) -> str:
    value = record.get(key)
    if value is None:
        return default
    try:
        return parse_time(value)
    except ValueError:
        raise _Invalid(f"'{key}' is not a date and time: {value!r}") from None


def _json(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, Mapping):
        raise _Invalid(f"'{key}' must be an object")
    try:
        return encode_json(value, key)
    except TypeError as exc:
        raise _Invalid(str(exc)) from None


def _conversation(record: Any) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise _Invalid("'conversation' must be an object")
    created = _time(record, "created", now())
    pinned = record.get("pinned", False)
    if pinned not in (True, False, 0, 1):
        raise _Invalid("'pinned' must be true or false")
    return {
        "id": _integer(record, "id"),
        "title": _text(record, "title"),
        "created": created,
        "updated": _time(record, "updated", created),
        "pinned": int(bool(pinned)),
        "model": _text(record, "model"),
        "system_prompt": _text(record, "system_prompt"),
        "settings": _json(record, "settings"),
    }


def _message(record: Any, default_created: str) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise _Invalid("it must be an object")
    status = _choice(record, "status", STATUSES, "complete")
    if status == "streaming":
        status = "interrupted"  # Nothing is writing it any more.
    return {
        "id": _integer(record, "id"),
        "role": _choice(record, "role", ROLES, None) or _missing("role"),
        "content": _text(record, "content", required=True),
        "status": status,
        "error": _text(record, "error"),
        "created": _time(record, "created", default_created),
        "engine": _text(record, "engine"),
        "model_ref": _text(record, "model_ref"),
        "model_file": _text(record, "model_file"),
        "model_size": _integer(record, "model_size"),
        "model_sha256": _text(record, "model_sha256"),
        "sampling": _json(record, "sampling"),
        "prompt_tokens": _integer(record, "prompt_tokens"),
        "reply_tokens": _integer(record, "reply_tokens"),
        "ttft_ms": _number(record, "ttft_ms"),
        "tokens_per_s": _number(record, "tokens_per_s"),
        "finish_reason": _choice(record, "finish_reason", FINISH_REASONS, None),
    }


def _missing(key: str) -> Any:
    raise _Invalid(f"'{key}' is missing")


class _Newer(Exception):
    def __init__(self, version: int, supported: int):
        super().__init__(version)
        self.version = version
        self.supported = supported


def _version(data: Mapping[str, Any], supported: int) -> None:
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Invalid(f"its format version is not valid ({version!r})")
    if version > supported:
        raise _Newer(version, supported)


def _parse(data: Any) -> Parsed:
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise _Invalid("it is not a Bothy conversation export")
    _version(data, VERSION)
    try:
        conversation = _conversation(data.get("conversation"))
    except _Invalid as exc:
        raise _Invalid(f"the conversation is not valid: {exc}") from None
    raw_messages = data.get("messages", [])
    if not isinstance(raw_messages, list):
        raise _Invalid("'messages' must be a list")
    messages = []
    for index, record in enumerate(raw_messages, start=1):
        try:
            messages.append(_message(record, conversation["created"]))
        except _Invalid as exc:
            raise _Invalid(f"message {index} is not valid: {exc}") from None
    return Parsed(conversation, messages)


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
    except _Invalid as exc:
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
        except _Invalid as exc:
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
        except _Invalid as exc:
            raise _bad("file", f"{_label(index, len(items), item)} is not valid: {exc}") from None
        except _Newer as exc:
            raise _newer("file", exc, _label(index, len(items), item)) from None
    return parsed
