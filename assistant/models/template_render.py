"""Rendering a chat template in a Jinja2 sandbox, with the variables llama.cpp and transformers pass.

Templates are rendered like Hugging Face transformers and llama-cpp-python do: an immutable Jinja2
sandbox with `trim_blocks` and `lstrip_blocks`, the `loopcontrols` and `{% generation %}` extensions,
`raise_exception()` and `strftime_now()` globals and a `tojson` filter that does not HTML-escape.
A template that fails, or tries to reach outside the sandbox, raises ModelError.

The optional variables templates read get the values llama.cpp gives them (common/chat.cpp), so that a
template which works in llama.cpp works here: `enable_thinking` is true, `datetime` ("Nov 30 2026") and
`date_string` ("30 Nov 2026") are today's date, and `functions` is "" (what llama.cpp passed the
Firefunction v2 template, which concatenates it unguarded). `tools` and `documents` stay undefined
when there are none, as in llama.cpp: passing None, as transformers does, breaks the tool-use
templates that loop over `tools` unguarded (Command R+ and Hermes 3 `tool_use`). Callers can pass
any of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from assistant.errors import ModelError

_MAX_REPEAT = 1_000_000  # longest string/list a template may build with *


def default_variables(now: datetime | None = None) -> dict[str, Any]:
    """The optional template variables, with llama.cpp's values (see the module docstring)."""
    now = now or datetime.now()
    return {
        "functions": "",
        "enable_thinking": True,
        "datetime": now.strftime("%b %d %Y"),
        "date_string": now.strftime("%d %b %Y"),
    }


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


def _one_line(text: object, limit: int = 300) -> str:
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
    """Render a chat template in the sandbox, as it is. Any failure raises ModelError (one line).

    extra: template variables that replace the defaults (tools, enable_thinking, ...).
    The messages go to the template unchanged; TemplateChoice.render first fits them to what the
    template accepts.
    """
    try:
        template = _compile(template_str)
    except TemplateSyntaxError as e:
        where = f" on line {e.lineno}" if e.lineno else ""
        raise ModelError(f"The chat template has a syntax error{where}: {_one_line(e.message or e)}.") from None
    except Exception as e:  # noqa: BLE001 - anything the Jinja compiler throws is the template's fault
        raise ModelError(f"The chat template cannot be compiled: {_one_line(e)}.") from None
    variables = {**default_variables(), **extra}
    try:
        return template.render(
            **variables,
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
