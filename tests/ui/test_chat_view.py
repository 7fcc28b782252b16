"""The chat view on its own: coalesced streaming and auto-scroll that yields to the reader."""

from __future__ import annotations

from ui.chat_view import FLUSH_MS, ChatView
from ui.theme import LIGHT


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
    view.begin_send("hello")
    bar = view.verticalScrollBar()
    renders = []
    original = view._streaming.set_text
    view._streaming.set_text = lambda text: (renders.append(text), original(text))
    for i in range(200):  # a burst far faster than the screen refreshes
        view.append_text(f"word{i} ")
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
        view.append_text(f"more{i} ")
    qtbot.wait(FLUSH_MS * 3)
    assert bar.value() == here
    assert view.jump_button.isVisible()
    # Back at the bottom, following resumes.
    bar.setValue(bar.maximum())
    assert view.stick
    view.append_text("\n\nthe end")
    qtbot.wait(FLUSH_MS * 3)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
