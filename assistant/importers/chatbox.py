"""Chatbox: the backup file of Settings > Export data (chatbox-exported-data-<date>.json).

The file is Chatbox's whole key-value store as one JSON object: "settings", "configVersion",
"myCopilots", "__exported_items", "__exported_at", "chat-sessions-list" (the sidebar's order: [{id,
name, type, starred, ...}]) and one key "session:<id>" a conversation. Chatbox before storage version
8 kept every session in one list under "chat-sessions" instead, and its migration left that key in
place, so both are read and a session found twice is taken once, from "session:<id>".

A session is {id, name, type: "chat" | "picture", messages, threads, threadName, messageForksHash,
settings: {provider, modelId, ...}}. A message is {id, role: system | user | assistant | tool,
contentParts: [{type: "text", text} | {type: "reasoning", text} | {type: "image", storageKey} |
{type: "tool-call", ...}], model, aiProvider, timestamp (epoch ms), error, errorCode, generating};
older Chatbox wrote `content` (a string) and `reasoningContent` instead of contentParts. The system
prompt is the session's first message, of role "system".

Branches: `messageForksHash` maps the id of the message where the chat forks to {position, lists:
[{id, messages}], createdAt}. The branch on screen is inline in `messages` after that message (its
own list, at `position`, is kept empty); every other list holds the messages that followed in that
branch, which may fork again. `threads` are earlier chats of the session, archived when the person
cleared the context ({id, name, messages, createdAt}): each becomes a conversation of its own.

Verified in chatboxai/chatbox: src/shared/types/session.ts (MessageSchema, SessionSchema,
MessageForkSchema, SessionThreadSchema), src/renderer/stores/session/forks.ts,
src/renderer/stores/session/threads.ts, src/renderer/storage/StoreStorage.ts (StorageKey),
src/renderer/routes/settings/general.tsx (export and import), src/renderer/stores/migration.ts
(migrate_7_to_8) and src/shared/utils/message.ts (migrateMessage: content -> contentParts).
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.importers.types import (
    ROLES,
    BadShape,
    ImportedConversation,
    ImportedMessage,
    SkipConversation,
    Skipped,
    arranged,
    iso_time,
)

SOURCE = "chatbox"

SESSIONS = "chat-sessions"
SESSION_LIST = "chat-sessions-list"
SESSION_PREFIX = "session:"
_MISSING = object()
_EMPTY = "it has no messages"


def recognizes(data: object) -> bool:
    try:
        if not isinstance(data, dict):
            return False
        if isinstance(data.get(SESSIONS), list) or isinstance(data.get(SESSION_LIST), list):
            return True
        return any(isinstance(name, str) and name.startswith(SESSION_PREFIX) for name in data)
    except Exception:
        return False


def read(data: object) -> Iterator[ImportedConversation | Skipped]:
    if not isinstance(data, dict) or not recognizes(data):
        raise BadShape("not a Chatbox backup")
    for label, fallback_id, session in _sessions(data):
        yield from _session(label, fallback_id, session)


def _sessions(data: dict) -> list[tuple[str, str | None, object]]:
    """(label, id, session) for each session once: the sidebar's order first, then any others."""
    found: list[tuple[str, str | None, object]] = []
    seen: set[str] = set()
    listing = data.get(SESSION_LIST)
    for meta in listing if isinstance(listing, list) else []:
        if isinstance(meta, dict) and isinstance(meta.get("id"), str) and meta["id"] not in seen:
            seen.add(meta["id"])
            found.append((_label(meta, meta["id"]), meta["id"], data.get(SESSION_PREFIX + meta["id"], _MISSING)))
    for name, session in data.items():
        if isinstance(name, str) and name.startswith(SESSION_PREFIX) and name[len(SESSION_PREFIX) :] not in seen:
            session_id = name[len(SESSION_PREFIX) :]
            seen.add(session_id)
            found.append((_label(session, session_id), session_id, session))
    old = data.get(SESSIONS)
    for number, session in enumerate(old if isinstance(old, list) else [], start=1):
        session_id = session.get("id") if isinstance(session, dict) else None
        if isinstance(session_id, str) and session_id in seen:
            continue
        if isinstance(session_id, str):
            seen.add(session_id)
        found.append(
            (_label(session, f"session {number}"), session_id if isinstance(session_id, str) else None, session)
        )
    return found


def _label(value: object, fallback: str) -> str:
    if isinstance(value, dict):
        for name in ("name", "id"):
            text = value.get(name)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return fallback or "a Chatbox session"


def _session(label: str, fallback_id: str | None, session: object) -> list[ImportedConversation | Skipped]:
    try:
        if session is _MISSING:
            raise SkipConversation("its messages are not in the file")
        if not isinstance(session, dict):
            raise SkipConversation("the session is not an object")
        session_id = session.get("id") if isinstance(session.get("id"), str) and session["id"] else fallback_id
        if not session_id:
            raise SkipConversation("the session has no id")
        if session.get("type") == "picture":
            raise SkipConversation("it is an image-generation session")
        forks = session.get("messageForksHash")
        if forks is None:
            forks = {}
        if not isinstance(forks, dict):
            raise SkipConversation("its branches are damaged")
        settings = session.get("settings")
        model = settings.get("modelId") if isinstance(settings, dict) else None
        model = model if isinstance(model, str) and model.strip() else None
        name = session.get("name")
        title = name.strip() or None if isinstance(name, str) else None
        threads = session.get("threads")
        if threads is not None and not isinstance(threads, list):
            raise SkipConversation("its earlier threads are damaged")
    except SkipConversation as problem:
        return [Skipped(label, str(problem))]
    except Exception:
        return [Skipped(label, "it cannot be read")]
    results: list[ImportedConversation | Skipped] = []
    current = _attempt(label, session_id, title, session.get("messages"), forks, model)
    if not (threads and isinstance(current, Skipped) and current.reason == _EMPTY):
        results.append(current)  # a session cleared for a new thread is empty; its threads still count
    for number, thread in enumerate(threads or [], start=1):
        thread = thread if isinstance(thread, dict) else {}
        thread_name = thread.get("name")
        thread_title = thread_name.strip() or title if isinstance(thread_name, str) else title
        thread_id = thread.get("id") if isinstance(thread.get("id"), str) and thread["id"] else str(number)
        thread_label = thread_title or f"{label} (thread {number})"
        results.append(
            _attempt(thread_label, f"{session_id}:{thread_id}", thread_title, thread.get("messages"), forks, model)
        )
    return results


def _attempt(
    label: str, key: str, title: str | None, raw_messages: object, forks: dict, model: str | None
) -> ImportedConversation | Skipped:
    try:
        return _conversation(key, title, raw_messages, forks, model)
    except SkipConversation as problem:
        return Skipped(label, str(problem))
    except Exception:
        return Skipped(label, "it cannot be read")


def _conversation(
    key: str, title: str | None, raw_messages: object, forks: dict, model: str | None
) -> ImportedConversation:
    if not isinstance(raw_messages, list):
        raise SkipConversation("its messages are not a list")
    messages: list[ImportedMessage] = []
    system_prompt: str | None = None
    active: str | None = None
    expanded: set[str] = set()
    keys: set[str] = set()
    # Each branch: its messages, the message it follows, whether it is the branch on screen.
    branches: list[tuple[list, str | None, bool]] = [(raw_messages, None, True)]
    while branches:
        chain, parent, on_screen = branches.pop(0)
        first = chain[0].get("id") if chain and isinstance(chain[0], dict) else None
        if not on_screen and isinstance(first, str) and first in keys:
            continue  # a copy of the branch on screen, which Chatbox keeps inline
        for index, raw in enumerate(chain):
            if not isinstance(raw, dict):
                raise SkipConversation("a message is not an object")
            raw_id = raw.get("id")
            if on_screen and index == 0 and raw.get("role") == "system" and system_prompt is None:
                system_prompt = _content(raw)[0] or None  # its branches, if any, become roots
            else:
                message = _message(raw, parent, len(messages) + 1)
                if message is not None:
                    messages.append(message)
                    keys.add(message.key)
                    parent = message.key
                    if on_screen:
                        active = message.key
            fork = forks.get(raw_id) if isinstance(raw_id, str) and raw_id not in expanded else None
            if fork is None:
                continue
            expanded.add(raw_id)
            lists = fork.get("lists") if isinstance(fork, dict) else None
            if not isinstance(lists, list):
                raise SkipConversation("a branch is damaged")
            for branch in lists:
                branch_messages = branch.get("messages") if isinstance(branch, dict) else None
                if not isinstance(branch_messages, list):
                    raise SkipConversation("a branch is damaged")
                if branch_messages:
                    branches.append((branch_messages, parent, False))
    tree = arranged(messages)
    times = [message.created for message in messages if message.created]
    return ImportedConversation(
        source=SOURCE,
        key=key,
        title=title,
        messages=tree,
        active_leaf=active,
        created=min(times, default=None),
        updated=max(times, default=None),
        system_prompt=system_prompt,
        model=model,
    )


def _message(raw: dict, parent: str | None, number: int) -> ImportedMessage | None:
    role = raw.get("role")
    if not isinstance(role, str):
        raise SkipConversation("a message has no role")
    if role not in ROLES:
        return None  # tool results: the answer that used them follows
    key = raw.get("id")
    if not isinstance(key, str) or not key:
        key = f"message-{number}"
    content, thinking = _content(raw)
    error = raw.get("error")
    code = raw.get("errorCode")
    status, error_text = "complete", None
    if isinstance(error, str) and error.strip():
        status, error_text = "error", error
    elif isinstance(code, int) and not isinstance(code, bool) and code:
        status, error_text = "error", f"error code {code}"
    elif raw.get("generating") is True:
        status = "interrupted"
    model = raw.get("model")
    return ImportedMessage(
        key=key,
        parent=parent,
        role=role,
        content=content,
        created=iso_time(raw.get("timestamp")),
        model=model if role == "assistant" and isinstance(model, str) and model.strip() else None,
        thinking=thinking,
        status=status,
        error=error_text,
    )


def _content(raw: dict) -> tuple[str, str | None]:
    parts = raw.get("contentParts")
    if parts is not None and not isinstance(parts, list):
        raise SkipConversation("a message's content is damaged")
    texts: list[str] = []
    thoughts: list[str] = []
    for part in parts or []:
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            if part.get("type") == "text":
                texts.append(part["text"])
            elif part.get("type") == "reasoning":
                thoughts.append(part["text"])
    text = "\n".join(texts)
    legacy = raw.get("content")
    if (not text.strip() or text == "...") and isinstance(legacy, str) and legacy:
        text = legacy  # Chatbox before contentParts; "..." is its placeholder while answering
    reasoning = raw.get("reasoningContent")
    if not thoughts and isinstance(reasoning, str) and reasoning.strip():
        thoughts.append(reasoning)
    return text, "\n\n".join(thoughts) or None
