"""Choosing and rendering a model's chat template.

Most GGUF files carry their Hugging Face chat template (`tokenizer.chat_template`, a Jinja2
template); that one wins. For files without one, a known template is guessed from the special
tokens in the vocabulary and the architecture, and failing that a plain "User:/Assistant:"
transcript is used. The user can always pick a template by name.

Templates are rendered like Hugging Face transformers and llama-cpp-python do: an immutable Jinja2
sandbox with `trim_blocks` and `lstrip_blocks`, the `loopcontrols` and `{% generation %}` extensions,
`raise_exception()` and `strftime_now()` globals and a `tojson` filter that does not HTML-escape.
A template that fails, or tries to reach outside the sandbox, raises ModelError.

The rendered prompt may begin with the BOS token's text (Llama 3, Gemma, Mistral templates do):
tokenize it with special tokens parsed and without adding another BOS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal, Protocol

from jinja2 import TemplateError, TemplateSyntaxError, nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from assistant.errors import ModelError

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

    def render(self, messages: Sequence[Mapping[str, Any]], *, add_generation_prompt: bool = True) -> str:
        return render(
            self.template,
            messages,
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
        _known("plain", "plain transcript", _PLAIN, "\nUser:"),
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
    bos = info.bos_token or ""
    eos = info.eos_token or ""
    key = (override or "").strip().lower()
    if key and key != "auto":
        if key == "embedded":
            if not info.chat_template or not info.chat_template.strip():
                raise ModelError("This model file has no chat template of its own to use.")
            return TemplateChoice(
                "embedded",
                info.chat_template,
                _embedded_stops(info),
                "user",
                "Using the chat template stored in the model file, as you chose.",
                bos,
                eos,
            )
        known = KNOWN_TEMPLATES.get(key)
        if known is None:
            raise ModelError(
                f"There is no chat template called '{override}'.",
                hint="Choose one of: " + ", ".join(["embedded", *KNOWN_TEMPLATES]) + ".",
            )
        return _from_known(known, info, "user", f"Using the {known.title} template, as you chose.")

    prefix = "No chat template in the file"
    if info.chat_template and info.chat_template.strip():
        problem = _check_template(info.chat_template, bos, eos)
        if problem is None:
            return TemplateChoice(
                "embedded",
                info.chat_template,
                _embedded_stops(info),
                "embedded",
                "Using the chat template stored in the model file.",
                bos,
                eos,
            )
        prefix = f"The chat template in the file does not work ({problem})"

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


def _check_template(template: str, bos: str, eos: str) -> str | None:
    """None if the template renders a short conversation, else what went wrong."""
    try:
        render(
            template,
            [{"role": "user", "content": "Hello"}],
            bos_token=bos,
            eos_token=eos,
            add_generation_prompt=True,
        )
    except ModelError as e:
        return e.message
    return None


# -- rendering -------------------------------------------------------------------------------------

_MAX_REPEAT = 1_000_000  # longest string/list a template may build with *


class _TemplateRaised(TemplateError):
    """raise_exception() called by the template itself."""


def _raise_exception(message: str) -> None:
    raise _TemplateRaised(str(message))


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(str(fmt))


def _tojson(value: Any, ensure_ascii: bool = False, indent: Any = None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


class _GenerationExtension(Extension):
    """{% generation %}...{% endgeneration %}, which transformers uses to mark assistant text."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

    def _body(self, caller):
        return caller()


class _Sandbox(ImmutableSandboxedEnvironment):
    """Unsafe attribute access raises at once instead of quietly rendering as nothing."""

    intercepted_binops = frozenset({"*", "**"})

    def unsafe_undefined(self, obj: Any, attribute: str):
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > _MAX_REPEAT:
                    raise SecurityError("the template tried to build an enormous string")
        elif operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("the template tried to compute an enormous number")
        return super().call_binop(context, operator, left, right)


def _make_env() -> _Sandbox:
    env = _Sandbox(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols, _GenerationExtension])
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    env.filters["tojson"] = _tojson
    return env


_ENV = _make_env()


@lru_cache(maxsize=32)
def _compile(template: str):
    return _ENV.from_string(template)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(
    template_str: str,
    messages: Sequence[Mapping[str, Any]],
    *,
    bos_token: str | None,
    eos_token: str | None,
    add_generation_prompt: bool = True,
    **extra: Any,
) -> str:
    """Render a chat template in the sandbox. Any failure raises ModelError (one line).

    extra: further template variables (tools, enable_thinking, ...); unset ones are undefined.
    """
    try:
        template = _compile(template_str)
    except TemplateSyntaxError as e:
        where = f" on line {e.lineno}" if e.lineno else ""
        raise ModelError(f"The chat template has a syntax error{where}: {_one_line(e.message or e)}.") from None
    except Exception as e:  # noqa: BLE001 - anything the Jinja compiler throws is the template's fault
        raise ModelError(f"The chat template cannot be compiled: {_one_line(e)}.") from None
    try:
        return template.render(
            **extra,
            messages=[dict(m) for m in messages],
            bos_token=bos_token or "",
            eos_token=eos_token or "",
            add_generation_prompt=add_generation_prompt,
        )
    except SecurityError as e:
        raise ModelError(f"The chat template tried to do something unsafe and was stopped: {_one_line(e)}.") from None
    except _TemplateRaised as e:
        raise ModelError(f"The chat template refused the conversation: {_one_line(e)}") from None
    except TemplateError as e:
        raise ModelError(f"The chat template failed: {_one_line(e)}.") from None
    except RecursionError:
        raise ModelError("The chat template failed: it recursed too deeply.") from None
    except Exception as e:  # noqa: BLE001 - a template can raise anything (TypeError, ZeroDivisionError...)
        raise ModelError(f"The chat template failed: {type(e).__name__}: {_one_line(e)}.") from None
