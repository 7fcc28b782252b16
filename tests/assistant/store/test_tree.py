"""Conversations as trees: edit and regenerate add branches and delete nothing; the active path is
what messages() returns; branches can be switched, deleted (with undo) and forked."""

import pytest

from assistant.errors import StoreError
from assistant.store import NotFoundError

from .helpers import assert_search_index_consistent, fill_the_disk, finished_turn, free_the_disk

LONG = "a long edited message " * 20_000


@pytest.fixture
def chat(store):
    """A conversation of three finished turns. Returns (conversation id, [(user, reply), ...])."""
    conversation = store.create_conversation(title="three turns")
    turns = [finished_turn(store, conversation["id"], f"question {i}", f"answer {i}") for i in range(3)]
    return conversation["id"], turns


def ids(messages):
    return [m["id"] for m in messages]


def snapshot(store, conversation_id):
    return store.get_conversation(conversation_id), store.tree(conversation_id)


def test_a_conversation_is_a_path_of_parents(store, chat):
    conversation_id, turns = chat
    messages = store.messages(conversation_id)
    assert [m["parent_id"] for m in messages] == [None, *ids(messages)[:-1]]
    assert store.branches(conversation_id) == {}
    assert all(m["active"] for m in store.tree(conversation_id))


def test_edit_adds_a_sibling_and_keeps_the_old_branch(store, chat):
    conversation_id, turns = chat
    edited = turns[1][0]
    user, reply = store.begin_turn(conversation_id, "question 1, edited", replace_from=edited["id"])
    assert user["parent_id"] == edited["parent_id"] and reply["parent_id"] == user["id"]
    assert ids(store.messages(conversation_id)) == [*ids(turns[0]), user["id"], reply["id"]]
    assert store.branches(conversation_id) == {user["id"]: [edited["id"], user["id"]]}
    tree = store.tree(conversation_id)
    assert len(tree) == 8  # nothing was deleted
    assert {m["id"] for m in tree if not m["active"]} == {*ids(turns[1]), *ids(turns[2])}
    assert store.get_conversation(conversation_id)["title"] == "three turns"
    assert [h["message_id"] for h in store.search("answer 2")] == [turns[2][1]["id"]]  # search sees every branch
    assert_search_index_consistent(store)


def test_regenerate_adds_a_sibling_reply(store, chat):
    conversation_id, turns = chat
    last_user, last_reply = turns[2]
    again = store.begin_reply(conversation_id, replace_from=last_reply["id"], model_file="other.gguf")
    assert ids(store.messages(conversation_id))[-2:] == [last_user["id"], again["id"]]
    assert again["parent_id"] == last_user["id"] and again["model_file"] == "other.gguf"
    assert store.branches(conversation_id) == {again["id"]: [last_reply["id"], again["id"]]}
    assert store.message(last_reply["id"])["content"] == "answer 2"


def test_editing_the_first_message_makes_a_second_root(store, chat):
    conversation_id, turns = chat
    user, reply = store.begin_turn(conversation_id, "a new start", replace_from=turns[0][0]["id"])
    assert user["parent_id"] is None
    assert ids(store.messages(conversation_id)) == [user["id"], reply["id"]]
    assert store.branches(conversation_id) == {user["id"]: [turns[0][0]["id"], user["id"]]}


def test_select_branch_goes_to_the_newest_message_below(store, chat):
    conversation_id, turns = chat
    user, reply = store.begin_turn(conversation_id, "question 1, edited", replace_from=turns[1][0]["id"])
    store.finish_reply(reply["id"], "edited answer", status="complete")
    assert store.select_branch(turns[1][0]["id"]) == turns[2][1]["id"]
    assert ids(store.messages(conversation_id)) == [*ids(turns[0]), *ids(turns[1]), *ids(turns[2])]
    assert store.select_branch(user["id"]) == reply["id"]
    assert ids(store.messages(conversation_id))[-1] == reply["id"]
    # Selecting a message in the middle of a path keeps what follows it.
    assert store.select_branch(turns[1][1]["id"]) == turns[2][1]["id"]
    # A new turn continues the active branch.
    store.select_branch(user["id"])
    new_user, _ = store.begin_turn(conversation_id, "and then?")
    assert new_user["parent_id"] == reply["id"]
    with pytest.raises(NotFoundError):
        store.select_branch(987654)


def test_delete_branch_and_undo(store, chat):
    conversation_id, turns = chat
    edited_user, edited_reply = store.begin_turn(conversation_id, "question 1, edited", replace_from=turns[1][0]["id"])
    store.finish_reply(edited_reply["id"], "edited answer", status="complete")
    before = snapshot(store, conversation_id)
    undo = store.delete_branch(edited_user["id"])
    # The active path went through it: it moves to the newest message left under its parent.
    assert ids(store.messages(conversation_id)) == [*ids(turns[0]), *ids(turns[1]), *ids(turns[2])]
    assert store.search("edited") == []
    assert store.branches(conversation_id) == {}
    assert_search_index_consistent(store)
    store.restore_branch(undo)
    after = snapshot(store, conversation_id)
    assert after[1] == before[1]
    assert [h["message_id"] for h in store.search("edited")] == [edited_reply["id"], edited_user["id"]]
    assert_search_index_consistent(store)
    with pytest.raises(StoreError, match="already there"):
        store.restore_branch(undo)


def test_delete_a_branch_off_the_active_path_keeps_the_path(store, chat):
    conversation_id, turns = chat
    again = store.begin_reply(conversation_id, replace_from=turns[2][1]["id"])
    store.finish_reply(again["id"], "another answer", status="complete")
    store.delete_branch(turns[2][1]["id"])
    assert ids(store.messages(conversation_id))[-1] == again["id"]


def test_deleting_every_message_leaves_an_empty_conversation(store, chat):
    conversation_id, turns = chat
    store.delete_branch(turns[0][0]["id"])
    assert store.messages(conversation_id) == [] and store.tree(conversation_id) == []
    user, _ = store.begin_turn(conversation_id, "fresh")
    assert user["parent_id"] is None


def test_a_branch_being_written_cannot_be_deleted(store, chat):
    conversation_id, turns = chat
    again = store.begin_reply(conversation_id, replace_from=turns[2][1]["id"])
    with pytest.raises(StoreError, match="being written"):
        store.delete_branch(turns[2][0]["id"])
    assert store.message(again["id"])["status"] == "streaming"


def test_marks_belong_to_the_path_they_cover(store, chat):
    conversation_id, turns = chat
    mark = store.add_context_mark(
        conversation_id, kind="summary", first_message_id=turns[1][0]["id"], last_message_id=turns[1][1]["id"]
    )
    assert mark["message_count"] == 2
    # Editing question 2 keeps the mark (it covers the shared beginning) ...
    store.begin_turn(conversation_id, "question 2, edited", replace_from=turns[2][0]["id"])
    assert ids(store.context_marks(conversation_id)) == [mark["id"]]
    # ... editing question 1 leaves it on the old branch.
    store.begin_turn(conversation_id, "question 1, edited", replace_from=turns[1][0]["id"])
    assert store.context_marks(conversation_id) == []
    store.select_branch(turns[1][0]["id"])
    assert ids(store.context_marks(conversation_id)) == [mark["id"]]
    with pytest.raises(ValueError, match="one path"):
        store.add_context_mark(
            conversation_id, kind="dropped", first_message_id=turns[2][0]["id"], last_message_id=turns[2][1]["id"] + 2
        )


def test_fork_copies_the_path_up_to_a_message(store, chat):
    conversation_id, turns = chat
    store.update_conversation(conversation_id, system_prompt="Be brief.", settings={"temperature": 0.3})
    store.set_message_pinned(turns[0][0]["id"], True)
    store.add_memory_note("The walker is called Morag.", conversation_id=conversation_id)
    store.add_context_mark(
        conversation_id,
        kind="summary",
        first_message_id=turns[0][0]["id"],
        last_message_id=turns[0][1]["id"],
        content="They said hello.",
    )
    before = snapshot(store, conversation_id)
    fork = store.fork_conversation(turns[1][1]["id"])
    assert fork["title"] == "three turns (fork)"
    assert fork["system_prompt"] == "Be brief." and fork["settings"] == {"temperature": 0.3}
    copied = store.messages(fork["id"])
    assert [m["content"] for m in copied] == ["question 0", "answer 0", "question 1", "answer 1"]
    assert copied[0]["pinned"] and not set(ids(copied)) & set(ids(before[1]))
    assert [m["content"] for m in store.context_marks(fork["id"])] == ["They said hello."]
    assert [n["content"] for n in store.memory_notes(fork["id"], with_global=False)] == ["The walker is called Morag."]
    assert snapshot(store, conversation_id) == before  # the original is untouched
    assert {h["conversation_id"] for h in store.search("answer 1")} == {conversation_id, fork["id"]}
    assert_search_index_consistent(store)


@pytest.mark.parametrize("call", ["turn", "reply"])
def test_an_alternative_to_a_message_of_another_conversation_changes_nothing(store, chat, call):
    conversation_id, turns = chat
    other = store.create_conversation()
    _, elsewhere = finished_turn(store, other["id"], "elsewhere", "there")
    before = snapshot(store, conversation_id), snapshot(store, other["id"])
    with pytest.raises(NotFoundError, match="not in conversation"):
        if call == "turn":
            store.begin_turn(conversation_id, "new", replace_from=elsewhere["id"])
        else:
            store.begin_reply(conversation_id, replace_from=elsewhere["id"])
    assert (snapshot(store, conversation_id), snapshot(store, other["id"])) == before


def test_an_edit_on_a_full_disk_changes_nothing(store, chat):
    conversation_id, turns = chat
    before = snapshot(store, conversation_id)
    fill_the_disk(store)
    with pytest.raises(StoreError, match="The disk is full: Bothy could not save your message"):
        store.begin_turn(conversation_id, LONG, replace_from=turns[1][0]["id"])
    assert not store.db.conn.in_transaction
    assert snapshot(store, conversation_id) == before
    assert_search_index_consistent(store)
    free_the_disk(store)
    store.begin_turn(conversation_id, LONG, replace_from=turns[1][0]["id"])
    assert len(store.messages(conversation_id)) == 4 and len(store.tree(conversation_id)) == 8


def test_the_tree_survives_export_and_import(store, chat):
    conversation_id, turns = chat
    store.begin_turn(conversation_id, "question 1, edited", replace_from=turns[1][0]["id"])
    store.select_branch(turns[2][1]["id"])
    new_id = store.import_json(store.export_json(conversation_id))

    def shape(cid):
        tree = store.tree(cid)
        position = {m["id"]: i for i, m in enumerate(tree)}
        return [(m["content"], position.get(m["parent_id"]), m["active"]) for m in tree]

    assert shape(new_id) == shape(conversation_id)
    assert [m["content"] for m in store.messages(new_id)][-1] == "answer 2"
