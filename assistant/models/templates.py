"""Choosing a model's chat template, and rendering conversations with it.

Most GGUF files carry their Hugging Face chat template (`tokenizer.chat_template`, a Jinja2
template); that one wins when it can render a conversation. For files without one, a known template
is guessed from the special tokens in the vocabulary and the architecture, and failing that a plain
"User:/Assistant:" transcript is used; a base model (pre-trained, not instruction-tuned: see
ModelInfo.base_model_note) gets that transcript too, because it stops where such a model starts
writing the next turn. The user can always pick a template by name.

The file's template is checked once, when the model is loaded, with a system message and two user
turns around a reply: a template that refuses (or ignores) the system message gets the system prompt
at the start of the first user turn instead. Every render then fits the conversation to what strict
templates accept (template_turns.normalize_turns) and renders it in a sandbox with the variables
llama.cpp passes (template_render).

The rendered prompt may begin with the BOS token's text (Llama 3, Gemma, Mistral templates do):
tokenize it with special tokens parsed and without adding another BOS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from assistant.errors import ModelError
from assistant.models.template_render import render
from assistant.models.template_turns import normalize_turns

__all__ = ["KNOWN_TEMPLATES", "PLAIN", "KnownTemplate", "TemplateChoice", "choose_template", "render"]

Source = Literal["embedded", "guessed", "user"]


@dataclass(frozen=True)
class KnownTemplate:
    name: str
    title: str  # for people: "ChatML"
    template: str
    stop: tuple[str, ...]


@dataclass(frozen=True)
class TemplateChoice:
    name: str  # a KNOWN_TEMPLATES key, or "embedded"
    template: str
    stop: list[str] = field(hash=False)
    source: Source
    reason: str  # a sentence for people saying why this template was chosen
    bos_token: str = ""
    eos_token: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, hash=False)  # more template variables
    fold_system: bool = False  # the template takes no system message: the prompt opens the first user turn

    def render(self, messages: Sequence[Mapping[str, Any]], *, add_generation_prompt: bool = True) -> str:
        """The prompt for `messages` (system first if any, then the turns, oldest first).

        Same-role turns in a row are joined, empty replies left out and, where the template takes no
        system message, the system prompt folded into the first user turn (see normalize_turns).
        Raises ModelError if the template still fails.
        """
        return render(
            self.template,
            normalize_turns(messages, fold_system=self.fold_system),
            bos_token=self.bos_token,
            eos_token=self.eos_token,
            add_generation_prompt=add_generation_prompt,
            **self.extra,
        )


class _HasTemplateInfo(Protocol):  # what choose_template needs from a ModelInfo
    architecture: str | None
    chat_template: str | None
    special_tokens: frozenset[str]
    bos_token: str | None
    eos_token: str | None
    eot_token: str | None

    @property
    def base_model_note(self) -> str | None: ...  # set when the model looks like a base model, not a chat model


# -- the known templates ---------------------------------------------------------------------------

_CHATML = r"""
{%- for message in messages -%}
{{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
"""

_LLAMA3 = r"""
{{- bos_token -}}
{%- for message in messages -%}
{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim
    + '<|eot_id|>' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}{%- endif -%}
"""

_SYSTEM_FOLDED = r"""
{%- if messages and messages[0]['role'] == 'system' -%}
{%- set system = messages[0]['content'] | trim + '\n\n' -%}{%- set loop_messages = messages[1:] -%}
{%- else -%}
{%- set system = '' -%}{%- set loop_messages = messages -%}
{%- endif -%}
"""

_GEMMA = (
    r"{{- bos_token -}}"
    + _SYSTEM_FOLDED
    + r"""
{%- for message in loop_messages -%}
{%- set role = 'model' if message['role'] == 'assistant' else 'user' -%}
{{- '<start_of_turn>' + role + '\n' + (system if loop.first else '') + message['content'] | trim
    + '<end_of_turn>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<start_of_turn>model\n' -}}{%- endif -%}
"""
)

_PHI3 = r"""
{%- for message in messages -%}
{{- '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|assistant|>\n' -}}{%- endif -%}
"""

_ZEPHYR = r"""
{%- for message in messages -%}
{{- '<|' + message['role'] + '|>\n' + message['content'] + eos_token + '\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|assistant|>\n' -}}{%- endif -%}
"""

_MISTRAL = (
    r"{{- bos_token -}}"
    + _SYSTEM_FOLDED
    + r"""
{%- for message in loop_messages -%}
{%- if message['role'] == 'user' -%}
{{- '[INST] ' + (system if loop.first else '') + message['content'] | trim + ' [/INST]' -}}
{%- else -%}
{{- ' ' + message['content'] | trim + eos_token -}}
{%- endif -%}
{%- endfor -%}
"""
)

_LLAMA2 = (
    _SYSTEM_FOLDED
    + r"""
{%- for message in loop_messages -%}
{%- if message['role'] == 'user' -%}
{%- if loop.first and system -%}
{{- bos_token + '[INST] <<SYS>>\n' + system | trim + '\n<</SYS>>\n\n' + message['content'] | trim
    + ' [/INST]' -}}
{%- else -%}
{{- bos_token + '[INST] ' + message['content'] | trim + ' [/INST]' -}}
{%- endif -%}
{%- else -%}
{{- ' ' + message['content'] | trim + ' ' + eos_token -}}
{%- endif -%}
{%- endfor -%}
"""
)

_DEEPSEEK = r"""
{{- bos_token -}}
{%- for message in messages -%}
{%- if message['role'] == 'system' -%}{{- message['content'] -}}
{%- elif message['role'] == 'user' -%}{{- '<｜User｜>' + message['content'] -}}
{%- else -%}{{- '<｜Assistant｜>' + message['content'] + eos_token -}}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<｜Assistant｜>' -}}{%- endif -%}
"""

_PLAIN = r"""
{%- for message in messages -%}
{%- if message['role'] == 'system' -%}{{- message['content'] + '\n\n' -}}
{%- elif message['role'] == 'user' -%}{{- 'User: ' + message['content'] + '\n' -}}
{%- else -%}{{- 'Assistant: ' + message['content'] + '\n' -}}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- 'Assistant:' -}}{%- endif -%}
"""


def _known(name: str, title: str, template: str, *stop: str) -> tuple[str, KnownTemplate]:
    return name, KnownTemplate(name, title, template.strip(), stop)


KNOWN_TEMPLATES: dict[str, KnownTemplate] = dict(
    [
        _known("chatml", "ChatML", _CHATML, "<|im_end|>", "<|im_start|>"),
        _known("llama3", "Llama 3", _LLAMA3, "<|eot_id|>", "<|start_header_id|>"),
        _known("gemma", "Gemma", _GEMMA, "<end_of_turn>", "<start_of_turn>"),
        _known("phi3", "Phi-3", _PHI3, "<|end|>", "<|user|>"),
        _known("zephyr", "Zephyr", _ZEPHYR, "</s>", "<|user|>"),
        _known("mistral", "Mistral [INST]", _MISTRAL, "</s>", "[INST]"),
        _known("llama2", "Llama 2", _LLAMA2, "</s>", "[INST]"),
        _known("deepseek", "DeepSeek", _DEEPSEEK, "<｜end▁of▁sentence｜>", "<｜User｜>"),
        _known("plain", "plain transcript", _PLAIN, "\nUser:", "\nAssistant:"),
    ]
)
PLAIN = "plain"

# (template, tokens that must all be in the vocabulary), tried in order.
_TOKEN_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("chatml", ("<|im_start|>",)),
    ("llama3", ("<|start_header_id|>", "<|eot_id|>")),
    ("gemma", ("<start_of_turn>",)),
    ("phi3", ("<|user|>", "<|end|>")),
    ("zephyr", ("<|user|>", "<|assistant|>")),
    ("deepseek", ("<｜User｜>",)),
    ("mistral", ("[INST]",)),
)
_ARCH_RULES: dict[str, str] = {
    **dict.fromkeys(("qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen3moe"), "chatml"),
    **dict.fromkeys(("gemma", "gemma2", "gemma3"), "gemma"),
    "phi3": "phi3",
}
# How a base model, given the plain transcript, starts writing the next turn besides "User:" and
# "Assistant:": Gemma 3 270M base wrote "\nYou:" in 5 of 30 replies (tests/assistant/models/test_base_model.py).
_BASE_MODEL_STOPS = ("\nYou:",)
# Turn-ending markers worth stopping on when an embedded template uses them.
_END_MARKERS = (
    "<|im_end|>",
    "<|eot_id|>",
    "<end_of_turn>",
    "<|end|>",
    "<|endoftext|>",
    "<｜end▁of▁sentence｜>",
    "</s>",
)


def choose_template(info: _HasTemplateInfo, override: str | None = None) -> TemplateChoice:
    """Pick the template for a model: the user's override, else the file's own, else a guess.

    override: a KNOWN_TEMPLATES key, "embedded" (the file's own), or None/""/"auto" to decide.
    An unknown override name, or "embedded" for a file without a template, raises ModelError.
    """
    key = (override or "").strip().lower()
    if key and key != "auto":
        if key == "embedded":
            if not info.chat_template or not info.chat_template.strip():
                raise ModelError("This model file has no chat template of its own to use.")
            fold, _ = _probe(info)
            return _embedded(info, "user", "Using the chat template stored in the model file, as you chose", fold)
        known = KNOWN_TEMPLATES.get(key)
        if known is None:
            raise ModelError(
                f"There is no chat template called '{override}'.",
                hint="Choose one of: " + ", ".join(["embedded", *KNOWN_TEMPLATES]) + ".",
            )
        return _from_known(known, info, "user", f"Using the {known.title} template, as you chose.")

    prefix = "No chat template in the file"
    if info.chat_template and info.chat_template.strip():
        fold, problem = _probe(info)
        if problem is None:
            return _embedded(info, "embedded", "Using the chat template stored in the model file", fold)
        prefix = f"The chat template in the file does not work ({problem})"

    if info.base_model_note:
        reason = (
            f"{prefix}, and the model looks like a base model, not one tuned to chat; using a plain "
            "'User: / Assistant:' transcript, which ends a reply where the model starts writing the next turn."
        )
        choice = _from_known(KNOWN_TEMPLATES[PLAIN], info, "guessed", reason)
        return replace(choice, stop=_dedupe([*choice.stop, *_BASE_MODEL_STOPS]))
    specials = info.special_tokens or frozenset()
    for name, needed in _TOKEN_RULES:
        if all(t in specials for t in needed):
            known = KNOWN_TEMPLATES[name]
            has = " and ".join(needed)
            return _from_known(
                known, info, "guessed", f"{prefix}; using {known.title} because the vocabulary has {has}."
            )
    arch = (info.architecture or "").lower()
    if arch in _ARCH_RULES:
        known = KNOWN_TEMPLATES[_ARCH_RULES[arch]]
        return _from_known(
            known,
            info,
            "guessed",
            f"{prefix}; using {known.title} because the model's architecture is {arch}.",
        )
    return _from_known(
        KNOWN_TEMPLATES[PLAIN],
        info,
        "guessed",
        f"{prefix} and nothing in the model suggests one; using a plain 'User: / Assistant:' "
        "transcript, which may work poorly.",
    )


def _embedded(info: _HasTemplateInfo, source: Source, reason: str, fold_system: bool) -> TemplateChoice:
    if fold_system:
        reason += "; it takes no system message, so the system prompt opens the first user message"
    return TemplateChoice(
        "embedded",
        info.chat_template or "",
        _embedded_stops(info),
        source,
        reason + ".",
        info.bos_token or "",
        info.eos_token or "",
        fold_system=fold_system,
    )


def _from_known(known: KnownTemplate, info: _HasTemplateInfo, source: Source, reason: str) -> TemplateChoice:
    stops = _dedupe([*known.stop, *_model_stops(info)])
    return TemplateChoice(known.name, known.template, stops, source, reason, info.bos_token or "", info.eos_token or "")


def _model_stops(info: _HasTemplateInfo) -> list[str]:
    return [t for t in (info.eos_token, info.eot_token) if t and t.strip()]


def _embedded_stops(info: _HasTemplateInfo) -> list[str]:
    template = info.chat_template or ""
    return _dedupe([*_model_stops(info), *(m for m in _END_MARKERS if m in template)])


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# What the file's template is tried with when a model is loaded: a system prompt, and a second user
# turn after a reply (the system text is distinctive, so that a template's own default prompt is not
# mistaken for it).
_PROBE_SYSTEM = "You are Bothy; answer briefly."
_PROBE = (
    {"role": "system", "content": _PROBE_SYSTEM},
    {"role": "user", "content": "Hello"},
    {"role": "assistant", "content": "Hi there"},
    {"role": "user", "content": "How are you?"},
)


def _probe(info: _HasTemplateInfo) -> tuple[bool, str | None]:
    """How the file's template takes a conversation: (fold the system prompt?, what went wrong or None).

    A template that refuses the system message, or renders without it, gets it folded into the first
    user turn, if that renders.
    """

    def attempt(fold: bool) -> tuple[str | None, str | None]:
        try:
            turns = normalize_turns(_PROBE, fold_system=fold)
            text = render(info.chat_template or "", turns, bos_token=info.bos_token, eos_token=info.eos_token)
        except ModelError as e:
            return None, e.message
        return text, None

    text, problem = attempt(False)
    if text is not None and _PROBE_SYSTEM in text:
        return False, None
    folded, folded_problem = attempt(True)
    if folded is not None:
        return True, None
    if text is not None:  # it renders, only without the system prompt
        return False, None
    return False, problem or folded_problem
