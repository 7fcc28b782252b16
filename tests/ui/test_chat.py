"""Chatting through the real window: send, stream, stop, regenerate, edit and resend.

Streaming a real reply, a crash in llama.cpp and a paste too long for the model run the real
starter model; the window's own logic runs with the scripted engine.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox

from assistant.errors import StoreError
from tests.fakes import Scripted
from tests.ui.conftest import send


def assistant_messages(window):
    return [m for m in window.store.messages(window.conversation_id) if m["role"] == "assistant"]


def test_send_streams_the_reply_and_stores_it(qtbot, real_window):
    window = real_window
    flushes = []
    original = window.chat.flush

    def counting_flush():
        flushes.append(window.chat._streaming is not None)
        original()

    window.chat._flush_timer.timeout.disconnect()
    window.chat._flush_timer.timeout.connect(counting_flush)
    result = send(qtbot, window, "Hi! Name a colour.")
    assert result.status == "complete", result.error
    [reply] = assistant_messages(window)
    assert reply["status"] == "complete" and reply["content"].strip()
    assert len(flushes) >= 2  # rendered progressively, in coalesced steps
    widget = window.chat.widgets[-1]
    assert widget.message_id == reply["id"]
    assert widget.text_view.toPlainText().strip()
    assert "tokens/s" in widget.stats_label.full_text() and "SmolLM2" in widget.stats_label.full_text()
    assert widget.regenerate_button.isVisible()
    assert not window.composer.stop_button.isVisible() and window.composer.send_button.isVisible()
    # The sidebar lists the conversation, titled after the first message.
    assert window.sidebar.model.conversation_ids() == [window.conversation_id]
    conversation = window.store.get_conversation(window.conversation_id)
    assert conversation["title"].startswith("Hi!") and conversation["model"].startswith("SmolLM2")
    assert window.status.context_label.text()  # the context meter saw the turn


def test_opening_a_chat_puts_its_kv_state_back_before_the_person_types(qtbot, real_window):
    """The real model: coming back to a chat after another one, opening it has the engine put its
    kept KV state back at once (in the engine thread), so the next reply does not wait for that."""
    window = real_window
    assert send(qtbot, window, "Name a river.").status == "complete"
    first = window.conversation_id
    window.new_chat()
    assert send(qtbot, window, "Name a mountain.").status == "complete"
    with qtbot.waitSignal(window.bridge.worker.prepared, timeout=10_000) as blocker:
        window.open_conversation(first)
    assert blocker.args == [first, True]
    session, lock = window.bridge.worker.session, window.bridge.worker.engine_lock
    with lock:
        assert session.prepare(first) is False  # already there: nothing to copy


def test_stop_mid_reply_with_escape(qtbot, window):
    engine = window.bridge.engine
    engine.script.append(Scripted("Once upon a time there was a lighthouse keeper", hold=True))
    window.composer.set_text("Write a long story about a lighthouse keeper.")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    assert window.composer.stop_button.isVisible() and window.composer.text() == ""
    qtbot.waitUntil(engine.holding.is_set, timeout=5_000)
    qtbot.waitUntil(lambda: window.turns.turn.reply["content"] == "Once ", timeout=5_000)
    with qtbot.waitSignal(window.turn_done, timeout=5_000) as blocker:
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Escape)
    assert blocker.args[0].status == "cancelled"
    [reply] = assistant_messages(window)
    assert reply["status"] == "cancelled" and reply["content"] == "Once "
    widget = window.chat.widgets[-1]
    assert widget.message is not None and widget.message["content"] == "Once "
    assert widget.note.isVisible() and "Stopped" in widget.note.text()


def test_regenerate_keeps_the_old_reply_as_a_version(qtbot, window):
    send(qtbot, window, "Say one word.")
    [first] = assistant_messages(window)
    widget = window.chat.widgets[-1]
    with qtbot.waitSignal(window.turn_done, timeout=60_000):
        qtbot.mouseClick(widget.regenerate_button, Qt.MouseButton.LeftButton)
    replies = assistant_messages(window)
    assert len(replies) == 1 and replies[0]["id"] != first["id"]
    assert replies[0]["status"] == "complete"
    assert [w.message["role"] for w in window.chat.widgets] == ["user", "assistant"]
    switcher = window.chat.widgets[-1].branch_switcher
    assert switcher.isVisible() and switcher.label.text() == "2/2"
    assert window.store.message(first["id"])["content"] == first["content"]  # kept


def test_edit_and_resend_adds_a_version_and_keeps_what_followed(qtbot, window, monkeypatch):
    send(qtbot, window, "First question?")
    send(qtbot, window, "Second question?")
    before = window.store.messages(window.conversation_id)
    first_user = window.chat.widgets[0]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("nothing is replaced: no question"))
    first_user.start_edit()
    first_user._edit_field.setPlainText("A different question?")
    with qtbot.waitSignal(window.turn_done, timeout=60_000):
        first_user._submit_edit(first_user._edit_field.toPlainText())
    messages = window.store.messages(window.conversation_id)
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == "A different question?"
    assert messages[1]["status"] == "complete"
    assert [w.message["content"] for w in window.chat.widgets][:1] == ["A different question?"]
    assert window.chat.widgets[0].branch_switcher.label.text() == "2/2"
    tree = window.store.tree(window.conversation_id)
    assert {m["id"] for m in before} <= {m["id"] for m in tree} and len(tree) == 6


def test_edit_cancelled_keeps_everything(qtbot, window):
    send(qtbot, window, "Keep me?")
    user = window.chat.widgets[0]
    user.start_edit()
    user._edit_field.setPlainText("Changed")
    user.cancel_edit()
    assert not window.turns.busy and user.bubble.isVisible()
    assert [m["content"] for m in window.store.tree(window.conversation_id)][0] == "Keep me?"
    assert len(window.store.tree(window.conversation_id)) == 2


def test_model_error_during_a_turn_is_shown_on_the_reply_and_app_keeps_working(qtbot, windows, monkeypatch):
    from assistant.engine import LocalEngine

    monkeypatch.setenv("BOTHY_TEST_FAULTS", "1")
    engine = LocalEngine()
    window = windows.open(engine=engine)  # loads the starter model itself
    engine.inject_fault("segfault", after_tokens=2)  # a native crash inside llama.cpp's process
    result = send(qtbot, window, "Tell me about the sea.")
    assert result.status == "error" and result.error
    widget = window.chat.widgets[-1]
    assert widget.note.isVisible() and widget.note.objectName() == "ErrorNote"
    assert "engine" in widget.note.text().lower() and "SIGSEGV" in widget.note.text()
    # The next message starts a new engine process and works.
    result = send(qtbot, window, "Hello again.")
    assert result.status == "complete", result.error


def test_a_huge_paste_is_kept_whole_but_shown_short(qtbot, real_window):
    window = real_window
    text = ("Lorem ipsum dolor sit amet, 大模型 🙂\n" * 30000)[:1_000_000]
    result = send(qtbot, window, text)
    assert result.status == "error" and "tokens long" in result.error  # explained, not sent
    stored = window.store.messages(window.conversation_id)[0]
    assert stored["content"] == text  # nothing lost
    widget = next(w for w in window.chat.widgets if w.role == "user")
    shown = widget.text_view.toPlainText()
    assert len(shown) < 10_000 and "Show all 1,000,000 characters" in shown
    widget._anchor(QUrl("bothy:expand"))
    assert len(widget.text_view.toPlainText()) >= 1_000_000


def test_a_message_that_cannot_be_saved_stays_in_the_composer(qtbot, window):
    send(qtbot, window, "First.")
    pages = window.store.db.execute("PRAGMA page_count").fetchone()[0]
    window.store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full
    text = "A long message that will not fit on the disk. " * 4000
    result = send(qtbot, window, text)
    assert result.status == "error" and "disk is full" in result.error
    assert window.composer.text() == text  # given back, not lost
    assert window.banner.isVisible() and "disk is full" in window.banner.label.text()
    assert [m["content"] for m in window.store.messages(window.conversation_id)][0] == "First."
    assert len(window.chat.widgets) == 2  # the view shows what the store holds


def test_a_new_chat_that_cannot_be_created_keeps_the_text(qtbot, window, monkeypatch):
    def full(**_kwargs):
        raise StoreError("The disk is full: Bothy could not create the conversation.")

    monkeypatch.setattr(window.store, "create_conversation", full)
    window.composer.set_text("Hello?")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    assert window.composer.text() == "Hello?" and not window.turns.busy
    assert "disk is full" in window.banner.label.text()


def test_switching_conversations_while_a_reply_streams(qtbot, window):
    engine = window.bridge.engine
    send(qtbot, window, "Earlier chat.")
    earlier = window.conversation_id
    window.new_chat()
    engine.script.append(Scripted("streaming on and on", hold=True))
    window.composer.set_text("New chat.")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    streaming = window.conversation_id
    window.open_conversation(earlier)  # at once: before the store has the turn (ids unknown yet)
    window.open_conversation(streaming)
    qtbot.waitUntil(lambda: window.turns.turn.reply["content"] == "streaming ", timeout=5_000)
    assert window.chat.widgets[-1].message is window.turns.turn.reply
    window.open_conversation(earlier)
    assert [w.message["content"] for w in window.chat.widgets] == ["Earlier chat.", "Reply 1."]
    window.open_conversation(streaming)
    live = window.chat.widgets[-1]
    assert live.message is window.turns.turn.reply  # the one live row, not a copy
    with qtbot.waitSignal(window.turn_done, timeout=5_000):
        engine.release()
    assert live.message["status"] == "complete" and live.message["content"] == "streaming on and on"
    assert live.text_view.toPlainText().strip() == "streaming on and on"
