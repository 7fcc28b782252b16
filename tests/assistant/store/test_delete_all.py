"""Delete all: every conversation but the kept ones, their messages and their search rows, at once."""

import sqlite3

import pytest

from assistant.store import NotFoundError, Store

from .helpers import assert_search_index_consistent, finished_turn, schema
from .test_search import hit_ids


@pytest.fixture
def history(store):
    """Five conversations with two finished turns each. Returns their ids."""
    ids = []
    for i in range(5):
        conversation = store.create_conversation(title=f"walk {i}")
        finished_turn(store, conversation["id"], f"mountain question {i}", f"bothy answer {i} 大模型")
        finished_turn(store, conversation["id"], f"follow up {i}", f"more {i}")
        ids.append(conversation["id"])
    return ids


def test_delete_all(store, history, db_file):
    before = schema(db_file)
    assert store.delete_all_conversations() == 5
    assert store.count_conversations() == 0
    assert store.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM messages_fts").fetchone()[0] == 0
    assert hit_ids(store, "mountain") == [] and hit_ids(store, "模型") == []
    assert_search_index_consistent(store)
    assert schema(db_file) == before  # the search index was emptied, not changed
    assert store.delete_all_conversations() == 0
    # The store works as before afterwards, and ids are not reused.
    again = store.create_conversation()
    assert again["id"] > max(history)
    user, _ = finished_turn(store, again["id"], "mountain again", "yes")
    assert hit_ids(store, "mountain") == [user["id"]]
    assert_search_index_consistent(store)


def test_delete_all_keeps_the_conversation_whose_reply_streams(store, history):
    streaming = history[2]
    _, reply = store.begin_turn(streaming, "a question still being answered")
    store.update_reply(reply["id"], "half")
    kept = store.messages(streaming)
    assert store.delete_all_conversations(keep=[streaming, 424242]) == 4
    assert [c["id"] for c in store.list_conversations()] == [streaming]
    assert store.messages(streaming) == kept
    assert_search_index_consistent(store)
    assert [store.message(i)["conversation_id"] for i in hit_ids(store, "mountain")] == [streaming]
    assert len(hit_ids(store, "模型")) == 1
    store.update_reply(reply["id"], "half and more")
    store.finish_reply(reply["id"], "the answer about otters", status="complete")
    assert hit_ids(store, "otters") == [reply["id"]]
    assert store.delete_all_conversations(keep=[streaming]) == 0


def test_delete_all_is_one_transaction(store, history, db_file):
    before = schema(db_file), store.list_conversations(), [store.messages(i) for i in history]
    store.db.execute(
        "CREATE TRIGGER test_fail BEFORE DELETE ON conversations WHEN OLD.id = "
        f"{history[-1]} BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
        store.delete_all_conversations()
    store.db.execute("DROP TRIGGER test_fail")
    assert (schema(db_file), store.list_conversations(), [store.messages(i) for i in history]) == before
    assert len(hit_ids(store, "mountain")) == 5
    assert_search_index_consistent(store)


def test_another_store_sees_the_deletion(store, history):
    with Store(store.path) as other:
        assert len(other.search("mountain")) == 5
        store.delete_all_conversations()
        assert other.search("mountain") == [] and other.count_conversations() == 0
        with pytest.raises(NotFoundError):
            other.get_conversation(history[0])
        conversation = other.create_conversation()
        user, _ = finished_turn(other, conversation["id"], "mountain after", "ok")
    assert hit_ids(store, "mountain") == [user["id"]]


def test_delete_all_with_a_long_keep_list(store, history):
    keep = [*history[:3], *range(10_000, 10_700)]  # ids that are gone are fine
    assert store.delete_all_conversations(keep=keep) == 2
    assert sorted(c["id"] for c in store.list_conversations()) == history[:3]
    assert len(hit_ids(store, "mountain")) == 3
    assert_search_index_consistent(store)
