"""A ChatGPT data export of any size, made up here (no network, no real data): the input of the
import benchmark (benchmarks/imports.py) and of the import window's tests.

Each conversation has the shape ChatGPT writes (a `mapping` tree under a hidden root and system
node, `current_node`), alternating user and assistant messages of mixed English and Chinese text,
and every fifth conversation has a regenerated reply, so the trees have branches.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = [
    "walk",
    "glen",
    "river",
    "bothy",
    "stove",
    "map",
    "ridge",
    "cairn",
    "midge",
    "loch",
    "weather",
    "tea",
    "boots",
    "山",
    "河",
    "小屋",
    "地图",
    "天气",
    "茶",
    "靴子",
    "湖",
]


def _node(node_id, role, text, parent, children, when):
    message = None
    if role is not None:
        message = {
            "id": node_id,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": when,
            "content": {"content_type": "text", "parts": [text]},
            "status": "finished_successfully",
            "metadata": {"is_visually_hidden_from_conversation": role == "system"},
        }
    return {"id": node_id, "message": message, "parent": parent, "children": children}


def conversation(index: int, messages: int, rng: random.Random) -> dict:
    """One conversation of `messages` visible messages (plus a regenerated reply now and then)."""
    start = 1_700_000_000.0 + index * 600
    mapping = {"root": _node("root", None, "", None, ["system"], None)}
    mapping["system"] = _node("system", "system", "", "root", [], None)
    parent, leaf = "system", "system"
    for n in range(messages):
        node_id = f"m{index}-{n}"
        role = "user" if n % 2 == 0 else "assistant"
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        mapping[node_id] = _node(node_id, role, text, parent, [], start + n * 5)
        mapping[parent]["children"].append(node_id)
        if role == "assistant" and index % 5 == 0 and n == 1:
            other = f"{node_id}-again"
            mapping[other] = _node(other, role, "another answer: " + text, parent, [], start + n * 5 + 1)
            mapping[parent]["children"].append(other)
        parent = leaf = node_id
    return {
        "title": f"Walk {index}: " + " ".join(rng.choice(WORDS) for _ in range(3)),
        "create_time": start,
        "update_time": start + messages * 5,
        "mapping": mapping,
        "current_node": leaf,
        "conversation_id": f"conv-{index}",
        "id": f"conv-{index}",
        "default_model_slug": "gpt-4o",
    }


def write(path: Path, conversations: int, messages_each: int, *, seed: int = 7) -> Path:
    """Write a conversations.json of `conversations` × `messages_each` messages to `path`."""
    rng = random.Random(seed)
    with Path(path).open("w", encoding="utf-8") as fp:
        fp.write("[")
        for index in range(conversations):
            if index:
                fp.write(",")
            json.dump(conversation(index, messages_each, rng), fp, ensure_ascii=False)
        fp.write("]")
    return Path(path)
