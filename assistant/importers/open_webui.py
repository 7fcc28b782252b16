"""Open WebUI's chat export: Settings > Chats > Export Chats saves a JSON list of every chat, and a chat's
menu > Download > Export chat (.json) saves a list holding that one chat. read() also takes a single chat
record that is not in a list.

A record (the chat table's row): {"id", "user_id", "title", "created_at", "updated_at" (epoch seconds),
"current_message_id" (newer versions), "chat": {...}, "archived", "pinned", "meta", "folder_id", ...}.
Its "chat": {"id", "title", "models": [model ids], "system" (the system prompt, when one was set),
"params": {"system", ...}, "history": {"messages": {message id: message}, "currentId"}, "messages": [the
active path, a copy], "timestamp" (epoch milliseconds)}. A message: {"id", "parentId" (null for the first),
"childrenIds", "role" ("user" | "assistant" | "system"), "content" (text), "timestamp" (epoch seconds),
"model", "files", "done" (false while a reply is still coming), "error": {"content"}, ...}. A regenerated
reply, or one reply per model when several were asked at once, is a sibling; so is an edited prompt.
Older chats (Ollama WebUI) may hold only the flat "messages" list; when its messages have no "parentId",
the list is one path. A reasoning model's thoughts are kept inside the reply's content as
<details type="reasoning" done="true" duration="4"><summary>Thought for 4 seconds</summary> then the
thoughts with "> " before each line (HTML-escaped in newer versions) </details>; they become `thinking`.

Verified against open-webui/open-webui: backend/open_webui/models/chats.py (the Chat row and ChatModel,
get_current_message_id, _last_descendant_id, import_chats: history.messages, currentId, the flat
"messages" fallback, created_at = int(time.time())); src/lib/components/chat/Settings/Chats.svelte
(exportChats: JSON.stringify(getAllChats(...)); importChats takes records or bare chats);
src/lib/components/layout/Navbar/Menu.svelte and layout/Sidebar/ChatMenu.svelte (downloadJSONExport:
JSON.stringify([chat])); src/lib/components/chat/Chat.svelte (createNewChat: system, params, history,
messages, timestamp: Date.now(); a failed reply's error = {content}, done = true); src/lib/utils/index.ts
(convertOpenAIChats: the shape of an imported chat);
backend/open_webui/utils/middleware.py (the reasoning <details> block).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator

from assistant.importers.types import (
    BadShape,
    ImportedConversation,
    ImportedMessage,
    SkipConversation,
    Skipped,
    arranged,
    iso_time,
)

SOURCE = "open-webui"

_REASONING = re.compile(r'<details\s+type="reasoning"[^>]*>(.*?)</details>[ \t]*\n?', re.DOTALL)
_SUMMARY = re.compile(r"^\s*<summary>.*?</summary>[ \t]*\n?", re.DOTALL)


def recognizes(data: object) -> bool:
    if isinstance(data, dict):
        return _is_record(data)
    return isinstance(data, list) and any(_is_record(item) for item in data)


def _is_record(item: object) -> bool:
    chat = item.get("chat") if isinstance(item, dict) else None
    return isinstance(chat, dict) and ("history" in chat or "messages" in chat)


def read(data: object) -> Iterator[ImportedConversation | Skipped]:
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise BadShape("not an Open WebUI chat export")
    if records and not recognizes(records):
        raise BadShape("no Open WebUI chats in it (nothing has a 'chat' with a history)")
    for number, record in enumerate(records, 1):
        try:
            if not _is_record(record):
                raise SkipConversation("not an Open WebUI chat")
            result: ImportedConversation | Skipped = _conversation(record)
        except SkipConversation as skip:
            result = Skipped(_name(record, number), str(skip))
        except Exception as error:  # a shape nobody foresaw: lose this chat, not the file
            result = Skipped(_name(record, number), f"it could not be read ({type(error).__name__})")
        yield result


def _name(record: object, number: int) -> str:
    if isinstance(record, dict):
        chat = record.get("chat") if isinstance(record.get("chat"), dict) else {}
        for value in (record.get("title"), chat.get("title"), record.get("id"), chat.get("id")):
            if isinstance(value, str) and value.strip():
                return value.strip()
    return f"chat {number}"


def _conversation(record: dict) -> ImportedConversation:
    chat: dict = record["chat"]
    history = chat.get("history")
    if history is not None and not isinstance(history, dict):
        raise SkipConversation("its history is not an object")
    if history is not None and history.get("messages") is not None:
        messages, leaf = _from_history(history, record, chat)
    else:
        messages, leaf = _from_list(chat.get("messages"))
    placed = arranged(messages)
    return ImportedConversation(
        source=SOURCE,
        key=_first_text(record.get("id"), chat.get("id")) or _hash(record),
        title=_first_text(record.get("title"), chat.get("title")),
        messages=placed,
        active_leaf=_descend(placed, leaf),
        created=iso_time(record.get("created_at")) or iso_time(chat.get("timestamp")),
        updated=iso_time(record.get("updated_at")),
        system_prompt=_system_prompt(chat),
        model=_model(chat),
    )


def _from_history(history: dict, record: dict, chat: dict) -> tuple[list[ImportedMessage], object]:
    """The history tree, siblings in the order of their parent's childrenIds, and the active message id."""
    raw = history["messages"]
    if not isinstance(raw, dict):
        raise SkipConversation("its messages are not an object")
    rank: dict[str, int] = {}
    for item in raw.values():
        children = item.get("childrenIds") if isinstance(item, dict) else None
        for index, child in enumerate(children if isinstance(children, list) else []):
            if isinstance(child, str):
                rank.setdefault(child, index)
    messages = [
        _message(key, item, item.get("parentId") if isinstance(item, dict) else None) for key, item in raw.items()
    ]
    messages.sort(key=lambda message: rank.get(message.key, len(messages)))
    return messages, history.get("currentId") or record.get("current_message_id") or chat.get("currentId")


def _from_list(items: object) -> tuple[list[ImportedMessage], object]:
    """The older flat list: linked by parentId when its messages carry one, else one path in list order."""
    if not isinstance(items, list):
        raise SkipConversation("its messages are not a list")
    linked = any(isinstance(item, dict) and isinstance(item.get("parentId"), str) for item in items)
    messages: list[ImportedMessage] = []
    for index, item in enumerate(items):
        key = item.get("id") if isinstance(item, dict) else None
        key = key if isinstance(key, str) and key else f"message-{index + 1}"
        previous = messages[-1].key if messages else None
        messages.append(_message(key, item, item.get("parentId") if linked and isinstance(item, dict) else previous))
    return messages, messages[-1].key if messages else None


def _message(key: str, item: object, parent: object) -> ImportedMessage:
    if not isinstance(item, dict):
        raise SkipConversation("a message is not an object")
    if parent is not None and not isinstance(parent, str):
        raise SkipConversation("a message's parent is not an id")
    role = item.get("role")
    if not isinstance(role, str):
        raise SkipConversation("a message has no role")
    content, thinking = _content(item.get("content"))
    notes = _file_notes(item.get("files"))
    if notes:
        content = f"{notes}\n\n{content}" if content else notes
    model = item.get("model")
    status, error = "complete", None
    if item.get("error"):
        status, error = "error", _error_text(item["error"])
    elif role == "assistant" and item.get("done") is False:
        status = "interrupted"
    return ImportedMessage(
        key=key,
        parent=parent,
        role=role,
        content=content,
        created=iso_time(item.get("timestamp")),
        model=model if isinstance(model, str) and model and role == "assistant" else None,
        thinking=thinking,
        status=status,
        error=error,
    )


def _content(value: object) -> tuple[str, str | None]:
    """The text of a message and the thoughts taken out of it. Content is text in Open WebUI; a list of
    OpenAI-style parts ({"type": "text", "text"} or an image) is read too."""
    if value is None:
        return "", None
    if isinstance(value, list):
        pieces = []
        for part in value:
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                pieces.append(part["text"])
            elif isinstance(part, dict) and "image" in str(part.get("type")):
                pieces.append("[Image]")
        value = "\n".join(pieces)
    if not isinstance(value, str):
        raise SkipConversation("a message's content is not text")
    thoughts: list[str] = []

    def take(match: re.Match[str]) -> str:
        body = html.unescape(_SUMMARY.sub("", match.group(1), count=1))
        lines = [
            line[2:] if line.startswith("> ") else line[1:] if line.startswith(">") else line
            for line in body.split("\n")
        ]
        thoughts.append("\n".join(lines).strip())
        return ""

    text = _REASONING.sub(take, value)
    if not thoughts:
        return value, None
    return text.strip(), "\n\n".join(thought for thought in thoughts if thought) or None


def _file_notes(files: object) -> str:
    notes = []
    for file in files if isinstance(files, list) else []:
        if not isinstance(file, dict):
            continue
        if file.get("type") == "image" or str(file.get("content_type", "")).startswith("image/"):
            notes.append("[Image]")
        elif isinstance(file.get("name"), str) and file["name"]:
            notes.append(f"[File: {file['name']}]")
    return "\n".join(notes)


def _error_text(error: object) -> str:
    if isinstance(error, dict) and isinstance(error.get("content"), str) and error["content"]:
        return error["content"]
    return error if isinstance(error, str) else "error"


def _descend(messages: list[ImportedMessage], leaf: object) -> str | None:
    """The active leaf: Open WebUI's currentId, followed down through the last child when it is not a leaf
    (as Open WebUI itself repairs it); None when it names no message here."""
    if not isinstance(leaf, str):
        return None
    children: dict[str | None, list[str]] = {}
    for message in messages:
        children.setdefault(message.parent, []).append(message.key)
    if not any(message.key == leaf for message in messages):
        return None
    while children.get(leaf):
        leaf = children[leaf][-1]
    return leaf


def _system_prompt(chat: dict) -> str | None:
    params = chat.get("params") if isinstance(chat.get("params"), dict) else {}
    text = _first_text(chat.get("system"), params.get("system"))
    return text.strip() if text and text.strip() else None


def _model(chat: dict) -> str | None:
    models = chat.get("models")
    names = [name for name in models if isinstance(name, str) and name] if isinstance(models, list) else []
    return names[0] if names else _first_text(chat.get("model"))


def _first_text(*values: object) -> str | None:
    return next((value for value in values if isinstance(value, str) and value), None)


def _hash(record: dict) -> str:
    return "sha256:" + hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()[:32]
