"""LM Studio: its conversation files, ~/.lmstudio/conversations/<createdAt>.conversation.json.

One JSON object a conversation: {name, createdAt (epoch ms, also the file's name), pinned, tokenCount,
userLastMessagedAt, assistantLastMessagedAt, systemPrompt, perChatPredictionConfig: {fields: [{key:
"llm.prediction.systemPrompt", value}]}, lastUsedModel: {identifier, indexedModelIdentifier}, messages,
...}. The file has no id of its own, and its messages carry no time.

Each entry of `messages` is one position in the chat with its alternatives: {versions: [...],
currentlySelected: n}. A version is {type: "singleStep", role, content: [{type: "text", text}]}
(user and system turns) or {type: "multiStep", role: "assistant", steps: [...], senderInfo:
{senderName}} where each step of type "contentBlock" holds content parts {type: "text", text}, a
`style` ({type: "thinking"} for a reasoning model's thoughts, with prefix "<think>"), and `genInfo`
{identifier, indexedModelIdentifier, stats: {stopReason}}. Other steps (toolStatus,
requestConfirmToolCall, debugInfoBlock) are not text. LM Studio keeps a single list of positions, so
in Bothy's tree the versions of a position are siblings and the next position continues under the
selected one; the others are leaves.

Verified in lmstudio-ai/lmstudio-js: packages/lms-shared-types/src/llm/ContentBlockStyle.ts,
packages/lms-shared-types/src/llm/LLMPredictionStats.ts (LLMGenInfo, stop reasons),
packages/lms-shared-types/src/ChatHistoryData.ts; the file itself is internal to LM Studio
(lmstudio-ai/lmstudio-js issue #152), so its keys were checked against lmstudio-ai/lmstudio-bug-tracker
issues #872 and #1621 and readers of these files on GitHub (YorkieDev/lm-studio-conversation-converter
script.js, among others).
"""

from __future__ import annotations

import hashlib
import json
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

SOURCE = "lm-studio"

_CONVERSATION_KEYS = ("createdAt", "lastUsedModel", "systemPrompt", "tokenCount", "assistantLastMessagedAt")
_SYSTEM_PROMPT_FIELD = "llm.prediction.systemPrompt"
_STOP_STATUS = {"userStopped": "cancelled", "modelUnloaded": "interrupted", "failed": "error"}


def recognizes(data: object) -> bool:
    """One conversation file's object, or a list of them."""
    try:
        if isinstance(data, list):
            return any(_looks_like(item) for item in data[:20])
        return _looks_like(data)
    except Exception:
        return False


def read(data: object) -> Iterator[ImportedConversation | Skipped]:
    if not recognizes(data):
        raise BadShape("not an LM Studio conversation")
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        try:
            result: ImportedConversation | Skipped = _conversation(item)
        except SkipConversation as problem:
            result = Skipped(_label(item, number), str(problem))
        except Exception:
            result = Skipped(_label(item, number), "it cannot be read")
        yield result


def _looks_like(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("messages"), list):
        return False
    messages = value["messages"]
    if messages:
        return any(isinstance(entry, dict) and isinstance(entry.get("versions"), list) for entry in messages[:5])
    return any(name in value for name in _CONVERSATION_KEYS)


def _label(item: object, number: int) -> str:
    if isinstance(item, dict):
        name = item.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
        created = iso_time(item.get("createdAt"))
        if created:
            return f"the conversation of {created[:16].replace('T', ' ')}"
    return f"conversation {number}"


def _conversation(item: object) -> ImportedConversation:
    if not isinstance(item, dict):
        raise SkipConversation("the conversation is not an object")
    positions = item.get("messages")
    if not isinstance(positions, list):
        raise SkipConversation("its messages are not a list")
    model = _model_of(item.get("lastUsedModel"))
    messages: list[ImportedMessage] = []
    parent: str | None = None
    for number, entry in enumerate(positions, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("versions"), list):
            raise SkipConversation(f"message {number} has no versions")
        versions = entry["versions"]
        selected = entry.get("currentlySelected", 0)
        if isinstance(selected, bool) or not isinstance(selected, int) or not 0 <= selected < len(versions):
            selected = 0
        kept: list[ImportedMessage] = []
        chosen: ImportedMessage | None = None
        for index, version in enumerate(versions):
            message = _version(version, f"{number}.{index + 1}", parent, model, number)
            if message is None:
                continue
            kept.append(message)
            if index == selected:
                chosen = message
        if not kept:
            continue
        messages.extend(kept)
        parent = (chosen or kept[0]).key
    tree = arranged(messages)
    name = item.get("name")
    last = [iso_time(item.get(k)) for k in ("userLastMessagedAt", "assistantLastMessagedAt")]
    return ImportedConversation(
        source=SOURCE,
        key=_key(item),
        title=name.strip() or None if isinstance(name, str) else None,
        messages=tree,
        active_leaf=parent,
        created=iso_time(item.get("createdAt")),
        updated=max((t for t in last if t), default=None),
        system_prompt=_system_prompt(item),
        model=model,
    )


def _version(version: object, key: str, parent: str | None, model: str | None, number: int) -> ImportedMessage | None:
    if not isinstance(version, dict):
        raise SkipConversation(f"message {number} has a version that is not an object")
    role = version.get("role")
    if not isinstance(role, str):
        raise SkipConversation(f"message {number} has a version without a role")
    if role not in ROLES:
        return None
    texts: list[str] = []
    thoughts: list[str] = []
    status = "complete"
    own_model: str | None = None
    if version.get("type") == "multiStep" or "steps" in version:
        steps = version.get("steps")
        if not isinstance(steps, list):
            raise SkipConversation(f"message {number} has steps that are not a list")
        for step in steps:
            if not isinstance(step, dict) or step.get("type") != "contentBlock":
                continue
            text = _parts_text(step.get("content"), number)
            (thoughts if _is_thinking(step) else texts).append(text)
            gen_info = step.get("genInfo")
            if isinstance(gen_info, dict):
                own_model = _model_of(gen_info) or own_model
                stats = gen_info.get("stats")
                reason = stats.get("stopReason") if isinstance(stats, dict) else None
                status = _STOP_STATUS.get(reason, "complete") if isinstance(reason, str) else status
    else:
        texts.append(_parts_text(version.get("content"), number))
    sender = version.get("senderInfo")
    sender_name = sender.get("senderName") if isinstance(sender, dict) else None
    if isinstance(sender_name, str) and sender_name.strip() and own_model is None:
        own_model = sender_name
    return ImportedMessage(
        key=key,
        parent=parent,
        role=role,
        content="\n\n".join(text for text in texts if text),
        model=(own_model or model) if role == "assistant" else None,
        thinking="\n\n".join(text for text in thoughts if text) or None,
        status=status,
    )


def _parts_text(content: object, number: int) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise SkipConversation(f"message {number} has content of an unknown kind")
    return "".join(
        part["text"]
        for part in content
        if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
    )


def _is_thinking(step: dict) -> bool:
    style = step.get("style")
    if isinstance(style, dict) and style.get("type") == "thinking":
        return True
    prefix = step.get("prefix")
    return isinstance(prefix, str) and "<think" in prefix


def _model_of(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    for name in ("identifier", "indexedModelIdentifier"):
        model = value.get(name)
        if isinstance(model, str) and model.strip():
            return model
    return None


def _system_prompt(item: dict) -> str | None:
    prompt = item.get("systemPrompt")
    if isinstance(prompt, str) and prompt.strip():
        return prompt
    config = item.get("perChatPredictionConfig")
    fields = config.get("fields") if isinstance(config, dict) else None
    for field in fields if isinstance(fields, list) else []:
        if isinstance(field, dict) and field.get("key") == _SYSTEM_PROMPT_FIELD:
            value = field.get("value")
            if isinstance(value, str) and value.strip():
                return value
    return None


def _key(item: dict) -> str:
    """createdAt names the file in LM Studio's folder; without it, a hash of what the chat says."""
    created = item.get("createdAt")
    if isinstance(created, float) and created.is_integer() and abs(created) < 1e18:
        created = int(created)
    if isinstance(created, int) and not isinstance(created, bool) and 0 < created < 10**18:
        return str(created)
    if isinstance(created, str) and created.strip():
        return created.strip()
    content = json.dumps([item.get("name"), item.get("messages")], sort_keys=True, ensure_ascii=False, default=str)
    return "sha256-" + hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:32]
