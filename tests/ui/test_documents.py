"""Documents in the window: Attach indexes files in the background for the chat shown, the composer
says the chat answers from them, the model gets the passages, the reply shows them as [n] chips and a
chip opens the passage; "Stop using them" switches them off. With the scripted engine."""

from __future__ import annotations

import os
import threading

from tests.ui.conftest import send


def test_attach_answer_from_documents_and_open_a_source(qtbot, window, tmp_path):
    manual = tmp_path / "keeper.md"
    manual.write_text("The oil tank holds 40 litres and is refilled every Tuesday.\n", encoding="utf-8")
    scan = tmp_path / "fake.txt"
    scan.write_bytes(b"\x00\x01binary")
    assert window.conversation_id is None
    with qtbot.waitSignal(window.documents_indexer.finished, timeout=10_000):
        assert window.attach_documents([str(manual), str(scan)])
    cid = window.conversation_id  # a new chat was made for them
    assert cid is not None and window.conversations.documents(cid) == ["keeper"]  # named after its first file
    qtbot.waitUntil(lambda: window.composer.documents.isVisible(), timeout=3000)
    assert window.composer.documents_label.text() == "Answers from your documents: keeper (1 document)"
    assert "could not be used: 1 (fake.txt: not a document (binary data))" in window.banner.label.text()

    result = send(qtbot, window, "How much oil does the tank hold?")
    assert result.status == "complete"
    sent = window.bridge.engine.requests[-1].history[-1].content
    assert "[1] (keeper.md, line 1)" in sent and sent.endswith("How much oil does the tank hold?")
    [documents_part] = [part for part in window.status.meter.parts() if part[0] == "ctx_documents"]
    assert documents_part[1] > 0 and "1 passage of your documents" in documents_part[2]
    reply = window.chat.widgets[-1]
    qtbot.waitUntil(lambda: reply._sources is not None and reply._sources.isVisible(), timeout=3000)
    [chip] = reply._sources.chips
    assert chip.text() == "[1] keeper.md, l. 1"
    dialog = reply.show_source(reply.message["sources"][0])
    assert "40 litres" in dialog.text.toPlainText() and dialog.open_button.isEnabled()
    marked = sorted(mark.cursor.selectedText() for mark in dialog.text.extraSelections())
    assert marked == ["hold", "oil", "tank"] and dialog.highlighted == 3  # the question's words, highlighted
    dialog.close()

    window.composer.documents_clear.click()
    assert not window.composer.documents.isVisible() and window.conversations.documents(cid) == []
    send(qtbot, window, "And now?")
    assert window.bridge.engine.requests[-1].history[-1].content == "And now?"


def test_settings_documents_lists_libraries_adds_a_folder_and_uses_one_in_the_chat(
    qtbot, window, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QInputDialog

    folder = tmp_path / "handbook"
    folder.mkdir()
    (folder / "holidays.md").write_text("Keepers get 25 days of holiday a year.", encoding="utf-8")
    (folder / "empty.txt").write_text("")
    dialog = window.open_settings()
    tab = dialog.documents_tab
    dialog.tabs.setCurrentWidget(tab)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Company handbook", True))
    assert tab.new_library() == "Company handbook" and tab.selected_library() == "Company handbook"
    with qtbot.waitSignal(window.documents_indexer.finished, timeout=10_000):
        assert tab.add_paths([str(folder)])
    qtbot.waitUntil(lambda: tab.tree.topLevelItem(0).childCount() == 2, timeout=3000)
    library = tab.tree.topLevelItem(0)
    assert library.text(0) == "Company handbook" and library.text(1) == "2 documents · 1 failed"
    states = {library.child(i).text(0): library.child(i).text(1) for i in range(2)}
    assert states == {"empty.txt": "failed: empty", "holidays.md": "indexed"}
    (folder / "boats.md").write_text("The supply boat comes on Tuesdays.", encoding="utf-8")
    with qtbot.waitSignal(window.documents_indexer.refreshed, timeout=10_000):
        assert tab.refresh_library()  # in the background, like indexing
    assert tab.state.text() == "Up to date (1 changed)" and tab.tree.topLevelItem(0).childCount() == 3
    qtbot.waitUntil(tab.refresh_button.isEnabled, timeout=5000)  # free again: the buttons say so
    assert window.conversation_id is None and not tab.use_button.isEnabled()  # no chat shown
    dialog.close()
    send(qtbot, window, "Hello")
    dialog = window.open_settings()
    dialog.tabs.setCurrentWidget(dialog.documents_tab)
    dialog.documents_tab.load()
    dialog.documents_tab.use_selected()
    assert window.conversations.documents(window.conversation_id) == ["Company handbook"]
    assert window.composer.documents_label.text() == "Answers from your documents: Company handbook (2 documents)"
    dialog.documents_tab.tree.setCurrentItem(dialog.documents_tab.tree.topLevelItem(0))
    dialog.documents_tab.remove_selected()
    assert dialog.documents_tab.tree.topLevelItemCount() == 0 and window.store.libraries() == []


def test_documents_go_to_a_server_model_only_when_the_person_allows_it(qtbot, window, tmp_path):
    from assistant.engine.types import LoadedModel, ModelRef

    manual = tmp_path / "keeper.md"
    manual.write_text("The oil tank holds 40 litres.", encoding="utf-8")
    with qtbot.waitSignal(window.documents_indexer.finished, timeout=10_000):
        window.attach_documents([str(manual)])
    window.banner.dismiss()
    engine = window.bridge.engine
    engine.loaded = LoadedModel(**{**engine.loaded.__dict__, "model": ModelRef(engine="server", name="lab/llama-70b")})
    result = send(qtbot, window, "How much oil?")
    assert result.documents_stay and engine.requests == []
    assert (
        "would be sent to the server" in window.banner.label.text()
        and "Nothing was sent." in window.banner.label.text()
    )
    assert window.composer.text() == "How much oil?"  # given back, nothing lost
    window.banner.button.click()
    assert send(qtbot, window, "How much oil?").status == "complete"
    assert "40 litres" in engine.requests[-1].history[-1].content


def test_with_an_embedding_model_new_passages_get_vectors_and_answers_use_them(qtbot, real_window, tmp_path):
    from tests.starter import starter_path

    window = real_window
    dialog = window.open_settings()
    tab = dialog.documents_tab
    tab.embedding.setCurrentIndex(tab.embedding.findData(str(starter_path())))
    assert window.settings.embedding_model == str(starter_path())
    dialog.close()
    manual = tmp_path / "keeper.md"
    manual.write_text("The oil tank holds 40 litres.\n\nThe cat sleeps on the lens.", encoding="utf-8")
    with qtbot.waitSignal(window.documents_indexer.finished, timeout=60_000):
        window.attach_documents([str(manual)])
    assert window.store.db.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == 1
    result = send(qtbot, window, "Where does the cat sleep?")
    assert result.status == "complete"
    assert window.store.message(result.reply_message_id)["sources"][0]["path"].endswith("keeper.md")


def test_libraries_stay_current_while_the_window_is_open(qtbot, window, tmp_path):
    """A folder added to a library is watched: a file saved into it later is indexed, an edited one
    indexed again, a deleted one forgotten, each without Refresh or a restart."""
    from assistant.docs.indexer import add

    folder = tmp_path / "handbook"
    folder.mkdir()
    (folder / "holidays.md").write_text("Keepers get 25 days of holiday a year.", encoding="utf-8")
    add(window.store, [folder], "Handbook")
    window.documents_watcher._timer.setInterval(100)
    with qtbot.waitSignal(window.documents_indexer.watch, timeout=10_000):
        window.refresh_documents()
    assert str(folder) in window.documents_watcher.watched
    library_id = window.store.library("Handbook")["id"]

    def changes(action) -> dict:
        with qtbot.waitSignal(window.documents_indexer.refreshed, timeout=10_000) as blocker:
            action()
        return {r.path.rsplit("/", 1)[-1]: r.state for r in blocker.args[0] if r.state != "unchanged"}

    assert changes(lambda: (folder / "boats.md").write_text("The supply boat comes on Tuesdays.")) == {
        "boats.md": "indexed"
    }
    assert window.store.search_passages("supply boat", [library_id])[0]["path"].endswith("boats.md")
    qtbot.waitUntil(lambda: str(folder / "boats.md") in window.documents_watcher.watched, timeout=5000)
    assert "Documents updated: 1 changed" in window.status.documents_label.text()

    def edit() -> None:
        (folder / "holidays.md").write_text("Keepers get 30 days of holiday a year.", encoding="utf-8")
        os.utime(folder / "holidays.md", (1, 1))

    assert changes(edit) == {"holidays.md": "indexed"}
    assert "30 days" in window.store.search_passages("holiday", [library_id])[0]["text"]
    assert changes(lambda: (folder / "boats.md").unlink()) == {"boats.md": "removed"}
    assert window.store.search_passages("supply boat", [library_id]) == []

    # a change while the indexer is busy with something else is taken up once it is free
    other = tmp_path / "other.md"
    other.write_text("Another file, attached to a chat.", encoding="utf-8")
    qtbot.waitUntil(lambda: not window.documents_indexer.busy, timeout=5000)
    gate = threading.Event()
    window.documents_indexer.embedder = lambda: gate.wait(10) and None  # holds the indexer busy
    assert window.attach_documents([str(other)]) and window.documents_indexer.busy
    (folder / "tides.md").write_text("High tide at 14:20.", encoding="utf-8")
    window.refresh_documents(["Handbook"])  # busy: it waits
    assert window._documents_waiting == {"Handbook"}
    with qtbot.waitSignal(window.documents_indexer.refreshed, timeout=10_000) as blocker:
        gate.set()
    assert [r.path for r in blocker.args[0] if r.state == "indexed"] == [str(folder / "tides.md")]


def test_a_folder_of_documents_dropped_on_the_window_is_attached_not_imported(qtbot, window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    from ui.dropped import holds_exports

    folder = tmp_path / "manuals"
    folder.mkdir()
    (folder / "lamp.md").write_text("Trim the wick before dusk.", encoding="utf-8")
    (folder / "settings.json").write_text('{"lamp": "oil"}', encoding="utf-8")  # a JSON file among documents
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "chat.json").write_text("[]", encoding="utf-8")
    assert not holds_exports(folder) and holds_exports(exports)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(window.documents_indexer.finished, timeout=10_000) as blocker:
        window.dropEvent(event)
    library, results, _ = blocker.args
    assert library == "manuals" and sorted(os.path.basename(r.path) for r in results) == ["lamp.md", "settings.json"]
    assert window.conversations.documents(window.conversation_id) == ["manuals"]
    assert window.store.roots(window.store.library("manuals")["id"]) == [str(folder)]  # kept current from now on
