"""Memory in the store: pinned messages, context marks (summaries) and memory notes; their export."""

import json

import pytest

from assistant.errors import StoreError
from assistant.store import Store
from assistant.store.errors import NotFoundError

from .helpers import finished_turn


def _chat(store, turns=3):
    conversation = store.create_conversation(title="Memory")
    ids = []
    for i in range(turns):
        user, reply = finished_turn(store, conversation["id"], f"question {i}", f"answer {i}")
        ids += [user["id"], reply["id"]]
    return conversation["id"], ids


def test_pinning_a_message(store):
    cid, ids = _chat(store)
    assert store.set_message_pinned(ids[1], True)["pinned"] is True
    assert [m["pinned"] for m in store.messages(cid)] == [False, True, False, False, False, False]
    assert store.set_message_pinned(ids[1], False)["pinned"] is False
    with pytest.raises(NotFoundError):
        store.set_message_pinned(10_000, True)


def test_marks_cover_a_range_and_never_replace_messages(store):
    cid, ids = _chat(store)
    mark = store.add_context_mark(
        cid, kind="summary", first_message_id=ids[0], last_message_id=ids[3], content="Two questions.", prompt_tokens=5
    )
    assert mark["message_count"] == 4 and mark["content"] == "Two questions." and not mark["edited"]
    dropped = store.add_context_mark(cid, kind="dropped", first_message_id=ids[4], last_message_id=ids[4], note="x")
    assert [m["id"] for m in store.context_marks(cid)] == [mark["id"], dropped["id"]]
    assert len(store.messages(cid)) == 6  # every message stays
    edited = store.update_context_mark(mark["id"], "Questions 0 and 1, answered.")
    assert edited["edited"] and edited["content"] == "Questions 0 and 1, answered."
    again = store.update_context_mark(dropped["id"], "Question 2.", edited=False, prompt_tokens=9, reply_tokens=3)
    assert again["kind"] == "summary" and again["note"] is None and again["prompt_tokens"] == 9
    store.delete_context_mark(again["id"])
    assert [m["id"] for m in store.context_marks(cid)] == [mark["id"]]


def test_a_mark_must_lie_inside_its_conversation(store):
    cid, ids = _chat(store)
    other, other_ids = _chat(store, 1)
    with pytest.raises(NotFoundError):
        store.add_context_mark(cid, kind="summary", first_message_id=other_ids[0], last_message_id=other_ids[1])
    with pytest.raises(ValueError):
        store.add_context_mark(cid, kind="summary", first_message_id=ids[3], last_message_id=ids[1])
    with pytest.raises(ValueError):
        store.add_context_mark(cid, kind="forgotten", first_message_id=ids[0], last_message_id=ids[1])
    assert store.context_marks(cid) == []


def test_replacing_messages_removes_the_marks_that_reach_them(store):
    cid, ids = _chat(store)
    early = store.add_context_mark(cid, kind="summary", first_message_id=ids[0], last_message_id=ids[1], content="a")
    store.add_context_mark(cid, kind="summary", first_message_id=ids[2], last_message_id=ids[3], content="b")
    store.begin_turn(cid, "question 1, edited", replace_from=ids[2])
    assert [m["id"] for m in store.context_marks(cid)] == [early["id"]]


def test_memory_notes_for_one_conversation_and_for_all(store):
    cid, ids = _chat(store)
    other, _ = _chat(store, 1)
    everywhere = store.add_memory_note("I am a nurse in Shanghai; answer in metric units.")
    here = store.add_memory_note("  The trip is in May.  ", conversation_id=cid, source_message_id=ids[0])
    assert here["content"] == "The trip is in May." and here["source_message_id"] == ids[0]
    assert [n["id"] for n in store.memory_notes(cid)] == [everywhere["id"], here["id"]]
    assert [n["id"] for n in store.memory_notes(other)] == [everywhere["id"]]
    assert [n["id"] for n in store.memory_notes(cid, with_global=False)] == [here["id"]]
    assert store.update_memory_note(here["id"], "The trip is in June.")["content"] == "The trip is in June."
    with pytest.raises(ValueError):
        store.add_memory_note("   ")
    store.delete_memory_note(everywhere["id"])
    assert [n["id"] for n in store.memory_notes(other)] == []
    store.delete_conversation(cid)
    assert store.memory_notes(None) == []


def test_memory_travels_with_the_export_and_back(store, tmp_path):
    cid, ids = _chat(store)
    store.set_message_pinned(ids[2], True)
    store.add_context_mark(
        cid, kind="summary", first_message_id=ids[0], last_message_id=ids[3], content="总结：两个问题。"
    )
    store.add_context_mark(cid, kind="dropped", first_message_id=ids[4], last_message_id=ids[4], note="it failed")
    store.add_memory_note("Conversation note.", conversation_id=cid)
    data = json.loads(json.dumps(store.export_json(cid)))
    assert data["memory"]["marks"][0]["first"] == 0 and data["memory"]["marks"][0]["last"] == 3
    [new_id] = store.import_data(data)
    new_ids = [m["id"] for m in store.messages(new_id)]
    assert [m["pinned"] for m in store.messages(new_id)] == [False, False, True, False, False, False]
    marks = store.context_marks(new_id)
    assert [(m["kind"], m["first_message_id"], m["last_message_id"], m["content"]) for m in marks] == [
        ("summary", new_ids[0], new_ids[3], "总结：两个问题。"),
        ("dropped", new_ids[4], new_ids[4], ""),
    ]
    assert [n["content"] for n in store.memory_notes(new_id, with_global=False)] == ["Conversation note."]
    markdown = store.export_markdown(new_id)
    assert "Summary of the 4 messages above" in markdown and "> 总结：两个问题。" in markdown
    assert "## Memory notes" in markdown and "were left out (it failed)" in markdown


def test_a_bad_mark_in_an_import_says_where(store):
    cid, ids = _chat(store, 1)
    store.add_context_mark(cid, kind="summary", first_message_id=ids[0], last_message_id=ids[1], content="s")
    data = store.export_json(cid)
    data["memory"]["marks"][0]["last"] = 7
    with pytest.raises(StoreError, match="summary 1 is not valid"):
        store.import_data(data)


def test_old_exports_without_memory_still_import(store):
    cid, _ = _chat(store, 1)
    data = store.export_json(cid)
    data.pop("memory", None)
    for message in data["messages"]:
        message.pop("pinned")
    [new_id] = store.import_data(data)
    assert store.context_marks(new_id) == [] and not any(m["pinned"] for m in store.messages(new_id))


def test_undo_of_a_delete_brings_the_memory_back(store):
    cid, ids = _chat(store, 1)
    store.add_context_mark(cid, kind="summary", first_message_id=ids[0], last_message_id=ids[1], content="s")
    data = store.delete_conversation(cid)
    assert store.restore_conversation(data) == cid
    assert [m["content"] for m in store.context_marks(cid)] == ["s"]


def test_a_second_store_sees_notes_and_marks(store):
    cid, ids = _chat(store, 1)
    store.add_memory_note("shared")
    with Store(store.path) as other:
        assert [n["content"] for n in other.memory_notes(cid)] == ["shared"]
