import json
import sqlite3

import pytest

from assistant.errors import StoreError
from assistant.store import BUNDLE_FORMAT, BUNDLE_VERSION, EXPORT_FORMAT, EXPORT_VERSION

from .helpers import assert_search_index_consistent, finished_turn

STATS = {
    "prompt_tokens": 20,
    "reply_tokens": 8,
    "ttft_ms": 120.0,
    "tokens_per_s": 33.5,
    "finish_reason": "stop",
}


@pytest.fixture
def conversation(store):
    conversation = store.create_conversation(
        title="Hill walking", model="llama.gguf", system_prompt="You are a guide.", settings={"ctx": 4096}
    )
    store.set_pinned(conversation["id"], True)
    _, reply = store.begin_turn(
        conversation["id"],
        "Which bothy is best?",
        engine="llama.cpp",
        model_ref="local:/models/llama.gguf",
        model_file="llama.gguf",
        model_size=123,
        model_sha256="f" * 64,
        sampling={"temperature": 0.5, "seed": 9},
    )
    store.finish_reply(reply["id"], "**Shenavall**, probably.\n\n```\ncode\n```", status="complete", stats=STATS)
    _, reply = store.begin_turn(conversation["id"], "And in winter?")
    store.finish_reply(reply["id"], "It depends", status="cancelled")
    _, reply = store.begin_turn(conversation["id"], "Hello?")
    store.finish_reply(reply["id"], "", status="error", error="The model crashed.")
    return store.get_conversation(conversation["id"])


def comparable(message):
    """What an import keeps of a message: everything but its ids and position."""
    return {k: v for k, v in message.items() if k not in ("id", "conversation_id", "seq", "parent_id")}


def test_export_json_format(store, conversation):
    data = store.export_json(conversation["id"])
    assert data["format"] == EXPORT_FORMAT == "bothy.conversation"
    assert data["version"] == EXPORT_VERSION == 2
    assert data["conversation"] == conversation
    assert [m["content"] for m in data["messages"]] == [m["content"] for m in store.messages(conversation["id"])]
    assert data["messages"][1]["sampling"] == {"temperature": 0.5, "seed": 9}
    assert {k: data["messages"][1][k] for k in STATS} == STATS
    assert json.loads(json.dumps(data)) == data  # only JSON types


def test_json_round_trip_through_a_file(store, conversation, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(store.export_json(conversation["id"]), ensure_ascii=False), encoding="utf-8")
    new_id = store.import_json(json.loads(path.read_text(encoding="utf-8")))
    assert new_id != conversation["id"]
    imported = store.get_conversation(new_id)
    assert {k: v for k, v in imported.items() if k != "id"} == {k: v for k, v in conversation.items() if k != "id"}
    original = store.messages(conversation["id"])
    copied = store.messages(new_id)
    assert [comparable(m) for m in copied] == [comparable(m) for m in original]
    assert not {m["id"] for m in copied} & {m["id"] for m in original}
    assert {h["conversation_id"] for h in store.search("Shenavall")} == {new_id, conversation["id"]}


def test_import_is_lenient_about_missing_fields(store):
    new_id = store.import_json(
        {
            "format": "bothy.conversation",
            "version": 1,
            "conversation": {"title": "Minimal", "unknown_key": 1, "created": "2024-02-03T04:05:06+02:00"},
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "hel", "status": "streaming", "extra": [1]},
            ],
        }
    )
    conversation = store.get_conversation(new_id)
    assert conversation["title"] == "Minimal"
    assert conversation["created"] == conversation["updated"] == "2024-02-03T02:05:06.000000Z"
    messages = store.messages(new_id)
    assert [(m["role"], m["content"], m["status"]) for m in messages] == [
        ("user", "hi", "complete"),
        ("assistant", "hel", "interrupted"),  # nothing is streaming it any more
    ]
    assert all(m["created"] == conversation["created"] for m in messages)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: "just a string", "not a Bothy conversation export"),
        (lambda d: {**d, "format": "chatgpt"}, "not a Bothy conversation export"),
        (lambda d: {**d, "version": 3}, "newer version of Bothy"),
        (lambda d: {**d, "version": "1"}, "format version"),
        (lambda d: {**d, "conversation": None}, "'conversation' must be an object"),
        (lambda d: {**d, "messages": {}}, "'messages' must be a list"),
        (lambda d: {**d, "messages": ["x"]}, "message 1 is not valid"),
        (lambda d: {**d, "messages": [{"content": "x"}]}, "'role' is missing"),
        (lambda d: {**d, "messages": [{"role": "robot", "content": "x"}]}, "'role' must be one of"),
        (lambda d: {**d, "messages": [{"role": "user"}]}, "'content' is missing"),
        (lambda d: {**d, "messages": [{"role": "user", "content": 5}]}, "'content' must be text"),
        (lambda d: {**d, "messages": [{"role": "user", "content": "x", "status": "done"}]}, "'status'"),
        (lambda d: {**d, "messages": [{"role": "user", "content": "x", "created": "yesterday"}]}, "date"),
        (
            lambda d: {**d, "messages": [{"role": "user", "content": "x", "reply_tokens": 1.5}]},
            "whole number",
        ),
        (lambda d: {**d, "messages": [{"role": "user", "content": "x", "ttft_ms": "fast"}]}, "number"),
        (lambda d: {**d, "messages": [{"role": "user", "content": "x", "sampling": [1]}]}, "object"),
        (lambda d: {**d, "conversation": {"pinned": "yes"}}, "'pinned'"),
        (lambda d: {**d, "conversation": {"settings": "x"}}, "'settings' must be an object"),
    ],
)
def test_import_rejects_bad_data_clearly(store, conversation, mutate, expected):
    count = store.count_conversations()
    data = mutate(store.export_json(conversation["id"]))
    with pytest.raises(StoreError) as info:
        store.import_json(data)
    assert expected in str(info.value)
    assert info.value.message.startswith("Bothy cannot import this conversation")
    assert store.count_conversations() == count


def test_export_markdown(store, conversation):
    text = store.export_markdown(conversation["id"])
    assert text.startswith("# Hill walking\n")
    assert "## System prompt\n\nYou are a guide." in text
    assert "## You\n\nWhich bothy is best?" in text
    assert "## Assistant (llama.gguf)\n\n**Shenavall**, probably.\n\n```\ncode\n```" in text
    assert "stopped before it finished" in text
    assert "The reply failed: The model crashed." in text
    assert text.index("Which bothy") < text.index("And in winter") < text.index("Hello?")
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_export_markdown_untitled(store):
    conversation = store.create_conversation()
    assert store.export_markdown(conversation["id"]).startswith("# Untitled conversation\n")


def test_export_all(store, conversation):
    other = store.create_conversation(title="Other")
    finished_turn(store, other["id"], "q", "a")
    exported = list(store.export_all())
    assert [d["conversation"]["id"] for d in exported] == [conversation["id"], other["id"]]
    assert all(d["format"] == EXPORT_FORMAT for d in exported)
    json.dumps(exported)


def test_replies_record_their_engine_and_model_and_export_them(store, conversation):
    messages = store.messages(conversation["id"])
    assert (messages[1]["engine"], messages[1]["model_ref"]) == ("llama.cpp", "local:/models/llama.gguf")
    assert messages[0]["engine"] is None and messages[3]["model_ref"] is None
    again = store.begin_reply(conversation["id"], engine="llama.cpp", model_ref="local:/m/b.gguf")
    assert (again["engine"], again["model_ref"]) == ("llama.cpp", "local:/m/b.gguf")
    data = store.export_json(conversation["id"])
    assert data["messages"][1]["engine"] == "llama.cpp"
    assert data["messages"][1]["model_ref"] == "local:/models/llama.gguf"
    assert "writer" not in data["messages"][-1]
    copied = store.messages(store.import_json(data))
    assert (copied[1]["engine"], copied[1]["model_ref"]) == ("llama.cpp", "local:/models/llama.gguf")
    assert "llama.cpp" not in store.export_markdown(conversation["id"])


def test_an_export_from_before_engine_and_model_ref_still_imports(store, conversation):
    data = store.export_json(conversation["id"])
    for message in data["messages"]:
        del message["engine"], message["model_ref"]
    copied = store.messages(store.import_json(data))
    assert [(m["engine"], m["model_ref"]) for m in copied] == [(None, None)] * len(copied)
    assert copied[1]["model_file"] == "llama.gguf"


@pytest.fixture
def two(store, conversation):
    other = store.create_conversation(title="Other")
    finished_turn(store, other["id"], "second question", "second answer")
    return [conversation["id"], other["id"]]


def contents(store, conversation_id):
    return (
        {k: v for k, v in store.get_conversation(conversation_id).items() if k != "id"},
        [comparable(m) for m in store.messages(conversation_id)],
    )


def without_times(bundle):
    """A bundle with its export times dropped (they differ from one export to the next)."""
    return {
        **{k: v for k, v in bundle.items() if k != "exported"},
        "conversations": [{k: v for k, v in c.items() if k != "exported"} for c in bundle["conversations"]],
    }


def test_export_bundle_format(store, two):
    bundle = store.export_bundle()
    assert bundle["format"] == BUNDLE_FORMAT == "bothy.conversations"
    assert bundle["version"] == BUNDLE_VERSION == 1
    assert isinstance(bundle["exported"], str)
    assert [c["conversation"]["id"] for c in bundle["conversations"]] == two
    assert all(c["format"] == EXPORT_FORMAT for c in bundle["conversations"])
    assert json.loads(json.dumps(bundle)) == bundle


def test_write_bundle_streams_the_same_bundle(store, two, tmp_path):
    path = tmp_path / "all.json"
    with path.open("w", encoding="utf-8") as fp:
        assert store.write_bundle(fp) == 2
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["format"] == BUNDLE_FORMAT and isinstance(written["exported"], str)
    assert without_times(written) == without_times(store.export_bundle())


def test_an_empty_history_exports_and_imports(store, tmp_path):
    path = tmp_path / "none.json"
    with path.open("w", encoding="utf-8") as fp:
        assert store.write_bundle(fp) == 0
    assert store.import_data(json.loads(path.read_text(encoding="utf-8"))) == []
    assert store.import_data([]) == []
    assert store.count_conversations() == 0


@pytest.mark.parametrize("shape", ["single", "bundle", "written bundle", "list (Export all before bundles)"])
def test_every_shape_bothy_writes_imports_back(store, two, shape, tmp_path):
    path = tmp_path / "export.json"
    if shape == "single":
        two = two[:1]
        path.write_text(json.dumps(store.export_json(two[0]), ensure_ascii=False), encoding="utf-8")
    elif shape == "bundle":
        path.write_text(json.dumps(store.export_bundle(), ensure_ascii=False), encoding="utf-8")
    elif shape == "written bundle":
        with path.open("w", encoding="utf-8") as fp:
            store.write_bundle(fp)
    else:
        path.write_text(json.dumps(list(store.export_all()), ensure_ascii=False, indent=1), encoding="utf-8")
    new_ids = store.import_data(json.loads(path.read_text(encoding="utf-8")))
    assert len(new_ids) == len(two) and not set(new_ids) & set(two)
    assert [contents(store, i) for i in new_ids] == [contents(store, i) for i in two]


def test_import_data_is_all_or_nothing_and_names_the_bad_conversation(store, two):
    count = store.count_conversations()
    bundle = store.export_bundle()
    bundle["conversations"][1]["messages"][0]["role"] = "robot"
    with pytest.raises(StoreError) as info:
        store.import_data(bundle)
    assert info.value.message.startswith('Bothy cannot import this file: conversation 2 of 2 ("Other")')
    assert "message 1 is not valid: 'role' must be one of" in info.value.message
    assert store.count_conversations() == count
    exports = list(store.export_all())
    with pytest.raises(StoreError, match="conversation 3 of 3 is not valid: it is not a Bothy conversation"):
        store.import_data([*exports, {"format": "something else"}])
    assert store.count_conversations() == count


def test_import_data_fails_as_a_whole_when_the_database_fails(store, two, monkeypatch):
    count = store.count_conversations()
    real_insert = type(store)._insert
    calls = []

    def insert(self, parsed, *, keep_ids):
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real_insert(self, parsed, keep_ids=keep_ids)

    monkeypatch.setattr(type(store), "_insert", insert)
    with pytest.raises(StoreError, match="disk is full: Bothy could not import the conversations"):
        store.import_data(store.export_bundle())
    monkeypatch.undo()
    assert store.count_conversations() == count
    assert_search_index_consistent(store)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("text", "it is not a Bothy conversation export"),
        ({"format": "bothy.conversations", "version": 2, "conversations": []}, "newer version of Bothy"),
        ({"format": "bothy.conversations", "version": "1", "conversations": []}, "format version is not valid"),
        ({"format": "bothy.conversations", "version": 1}, "'conversations' must be a list"),
        (
            [{"format": "bothy.conversation", "version": 9, "conversation": {"title": "T"}}],
            'conversation 1 of 1 ("T") was exported by a newer version of Bothy',
        ),
    ],
)
def test_import_data_rejects_bad_files_clearly(store, data, expected):
    with pytest.raises(StoreError) as info:
        store.import_data(data)
    assert expected in info.value.message
    assert store.count_conversations() == 0


def test_import_data_of_a_single_bad_conversation_says_so_as_import_json_does(store, conversation):
    data = store.export_json(conversation["id"])
    data["messages"] = {}
    with pytest.raises(StoreError, match="Bothy cannot import this conversation: 'messages' must be a list"):
        store.import_data(data)
