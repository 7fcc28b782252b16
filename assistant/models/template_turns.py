"""Fitting a conversation to what strict chat templates accept, before rendering it.

Many templates refuse anything but system? user assistant user ... assistant? user: Gemma's and
Mistral's raise "Conversation roles must alternate", Gemma 2's raises "System role not supported".
Bothy's conversations break that rule in ordinary use: the system prompt is always sent, and a reply
that came back empty or failed is left out of the history, which puts two user messages in a row.

`normalize_turns` turns any such conversation into one those templates accept, keeping every word of
it: turns of the same role in a row become one turn (their texts joined by a blank line), empty
replies are left out (they say nothing), a reply before the first question is left out (the model
never sees a reply without its question: memory.fit_messages keeps the same rule), and, for a
template that takes no system message, the system prompt opens the first user turn, as llama.cpp
does for such templates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

JOIN = "\n\n"  # between two texts that become one turn


def normalize_turns(messages: Sequence[Mapping[str, Any]], *, fold_system: bool = False) -> list[dict[str, Any]]:
    """The conversation as turns that alternate user / assistant, after an optional system message.

    messages: {"role": "system" | "user" | "assistant", "content": str} dicts, oldest first; a system
    message, when there is one, comes first. The input is not changed.
    fold_system: put the system prompt at the start of the first user turn instead of sending it as
    a message of its own (for templates that refuse or ignore the system role).
    """
    turns = [dict(m) for m in messages]
    system = turns.pop(0) if turns and turns[0].get("role") == "system" else None
    out: list[dict[str, Any]] = []
    for turn in turns:
        text = turn.get("content")
        if turn.get("role") == "assistant" and (not isinstance(text, str) or not text.strip()):
            continue  # an empty (failed or stopped) reply
        if turn.get("role") == "assistant" and not out:
            continue  # a reply without its question
        if out and out[-1].get("role") == turn.get("role"):
            out[-1]["content"] = _joined(out[-1].get("content"), text)
        else:
            out.append(turn)
    if system is None:
        return out
    if not fold_system:
        return [system, *out]
    if out and out[0].get("role") == "user":
        out[0]["content"] = _joined(system.get("content"), out[0].get("content"))
        return out
    return [{**system, "role": "user"}, *out]


def _joined(first: Any, second: Any) -> str:
    parts = [str(p) for p in (first, second) if p is not None and str(p) != ""]
    return JOIN.join(parts)
