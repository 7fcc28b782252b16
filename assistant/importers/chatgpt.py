"""ChatGPT's data export (Settings > Data controls > Export data): a zip holding conversations.json, or in
newer exports conversations-000.json, -001.json, ..., each a JSON list. read() gets one parsed list.

A conversation: {"title", "create_time", "update_time" (epoch seconds), "conversation_id" and/or "id",
"default_model_slug", "current_node" (the node last seen), "mapping": {node id: {"id", "parent", "children",
"message"}}}. A message: {"author": {"role": system|user|assistant|tool, "name"}, "create_time", "status",
"recipient" ("all" or a tool: "python", "web.run", "dalle.text2im"), "content": {"content_type", ...},
"metadata": {"model_slug", "is_visually_hidden_from_conversation", "user_context_message_data",
"finish_details": {"type"}}}. The root has no message ("client-created-root" in newer exports) and is
followed by hidden, empty system nodes. An edited prompt or a regenerated answer is a sibling node; a
reasoning model's turn is a chain of assistant and tool nodes (thoughts, tool call, tool output, a
"Thought for 15s" recap, the answer), folded here into one assistant message.

Content types: text and multimodal_text {"parts": strings, or dicts: image_asset_pointer,
audio_asset_pointer, audio_transcription {"text"}}; code {"language", "text"}; execution_output {"text"};
thoughts {"thoughts": [{"summary", "content"}]}; reasoning_recap {"content"}; user_editable_context
{"user_profile", "user_instructions"} (custom instructions: ChatGPT's wrapping text around the person's
own words in ``` fences); model_editable_context (memory); tether_browsing_display {"result", "summary"};
tether_quote {"title", "url", "text"}; system_error {"name", "text"}.

Verified against jamesmoore/chatgpt-export ChatGPTExport/Models/Conversations.cs (fields and content
types) and Exporters/Markdown/MarkdownContentVisitor.cs (parts, assets, thoughts, code); open-webui/
open-webui src/lib/utils/index.ts (convertOpenAIChats, getImportOrigin: "mapping" marks the format); and
real exports committed to public repositories (found by "client-created-root", "user_editable_context",
"reasoning_recap"): hidden system nodes, custom instructions in a hidden user node with
metadata.user_context_message_data, thoughts with chunks, empty web.run tool nodes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.importers.types import (
    BadShape,
    ImportedConversation,
    ImportedMessage,
    SkipConversation,
    Skipped,
    arranged,
    iso_time,
    ordered,
)

SOURCE = "chatgpt"

_STATUS = {"in_progress": "interrupted", "finished_partial_completion": "interrupted"}
_NOT_SHOWN = ("model_editable_context", "reasoning_recap")  # ChatGPT's memory; "Thought for 15s"
_FENCED_ALREADY = ("code", "execution_output", "multimodal_text")


@dataclass
class _Part:
    """One kept node, in Bothy's terms: a user or system message, or a piece of an assistant turn."""

    role: str  # "user", "system" or "side" (assistant or tool: folded into assistant messages)
    text: str
    thinking: str = ""
    model: str | None = None
    created: str | None = None
    status: str = "complete"
    error: str | None = None


def recognizes(data: object) -> bool:
    return isinstance(data, list) and any(isinstance(item, dict) and "mapping" in item for item in data)


def read(data: object) -> Iterator[ImportedConversation | Skipped]:
    if not isinstance(data, list):
        raise BadShape("not a list of ChatGPT conversations")
    if data and not recognizes(data):
        raise BadShape("no ChatGPT conversations in it (nothing has a 'mapping')")
    for number, item in enumerate(data, 1):
        try:
            if not isinstance(item, dict) or "mapping" not in item:
                raise SkipConversation("not a ChatGPT conversation")
            result: ImportedConversation | Skipped = _conversation(item)
        except SkipConversation as skip:
            result = Skipped(_name(item, number), str(skip))
        except Exception as error:  # a shape nobody foresaw: lose this conversation, not the file
            result = Skipped(_name(item, number), f"it could not be read ({type(error).__name__})")
        yield result


def _name(item: object, number: int) -> str:
    if isinstance(item, dict):
        for field in ("title", "conversation_id", "id"):
            value = item.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return f"conversation {number}"


def _conversation(conv: dict) -> ImportedConversation:
    mapping = conv.get("mapping")
    if not isinstance(mapping, dict):
        raise SkipConversation("it has no messages" if mapping is None else "its message tree is not an object")
    nodes: dict[str, tuple[str | None, dict | None]] = {}
    rank: dict[str, int] = {}
    for node_id, node in mapping.items():
        if not isinstance(node, dict):
            raise SkipConversation("a message node is not an object")
        parent, message, children = node.get("parent"), node.get("message"), node.get("children")
        if parent is not None and not isinstance(parent, str):
            raise SkipConversation("a message's parent is not an id")
        if message is not None and not isinstance(message, dict):
            raise SkipConversation("a message is not an object")
        nodes[node_id] = (parent, message)
        for index, child in enumerate(children if isinstance(children, list) else []):
            if isinstance(child, str):
                rank.setdefault(child, index)
    order = _tree_order(nodes, rank)

    # Which nodes are messages, and the nearest kept node above each node (dropped ones are skipped over).
    parts: dict[str, _Part] = {}
    anchor: dict[str, str | None] = {}
    up: dict[str, str | None] = {}
    instructions: str | None = None
    for node_id in order:
        parent, message = nodes[node_id]
        up[node_id] = anchor[parent] if parent is not None else None
        part, context = _classify(message) if message is not None else (None, None)
        instructions = instructions or context
        if part is not None:
            parts[node_id] = part
        anchor[node_id] = node_id if part is not None else up[node_id]

    # Fold each single-child chain of assistant and tool nodes into one assistant message.
    kids: dict[str | None, int] = {}
    for node_id in parts:
        kids[up[node_id]] = kids.get(up[node_id], 0) + 1
    group_of: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for node_id, part in parts.items():
        above = up[node_id]
        if part.role == "side" and above is not None and parts[above].role == "side" and kids[above] == 1:
            group_of[node_id] = group_of[above]
            groups[group_of[node_id]].append(node_id)
        else:
            group_of[node_id] = node_id
            groups[node_id] = [node_id]
    messages = [_message(head, members, parts, up, group_of) for head, members in groups.items()]

    placed = arranged(messages)
    current = conv.get("current_node")
    leaf = anchor.get(current) if isinstance(current, str) else None
    model = conv.get("default_model_slug")
    return ImportedConversation(
        source=SOURCE,
        key=_key(conv),
        title=conv["title"] if isinstance(conv.get("title"), str) else None,
        messages=placed,
        active_leaf=group_of[leaf] if leaf is not None else None,
        created=iso_time(conv.get("create_time")),
        updated=iso_time(conv.get("update_time")),
        system_prompt=instructions,
        model=model if isinstance(model, str) and model else None,
    )


def _tree_order(nodes: dict[str, tuple[str | None, dict | None]], rank: dict[str, int]) -> list[str]:
    """The node ids, each parent before its children and siblings in the order of the parent's "children";
    a cycle or a parent that is missing is a SkipConversation."""
    stand_ins = [
        ImportedMessage(key=node_id, parent=parent, role="user", content="") for node_id, (parent, _) in nodes.items()
    ]
    stand_ins.sort(key=lambda message: rank.get(message.key, len(nodes)))
    placed = ordered(stand_ins)
    if len(placed) != len(stand_ins):
        if any(parent is not None and parent not in nodes for parent, _ in nodes.values()):
            raise SkipConversation("a message answers a message that is missing")
        raise SkipConversation("its messages form a cycle")
    return [message.key for message in placed]


def _classify(message: dict) -> tuple[_Part | None, str | None]:
    """The node as a part of a message (None: not a message), and the custom instructions it carries."""
    author, content, metadata = message.get("author"), message.get("content"), message.get("metadata")
    role = author.get("role") if isinstance(author, dict) else None
    if not isinstance(role, str):
        raise SkipConversation("a message has no author")
    if content is not None and not isinstance(content, dict):
        raise SkipConversation("a message's content is not an object")
    content = content or {}
    metadata = metadata if isinstance(metadata, dict) else {}
    kind = content.get("content_type")
    if kind == "user_editable_context" or isinstance(metadata.get("user_context_message_data"), dict):
        return None, _instructions(content, metadata)
    hidden = metadata.get("is_visually_hidden_from_conversation") is True
    if hidden or kind in _NOT_SHOWN or role not in ("user", "system", "assistant", "tool"):
        return None, None
    side = "side" if role in ("assistant", "tool") else role
    part = _Part(role=side, text="", created=iso_time(message.get("create_time")))
    if kind == "thoughts":
        part.thinking = _thoughts(content.get("thoughts"))
    elif kind == "system_error":
        part.status, part.error = "error", _text(content, kind).strip() or "error"
    else:
        part.text = _text(content, kind)
        to_tool = role == "assistant" and message.get("recipient") not in (None, "all")
        if part.text and (role == "tool" or to_tool) and kind not in _FENCED_ALREADY:
            part.text = _fence(part.text)  # a tool's output, or a call to a tool
    if part.role == "side":
        model = metadata.get("model_slug")
        part.model = model if isinstance(model, str) and model else None
        finish = metadata.get("finish_details")
        stopped = isinstance(finish, dict) and finish.get("type") == "interrupted"
        if part.status != "error":
            part.status = "cancelled" if stopped else _STATUS.get(str(message.get("status")), "complete")
    if not part.text.strip() and not part.thinking.strip() and part.status != "error":
        return None, None
    return part, None


def _text(content: dict, kind: object) -> str:
    if "parts" in content:
        parts = content["parts"]
        if parts is None:
            return ""
        if not isinstance(parts, list):
            raise SkipConversation("a message's parts are not a list")
        return "\n".join(piece for piece in map(_piece, parts) if piece)
    if kind == "code":
        language = content.get("language")
        language = language if isinstance(language, str) and language != "unknown" else ""
        return _fence(_str(content.get("text")), language) if _str(content.get("text")).strip() else ""
    if kind == "execution_output":
        return _fence(_str(content.get("text"))) if _str(content.get("text")).strip() else ""
    if kind == "tether_quote":
        source = " ".join(_str(content.get(field)) for field in ("title", "url") if _str(content.get(field)))
        return "\n".join(text for text in (source, _str(content.get("text"))) if text)
    for field in ("text", "result", "summary", "content"):
        if _str(content.get(field)).strip():
            return _str(content.get(field))
    return ""


def _piece(part: object) -> str:
    """One element of "parts": text, or a short note for an image, audio or video the export refers to."""
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return ""
    kind = _str(part.get("content_type"))
    if kind == "image_asset_pointer":
        return "[Image]"
    if kind == "audio_transcription" or _str(part.get("text")):
        return _str(part.get("text"))
    if "video" in kind:
        return "[Video]"
    return "[Audio]" if "audio" in kind else ""


def _thoughts(thoughts: object) -> str:
    if not isinstance(thoughts, list):
        return ""
    pieces = []
    for thought in thoughts:
        if isinstance(thought, dict):
            summary, body = _str(thought.get("summary")).strip(), _str(thought.get("content")).strip()
            pieces.append("\n".join(text for text in (f"**{summary}**" if summary else "", body) if text))
        elif isinstance(thought, str):
            pieces.append(thought.strip())
    return "\n\n".join(piece for piece in pieces if piece)


def _instructions(content: dict, metadata: dict) -> str | None:
    """Custom instructions as a system prompt: the person's own words, without ChatGPT's wrapping."""
    data = metadata.get("user_context_message_data")
    data = data if isinstance(data, dict) else {}
    about_user = _str(data.get("about_user_message")).strip() or _unwrap(_str(content.get("user_profile")))
    about_model = _str(data.get("about_model_message")).strip() or _unwrap(_str(content.get("user_instructions")))
    pieces = [
        f"About the user:\n{about_user}" if about_user else "",
        f"How to respond:\n{about_model}" if about_model else "",
    ]
    return "\n\n".join(piece for piece in pieces if piece) or None


def _unwrap(text: str) -> str:
    start = text.find("```")
    if start < 0:
        return text.strip()
    end = text.find("```", start + 3)
    return text[start + 3 : end if end >= 0 else len(text)].strip()


def _message(head: str, members: list[str], parts: dict[str, _Part], up: dict, group_of: dict) -> ImportedMessage:
    chain = [parts[node_id] for node_id in members]
    first, last = chain[0], chain[-1]
    above = up[head]
    errors = [part.error for part in chain if part.error]
    return ImportedMessage(
        key=head,
        parent=group_of[above] if above is not None else None,
        role="assistant" if first.role == "side" else first.role,
        content="\n\n".join(part.text.strip("\n") for part in chain if part.text.strip()),
        created=next((part.created for part in chain if part.created), None),
        model=next((part.model for part in reversed(chain) if part.model), None),
        thinking="\n\n".join(part.thinking for part in chain if part.thinking) or None,
        status="error" if errors else last.status,
        error="\n".join(errors) or None,
    )


def _fence(text: str, language: str = "") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text.strip(chr(10))}\n{fence}"


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _key(conv: dict) -> str:
    for field in ("conversation_id", "id"):
        value = conv.get(field)
        if isinstance(value, str) and value:
            return value
    return "sha256:" + hashlib.sha256(json.dumps(conv, sort_keys=True, default=str).encode()).hexdigest()[:32]
