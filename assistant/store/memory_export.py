"""A conversation's memory in its export: context marks (summaries) and its memory notes.

In the JSON export (export.py), under "memory"::

    "memory": {
      "notes": [{"content", "created", "updated"}, ...],
      "marks": [{"kind", "first", "last", "message_count", "content", "note", "edited", "created",
                 "engine", "model_ref", "prompt_tokens", "reply_tokens"}, ...]
    }

A mark's "first" and "last" are positions in the export's "messages" list (from 0), so an import,
which gives the messages new ids, can point the mark at them again. Older exports have no "memory".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.store.export_fields import Invalid, boolean, choice, integer, text, time
from assistant.store.records import MARK_KINDS

_MARK_KEYS = ("kind", "message_count", "content", "note", "edited", "created", "engine", "model_ref")
_MARK_KEYS += ("prompt_tokens", "reply_tokens")


def to_json(
    marks: Sequence[Mapping[str, Any]], notes: Sequence[Mapping[str, Any]], messages: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    position = {m["id"]: i for i, m in enumerate(messages)}
    out_marks = []
    for mark in marks:
        first, last = position.get(mark["first_message_id"]), position.get(mark["last_message_id"])
        if first is None or last is None:
            continue  # its messages are gone (cannot happen: deleting them deletes the mark)
        out_marks.append({"first": first, "last": last, **{key: mark[key] for key in _MARK_KEYS}})
    out_notes = [{key: note[key] for key in ("content", "created", "updated")} for note in notes]
    return {"notes": out_notes, "marks": out_marks}


def parse(data: Any, message_count: int, default_created: str) -> tuple[list[dict], list[dict]]:
    """(marks, notes) from an export's "memory" (absent: none), checked. Raises Invalid."""
    if data is None:
        return [], []
    if not isinstance(data, Mapping):
        raise Invalid("'memory' must be an object")
    raw_marks, raw_notes = data.get("marks", []), data.get("notes", [])
    if not isinstance(raw_marks, list) or not isinstance(raw_notes, list):
        raise Invalid("'memory' must hold lists of 'marks' and 'notes'")
    marks, notes = [], []
    for index, record in enumerate(raw_marks, start=1):
        try:
            marks.append(_mark(record, message_count, default_created))
        except Invalid as exc:
            raise Invalid(f"summary {index} is not valid: {exc}") from None
    for index, record in enumerate(raw_notes, start=1):
        if not isinstance(record, Mapping):
            raise Invalid(f"memory note {index} is not valid: it must be an object")
        created = time(record, "created", default_created)
        content = text(record, "content", required=True)
        if content.strip():
            notes.append({"content": content.strip(), "created": created, "updated": time(record, "updated", created)})
    return marks, notes


def _mark(record: Any, message_count: int, default_created: str) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise Invalid("it must be an object")
    first, last = integer(record, "first"), integer(record, "last")
    if first is None or last is None or not 0 <= first <= last < message_count:
        raise Invalid("'first' and 'last' must be positions of its messages, first before last")
    return {
        "first": first,
        "last": last,
        "kind": choice(record, "kind", MARK_KINDS, "summary"),
        "content": text(record, "content") or "",
        "note": text(record, "note"),
        "edited": int(boolean(record, "edited")),
        "created": time(record, "created", default_created),
        "engine": text(record, "engine"),
        "model_ref": text(record, "model_ref"),
        "prompt_tokens": integer(record, "prompt_tokens"),
        "reply_tokens": integer(record, "reply_tokens"),
    }


def to_markdown(mark: Mapping[str, Any]) -> list[str]:
    """A mark as Markdown lines: a quoted summary, or a note that messages were left out."""
    count = mark["message_count"]
    if mark["kind"] == "summary":
        head = f"> **Summary of the {count} messages above** (what the model saw of them from here on):"
        return [head, ">", *(f"> {line}" if line else ">" for line in mark["content"].splitlines())]
    why = f" ({mark['note']})" if mark.get("note") else ""
    return [f"> _The {count} messages above no longer fitted the model's context and were left out{why}._"]
