"""The chat view on its own: coalesced streaming and auto-scroll that yields to the reader."""

from __future__ import annotations

from ui.chat_view import FLUSH_MS, ChatView
from ui.theme import LIGHT
from ui.turn_controller import ActiveTurn


def _messages(n: int) -> list[dict]:
    out = []
    for i in range(n):
        role = "user" if i % 2 == 0 else "assistant"
        out.append({"id": i + 1, "role": role, "content": f"message {i}\n\nwith two paragraphs", "status": "complete"})
    return out


def test_streaming_follows_the_end_until_the_user_scrolls_up(qtbot):
    view = ChatView(LIGHT)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    view.set_conversation(1, _messages(20))
    turn = ActiveTurn(
        1,
        "send",
        1,
        reply={"id": None, "role": "assistant", "content": "", "status": "streaming"},
        user={"id": None, "role": "user", "content": "hello", "status": "complete"},
    )
    view.begin_turn(turn)
    bar = view.verticalScrollBar()
    renders = []
    widget = view._streaming
    assert widget.message is turn.reply  # one row, shared: no copy to keep in sync
    original = widget.show_streamed_text
    widget.show_streamed_text = lambda: (renders.append(widget.message["content"]), original())

    def append_text(chunk):
        turn.reply["content"] += chunk
        view.text_arrived()

    for i in range(200):  # a burst far faster than the screen refreshes
        append_text(f"word{i} ")
    assert renders == []  # nothing rendered yet: the timer coalesces
    qtbot.wait(FLUSH_MS * 3)
    assert len(renders) == 1 and renders[0].endswith("word199 ")
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    assert view.stick
    # The reader scrolls up: new text no longer moves the view.
    bar.setValue(bar.maximum() // 2)
    here = bar.value()
    assert not view.stick
    for i in range(300):
        append_text(f"more{i} ")
    qtbot.wait(FLUSH_MS * 3)
    assert bar.value() == here
    assert view.jump_button.isVisible()
    # Back at the bottom, following resumes.
    bar.setValue(bar.maximum())
    assert view.stick
    append_text("\n\nthe end")
    qtbot.wait(FLUSH_MS * 3)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())


def test_a_finished_reply_fits_a_narrow_chat_its_statistics_cut_short(qtbot):
    """A reply's footer of statistics used to ask for its whole width: in a narrow chat column the
    reply grew wider than the view once it ended (its right edge clipped, its text laid out again).
    The statistics give way instead, cut with "…", whole in the tooltip and once there is room."""
    view = ChatView(LIGHT)
    qtbot.addWidget(view)
    view.resize(420, 400)
    view.show()
    reply = {
        "id": 2,
        "role": "assistant",
        "content": "The keeper climbed the steps again and trimmed the wick before the storm.",
        "status": "complete",
        "reply_tokens": 4000,
        "tokens_per_s": 512.3,
        "ttft_ms": 1234,
        "prompt_tokens": 812,
        "model_file": "/models/SmolLM2-135M-Instruct.Q4_1.gguf",
    }
    view.set_conversation(1, [{"id": 1, "role": "user", "content": "hello", "status": "complete"}, reply])
    widget = view.message_widget(2)
    stats = widget.stats_label
    qtbot.waitUntil(lambda: widget.width() > 0)
    assert widget.width() <= view.viewport().width()
    assert stats.full_text().endswith("SmolLM2-135M-Instruct.Q4_1")
    assert stats.text().endswith("…") and len(stats.text()) < len(stats.full_text())
    assert stats.full_text() in stats.toolTip() and "812" in stats.toolTip()
    view.resize(1400, 400)
    qtbot.waitUntil(lambda: stats.text() == stats.full_text())


def test_markdown_and_pygments_are_loaded_on_a_thread_once_the_window_is_up(qtbot, monkeypatch):
    """The first reply's render would build the Markdown parser and load pygments on the window's
    thread; a moment after the chat view is up they are loaded on a thread of their own."""
    from ui import chat_view, markdown

    markdown._parser.cache_clear()
    markdown._highlight.cache_clear()
    monkeypatch.setattr(markdown, "_warming", None)
    monkeypatch.setattr(chat_view, "WARM_UP_MS", 50)
    view = ChatView(LIGHT)
    qtbot.addWidget(view)
    assert markdown._warming is None  # not while the window starts
    qtbot.waitUntil(lambda: markdown._warming is not None)
    markdown._warming.join(timeout=30)
    assert markdown._warming.name == "markdown-warm-up"
    assert markdown._parser.cache_info().currsize == 1
    assert markdown._highlight.cache_info().currsize == 1
    rendered = markdown.render("```python\nx = 1\n```", LIGHT)
    assert markdown._highlight.cache_info().hits == 1 and rendered.code_blocks == ["x = 1"]
