import json

import pytest

from assistant.errors import StoreError
from assistant.store import EXPORT_FORMAT, EXPORT_VERSION

from .helpers import finished_turn

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
    return {k: v for k, v in message.items() if k not in ("id", "conversation_id", "seq")}


def test_export_json_format(store, conversation):
    data = store.export_json(conversation["id"])
    assert data["format"] == EXPORT_FORMAT == "bothy.conversation"
    assert data["version"] == EXPORT_VERSION == 1
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
        (lambda d: {**d, "version": 2}, "newer version of Bothy"),
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
