"""The sidebar: grouping, qtmodeltester, search and jump, rename, pin, delete with undo."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from ui.conversation_model import ConversationModel, IdRole, IsHeaderRole, SearchResultsModel, group_of


def _stamp(dt: datetime) -> str:
    return dt.astimezone().astimezone(tz=None).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def _backdate(store, conversation_id: int, days: int) -> None:
    from datetime import UTC

    when = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    store.db.execute("UPDATE conversations SET updated = ? WHERE id = ?", [when, conversation_id])


def _conversation(store, title: str, text: str, reply: str = "ok") -> int:
    c = store.create_conversation(title=title)
    _user, r = store.begin_turn(c["id"], text)
    store.finish_reply(r["id"], reply, status="complete", stats={"reply_tokens": 1})
    return c["id"]


def test_groups_by_day():
    now = datetime(2024, 5, 10, 12, 0).astimezone()
    conv = {"pinned": False}

    def at(dt):
        return {**conv, "updated": dt.astimezone().strftime("%Y-%m-%dT%H:%M:%S.%f%z")}

    assert group_of({**at(now), "pinned": True}, now) == "pinned"
    assert group_of(at(now - timedelta(hours=1)), now) == "today"
    assert group_of(at(now - timedelta(days=1)), now) == "yesterday"
    assert group_of(at(now - timedelta(days=5)), now) == "week"
    assert group_of(at(now - timedelta(days=30)), now) == "older"


def test_models_pass_qtmodeltester(qtmodeltester):
    from assistant.store import Store

    with Store() as store:
        ids = [_conversation(store, f"chat {i}", f"message {i}") for i in range(6)]
        _backdate(store, ids[0], 1)
        _backdate(store, ids[1], 4)
        _backdate(store, ids[2], 40)
        store.set_pinned(ids[3], True)
        model = ConversationModel(store=store)
        model.reload()
        qtmodeltester.check(model)
        headers = [model.index(r, 0).data() for r in range(model.rowCount()) if model.index(r, 0).data(IsHeaderRole)]
        assert headers == ["Pinned", "Today", "Yesterday", "Previous 7 days", "Older"]
        first = next(r for r in range(model.rowCount()) if not model.index(r, 0).data(IsHeaderRole))
        assert model.index(first, 0).data(IdRole) == ids[3]  # pinned on top
        assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable  # a header
        results = SearchResultsModel()
        results.set_hits(store.search("message", markers=("\x02", "\x03")))
        qtmodeltester.check(results)
        assert results.rowCount() == 6


def test_search_finds_chinese_and_opens_the_conversation_at_the_message(qtbot, windows):
    from assistant.store import Store

    with Store() as store:
        target = _conversation(store, "模型笔记", "我想了解大模型的量化方法", "量化可以减少内存。")
        for i in range(120):  # a long conversation: the hit is far from the end
            _u, r = store.begin_turn(target, f"later message {i}")
            store.finish_reply(r["id"], f"reply {i}", status="complete")
        _conversation(store, "Other", "nothing to see")
    window = windows.open()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.search_field.hasFocus()
    window.sidebar.search_field.insert("模型")  # QTest types ASCII only
    qtbot.waitUntil(window.sidebar.searching, timeout=2000)
    model = window.sidebar.search_model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "模型笔记"
    hit_id = model.index(0, 0).data(SearchResultsModel.MessageIdRole)
    rect = window.sidebar.list.visualRect(model.index(0, 0))
    qtbot.mouseClick(window.sidebar.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.conversation_id == target
    widget = window.chat.message_widget(hit_id)
    assert widget is not None and "大模型" in widget.text_view.toPlainText()
    qtbot.waitUntil(lambda: widget.visibleRegion().isEmpty() is False, timeout=2000)
    # Clearing the search brings the conversation list back.
    window.sidebar.clear_search()
    assert not window.sidebar.searching()


def test_rename_in_place(qtbot, windows):
    from assistant.store import Store

    with Store() as store:
        cid = _conversation(store, "Old name", "hello")
    window = windows.open()
    window.open_conversation(cid)
    window.rename_current()
    [editor] = window.sidebar.list.viewport().findChildren(QLineEdit)
    assert editor.text() == "Old name"
    editor.selectAll()
    editor.insert("Trip plans ✈️")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop pass
    qtbot.waitUntil(lambda: window.store.get_conversation(cid)["title"] == "Trip plans ✈️", timeout=2000)
    row = window.sidebar.model.row_of(cid)
    assert window.sidebar.model.index(row, 0).data() == "Trip plans ✈️"


def test_delete_and_undo(qtbot, windows):
    from assistant.store import Store

    with Store() as store:
        keep = _conversation(store, "Keep", "a")
        gone = _conversation(store, "Delete me", "b", "reply b")
    window = windows.open()
    window.open_conversation(gone)
    qtbot.mouseClick(
        window.sidebar.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.sidebar.list.visualRect(window.sidebar.model.index(window.sidebar.model.row_of(gone), 0)).center(),
    )
    qtbot.keyClick(window.sidebar.list, Qt.Key.Key_Delete)
    assert window.sidebar.model.conversation_ids() == [keep]
    assert window.conversation_id is None
    assert window.banner.isVisible() and window.banner.button.isVisible()
    qtbot.mouseClick(window.banner.button, Qt.MouseButton.LeftButton)
    assert set(window.sidebar.model.conversation_ids()) == {keep, gone}
    assert window.conversation_id == gone
    assert [m["content"] for m in window.store.messages(gone)] == ["b", "reply b"]
    assert not window.banner.isVisible()


def test_pin_moves_to_top(qtbot, windows):
    from assistant.store import Store

    with Store() as store:
        first = _conversation(store, "First", "a")
        _conversation(store, "Second", "b")
    window = windows.open()
    window.conversations.set_pinned(first, True)
    model = window.sidebar.model
    assert model.index(0, 0).data() == "Pinned"
    assert model.index(1, 0).data(IdRole) == first


def test_an_error_after_a_delete_waits_behind_the_undo(qtbot, windows):
    from assistant.store import Store

    with Store() as store:
        gone = _conversation(store, "Delete me", "b", "reply b")
    window = windows.open()
    window.conversations.delete(gone)
    banner = window.banner
    assert banner.button.isVisible() and "Delete me" in banner.label.text()
    window.show_error("The disk is nearly full.")
    window.show_error("The disk is nearly full.")  # the same message twice is shown once
    assert banner.button.isVisible() and "Delete me" in banner.label.text()  # the Undo stays
    assert banner.more.isVisible() and "1" in banner.more.text()
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    assert gone in window.sidebar.model.conversation_ids()
    assert banner.isVisible() and banner.label.text() == "The disk is nearly full." and not banner.button.isVisible()
    banner.dismiss()
    assert not banner.isVisible()


def test_an_undo_runs_out_only_after_it_was_shown_in_full(qtbot, windows, monkeypatch):
    import ui.main_window
    from assistant.store import Store

    monkeypatch.setattr(ui.main_window, "UNDO_MS", 300)
    with Store() as store:
        first = _conversation(store, "First", "a")
        second = _conversation(store, "Second", "b")
    window = windows.open()
    window.show_error("Something went wrong.")
    window.conversations.delete(first)
    window.conversations.delete(second)
    banner = window.banner
    assert banner.label.text() == "Something went wrong." and len(banner.queue) == 2
    banner.dismiss()
    assert "First" in banner.label.text()
    qtbot.waitUntil(lambda: "Second" in banner.label.text(), timeout=2000)  # the first offer ran its time
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    assert window.sidebar.model.conversation_ids() == [second]
