"""A reasoning model's thinking, stored apart from the reply's text: written while it streams and at
the end, kept out of search, exported (JSON and Markdown) and imported back; migration m005."""

import sqlite3

import pytest

from assistant.errors import StoreError
from assistant.store import Store, migrations

from .helpers import build_schema

THOUGHT = "The user greets me. A short greeting back will do."


def _reply(store, text="Hi"):
    conversation = store.create_conversation(title="Greetings")
    _, reply = store.begin_turn(conversation["id"], text)
    return conversation, reply


def test_thinking_is_saved_while_streaming_and_at_the_end_apart_from_the_text(store):
    conversation, reply = _reply(store)
    assert reply["thinking"] is None and reply["thinking_ms"] is None
    store.update_reply(reply["id"], "", thinking="The user greets")
    streaming = store.message(reply["id"])
    assert (streaming["content"], streaming["thinking"]) == ("", "The user greets")
    store.update_reply(reply["id"], "Hel")  # without thinking: what is stored stays
    assert store.message(reply["id"])["thinking"] == "The user greets"
    done = store.finish_reply(reply["id"], "Hello!", status="complete", thinking=THOUGHT, thinking_ms=2500.0)
    assert (done["content"], done["thinking"], done["thinking_ms"]) == ("Hello!", THOUGHT, 2500.0)
    assert store.search("greeting") == []  # the thinking is not searched; the reply's text is
    assert [h["message_id"] for h in store.search("Hello")] == [reply["id"]]


def test_finishing_without_thinking_keeps_what_streamed(store):
    _, reply = _reply(store)
    store.update_reply(reply["id"], "", thinking="half a thought")
    done = store.finish_reply(reply["id"], "", status="cancelled")
    assert done["thinking"] == "half a thought" and done["thinking_ms"] is None
    _, other = _reply(store)
    assert store.finish_reply(other["id"], "Hi", status="complete", thinking="")["thinking"] is None


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_thinking_times_are_refused(store, bad):
    _, reply = _reply(store)
    with pytest.raises(ValueError, match="thinking_ms"):
        store.finish_reply(reply["id"], "Hi", status="complete", thinking="x", thinking_ms=bad)
    assert store.message(reply["id"])["status"] == "streaming"


def test_migration_keeps_replies_written_before_it(tmp_path):
    path = tmp_path / "v4.db"
    build_schema(path, migrations.known_names().index("m005_message_thinking"))
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(
        "INSERT INTO conversations (id, title, created, updated) VALUES (1, 'Old', "
        "'2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, seq, role, content, status, created, pinned) "
        "VALUES (1, 1, 1, 'assistant', 'an old reply', 'complete', '2024-01-01T00:00:00.000000Z', 1)"
    )
    conn.close()
    with Store(path) as store:
        assert "m005_message_thinking" in migrations.applied_names(store.db)
        [old] = store.messages(1)
        assert old["content"] == "an old reply" and old["pinned"] is True
        assert old["thinking"] is None and old["thinking_ms"] is None
        assert "thinking" not in store.export_markdown(1).lower()
        _, reply = store.begin_turn(1, "And now?")
        assert store.finish_reply(reply["id"], "Now.", status="complete", thinking="Hm.")["thinking"] == "Hm."


def test_thinking_is_exported_and_imported_back(store):
    conversation, reply = _reply(store)
    store.finish_reply(reply["id"], "Hello!", status="complete", thinking=THOUGHT, thinking_ms=2500.0)
    data = store.export_json(conversation["id"])
    exported = data["messages"][1]
    assert (exported["thinking"], exported["thinking_ms"]) == (THOUGHT, 2500.0)
    assert data["messages"][0]["thinking"] is None
    copy = store.import_json(data)
    [_, imported] = store.messages(copy)
    assert (imported["content"], imported["thinking"], imported["thinking_ms"]) == ("Hello!", THOUGHT, 2500.0)
    # an export from before thinking was stored
    for message in data["messages"]:
        del message["thinking"], message["thinking_ms"]
    [_, older] = store.messages(store.import_json(data))
    assert (older["content"], older["thinking"], older["thinking_ms"]) == ("Hello!", None, None)


@pytest.mark.parametrize(("value", "expected"), [("a lot", "'thinking_ms' must be a number"), (-5, "negative")])
def test_import_refuses_a_bad_thinking_time(store, value, expected):
    conversation, reply = _reply(store)
    store.finish_reply(reply["id"], "Hello!", status="complete", thinking=THOUGHT, thinking_ms=10.0)
    data = store.export_json(conversation["id"])
    data["messages"][1]["thinking_ms"] = value
    with pytest.raises(StoreError, match=expected):
        store.import_json(data)


def test_markdown_shows_the_thinking_collapsed_above_the_answer(store):
    conversation, reply = _reply(store)
    store.finish_reply(reply["id"], "Hello!", status="complete", thinking=THOUGHT + "\n", thinking_ms=2500.0)
    text = store.export_markdown(conversation["id"])
    block = f"<details>\n<summary>Thought for 2.5 s</summary>\n\n{THOUGHT}\n\n</details>\n\nHello!"
    assert f"## Assistant\n\n{block}" in text
    _, reply = store.begin_turn(conversation["id"], "More?")
    store.finish_reply(reply["id"], "", status="cancelled", thinking="Let me </details> see", thinking_ms=61_000)
    text = store.export_markdown(conversation["id"])
    assert "<summary>Thought for 61 s</summary>\n\nLet me &lt;/details&gt; see\n\n</details>" in text
