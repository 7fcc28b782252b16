"""Markdown to Qt rich text: what is rendered, and what is refused."""

from ui import markdown
from ui.theme import DARK, LIGHT


def test_renders_the_usual_markdown():
    text = "# Title\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSome `code` and [a link](https://example.com)."
    out = markdown.render(text, LIGHT).html
    assert "<h1>Title</h1>" in out
    assert "<li>one</li>" in out
    assert "quoted" in out and "<table" in out and "<th>a</th>" in out
    assert "<code>code</code>" in out
    assert 'href="https://example.com"' in out


def test_code_blocks_are_highlighted_and_copyable():
    rendered = markdown.render("```python\ndef f():\n    return 1\n```\n\n```\nplain\n```", DARK)
    assert rendered.code_blocks == ["def f():\n    return 1", "plain"]
    assert 'href="bothy-copy:0"' in rendered.html and 'href="bothy-copy:1"' in rendered.html
    assert "<span style=" in rendered.html  # pygments colours
    assert ">python<" in rendered.html


def test_unfinished_code_block_while_streaming():
    rendered = markdown.render("Here:\n\n```js\nconst a = 1;\nconst", LIGHT)
    assert rendered.code_blocks == ["const a = 1;\nconst"]


def test_raw_html_images_and_scripts_are_not_passed_through():
    text = '<script>alert(1)</script> <img src="x.png"> ![pic](http://evil.example/p.png) [x](javascript:alert(1))'
    out = markdown.render(text, LIGHT).html
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert 'href="javascript' not in out
    assert "[image: pic]" in out


def test_plain_html_escapes():
    assert markdown.plain_html("<b>hi</b>\n") == '<p style="white-space: pre-wrap">&lt;b&gt;hi&lt;/b&gt;\n</p>'
