"""Edit and resend, and regenerate, replace the later messages in the same transaction that writes the
new ones: a failure in between (a full disk, anything) leaves the old messages where they were."""

import sqlite3

import pytest

from assistant.errors import StoreError
from assistant.store import NotFoundError

from .helpers import assert_search_index_consistent, fill_the_disk, finished_turn, free_the_disk

LONG = "a long edited message " * 20_000  # far more than the deleted messages free


@pytest.fixture
def chat(store):
    """A conversation of three finished turns. Returns (conversation id, [(user, reply), ...])."""
    conversation = store.create_conversation(title="three turns")
    turns = [finished_turn(store, conversation["id"], f"question {i}", f"answer {i}") for i in range(3)]
    return conversation["id"], turns


def snapshot(store, conversation_id):
    return store.get_conversation(conversation_id), store.messages(conversation_id)


def test_begin_turn_replaces_from_a_message(store, chat):
    conversation_id, turns = chat
    edited = turns[1][0]
    user, reply = store.begin_turn(conversation_id, "question 1, edited", replace_from=edited["id"])
    messages = store.messages(conversation_id)
    assert [m["id"] for m in messages] == [turns[0][0]["id"], turns[0][1]["id"], user["id"], reply["id"]]
    assert user["seq"] == edited["seq"] and reply["seq"] == edited["seq"] + 1
    assert reply["status"] == "streaming"
    assert store.get_conversation(conversation_id)["title"] == "three turns"
    assert [h["message_id"] for h in store.search("edited")] == [user["id"]]
    assert store.search("answer 2") == []
    assert_search_index_consistent(store)


def test_begin_reply_replaces_the_last_reply(store, chat):
    conversation_id, turns = chat
    last_user, last_reply = turns[2]
    again = store.begin_reply(conversation_id, replace_from=last_reply["id"], model_file="other.gguf")
    assert [m["id"] for m in store.messages(conversation_id)][-2:] == [last_user["id"], again["id"]]
    assert again["seq"] == last_reply["seq"] and again["model_file"] == "other.gguf"
    assert store.search("answer 2") == []
    assert_search_index_consistent(store)


@pytest.mark.parametrize("call", ["turn", "reply"])
def test_replace_from_a_message_of_another_conversation_changes_nothing(store, chat, call):
    conversation_id, turns = chat
    other = store.create_conversation()
    _, elsewhere = finished_turn(store, other["id"], "elsewhere", "there")
    before = snapshot(store, conversation_id), snapshot(store, other["id"])
    with pytest.raises(NotFoundError, match="not in conversation"):
        if call == "turn":
            store.begin_turn(conversation_id, "new", replace_from=elsewhere["id"])
        else:
            store.begin_reply(conversation_id, replace_from=elsewhere["id"])
    with pytest.raises(NotFoundError):
        store.begin_reply(conversation_id, replace_from=987654)
    assert (snapshot(store, conversation_id), snapshot(store, other["id"])) == before


def test_edit_on_a_full_disk_keeps_the_old_messages(store, chat):
    conversation_id, turns = chat
    before = snapshot(store, conversation_id)
    fill_the_disk(store)
    with pytest.raises(StoreError, match="The disk is full: Bothy could not save your message"):
        store.begin_turn(conversation_id, LONG, replace_from=turns[1][0]["id"])
    assert not store.db.conn.in_transaction
    assert snapshot(store, conversation_id) == before
    assert [h["message_id"] for h in store.search("answer 2")] == [turns[2][1]["id"]]
    assert_search_index_consistent(store)
    free_the_disk(store)
    user, _ = store.begin_turn(conversation_id, LONG, replace_from=turns[1][0]["id"])
    assert len(store.messages(conversation_id)) == 4


def test_the_old_two_transaction_edit_lost_messages_on_a_full_disk(store, chat):
    """The control for the test above: the same failure, with delete_messages_from() committed first
    (as the session did before replace_from), loses the old reply and the edited text."""
    conversation_id, turns = chat
    fill_the_disk(store)
    store.delete_messages_from(conversation_id, turns[1][0]["id"])
    with pytest.raises(StoreError, match="disk is full"):
        store.begin_turn(conversation_id, LONG)
    assert len(store.messages(conversation_id)) == 2  # question 1, answer 1 and 2 are gone


def injected_failure_on_insert(monkeypatch, store):
    """Every new message fails to be written, after the deletes of the same call have run."""
    deleted = []
    real_delete = type(store)._delete_from

    def delete(self, *args):
        deleted.append(real_delete(self, *args))
        return deleted[-1]

    def insert(self, values):
        assert deleted, "the failure must come after the delete"
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(type(store), "_delete_from", delete)
    monkeypatch.setattr(type(store), "_insert_message", insert)
    return deleted


@pytest.mark.parametrize("call", ["edit", "regenerate"])
def test_a_failure_between_delete_and_insert_loses_nothing(store, chat, monkeypatch, call):
    conversation_id, turns = chat
    before = snapshot(store, conversation_id)
    deleted = injected_failure_on_insert(monkeypatch, store)
    with pytest.raises(StoreError, match="disk is full"):
        if call == "edit":
            store.begin_turn(conversation_id, "question 1, edited", replace_from=turns[1][0]["id"])
        else:
            store.begin_reply(conversation_id, replace_from=turns[2][1]["id"])
    assert deleted == [4 if call == "edit" else 1]  # the delete did run, inside the transaction
    monkeypatch.undo()
    assert snapshot(store, conversation_id) == before
    assert_search_index_consistent(store)
    assert len(store.search("answer")) == 3


def test_delete_messages_from_still_works_alone(store, chat):
    conversation_id, turns = chat
    assert store.delete_messages_from(conversation_id, turns[2][0]["id"]) == 2
    assert len(store.messages(conversation_id)) == 4
    assert_search_index_consistent(store)
