"""Jan (jan.ai): its data folder of threads, and its project export.

Jan keeps each conversation in its own folder, `<data folder>/threads/<thread id>/`:

- `thread.json`: {id, object: "thread", title, assistants: [{id, name, model: {id, engine}, instructions}],
  created, updated, metadata}. Newer Jan writes `created`/`updated` in epoch seconds, older Jan in
  milliseconds; the model is `assistants[0].model.id` ("*" when none was chosen); `instructions` is
  the system prompt.
- `messages.jsonl`: one message a line, appended as the chat goes, so the file is the linear chat in
  order: {id, object: "thread.message", thread_id, role, content: [{type: "text", text: {value,
  annotations}}], status: ready | pending | error | stopped, created_at, completed_at, metadata}.
  `created_at` is epoch milliseconds (0 when unset; very old Jan wrote `created`). A content part
  of type "reasoning" holds thoughts; newer Jan keeps them inline as <think>…</think> in the text.
  The Tauri backend's own tests write `text` as a bare string, so both shapes are read.

Jan's project export (JSON) is {project: {...}, threads: [{id, title, created_at, updated_at,
messages: [{id, role, content, created_at}]}]}; read() takes that, one thread.json object with its
`messages` added, or a list of those.

Verified in janhq/jan: core/src/types/thread/threadEntity.ts, core/src/types/message/messageEntity.ts,
src-tauri/src/core/threads/{commands.rs,constants.rs,tests.rs}, web-app/src/services/threads/default.ts,
web-app/src/hooks/useMessages.ts, web-app/src/lib/completion.ts, web-app/src/services/export/index.ts,
extensions/conversational-extension/src/index.ts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from assistant.importers.types import (
    BadShape,
    ImportedConversation,
    ImportedMessage,
    SkipConversation,
    Skipped,
    arranged,
    iso_time,
)

SOURCE = "jan"

THREAD_FILE = "thread.json"
MESSAGES_FILE = "messages.jsonl"
_ROLES = ("user", "assistant", "system")
_STATUS = {"ready": "complete", "stopped": "cancelled", "error": "error", "pending": "interrupted"}


def recognizes(data: object) -> bool:
    """A thread object (with or without its messages), a list of them, or a Jan project export."""
    try:
        if isinstance(data, list):
            return bool(data) and _is_thread(data[0])
        if isinstance(data, dict):
            return _is_thread(data) or (isinstance(data.get("project"), dict) and isinstance(data.get("threads"), list))
    except Exception:
        return False
    return False


def read(data: object) -> Iterator[ImportedConversation | Skipped]:
    if not recognizes(data):
        raise BadShape("not Jan threads")
    project = isinstance(data, dict) and not _is_thread(data)
    threads = data["threads"] if project else data if isinstance(data, list) else [data]
    for thread in threads:
        if isinstance(thread, dict) and "messages" not in thread and not project:
            # thread.json on its own: the messages are in messages.jsonl beside it
            yield Skipped(_label(thread, None), f"its messages are in {MESSAGES_FILE}: import the thread's folder")
            continue
        messages = thread.get("messages", []) if isinstance(thread, dict) else None
        yield _guarded(thread, messages, None)


def recognizes_folder(path: Path) -> bool:
    """Jan's data folder, its threads/ folder, or one thread folder."""
    try:
        return bool(_thread_folders(Path(path)))
    except Exception:
        return False


def read_folder(path: Path) -> Iterator[ImportedConversation | Skipped]:
    try:
        folders = _thread_folders(Path(path))
    except OSError as error:
        raise BadShape("the folder cannot be read") from error
    if not folders:
        raise BadShape("no Jan threads in this folder")
    for folder in folders:
        yield _read_thread_folder(folder)


def _is_thread(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    if value.get("object") == "thread":
        return True
    messages = value.get("messages")
    return (
        isinstance(messages, list)
        and bool(messages)
        and isinstance(messages[0], dict)
        and "thread_id" in messages[0]
        and "versions" not in messages[0]
    )


def _thread_folders(path: Path) -> list[Path]:
    if not path.is_dir():
        return []
    if _is_thread_folder(path):
        return [path]
    base = path / "threads" if (path / "threads").is_dir() else path
    return sorted(child for child in base.iterdir() if child.is_dir() and _is_thread_folder(child))


def _is_thread_folder(folder: Path) -> bool:
    return (folder / THREAD_FILE).is_file() or (folder / MESSAGES_FILE).is_file()


def _read_thread_folder(folder: Path) -> ImportedConversation | Skipped:
    thread: object = None
    try:
        thread = _load_thread(folder / THREAD_FILE)
        messages = _load_messages(folder / MESSAGES_FILE)
    except SkipConversation as problem:
        return Skipped(_label(thread, folder.name), str(problem))
    except Exception:
        return Skipped(_label(thread, folder.name), "its files cannot be read")
    return _guarded(thread, messages, folder.name)


def _load_thread(file: Path) -> object:
    if not file.is_file():
        raise SkipConversation(f"{THREAD_FILE} is missing")
    try:
        return json.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise SkipConversation(f"{THREAD_FILE} is not UTF-8 text") from error
    except ValueError as error:
        raise SkipConversation(f"{THREAD_FILE} is not JSON") from error


def _load_messages(file: Path) -> list[object]:
    if not file.is_file():
        return []
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SkipConversation(f"{MESSAGES_FILE} is not UTF-8 text") from error
    messages: list[object] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            messages.append(json.loads(line))
        except ValueError as error:
            raise SkipConversation(f"line {number} of {MESSAGES_FILE} is not JSON") from error
    return messages


def _label(thread: object, fallback: str | None) -> str:
    if isinstance(thread, dict):
        for name in ("title", "id"):
            value = thread.get(name)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return fallback or "a Jan thread"


def _guarded(thread: object, messages: object, fallback_key: str | None) -> ImportedConversation | Skipped:
    try:
        return _conversation(thread, messages, fallback_key)
    except SkipConversation as problem:
        return Skipped(_label(thread, fallback_key), str(problem))
    except Exception:
        return Skipped(_label(thread, fallback_key), "it cannot be read")


def _conversation(thread: object, raw_messages: object, fallback_key: str | None) -> ImportedConversation:
    if not isinstance(thread, dict):
        raise SkipConversation("the thread is not an object")
    key = thread.get("id")
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    if not isinstance(key, str) or not key:
        key = fallback_key
    if not key:
        raise SkipConversation("the thread has no id")
    if not isinstance(raw_messages, list):
        raise SkipConversation("its messages are not a list")
    assistants = thread.get("assistants")
    assistant = assistants[0] if isinstance(assistants, list) and assistants else None
    assistant = assistant if isinstance(assistant, dict) else {}
    instructions = assistant.get("instructions")
    messages: list[ImportedMessage] = []
    parent: str | None = None
    for number, raw in enumerate(raw_messages, start=1):
        message = _message(raw, number, parent)
        if message is not None:
            messages.append(message)
            parent = message.key
    tree = arranged(messages)
    title = thread.get("title")
    return ImportedConversation(
        source=SOURCE,
        key=key,
        title=title.strip() or None if isinstance(title, str) else None,
        messages=tree,
        active_leaf=parent,
        created=iso_time(thread.get("created", thread.get("created_at"))),
        updated=iso_time(thread.get("updated", thread.get("updated_at"))),
        system_prompt=instructions if isinstance(instructions, str) and instructions.strip() else None,
        model=_model_id(assistant.get("model")) or _model_id(thread.get("model")),
    )


def _message(raw: object, number: int, parent: str | None) -> ImportedMessage | None:
    if not isinstance(raw, dict):
        raise SkipConversation(f"message {number} is not an object")
    role = raw.get("role")
    if not isinstance(role, str):
        raise SkipConversation(f"message {number} has no role")
    if role not in _ROLES:
        return None  # tool results: their text is in the assistant's answer that follows
    key = raw.get("id")
    if not isinstance(key, str) or not key:
        key = f"message-{number}"
    content, thinking = _content(raw.get("content"), number)
    if thinking is None and role == "assistant":
        content, thinking = _split_think(content)
    status = raw.get("status")
    status = _STATUS.get(status, "complete") if isinstance(status, str) else "complete"
    error = raw.get("error_code")
    metadata = raw.get("metadata")
    created = iso_time(raw.get("created_at")) or iso_time(raw.get("created"))
    return ImportedMessage(
        key=key,
        parent=parent,
        role=role,
        content=content,
        created=created,
        model=_model_id(metadata.get("model")) if isinstance(metadata, dict) and role == "assistant" else None,
        thinking=thinking,
        status=status,
        error=error if status == "error" and isinstance(error, str) and error else None,
    )


def _content(value: object, number: int) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if isinstance(value, str):
        return value, None
    if not isinstance(value, list):
        raise SkipConversation(f"message {number} has content of an unknown kind")
    texts: list[str] = []
    thoughts: list[str] = []
    for part in value:
        if not isinstance(part, dict):
            continue
        text = part.get("text")
        if isinstance(text, dict):
            text = text.get("value")
        if not isinstance(text, str):
            continue
        if part.get("type") == "text":
            texts.append(text)
        elif part.get("type") == "reasoning":
            thoughts.append(text)
    return "\n".join(texts), "\n".join(thoughts) or None


def _split_think(text: str) -> tuple[str, str | None]:
    """Newer Jan stores a reasoning model's thoughts inline: <think>…</think> before the answer."""
    stripped = text.lstrip()
    if not stripped.startswith("<think>"):
        return text, None
    body = stripped[len("<think>") :]
    end = body.find("</think>")
    if end < 0:
        return "", body.strip() or None
    return body[end + len("</think>") :].lstrip(), body[:end].strip() or None


def _model_id(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, str) and value.strip() and value != "*":
        return value
    return None
