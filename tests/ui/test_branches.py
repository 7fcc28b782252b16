"""Conversations as trees in the window: `‹ 2/3 ›` on replies and edited messages, flipping (also
with Alt+Left / Alt+Right), what the model sees after a flip, forking, deleting a branch with Undo,
and a search hit on another branch. With the scripted engine (tests/fakes.py): the real model's
path is in test_chat.py."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import send


def regenerate(qtbot, window):
    with qtbot.waitSignal(window.turn_done, timeout=10_000):
        window.regenerate()


def contents(window):
    return [w.message["content"] for w in window.chat.widgets]


def test_flipping_between_regenerated_replies(qtbot, window):
    window.bridge.engine.script.extend(["First answer.", "Second answer.", "Third answer."])
    send(qtbot, window, "Tell me something.")
    regenerate(qtbot, window)
    regenerate(qtbot, window)
    cid = window.conversation_id
    reply = window.chat.widgets[-1]
    switcher = reply.branch_switcher
    assert contents(window) == ["Tell me something.", "Third answer."]
    assert switcher.label.text() == "3/3" and not switcher.next_button.isEnabled()
    qtbot.mouseClick(switcher.previous_button, Qt.MouseButton.LeftButton)
    assert contents(window) == ["Tell me something.", "Second answer."]
    assert window.chat.widgets[-1].branch_switcher.label.text() == "2/3"
    assert window.store.messages(cid)[-1]["content"] == "Second answer."  # the active path moved
    # The keyboard does the same, on the last message that has versions.
    window.activateWindow()
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert contents(window) == ["Tell me something.", "First answer."]
    assert window.chat.widgets[-1].branch_switcher.label.text() == "1/3"
    window.flip(-1)  # nothing before the first
    assert contents(window) == ["Tell me something.", "First answer."]
    # The model is sent the branch shown.
    send(qtbot, window, "And then?")
    history = [(m.role, m.content) for m in window.bridge.engine.requests[-1].history]
    assert history[-3:] == [("user", "Tell me something."), ("assistant", "First answer."), ("user", "And then?")]
    assert "Third answer." not in str(history)
    # The sidebar and Markdown export follow the active path too.
    assert "First answer." in window.store.export_markdown(cid)
    assert "Third answer." not in window.store.export_markdown(cid)


def test_an_edited_message_shows_its_versions(qtbot, window):
    send(qtbot, window, "Old question?")
    send(qtbot, window, "Follow-up?")
    first = window.chat.widgets[0]
    first.start_edit()
    with qtbot.waitSignal(window.turn_done, timeout=10_000):
        first._submit_edit("New question?")
    user = window.chat.widgets[0]
    assert contents(window)[0] == "New question?" and len(window.chat.widgets) == 2
    assert user.branch_switcher.isVisible() and user.branch_switcher.label.text() == "2/2"
    user.branch_switcher.step(-1)
    assert contents(window)[0::2] == ["Old question?", "Follow-up?"] and len(window.chat.widgets) == 4


def test_fork_into_a_new_chat(qtbot, window):
    send(qtbot, window, "Plan a walk.")
    send(qtbot, window, "Shorter, please.")
    original = window.conversation_id
    first_reply = window.chat.widgets[1]
    first_reply.memory_buttons.fork_action.trigger()
    assert window.conversation_id != original
    assert [w.message["role"] for w in window.chat.widgets] == ["user", "assistant"]
    assert contents(window) == [m["content"] for m in window.store.messages(original)[:2]]
    assert window.banner.isVisible() and "Forked" in window.banner.label.text()
    assert window.sidebar.model.row_of(window.conversation_id) >= 0
    assert len(window.store.messages(original)) == 4  # the original is untouched


def test_delete_a_branch_and_undo(qtbot, window):
    window.bridge.engine.script.extend(["Keep this.", "Drop this."])
    send(qtbot, window, "Question?")
    regenerate(qtbot, window)
    cid = window.conversation_id
    window.chat.widgets[-1].memory_buttons.delete_branch_action.trigger()
    assert contents(window) == ["Question?", "Keep this."]
    assert window.chat.widgets[-1].message.get("siblings") is None
    assert window.banner.isVisible() and window.banner.button.isVisible()
    window.banner.button.click()
    assert contents(window) == ["Question?", "Drop this."]
    assert window.chat.widgets[-1].branch_switcher.label.text() == "2/2"
    assert len(window.store.tree(cid)) == 3


def test_a_search_hit_on_another_branch_opens_that_branch(qtbot, window):
    window.bridge.engine.script.extend(["Otters are playful.", "Badgers dig setts."])
    send(qtbot, window, "Name an animal.")
    regenerate(qtbot, window)
    cid = window.conversation_id
    [hit] = window.store.search("otters")
    window.new_chat()
    window.open_conversation(hit["conversation_id"], hit["message_id"])
    assert contents(window) == ["Name an animal.", "Otters are playful."]
    assert window.store.messages(cid)[-1]["id"] == hit["message_id"]


def test_switching_versions_waits_for_the_reply(qtbot, window):
    from tests.fakes import Scripted

    window.bridge.engine.script.extend(["One.", "Two.", Scripted("Three, slowly.", hold=True)])
    send(qtbot, window, "Count.")
    regenerate(qtbot, window)
    window.regenerate()
    qtbot.waitUntil(lambda: window.turns.busy)
    window.show_branch(window.store.tree(window.conversation_id)[1]["id"])
    assert "Wait for the reply" in window.banner.label.text()
    window.turns.stop()
    qtbot.waitUntil(lambda: not window.turns.busy, timeout=10_000)


def test_help_lists_the_version_shortcuts(window):
    keys = [k for k, _ in window.window_actions.shortcut_list()]
    assert "Alt+Left / Alt+Right" in keys
    assert window.window_actions.previous_version.shortcut().toString() == "Alt+Left"


def test_dropping_exports_on_the_window_imports_them(qtbot, window):
    from pathlib import Path

    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    fixtures = Path(__file__).parents[1] / "assistant" / "importers" / "fixtures"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(fixtures / "chatgpt" / "branches.json")), QUrl.fromLocalFile(str(fixtures))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    dialog = window.import_dialog
    qtbot.waitUntil(lambda: dialog.task.is_finished, timeout=10_000)
    text = dialog.summary.toPlainText()
    assert "branches.json" in text and "from ChatGPT" in text
    assert "from Chatbox, ChatGPT" in text  # a folder of several apps' exports: each file that holds chats
    assert dialog.heading.text().startswith("Imported ") and window.sidebar.model.conversation_ids()
    assert window.conversation_id is None  # the chat that was open stays open
