"""Markdown to the HTML subset Qt's rich text engine understands, safely.

- Raw HTML in the text is shown as text (markdown-it's `html` option is off).
- Images are never loaded: an image becomes a link with its alt text.
- Links keep only http, https and mailto targets (markdown-it already refuses javascript: and
  friends); the view opens them in the system browser when clicked.
- Fenced code blocks are highlighted with pygments (inline styles) and carry a "Copy" link whose
  target is `bothy-copy:N`, N being the block's index in `Rendered.code_blocks`.

markdown-it and pygments are imported on first use: start-up does not pay for them.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from ui.theme import Colors

COPY_SCHEME = "bothy-copy"
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass
class Rendered:
    html: str
    code_blocks: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": False})
    md.enable(["table", "strikethrough"])
    rules = md.renderer.rules
    rules["fence"] = _fence
    rules["code_block"] = _fence
    rules["image"] = _image
    rules["table_open"] = _table_open
    rules["blockquote_open"] = _quote_open
    rules["blockquote_close"] = _quote_close
    rules["link_open"] = _link_open
    return md


def _colors(env) -> Colors:
    return env["colors"]


@lru_cache(maxsize=512)
def _highlight(code: str, lang: str, style: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang, stripnl=False, ensurenl=False) if lang else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return html.escape(code)
    formatter = HtmlFormatter(style=style, noclasses=True, nowrap=True)
    return highlight(code, lexer, formatter)


def _fence(tokens, idx, options, env):
    token = tokens[idx]
    c = _colors(env)
    lang = (token.info or "").strip().split(" ")[0][:30] if token.type == "fence" else ""
    code = token.content[:-1] if token.content.endswith("\n") else token.content
    n = env["code_offset"] + len(env["code_blocks"])
    env["code_blocks"].append(code)
    body = _highlight(code, lang.lower(), c.pygments_style)
    label = html.escape(lang) if lang else "&nbsp;"
    copy = env["copy_label"]
    return (
        f'<table width="100%" cellspacing="0" cellpadding="0" class="code">'
        f'<tr><td bgcolor="{c.code_head}" class="codehead"><span style="color:{c.muted}">{label}</span></td>'
        f'<td bgcolor="{c.code_head}" class="codehead" align="right">'
        f'<a href="{COPY_SCHEME}:{n}" style="color:{c.muted}; text-decoration:none">{copy}</a></td></tr>'
        f'<tr><td colspan="2" bgcolor="{c.code_bg}" class="codebody"><pre>{body}</pre></td></tr></table>\n'
    )


def _image(tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = html.escape(token.content or "image")
    if src.startswith(("http://", "https://")):
        return f'<a href="{html.escape(src, quote=True)}">[{env["image_label"]}: {alt}]</a>'
    return f"[{env['image_label']}: {alt}]"


def _table_open(tokens, idx, options, env):
    c = _colors(env)
    return (
        f'<table border="1" cellspacing="0" cellpadding="6" '
        f'style="border-collapse: collapse; border-color: {c.border}; margin: 6px 0">\n'
    )


def _quote_open(tokens, idx, options, env):
    c = _colors(env)
    return (
        f'<table cellspacing="0" cellpadding="0" style="margin: 4px 0"><tr>'
        f'<td width="3" bgcolor="{c.border}"></td><td style="padding-left: 10px; color: {c.muted}">\n'
    )


def _quote_close(tokens, idx, options, env):
    return "</td></tr></table>\n"


def _link_open(tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    if not href.lower().startswith(_SAFE_SCHEMES):
        token.attrSet("href", "#")
    return env["renderer"].renderToken(tokens, idx, options, env)


_warming: threading.Thread | None = None


def warm_up_in_background(pygments_style: str) -> None:
    """Import markdown-it and pygments and build what the first render needs (the parser: 27 ms;
    pygments with its Python lexer and the style: 34 ms) on a thread, once. The chat view calls it
    a moment after the window is up, so that the first reply (its first render builds the parser,
    its first code block loads pygments) does not stall the window for them. Imports hold the GIL
    only in short slices, and both results are caches the render reads."""
    global _warming
    if _warming is not None:
        return

    def warm() -> None:
        _parser()
        _highlight("x = 1", "python", pygments_style)

    _warming = threading.Thread(target=warm, name="markdown-warm-up", daemon=True)
    _warming.start()


def render(
    text: str, colors: Colors, *, copy_label: str = "Copy", image_label: str = "image", code_offset: int = 0
) -> Rendered:
    """Render Markdown `text` (possibly unfinished, while it streams) to Qt rich-text HTML.
    `code_offset`: the number of code blocks before this text (its "Copy" links count on from there)."""
    md = _parser()
    env = {
        "colors": colors,
        "code_blocks": [],
        "code_offset": code_offset,
        "copy_label": html.escape(copy_label),
        "image_label": html.escape(image_label),
        "renderer": md.renderer,
    }
    body = md.render(text, env)
    return Rendered(body, env["code_blocks"])


def plain_html(text: str) -> str:
    """Plain text (a user's message) as HTML that keeps its line breaks and spaces."""
    return '<p style="white-space: pre-wrap">' + html.escape(text) + "</p>"


def style_sheet(c: Colors, mono_family: str) -> str:
    """The default style sheet for message documents."""
    return f"""
p {{ margin-top: 0px; margin-bottom: 8px; }}
h1 {{ font-size: x-large; margin-top: 10px; margin-bottom: 6px; }}
h2 {{ font-size: large; margin-top: 10px; margin-bottom: 6px; }}
h3, h4, h5, h6 {{ font-size: medium; margin-top: 8px; margin-bottom: 4px; }}
ul, ol {{ margin-top: 0px; margin-bottom: 8px; }}
li {{ margin-bottom: 2px; }}
a {{ color: {c.accent}; }}
code {{ font-family: "{mono_family}"; background-color: {c.inline_code_bg}; }}
pre {{ font-family: "{mono_family}"; margin: 0px; }}
td.codehead {{ padding: 4px 10px 4px 10px; font-size: small; }}
td.codebody {{ padding: 8px 10px 8px 10px; }}
th {{ background-color: {c.code_head}; font-weight: 600; }}
table.code {{ margin-top: 4px; margin-bottom: 10px; }}
"""
