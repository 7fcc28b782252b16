"""Does a GGUF model look like a base model (pre-trained, not tuned to chat)? One sentence for people if so.

Nothing can make a base model chat well, but people should know what they picked: Settings and the
status bar show this note, and such a model gets a plain transcript template that ends a reply where
it starts writing the next turn (templates.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.models.gguf_parser import shown_name

if TYPE_CHECKING:
    from assistant.models.gguf_info import ModelInfo

# What a model's names (general.name / basename / finetune, the file name) say: whole words, and
# parts of words for the longer ones ("OpenHermes", "WizardLM-2", "finetuned").
_TUNED_WORDS = frozenset({"it", "rp", "sft", "dpo", "kto", "orpo", "simpo", "grpo", "rlhf"})
_TUNED_PARTS = ("instruct", "chat", "assistant", "tuned", "roleplay")
_TUNED_PARTS += ("hermes", "zephyr", "vicuna", "dolphin", "wizard", "tulu", "alpaca", "orca")
_BASE_WORDS = frozenset({"base", "pt", "pretrained", "pretrain"})


def _words(*texts: str | None) -> set[str]:
    return {w for t in texts if t for w in re.split(r"[^a-z0-9]+", t.lower()) if w}


def base_model_note(info: ModelInfo) -> str | None:
    if info.model_type not in (None, "model"):
        return None
    names = _words(info.name, info.basename, info.path.stem)
    tag = (info.finetune or "").lower()
    tuned = names & _TUNED_WORDS or any(part in word for word in names for part in _TUNED_PARTS)
    if tuned or (tag and tag not in _BASE_WORDS):  # any fine-tune tag but "base", "pt"... means tuned
        return None
    said = sorted(names & _BASE_WORDS)
    if tag:
        why = f"its metadata (general.finetune) says '{shown_name(tag)}'"
    elif said:
        why = f"its name says '{said[0]}'"
    elif not info.has_chat_template and info.basename:
        name = f"its name '{shown_name(info.name)}'" if info.name else "its name"
        return _base_note(
            f"its file has no chat template, and neither {name} nor its metadata (general.finetune) "
            "says it was tuned to chat"
        )
    else:
        return None
    return _base_note(why if info.has_chat_template else f"{why} and its file has no chat template")


def _base_note(why: str) -> str:
    return (
        f"This looks like a base model (pre-trained, not instruction-tuned): {why}; it continues text rather than "
        "answering, so expect rambling, echoes of the system prompt and made-up follow-up questions, and an "
        "instruction-tuned version (often named -it, -Instruct or -Chat) chats far better."
    )
