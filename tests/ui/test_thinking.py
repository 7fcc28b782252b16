"""A reasoning model's reply in the window: its thinking streams under "Thinking…", collapsed and
expandable; afterwards "Thought for N s", collapsed; Copy copies the answer only; Stop works while it
thinks. The scripted engine streams the thinking (tests/fakes.py); the real engine's side is
tested in tests/assistant/test_session_thinking.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.fakes import Scripted
from tests.ui.conftest import test_settings

THOUGHT = ["The user greets me. ", "I should greet ", "them back."]


def reply_widget(window):
    return window.chat.widgets[-1]


def start(qtbot, window, scripted: Scripted, text: str = "Hello!"):
    window.bridge.engine.script.append(scripted)
    window.composer.set_text(text)
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(window.bridge.engine.holding.is_set, timeout=5_000)


def test_thinking_streams_collapsed_then_says_how_long_it_took(qtbot, window):
    start(qtbot, window, Scripted("Hello to you!", thinking=THOUGHT, hold=True))
    qtbot.waitUntil(lambda: window.turns.turn.reply.get("thinking") == THOUGHT[0], timeout=5_000)
    widget = reply_widget(window)
    qtbot.waitUntil(widget.thinking_block.isVisible, timeout=5_000)
    block = widget.thinking_block
    assert block.toggle.text() == "Thinking…" and block.toggle.accessibleName() == "Thinking…"
    assert not block.expanded and not block.text_view.isVisible()
    assert not widget.note.isVisible()  # the block says it: no second "Thinking…"
    assert not widget.text_view.isVisible()  # no empty answer under it yet

    qtbot.mouseClick(block.toggle, Qt.MouseButton.LeftButton)  # watch it think
    assert block.expanded and block.text_view.isVisible()
    assert block.text_view.toPlainText() == THOUGHT[0].strip()
    assert block.toggle.toolTip() == "Hide the thinking"

    with qtbot.waitSignal(window.turn_done, timeout=5_000) as blocker:
        window.bridge.engine.release()
    assert blocker.args[0].status == "complete"
    [reply] = [m for m in window.store.messages(window.conversation_id) if m["role"] == "assistant"]
    assert (reply["content"], reply["thinking"]) == ("Hello to you!", "".join(THOUGHT))
    assert block.toggle.text().startswith("Thought for ") and block.toggle.text().endswith(" s")
    assert block.expanded and block.text_view.toPlainText() == "".join(THOUGHT).strip()  # still open
    assert widget.text_view.isVisible() and "Hello to you!" in widget.text_view.toPlainText()
    assert "greet" not in widget.text_view.toPlainText()
    qtbot.mouseClick(block.toggle, Qt.MouseButton.LeftButton)
    assert not block.expanded and not block.text_view.isVisible()

    widget.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Hello to you!"  # the answer only

    window.open_conversation(window.conversation_id)  # from the store: collapsed, with its time
    block = reply_widget(window).thinking_block
    assert not block.isHidden() and not block.expanded and block.toggle.text().startswith("Thought for ")


def test_stop_while_thinking_keeps_the_thinking(qtbot, window):
    start(qtbot, window, Scripted("Never said.", thinking=THOUGHT, hold=True))
    with qtbot.waitSignal(window.turn_done, timeout=5_000) as blocker:
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Escape)
    assert blocker.args[0].status == "cancelled"
    [reply] = [m for m in window.store.messages(window.conversation_id) if m["role"] == "assistant"]
    assert (reply["status"], reply["content"], reply["thinking"]) == ("cancelled", "", THOUGHT[0])
    widget = reply_widget(window)
    assert widget.thinking_block.isVisible() and widget.thinking_block.toggle.text().startswith("Thought for ")
    assert widget.note.isVisible() and "Stopped" in widget.note.text()


def test_replies_without_thinking_show_no_block(qtbot, window):
    from tests.ui.conftest import send

    send(qtbot, window, "Hi")
    assert not reply_widget(window).thinking_block.isVisible()


def test_thinking_block_in_chinese(qtbot, windows):
    window = windows.open(settings=test_settings(language="zh_CN"))
    start(qtbot, window, Scripted("你好!", thinking=THOUGHT, hold=True))
    block = reply_widget(window).thinking_block
    qtbot.waitUntil(block.isVisible, timeout=5_000)
    assert block.toggle.text() == "思考中…"
    with qtbot.waitSignal(window.turn_done, timeout=5_000):
        window.bridge.engine.release()
    assert block.toggle.text().startswith("思考了 ") and block.toggle.text().endswith(" 秒")
