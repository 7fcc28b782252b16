"""Memory beyond the context window, in the window: markers in the chat, pins and notes, the memory
panel, the context meter's parts, "Summarizing…" with Stop, the "ask" policy's question, and the
default policy in Settings.

The scripted engine (tests/fakes.py, whose tokenizer counts words) runs at a 700-token context, so
a chat fills in a few 30-word questions; a summary is the scripted reply after the one that filled
it (see tests/assistant/test_conversation_memory.py). The last test runs the real starter model.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal, Slot

from assistant.engine import LoadSettings, LocalEngine
from assistant.errors import UserFacingError
from assistant.settings import Settings
from tests.fakes import FakeEngine, Scripted
from tests.starter import starter_path
from tests.ui.conftest import send, test_settings

SUMMARY = "A summary of the first questions."
LEFT = Qt.MouseButton.LeftButton


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def small_window(windows, n_ctx: int = 700, **changes):
    settings = test_settings(**changes)
    settings.set_load_settings(starter_path(), LoadSettings(n_ctx=n_ctx, n_threads=1))
    settings.save()
    return windows.open(engine=FakeEngine(n_ctx=n_ctx), settings=settings)


class Ping(QObject):
    """Queued to the engine thread behind whatever it has to do: `done` is set when it gets there."""

    ping = Signal()

    def __init__(self):
        super().__init__()
        self.done = threading.Event()
        self.ping.connect(self._pong, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _pong(self) -> None:
        self.done.set()


def settle(qtbot, window, timeout: int = 10_000) -> None:
    """Wait until the engine thread has done what was queued (or a held reply waits at its gate)."""
    ping = Ping()
    ping.moveToThread(window.bridge.thread)
    ping.ping.emit()
    holding = getattr(window.bridge.engine, "holding", None)  # the scripted engine's
    qtbot.waitUntil(lambda: ping.done.is_set() or (holding is not None and holding.is_set()), timeout=timeout)
    ping.deleteLater()


def fill_until_mark(qtbot, window, summary=SUMMARY, limit=30):
    """Send 30-word questions (20-word replies) until a mark is recorded; `summary` is what the
    engine answers when asked for one. Returns the mark, or None while a held summary waits."""
    engine = window.bridge.engine
    for i in range(limit):
        engine.script += [words(20, f"reply{i}"), summary]
        result = send(qtbot, window, words(30, f"question{i}"))
        assert result.status == "complete", result.error
        settle(qtbot, window)
        if engine.holding.is_set():
            return None
        marks = window.store.context_marks(window.conversation_id)
        if marks:
            engine.script.clear()
            return marks[-1]
        engine.script.clear()
    raise AssertionError("the context never filled")


def marker_for(qtbot, window, mark):
    def shown():
        marker = window.chat.marker_widget(mark["id"])
        return marker is not None and marker.isVisible()

    qtbot.waitUntil(shown, timeout=5_000)
    return window.chat.marker_widget(mark["id"])


def test_a_summary_marker_appears_after_the_reply_that_fills_the_context(qtbot, windows):
    window = small_window(windows)
    mark = fill_until_mark(qtbot, window)
    assert mark["kind"] == "summary" and mark["content"] == SUMMARY
    marker = marker_for(qtbot, window, mark)
    rows = window.chat.messages
    index = next(i for i, row in enumerate(rows) if row is marker.message)
    assert rows[index - 1]["id"] == mark["last_message_id"]  # right after the last message it covers
    # Every message stays in the chat, above the marker.
    shown = [row["id"] for row in rows if row["role"] != "mark"]
    assert shown == [m["id"] for m in window.store.messages(window.conversation_id)]
    count = mark["message_count"]
    assert marker.toggle.text() == f"{count} earlier messages summarized" and marker.toggle.accessibleName()
    assert not marker.card.isVisible()
    qtbot.mouseClick(marker.toggle, LEFT)
    assert marker.card.isVisible() and marker.text_view.toPlainText() == SUMMARY
    assert marker.edit_button.isVisible() and marker.rewrite_button.isVisible()
    assert not marker.summarize_button.isVisible()
    # The last reply (above the marker) can still be regenerated.
    last_reply = [row for row in rows if row["role"] == "assistant"][-1]
    assert window.chat.message_widget(last_reply["id"]).regenerate_button.isVisible()

    # The next turn sends the summary; the status bar and the meter say so.
    result = send(qtbot, window, "What now?")
    assert SUMMARY in window.bridge.engine.requests[-1].system_prompt
    assert result.context.summarized == count
    assert window.status.dropped_label.text() == f"{count} earlier messages summarized"
    assert window.status.dropped_label.property("kind") == "info"
    tip = window.status.meter.toolTip()
    for part in (
        "tokens of context used",
        "System prompt: ",
        f"Summary of {count} earlier messages: {result.context.summary_tokens} tokens",
        "The newest ",
        f"Kept for the reply: {result.context.reserve:,} tokens",
        "Free: ",
    ):
        assert part in tip, (part, tip)
    assert window.chat.marker_widget(mark["id"]).expanded  # still open after the refresh

    # Opened again from the store: the marker is there, in the same place.
    window.open_conversation(window.conversation_id)
    marker = marker_for(qtbot, window, mark)
    assert window.chat.messages[window.chat.messages.index(marker.message) - 1]["id"] == mark["last_message_id"]


def test_the_meter_opens_a_popup_with_the_parts_and_the_memory_panel(qtbot, windows):
    window = small_window(windows)
    fill_until_mark(qtbot, window)
    send(qtbot, window, "And now?")
    meter = window.status.meter
    qtbot.mouseClick(meter, LEFT)
    popup = meter.popup
    assert popup.isVisible()
    assert any(text.startswith("Summary of ") for text in popup.texts)
    assert any(text.startswith("Kept for the reply") for text in popup.texts)
    assert popup.title.text().endswith("tokens of context used")
    qtbot.mouseClick(popup.memory_button, LEFT)
    assert not popup.isVisible()
    panel = window._memory_panel
    assert panel.isVisible() and panel.conversation_id == window.conversation_id
    panel.close()


def test_editing_a_summary_and_writing_it_again(qtbot, windows):
    window = small_window(windows)
    engine = window.bridge.engine
    mark = fill_until_mark(qtbot, window)
    marker = marker_for(qtbot, window, mark)
    marker.set_expanded(True)
    qtbot.mouseClick(marker.edit_button, LEFT)
    assert marker.editor.isVisible() and marker.editor.toPlainText() == SUMMARY
    marker.editor.setPlainText("Ada asked about rivers and bees.")
    qtbot.mouseClick(marker.save_button, LEFT)
    stored = window.store.context_mark(mark["id"])
    assert stored["content"] == "Ada asked about rivers and bees." and stored["edited"]
    assert marker.editor is None and marker.toggle.text().endswith("· edited")
    assert marker.text_view.toPlainText() == "Ada asked about rivers and bees."

    # Write again: the model's new summary replaces it, with progress while it is written.
    engine.script.append(Scripted("A new summary of the questions.", hold=True))
    qtbot.mouseClick(marker.rewrite_button, LEFT)
    qtbot.waitUntil(engine.holding.is_set, timeout=5_000)
    marker = window.chat.marker_widget(mark["id"])
    assert marker.progress.isVisible() and not marker.rewrite_button.isEnabled()
    qtbot.waitUntil(window.status.memory_label.isVisible, timeout=5_000)
    assert window.status.memory_label.text() == f"Summarizing {mark['message_count']} earlier messages…"
    engine.release()
    qtbot.waitUntil(lambda: window.store.context_mark(mark["id"])["content"] == "A new summary of the questions.")
    qtbot.waitUntil(lambda: not window.chat.marker_widget(mark["id"]).progress.isVisible(), timeout=5_000)
    marker = window.chat.marker_widget(mark["id"])
    assert marker.text_view.toPlainText() == "A new summary of the questions."
    assert "edited" not in marker.toggle.text() and not window.store.context_mark(mark["id"])["edited"]
    qtbot.waitUntil(lambda: not window.status.memory_label.isVisible(), timeout=5_000)

    # A new summary the model got wrong changes nothing, and says why.
    engine.script.append("")
    qtbot.mouseClick(marker.rewrite_button, LEFT)
    qtbot.waitUntil(lambda: window.banner.isVisible() and "could not be written" in window.banner.label.text())
    assert "empty summary" in window.banner.label.text()
    marker = window.chat.marker_widget(mark["id"])
    assert marker.error.isVisible() and "empty summary" in marker.error.text()
    assert window.store.context_mark(mark["id"])["content"] == "A new summary of the questions."


def test_messages_left_out_say_why_and_can_be_summarized(qtbot, windows):
    window = small_window(windows)
    engine = window.bridge.engine
    crash = Scripted(error=UserFacingError("The model engine crashed (SIGSEGV)."))
    mark = fill_until_mark(qtbot, window, summary=crash)
    assert mark["kind"] == "dropped"
    marker = marker_for(qtbot, window, mark)
    count = mark["message_count"]
    assert marker.toggle.text() == f"⚠ {count} earlier messages no longer fit and were left out"
    marker.set_expanded(True)
    assert marker.note.isVisible()
    assert marker.note.text() == "Summarizing failed: The model engine crashed (SIGSEGV)."
    assert marker.summarize_button.isVisible() and not marker.edit_button.isVisible()
    engine.script.append(SUMMARY)
    qtbot.mouseClick(marker.summarize_button, LEFT)
    qtbot.waitUntil(lambda: window.store.context_mark(mark["id"])["kind"] == "summary", timeout=5_000)
    qtbot.waitUntil(lambda: window.chat.marker_widget(mark["id"]).summary, timeout=5_000)
    marker = window.chat.marker_widget(mark["id"])
    assert marker.toggle.text() == f"{count} earlier messages summarized" and not marker.note.isVisible()
    assert marker.text_view.toPlainText() == SUMMARY


def test_summarizing_shows_in_the_status_bar_and_stop_leaves_the_messages_out(qtbot, windows):
    window = small_window(windows)
    engine = window.bridge.engine
    assert fill_until_mark(qtbot, window, summary=Scripted("A summary that takes long.", hold=True)) is None
    status = window.status
    qtbot.waitUntil(status.memory_stop.isVisible, timeout=5_000)
    assert status.memory_label.text().startswith("Summarizing ") and status.memory_label.text().endswith("…")
    qtbot.mouseClick(status.memory_stop, LEFT)
    qtbot.waitUntil(lambda: bool(window.store.context_marks(window.conversation_id)), timeout=5_000)
    [mark] = window.store.context_marks(window.conversation_id)
    assert mark["kind"] == "dropped" and "stopped" in mark["note"]
    qtbot.waitUntil(lambda: not status.memory_stop.isVisible(), timeout=5_000)
    marker = marker_for(qtbot, window, mark)
    marker.set_expanded(True)
    assert marker.note.text() == "Summarizing was stopped."
    assert engine.script == []


def test_a_message_sent_while_summarizing_is_answered_after(qtbot, windows):
    window = small_window(windows)
    engine = window.bridge.engine
    assert fill_until_mark(qtbot, window, summary=Scripted(SUMMARY, hold=True)) is None
    engine.script.append("Yes, still here.")
    window.composer.set_text("Are you still there?")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    assert window.turns.busy and window.composer.text() == ""
    assert window.chat.widgets[-1].note.text() == "Thinking…"
    with qtbot.waitSignal(window.turn_done, timeout=10_000) as blocker:
        engine.release()
    result = blocker.args[0]
    assert result.status == "complete"
    assert window.store.message(result.reply_message_id)["content"] == "Yes, still here."
    assert SUMMARY in engine.requests[-1].system_prompt  # answered with the summary written first
    [mark] = window.store.context_marks(window.conversation_id)
    assert mark["kind"] == "summary"
    marker_for(qtbot, window, mark)


def test_a_mark_recorded_while_a_reply_streams_appears_without_disturbing_it(qtbot, windows):
    window = small_window(windows, memory_policy="window")  # the mark is recorded as the turn starts
    engine = window.bridge.engine
    for i in range(30):
        engine.script.append(Scripted(words(20, f"reply{i}"), hold=True))
        before = list(window.chat.widgets)
        window.composer.set_text(words(30, f"question{i}"))
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(engine.holding.is_set, timeout=5_000)
        qtbot.waitUntil(lambda: window.turns.turn.reply["content"] != "", timeout=5_000)
        marks = window.store.context_marks(window.conversation_id) if window.conversation_id else []
        if marks:
            break
        with qtbot.waitSignal(window.turn_done, timeout=5_000):
            engine.release()
    else:
        raise AssertionError("the context never filled")
    marker = marker_for(qtbot, window, marks[-1])
    assert window.turns.busy and window.chat._streaming is window.chat.widgets[-1]
    assert window.chat.widgets[-1].message is window.turns.turn.reply  # the live row, still streaming
    assert all(w in window.chat.widgets for w in before)  # the message widgets were kept, not made again
    assert marker.toggle.text().endswith("no longer fit and were left out")
    with qtbot.waitSignal(window.turn_done, timeout=5_000) as blocker:
        engine.release()
    assert blocker.args[0].status == "complete"
    assert window.chat.widgets[-1].text_view.toPlainText().startswith(f"reply{i}")
    assert window.chat.marker_widget(marks[-1]["id"]) is not None


def test_pinned_messages_and_remembered_notes_reach_the_model(qtbot, windows):
    window = small_window(windows, memory_policy="window")
    engine = window.bridge.engine
    engine.script.append("Nice to meet you, Ada.")
    send(qtbot, window, "My name is Ada, remember it.")
    cid = window.conversation_id
    user, reply = window.store.messages(cid)
    user_widget = window.chat.message_widget(user["id"])
    buttons = user_widget.memory_buttons
    assert buttons.isVisible() and buttons.more_button.accessibleName() and not buttons.pin_button.isVisible()
    assert [a.text() for a in buttons.menu.actions()] == [
        "Keep in memory",
        "Remember this",
        "",
        "Fork into a new chat",
        "Delete this branch",
    ]
    buttons.keep_action.trigger()
    assert window.store.message(user["id"])["pinned"]
    assert buttons.pin_button.isVisible() and buttons.pin_button.text() == "📌 Kept in memory"
    assert buttons.keep_action.isChecked()

    reply_widget = window.chat.message_widget(reply["id"])
    reply_widget.memory_buttons.remember_action.trigger()
    [note] = window.store.memory_notes(cid, with_global=False)
    assert note["content"] == "Nice to meet you, Ada." and note["source_message_id"] == reply["id"]
    assert window.banner.label.text() == "Added to this chat's memory."
    window.banner.button.click()  # "Edit": the memory panel opens with the note being edited
    panel = window._memory_panel
    assert panel.isVisible() and panel.chat_notes.row(note["id"]).editor is not None
    panel.close()

    mark = fill_until_mark(qtbot, window)
    assert mark["kind"] == "dropped" and mark["first_message_id"] == user["id"]
    result = send(qtbot, window, "What is my name?")
    system = engine.requests[-1].system_prompt
    assert "User: My name is Ada, remember it." in system and "Nice to meet you, Ada." in system
    assert result.context.pinned == 1 and result.context.notes == 1
    assert "1 pinned message: " in window.status.meter.toolTip()
    assert "System prompt and 1 memory note: " in window.status.meter.toolTip()
    assert window.status.dropped_label.property("kind") == "warning"

    buttons = window.chat.message_widget(user["id"]).memory_buttons
    qtbot.mouseClick(buttons.pin_button, LEFT)  # the pin mark unpins
    assert not window.store.message(user["id"])["pinned"]
    assert not buttons.pin_button.isVisible() and not buttons.keep_action.isChecked()


def test_the_memory_panel_adds_edits_and_deletes_notes_and_sets_the_chats_policy(qtbot, window):
    store = window.store
    window.window_actions.memory.trigger()  # a new chat: only the notes for every chat
    panel = window._memory_panel
    assert panel.isVisible() and panel.chat_notes is None and panel.policy is None
    notes = panel.global_notes
    assert not notes.add_button.isEnabled()
    notes.field.setText("I live in Shanghai.")
    qtbot.mouseClick(notes.add_button, LEFT)
    [note] = store.memory_notes(None)
    assert note["content"] == "I live in Shanghai." and note["conversation_id"] is None
    assert notes.row(note["id"]).label.text() == "I live in Shanghai." and notes.field.text() == ""
    panel.close()

    send(qtbot, window, "Hello")
    cid = window.conversation_id
    store.update_conversation(cid, settings={"other": 1})
    panel = window.open_memory()
    chat_notes = panel.chat_notes
    chat_notes.field.setText("The trip is in May.")
    qtbot.keyClick(chat_notes.field, Qt.Key.Key_Return)
    [chat_note] = store.memory_notes(cid, with_global=False)
    assert chat_note["content"] == "The trip is in May."

    row = panel.global_notes.row(note["id"])  # edit in place
    qtbot.mouseClick(row.edit_button, LEFT)
    row.editor.setPlainText("I live in Beijing.")
    qtbot.mouseClick(row.save_button, LEFT)
    assert store.memory_notes(None)[0]["content"] == "I live in Beijing."
    assert row.editor is None and row.label.text() == "I live in Beijing."

    assert panel.policy.currentText() == "Use the default (Summarize the oldest messages)"
    panel.policy.setCurrentIndex(panel.policy.findData("ask"))
    assert store.get_conversation(cid)["settings"] == {"other": 1, "memory_policy": "ask"}
    panel.policy.setCurrentIndex(0)
    assert store.get_conversation(cid)["settings"] == {"other": 1}
    panel.policy.setCurrentIndex(panel.policy.findData("window"))
    panel.close()

    send(qtbot, window, "Where do I live?")
    system = window.bridge.engine.requests[-1].system_prompt
    assert "I live in Beijing." in system and "The trip is in May." in system

    panel = window.open_memory()
    assert panel.policy.currentData() == "window"  # shown as stored
    row = panel.chat_notes.row(chat_note["id"])
    qtbot.mouseClick(row.delete_button, LEFT)
    assert store.memory_notes(cid, with_global=False) == [] and panel.chat_notes.empty.isVisible()
    panel.close()


def fill_until_full(qtbot, window, limit=40):
    engine = window.bridge.engine
    for i in range(limit):
        engine.script.append(words(20, f"reply{i}"))
        result = send(qtbot, window, words(30, f"question{i}"))
        if result.full is not None:
            engine.script.clear()
            return result
        assert result.status == "complete", result.error
    raise AssertionError("the context never filled")


def test_the_ask_policy_offers_a_longer_context_or_a_new_chat(qtbot, windows):
    window = small_window(windows, memory_policy="ask")
    engine = window.bridge.engine
    result = fill_until_full(qtbot, window)
    cid = window.conversation_id
    text = window.composer.text()
    assert text.startswith("question") and result.user_message_id is None
    stored = len(window.store.messages(cid))
    dialog = window.context_full_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert not window.banner.isVisible()  # the dialog says it, not an error
    assert result.full["n_ctx"] == 700 and result.full["needed"] > 350
    assert dialog.longer_button.text() == "Use 1,024 tokens"
    assert dialog.fit_label.text()  # the estimate for the model file at that context
    assert dialog.carry_button.isVisible()
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert not dialog.isVisible()
    assert window.composer.text() == text and len(window.store.messages(cid)) == stored

    # A new chat that carries a summary; the message is sent there.
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.context_full_dialog is not dialog and window.context_full_dialog.isVisible())
    engine.script += ["We talked about many questions.", "Here in the new chat."]
    with qtbot.waitSignal(window.turn_done, timeout=10_000) as blocker:
        qtbot.mouseClick(window.context_full_dialog.carry_button, LEFT)
    new = window.conversation_id
    assert new != cid and blocker.args[0].conversation_id == new and blocker.args[0].status == "complete"
    [note] = window.store.memory_notes(new, with_global=False)
    assert "We talked about many questions." in note["content"]
    assert [m["content"] for m in window.store.messages(new)] == [text, "Here in the new chat."]
    assert window.composer.text() == "" and len(window.store.messages(cid)) == stored

    # Back in the full chat: load the model with a longer context; the message is sent after.
    window.open_conversation(cid)
    window.composer.set_text(text)
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.context_full_dialog.isVisible(), timeout=5_000)
    engine.script.append("Answered with more room.")
    with qtbot.waitSignal(window.turn_done, timeout=10_000) as blocker:
        qtbot.mouseClick(window.context_full_dialog.longer_button, LEFT)
    assert blocker.args[0].status == "complete" and blocker.args[0].conversation_id == cid
    assert window.loaded.n_ctx == 1024 and window.settings.load_settings_for(starter_path()).n_ctx == 1024
    assert Settings.load().load_settings_for(starter_path()).n_ctx == 1024
    assert window.store.messages(cid)[-1]["content"] == "Answered with more room."


def test_settings_choose_the_default_policy(qtbot, window):
    dialog = window.open_settings()
    tab = dialog.generation_tab
    combo = tab.memory_policy
    assert combo.accessibleName() and combo.currentData() == "summarize"
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Summarize the oldest messages",
        "Leave out the oldest messages",
        "Stop and ask",
    ]
    combo.setCurrentIndex(combo.findData("window"))
    dialog.close()
    assert window.settings.memory_policy == "window" and Settings.load().memory_policy == "window"
    engine = window.bridge.engine
    send(qtbot, window, "Hi")
    assert window.bridge.worker.session.memory.default_policy == "window"
    assert engine.requests


# -- with the real model ------------------------------------------------------------------------
def test_a_real_long_chat_gets_a_summary_marker(qtbot, windows):
    settings = test_settings()
    settings.set_load_settings(starter_path(), LoadSettings(n_ctx=768, n_threads=1))
    settings.save()
    window = windows.open(engine=LocalEngine(), settings=settings)
    assert window.loaded.n_ctx == 768
    topics = ("rivers", "bees", "tea", "glass", "owls")
    for i in range(40):
        result = send(qtbot, window, f"Question {i}: name two facts about {topics[i % 5]}, briefly.")
        assert result.status == "complete", result.error
        settle(qtbot, window, timeout=120_000)
        if window.store.context_marks(window.conversation_id):
            break
    [mark] = window.store.context_marks(window.conversation_id)
    assert mark["kind"] == "summary", mark["note"]
    marker = marker_for(qtbot, window, mark)
    qtbot.mouseClick(marker.toggle, LEFT)
    assert marker.text_view.toPlainText().strip() == mark["content"].strip()
