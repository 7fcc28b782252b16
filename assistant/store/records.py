"""Values going into and coming out of the database: text, timestamps, JSON columns and rows.

Conversations and messages are handed out as plain dicts (easy to pass to Qt models, to JSON and to
tests). Their keys are exactly the column names below; JSON columns (`settings`, `sampling`) are
decoded to dicts (or None) and `pinned` is a bool. Context marks (a summary of messages that no
longer fit the model's context, or a note that they were left out) and memory notes are dicts too.
The column `messages.writer` (which Store is streaming a reply; see lease.py) is bookkeeping for one
run of Bothy and is not handed out.

Text policy: everything is stored as UTF-8. A Python str can hold lone surrogates (half of a UTF-16
pair, e.g. from a broken decoder), which UTF-8 cannot encode; they are replaced by U+FFFD on the way
in (a valid surrogate pair is joined into the character it stands for). NUL and every other control
character are stored and returned unchanged.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

# import_source: where a conversation came from: an app it was imported from ("chatgpt", "bothy"…),
# "api" (kept from the local API: store/api_records.py), or None (written here).
CONVERSATION_COLUMNS = (
    "id",
    "title",
    "created",
    "updated",
    "pinned",
    "model",
    "system_prompt",
    "settings",
    "import_source",
)

MESSAGE_COLUMNS = (
    "id",
    "conversation_id",
    "seq",
    "role",
    "content",
    "status",
    "error",
    "created",
    "engine",
    "model_ref",
    "model_file",
    "model_size",
    "model_sha256",
    "sampling",
    "prompt_tokens",
    "reply_tokens",
    "ttft_ms",
    "tokens_per_s",
    "finish_reason",
    "pinned",
    "thinking",
    "thinking_ms",
    "parent_id",
    "sources",  # the passages of the person's documents the model was given (JSON list), or None
)
MARK_COLUMNS = (
    "id",
    "conversation_id",
    "kind",
    "first_message_id",
    "last_message_id",
    "message_count",
    "content",
    "note",
    "edited",
    "created",
    "engine",
    "model_ref",
    "prompt_tokens",
    "reply_tokens",
)
MARK_KINDS = ("summary", "dropped")
NOTE_COLUMNS = ("id", "conversation_id", "content", "source_message_id", "created", "updated")

ROLES = ("system", "user", "assistant")
STATUSES = ("streaming", "complete", "cancelled", "error", "interrupted")
FINISHED_STATUSES = tuple(s for s in STATUSES if s != "streaming")
FINISH_REASONS = ("stop", "length", "cancelled", "error")
STAT_KEYS = ("prompt_tokens", "reply_tokens", "ttft_ms", "tokens_per_s", "finish_reason")

TITLE_LENGTH = 60
_STATUS_FINISH_REASON = {"cancelled": "cancelled", "error": "error"}

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
_clock_lock = threading.Lock()
_last_moment: datetime | None = None


def clean_text(text: str) -> str:
    """`text` made encodable as UTF-8: lone surrogates become U+FFFD, pairs become their character."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if _SURROGATE_RE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def now() -> str:
    """The current time as ISO-8601 UTC with microseconds, e.g. 2024-05-01T09:30:00.123456Z.

    Every timestamp Bothy writes has this fixed-width shape, so text order is time order. Within
    one process the values strictly increase (if the clock has not moved, or moved back, the last
    value plus one microsecond is used), so "most recently updated" never depends on a tie.
    """
    global _last_moment
    with _clock_lock:
        moment = datetime.now(UTC)
        if _last_moment is not None and moment <= _last_moment:
            moment = _last_moment + timedelta(microseconds=1)
        _last_moment = moment
    return format_time(moment)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> str:
    """An ISO-8601 timestamp from outside (an import) in Bothy's own shape. Raises ValueError.

    A timestamp without a timezone is taken to be UTC.
    """
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_time(moment)


def encode_json(value: Mapping[str, Any] | None, name: str) -> str | None:
    """A dict as JSON text for a JSON column (None stays NULL)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict or None, not {type(value).__name__}")
    try:
        text = json.dumps(dict(value), ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must hold only JSON values: {exc}") from None
    return clean_text(text)


def decode_json(text: str | None) -> dict[str, Any] | None:
    if text is None or text == "":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None  # Written by something else; never let a bad cell break loading a conversation.
    return value if isinstance(value, dict) else None


def conversation_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    record = {name: row[name] for name in CONVERSATION_COLUMNS}
    record["pinned"] = bool(record["pinned"])
    record["settings"] = decode_json(record["settings"])
    return record


def message_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    record = {name: row[name] for name in MESSAGE_COLUMNS}
    record["sampling"] = decode_json(record["sampling"])
    record["pinned"] = bool(record["pinned"])
    record["sources"] = decode_sources(record["sources"])
    return record


def decode_sources(text: str | None) -> list[dict[str, Any]] | None:
    """A reply's recorded passages; None when there are none (or the cell is not a list of objects)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, dict) for v in value) else None


def mark_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    record = {name: row[name] for name in MARK_COLUMNS}
    record["edited"] = bool(record["edited"])
    return record


def title_from_text(text: str, limit: int = TITLE_LENGTH) -> str | None:
    """A conversation title from a message: its first non-blank line, at most `limit` characters.

    Control characters count as spaces; whitespace runs become one space. A longer line is cut at a
    word boundary when there is one in the second half (otherwise mid-word, as Chinese and Japanese
    have no spaces) and gets an ellipsis.
    Returns None when the text has nothing to show.
    """
    for line in text.splitlines():
        line = " ".join(_CONTROL_RE.sub(" ", line).split())
        if not line:
            continue
        if len(line) <= limit:
            return line
        cut = line[: limit - 1]
        space = cut.rfind(" ")
        if space >= limit // 2:
            cut = cut[:space]
        return cut.rstrip() + "…"
    return None


def clean_title(title: str | None) -> str | None:
    """A title as stored: cleaned and stripped; blank means untitled (None)."""
    if title is None:
        return None
    title = clean_text(title).strip()
    return title or None


def reply_values(
    model_file: str | None,
    model_size: int | None,
    model_sha256: str | None,
    sampling: Mapping[str, Any] | None,
    *,
    engine: str | None = None,
    model_ref: str | None = None,
    writer: str | None = None,
) -> dict[str, Any]:
    """Column values for a new, empty, streaming assistant message.

    `engine` names what runs the model (e.g. "llama.cpp"), `model_ref` the model itself in a stable
    way (e.g. "local:/home/x/models/a.gguf"); `writer` is the id of the Store's lease (lease.py).
    """
    if model_size is not None and (isinstance(model_size, bool) or not isinstance(model_size, int)):
        raise TypeError("model_size must be an int or None")
    return {
        "role": "assistant",
        "content": "",
        "status": "streaming",
        "created": now(),
        "engine": clean_optional(engine),
        "model_ref": clean_optional(model_ref),
        "writer": writer,
        "model_file": clean_optional(model_file),
        "model_size": model_size,
        "model_sha256": clean_optional(model_sha256),
        "sampling": encode_json(sampling, "sampling"),
    }


def thinking_values(thinking: str | None = None, thinking_ms: float | None = None) -> dict[str, Any]:
    """Column values for a reply's thinking (a reasoning model's, before its answer) and how long it
    took: only those given, so None leaves what is stored; "" stores NULL. Bad numbers raise ValueError."""
    values: dict[str, Any] = {}
    if thinking is not None:
        values["thinking"] = clean_text(thinking) or None
    if thinking_ms is not None:
        values["thinking_ms"] = float(thinking_ms)
        if not math.isfinite(values["thinking_ms"]) or values["thinking_ms"] < 0:
            raise ValueError(f"thinking_ms must be a finite number >= 0, not {thinking_ms!r}")
    return values


def stats_values(stats: Mapping[str, Any] | None, status: str) -> dict[str, Any]:
    """Column values for a finished reply's statistics. Unknown keys or values raise ValueError."""
    stats = dict(stats or {})
    unknown = set(stats) - set(STAT_KEYS)
    if unknown:
        raise ValueError(f"unknown stats: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {key: stats.get(key) for key in STAT_KEYS}
    for key, kind in (
        ("prompt_tokens", int),
        ("reply_tokens", int),
        ("ttft_ms", float),
        ("tokens_per_s", float),
    ):
        if values[key] is not None:
            values[key] = kind(values[key])
            if not math.isfinite(values[key]):
                raise ValueError(f"{key} must be a finite number, not {values[key]!r}")
    if values["finish_reason"] is None:
        values["finish_reason"] = _STATUS_FINISH_REASON.get(status)
    if values["finish_reason"] not in (None, *FINISH_REASONS):
        raise ValueError(f"finish_reason must be one of {', '.join(FINISH_REASONS)} or None")
    return values
