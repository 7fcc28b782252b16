"""The markers reasoning models put around their thinking, and which of them a reply may use.

A reasoning model thinks before it answers and writes the thinking between markers: `<think>` …
`</think>` (DeepSeek-R1 and its distills, Qwen3, QwQ, SmolLM3, GLM, Kimi K2 Thinking, MiniMax,
Nemotron), `[THINK]` … `[/THINK]` (Mistral's Magistral and Ministral reasoning models), gpt-oss's
harmony channels (`<|channel|>analysis<|message|>` … `<|end|>`, then
`<|start|>assistant<|channel|>final<|message|>` and the answer), and a few more below.

Which markers a reply may use is read from the chat template (its text mentions them). Many
templates end the prompt with the opening marker already written (DeepSeek-R1's generation prompt is
`<｜Assistant｜><think>\\n`): the reply then starts inside the thinking, without an opening marker of
its own, so whether the prompt opens a block is read from the end of the rendered prompt.

Pure apart from `for_prompt`, which asks the loaded model (duck-typed: tokenize, token_bytes,
special_bytes) for the prompt's last tokens and for the tokens of the markers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ThinkingMarkers:
    name: str
    open: str  # where the thinking starts (written by the model, or by the template's generation prompt)
    close: str  # where it ends
    answer_headers: tuple[str, ...] = ()  # dropped where the answer starts (gpt-oss: the final channel's header)
    detect: tuple[str, ...] = ()  # a template that mentions any of these uses the markers (default: open, close)

    def used_by(self, template: str) -> bool:
        return any(s in template for s in (self.detect or (self.open, self.close)))


THINK = ThinkingMarkers("think", "<think>", "</think>")
THINKING = ThinkingMarkers("thinking", "<thinking>", "</thinking>")
MISTRAL = ThinkingMarkers("mistral", "[THINK]", "[/THINK]")
SEED = ThinkingMarkers("seed", "<seed:think>", "</seed:think>")  # ByteDance Seed-OSS
GEMMA4 = ThinkingMarkers("gemma4", "<|channel>thought", "<channel|>")
HARMONY = ThinkingMarkers(  # gpt-oss: the analysis channel is the thinking, the final channel the answer
    "harmony",
    "<|channel|>analysis<|message|>",
    "<|end|>",
    answer_headers=("<|start|>assistant<|channel|>final<|message|>", "<|channel|>final<|message|>"),
    detect=("<|channel|>analysis<|message|>",),
)
APRIEL = ThinkingMarkers(  # ServiceNow Apriel: the prompt opens the reasoning, a marker starts the answer
    "apriel", "Here are my reasoning steps:", "[BEGIN FINAL RESPONSE]", detect=("[BEGIN FINAL RESPONSE]",)
)
KNOWN_MARKERS: tuple[ThinkingMarkers, ...] = (THINK, THINKING, MISTRAL, SEED, GEMMA4, HARMONY, APRIEL)

# How many of the prompt's last tokens are read back to see whether it opens a thinking block.
_PROMPT_TAIL_TOKENS = 32


def markers_in_template(template: str) -> tuple[ThinkingMarkers, ...]:
    """The thinking markers a chat template's text mentions (none for a template of a model that does not think)."""
    return tuple(m for m in KNOWN_MARKERS if m.used_by(template or ""))


def prompt_opens(prompt_end: str, markers: Iterable[ThinkingMarkers]) -> ThinkingMarkers | None:
    """The markers whose opening marker ends the prompt (trailing whitespace aside), or None."""
    end = prompt_end.rstrip()
    return next((m for m in markers if end.endswith(m.open)), None)


@dataclass(frozen=True)
class ReplyThinking:
    """How to read one reply's thinking: the markers it may use, the ones the prompt already opened,
    and the text of the marker tokens that llama.cpp would otherwise not show (control tokens)."""

    markers: tuple[ThinkingMarkers, ...] = ()
    opened: ThinkingMarkers | None = None
    token_text: dict[int, bytes] = field(default_factory=dict)


def for_prompt(model, template: str, prompt_tokens: Sequence[int]) -> ReplyThinking:
    """The thinking setup for a reply to `prompt_tokens`, rendered with the chat template `template`."""
    markers = markers_in_template(template)
    if not markers:
        return ReplyThinking()
    tail = model.special_bytes(list(prompt_tokens[-_PROMPT_TAIL_TOKENS:])).decode("utf-8", errors="replace")
    token_text: dict[int, bytes] = {}
    for m in markers:
        for marker in (m.open, m.close, *m.answer_headers):
            for token in model.tokenize(marker):
                shown = model.special_bytes([token])
                if shown != model.token_bytes(token):  # a control token: llama.cpp hides its text
                    token_text[token] = shown
    return ReplyThinking(markers, prompt_opens(tail, markers), token_text)
