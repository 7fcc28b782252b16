"""Conditions of the user's machine (full disk, read-only or locked file, damaged file) become
StoreError with a message for people, and never cost data that was already saved."""

import sqlite3

import pytest

from assistant.errors import StoreError
from assistant.store import Store

from .helpers import fill_the_disk, finished_turn, free_the_disk


def test_disk_full_while_saving_a_message(store):
    conversation = store.create_conversation(title="kept")
    finished_turn(store, conversation["id"], "earlier question", "earlier answer")
    before = (store.get_conversation(conversation["id"]), store.messages(conversation["id"]))

    fill_the_disk(store)
    with pytest.raises(StoreError) as info:
        store.begin_turn(conversation["id"], "a long message " * 20_000)
    assert info.value.message == "The disk is full: Bothy could not save your message."
    assert info.value.hint == "Free some space and try again."
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)
    assert not store.db.conn.in_transaction

    assert (store.get_conversation(conversation["id"]), store.messages(conversation["id"])) == before
    assert len(store.search("earlier")) == 2
    assert store.search("long message") == []

    free_the_disk(store)
    user, _ = store.begin_turn(conversation["id"], "a long message " * 20_000)
    assert len(store.messages(conversation["id"])) == 4
    assert store.search("long message")[0]["message_id"] == user["id"]


def test_disk_full_while_finishing_a_reply_keeps_the_streamed_text(store):
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "q")
    store.update_reply(reply["id"], "partial text")
    fill_the_disk(store)
    with pytest.raises(StoreError, match="The disk is full: Bothy could not save the reply"):
        store.finish_reply(reply["id"], "final " * 50_000, status="complete")
    saved = store.message(reply["id"])
    assert saved["content"] == "partial text" and saved["status"] == "streaming"
    free_the_disk(store)
    assert store.recover_interrupted() == 0  # this Store is still its writer
    store.close()
    with Store(store.path) as again:
        assert again.recover_interrupted() == 1
        assert again.message(reply["id"])["content"] == "partial text"


def test_disk_full_data_survives_reopening(db_file):
    with Store(db_file) as store:
        conversation = store.create_conversation(title="survivor")
        finished_turn(store, conversation["id"], "keep me", "kept")
        fill_the_disk(store)
        for _ in range(3):
            with pytest.raises(StoreError, match="disk is full"):
                store.create_conversation(title="x" * 100_000)
    with Store(db_file) as store:
        assert [c["title"] for c in store.list_conversations()] == ["survivor"]
        assert [m["content"] for m in store.messages(conversation["id"])] == ["keep me", "kept"]


def test_read_only_database(store):
    conversation = store.create_conversation()
    store.db.execute("PRAGMA query_only = ON")  # SQLite answers writes with SQLITE_READONLY
    with pytest.raises(StoreError) as info:
        store.begin_turn(conversation["id"], "hello")
    assert "Bothy could not save your message" in info.value.message
    assert "read-only" in info.value.message
    assert str(store.path) in info.value.message
    store.db.execute("PRAGMA query_only = OFF")
    assert store.messages(conversation["id"]) == []


def test_locked_database(db_file):
    with Store(db_file, timeout=0.1) as store:
        conversation = store.create_conversation()
        other = sqlite3.connect(str(db_file), isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            with pytest.raises(StoreError) as info:
                store.rename_conversation(conversation["id"], "new")
            assert "in use by another program" in info.value.message
            assert "Close any other copy of Bothy" in info.value.hint
            assert store.get_conversation(conversation["id"])["title"] is None  # reads still work (WAL)
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert store.rename_conversation(conversation["id"], "new")["title"] == "new"


@pytest.mark.parametrize(
    "content",
    [b"This is my shopping list, not a database.\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "bad-header"],
)
def test_file_that_is_not_a_database(db_file, content):
    db_file.write_bytes(content)
    with pytest.raises(StoreError) as info:
        Store(db_file)
    assert str(db_file) in info.value.message
    assert "damaged or is not a Bothy database" in info.value.message
    assert db_file.read_bytes() == content


def test_damaged_database(db_file):
    with Store(db_file) as store:
        conversation = store.create_conversation()
        finished_turn(store, conversation["id"], "q", "a")
    data = bytearray(db_file.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page
    db_file.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        Store(db_file)
    assert str(db_file) in info.value.message
    assert "damaged" in info.value.message
    assert db_file.read_bytes() == bytes(data)


def test_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="could not create the folder"):
        Store(blocker / "sub" / "bothy.db")
