import re

import pytest

from assistant.errors import StoreError
from assistant.store import NotFoundError, Store

from .helpers import finished_turn

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_create_conversation_defaults(store):
    conversation = store.create_conversation()
    assert conversation == {
        "id": conversation["id"],
        "title": None,
        "created": conversation["created"],
        "updated": conversation["created"],
        "pinned": False,
        "model": None,
        "system_prompt": None,
        "settings": None,
        "import_source": None,
    }
    assert ISO_UTC.match(conversation["created"])
    assert store.get_conversation(conversation["id"]) == conversation


def test_create_conversation_with_everything(store):
    settings = {"temperature": 0.7, "stop": ["</s>"], "nested": {"a": [1, 2, None]}, "名前": "値"}
    conversation = store.create_conversation(
        title="  Plans  ", model="qwen2.5-7b.gguf", system_prompt="Be brief.", settings=settings
    )
    again = store.get_conversation(conversation["id"])
    assert again["title"] == "Plans"
    assert again["model"] == "qwen2.5-7b.gguf"
    assert again["system_prompt"] == "Be brief."
    assert again["settings"] == settings


def test_blank_title_means_untitled(store):
    assert store.create_conversation(title="   \n ")["title"] is None


def test_settings_must_be_a_json_dict(store):
    with pytest.raises(TypeError):
        store.create_conversation(settings=["not", "a", "dict"])
    with pytest.raises(TypeError):
        store.create_conversation(settings={"x": object()})
    assert store.count_conversations() == 0


def test_unknown_ids_raise_not_found_which_is_a_store_error_and_a_key_error(store):
    for call in (
        lambda: store.get_conversation(404),
        lambda: store.messages(404),
        lambda: store.message(404),
        lambda: store.rename_conversation(404, "x"),
        lambda: store.delete_conversation(404),
        lambda: store.begin_turn(404, "hi"),
        lambda: store.export_json(404),
    ):
        with pytest.raises(NotFoundError) as info:
            call()
        assert isinstance(info.value, StoreError)
        assert isinstance(info.value, KeyError)
        assert "404" in str(info.value)


def test_list_is_pinned_first_then_most_recently_updated(store):
    a = store.create_conversation(title="a")
    b = store.create_conversation(title="b")
    store.create_conversation(title="c")
    store.create_conversation(title="d")
    store.set_pinned(b["id"], True)
    finished_turn(store, a["id"], "hello", "hi")  # a becomes the most recently active
    titles = [x["title"] for x in store.list_conversations()]
    assert titles == ["b", "a", "d", "c"]
    assert [x["title"] for x in store.list_conversations(limit=2)] == ["b", "a"]
    assert [x["title"] for x in store.list_conversations(limit=2, offset=2)] == ["d", "c"]
    assert [x["title"] for x in store.list_conversations(offset=3)] == ["c"]
    assert store.list_conversations()[0]["pinned"] is True
    assert store.count_conversations() == 4
    store.set_pinned(b["id"], False)
    assert [x["title"] for x in store.list_conversations()][0] == "a"


def test_sidebar_query_uses_its_index_without_sorting(store):
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM conversations ORDER BY pinned DESC, updated DESC, id DESC LIMIT 50"
    ).fetchall()
    text = " ".join(row[-1] for row in plan)
    assert "conversations_sidebar" in text
    assert "TEMP B-TREE" not in text


def test_rename_pin_and_update_do_not_reorder_by_activity(store):
    conversation = store.create_conversation(title="old")
    renamed = store.rename_conversation(conversation["id"], "new")
    assert renamed["title"] == "new"
    assert renamed["updated"] == conversation["updated"]
    updated = store.update_conversation(
        conversation["id"], model="m.gguf", system_prompt=None, settings={"top_p": 0.9}, title=""
    )
    assert updated["model"] == "m.gguf"
    assert updated["settings"] == {"top_p": 0.9}
    assert updated["title"] is None
    assert store.update_conversation(conversation["id"]) == updated
    with pytest.raises(TypeError, match="created"):
        store.update_conversation(conversation["id"], created="2020-01-01")


def test_delete_cascades_to_messages_and_search(store):
    keep = store.create_conversation(title="keep")
    finished_turn(store, keep["id"], "apples stay", "yes")
    gone = store.create_conversation(title="gone")
    user, reply = finished_turn(store, gone["id"], "apples go", "bye")
    data = store.delete_conversation(gone["id"])
    assert data["conversation"]["title"] == "gone"
    assert [m["id"] for m in data["messages"]] == [user["id"], reply["id"]]
    with pytest.raises(NotFoundError):
        store.get_conversation(gone["id"])
    with pytest.raises(NotFoundError):
        store.message(user["id"])
    left = store.db.execute("SELECT count(*) FROM messages WHERE conversation_id = ?", [gone["id"]])
    assert left.fetchone()[0] == 0
    assert [h["conversation_id"] for h in store.search("apples")] == [keep["id"]]
    assert store.db.execute("SELECT count(*) FROM messages_fts").fetchone()[0] == 2


def test_restore_puts_back_the_same_ids_and_everything_else(store):
    conversation = store.create_conversation(title="t", model="m", system_prompt="sp", settings={"a": 1})
    store.set_pinned(conversation["id"], True)
    finished_turn(
        store,
        conversation["id"],
        "question about kiwis",
        "answer",
        stats={"prompt_tokens": 5, "reply_tokens": 7, "ttft_ms": 12.5, "finish_reason": "stop"},
    )
    _, cancelled = store.begin_turn(conversation["id"], "second", sampling={"seed": 42})
    store.finish_reply(cancelled["id"], "partial", status="cancelled")
    before_conversation = store.get_conversation(conversation["id"])
    before_messages = store.messages(conversation["id"])

    data = store.delete_conversation(conversation["id"])
    newer = store.create_conversation(title="created after the delete")
    assert newer["id"] > conversation["id"]  # ids are never reused, so undo cannot collide

    assert store.restore_conversation(data) == conversation["id"]
    assert store.get_conversation(conversation["id"]) == before_conversation
    assert store.messages(conversation["id"]) == before_messages
    assert [h["message_id"] for h in store.search("kiwis")] == [before_messages[0]["id"]]
    assert [c["id"] for c in store.list_conversations()][0] == conversation["id"]  # still pinned

    with pytest.raises(StoreError, match="already there"):
        store.restore_conversation(data)


def test_restore_refuses_data_without_ids(store):
    conversation = store.create_conversation()
    data = store.export_json(conversation["id"])
    del data["conversation"]["id"]
    with pytest.raises(StoreError, match="ids"):
        store.restore_conversation(data)


def test_second_store_on_the_same_file_sees_committed_changes(store):
    conversation = store.create_conversation(title="shared")
    with Store(store.path) as other:
        assert other.get_conversation(conversation["id"])["title"] == "shared"
        other.rename_conversation(conversation["id"], "changed")
    assert store.get_conversation(conversation["id"])["title"] == "changed"


def test_closed_store_refuses_calls(db_file):
    store = Store(db_file)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(RuntimeError, match="closed"):
        store.list_conversations()
