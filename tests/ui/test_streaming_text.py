"""A streaming reply's Markdown: only the unfinished tail is rendered again on each flush, and the
document shows the same text and code blocks as rendering the whole reply at once."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from ui import markdown, theme
from ui.streaming_text import StreamingRenderer, finished_blocks_end, render_function

REPLY = (
    "# Lighthouse\n\nThe keeper climbed **ninety-nine** steps.\n\n"
    "```python\ndef trim(lamp):\n\n    return lamp.wick * 0.9\n```\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "1. first\n2. second\n\n"
    "~~~\nplain\n\nfence\n~~~\n\nThe end, with `code` and a [link](https://example.org).\n"
)


def test_finished_blocks_end_after_the_last_blank_line_outside_a_fence():
    assert finished_blocks_end("one paragraph, still going") == 0
    assert finished_blocks_end("done.\n\nnext") == len("done.\n\n")
    text = "a\n\n```\ncode\n\nmore code"
    assert finished_blocks_end(text) == len("a\n\n")  # the blank line inside the open fence does not count
    closed = text + "\n```\n\nafter"
    assert finished_blocks_end(closed) == len(closed) - len("after")
    assert finished_blocks_end(closed, start=3) == len(closed) - len("after")


def test_streaming_shows_what_a_whole_render_shows(qapp):
    colors = theme.resolve("light")
    streamed = QTextDocument()
    renderer = StreamingRenderer(streamed, render_function(colors, "Copy", "image"))
    renders = []
    counting = renderer.render
    renderer.render = lambda text, offset: renders.append(len(text)) or counting(text, offset)
    for end in range(1, len(REPLY) + 1, 7):
        renderer.update(REPLY[:end])
    renderer.update(REPLY)
    whole = QTextDocument()
    rendered = markdown.render(REPLY, colors)
    whole.setHtml(rendered.html)
    code = ["def trim(lamp):\n\n    return lamp.wick * 0.9", "plain\n\nfence"]
    assert renderer.all_code_blocks() == rendered.code_blocks == code
    assert streamed.toPlainText().split() == whole.toPlainText().split()
    assert max(renders) < len(REPLY) / 2  # no flush rendered the whole reply again


def test_a_text_that_does_not_extend_the_last_one_is_rendered_afresh(qapp):
    document = QTextDocument()
    renderer = StreamingRenderer(document, render_function(theme.resolve("dark"), "Copy", "image"))
    renderer.update("First answer.\n\nIt goes on")
    renderer.update("Another answer")
    assert document.toPlainText().strip() == "Another answer"


def test_a_finished_reply_keeps_its_streamed_document_with_all_its_text(qapp):
    from ui.message_widget import MessageWidget

    colors = theme.resolve("light")
    message = {"id": 1, "role": "assistant", "content": "", "status": "streaming"}
    widget = MessageWidget(message, colors)
    for end in range(1, len(REPLY), 11):
        message["content"] = REPLY[:end]
        widget.show_streamed_text()
    streamed_document = widget.text_view.document()
    message.update(content=REPLY, status="complete")
    widget.refresh()
    whole = QTextDocument()
    whole.setHtml(markdown.render(REPLY, colors).html)
    assert widget.text_view.document() is streamed_document
    assert streamed_document.toPlainText().split() == whole.toPlainText().split()
    assert widget.code_blocks == markdown.render(REPLY, colors).code_blocks
    widget.set_colors(theme.resolve("dark"))  # anything else renders the whole reply again
    assert widget.text_view.document().toPlainText().split() == whole.toPlainText().split()
