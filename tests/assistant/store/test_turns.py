import sqlite3
import threading

import pytest

from assistant.store import NotFoundError, Store
from assistant.store.turns import STREAMING_SQL

from .helpers import finished_turn


def test_begin_turn_writes_user_message_and_streaming_reply(store):
    conversation = store.create_conversation()
    sampling = {"temperature": 0.8, "top_p": 0.95, "top_k": 40, "repeat_penalty": 1.1, "seed": 1234}
    user, reply = store.begin_turn(
        conversation["id"],
        "What is a bothy?\nA hut in the hills.",
        model_file="llama-3.2-3b-q4_k_m.gguf",
        model_size=2_019_377_376,
        model_sha256="ab" * 32,
        sampling=sampling,
    )
    assert user["role"] == "user" and user["status"] == "complete"
    assert user["content"] == "What is a bothy?\nA hut in the hills."
    assert user["model_file"] is None
    assert reply["role"] == "assistant" and reply["status"] == "streaming" and reply["content"] == ""
    assert reply["model_file"] == "llama-3.2-3b-q4_k_m.gguf"
    assert reply["model_size"] == 2_019_377_376
    assert reply["model_sha256"] == "ab" * 32
    assert reply["sampling"] == sampling
    assert user["conversation_id"] == reply["conversation_id"] == conversation["id"]
    assert reply["seq"] == user["seq"] + 1
    after = store.get_conversation(conversation["id"])
    assert after["title"] == "What is a bothy?"
    assert after["updated"] >= conversation["updated"]
    assert after["updated"] == reply["created"]
    assert store.messages(conversation["id"]) == [user, reply]


def test_title_is_the_first_line_trimmed(store):
    long_line = "word " * 30
    conversation = store.create_conversation()
    store.begin_turn(conversation["id"], "\n\n   " + long_line + "\nsecond")
    title = store.get_conversation(conversation["id"])["title"]
    assert len(title) <= 60 and title.endswith("…") and title.startswith("word word")
    assert "  " not in title

    chinese = store.create_conversation()
    store.begin_turn(chinese["id"], "这是" * 50)
    title = store.get_conversation(chinese["id"])["title"]
    assert title == ("这是" * 50)[:59] + "…"


def test_existing_title_is_kept_and_blank_message_gives_none(store):
    titled = store.create_conversation(title="Mine")
    store.begin_turn(titled["id"], "something else")
    assert store.get_conversation(titled["id"])["title"] == "Mine"
    blank = store.create_conversation()
    store.begin_turn(blank["id"], "   \n\t")
    assert store.get_conversation(blank["id"])["title"] is None
    store.begin_turn(blank["id"], "now a title")
    assert store.get_conversation(blank["id"])["title"] == "now a title"


def test_begin_turn_is_one_transaction(store):
    """If writing the reply fails, the user's message, title and `updated` are not written either."""
    conversation = store.create_conversation()
    finished_turn(store, conversation["id"], "first", "one")
    before = (store.get_conversation(conversation["id"]), store.messages(conversation["id"]))
    fts_rows = store.db.execute("SELECT count(*) FROM messages_fts").fetchone()[0]
    store.db.execute(
        "CREATE TRIGGER test_fail BEFORE INSERT ON messages WHEN NEW.status = 'streaming' "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
        store.begin_turn(conversation["id"], "second question nobody saves")
    assert (store.get_conversation(conversation["id"]), store.messages(conversation["id"])) == before
    assert store.db.execute("SELECT count(*) FROM messages_fts").fetchone()[0] == fts_rows
    assert store.search("nobody") == []
    assert not store.db.conn.in_transaction

    store.db.execute("DROP TRIGGER test_fail")
    store.begin_turn(conversation["id"], "works again")
    assert len(store.messages(conversation["id"])) == 4


def test_streaming_updates_then_finish(store):
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "count")
    for text in ("one", "one two", "one two three"):
        store.update_reply(reply["id"], text)
        assert store.message(reply["id"])["content"] == text
        assert store.message(reply["id"])["status"] == "streaming"
    # Streaming text is not in the search index yet, so updates never touch it.
    assert store.search("three") == []
    stats = {
        "prompt_tokens": 12,
        "reply_tokens": 3,
        "ttft_ms": 85.5,
        "tokens_per_s": 41.25,
        "finish_reason": "stop",
    }
    done = store.finish_reply(reply["id"], "one two three four", status="complete", stats=stats)
    assert done["status"] == "complete"
    assert done["content"] == "one two three four"
    assert {key: done[key] for key in stats} == stats
    assert done["error"] is None
    assert store.message(reply["id"]) == done
    assert [h["message_id"] for h in store.search("four")] == [reply["id"]]
    with pytest.raises(ValueError, match="not streaming"):
        store.update_reply(reply["id"], "late")
    with pytest.raises(NotFoundError):
        store.update_reply(99999, "nobody")


def test_update_reply_does_not_touch_the_index(store):
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "hello")
    before = store.db.execute("SELECT count(*) FROM messages_fts_data").fetchone()[0]
    changes = store.db.conn.total_changes
    store.update_reply(reply["id"], "streamed text " * 100)
    assert store.db.conn.total_changes == changes + 1  # exactly one row written
    assert store.db.execute("SELECT count(*) FROM messages_fts_data").fetchone()[0] == before


def test_finish_with_error_and_cancel(store):
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "q")
    failed = store.finish_reply(reply["id"], "partial", status="error", error="The engine crashed.")
    assert failed["status"] == "error"
    assert failed["error"] == "The engine crashed."
    assert failed["finish_reason"] == "error"
    _, reply = store.begin_turn(conversation["id"], "q2")
    cancelled = store.finish_reply(reply["id"], "", status="cancelled", stats={"reply_tokens": 0})
    assert cancelled["finish_reason"] == "cancelled" and cancelled["reply_tokens"] == 0


def test_finish_reply_rejects_bad_arguments(store):
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "q")
    with pytest.raises(ValueError, match="status"):
        store.finish_reply(reply["id"], "x", status="streaming")
    with pytest.raises(ValueError, match="unknown stats"):
        store.finish_reply(reply["id"], "x", status="complete", stats={"tokens": 3})
    with pytest.raises(ValueError, match="finish_reason"):
        store.finish_reply(reply["id"], "x", status="complete", stats={"finish_reason": "bored"})
    with pytest.raises(ValueError, match="finite"):
        store.finish_reply(reply["id"], "x", status="complete", stats={"ttft_ms": float("nan")})
    with pytest.raises(NotFoundError):
        store.finish_reply(12345, "x", status="complete")
    assert store.message(reply["id"])["status"] == "streaming"


def test_begin_reply_appends_a_streaming_reply(store):
    conversation = store.create_conversation()
    user, first = finished_turn(store, conversation["id"], "tell a joke", "no")
    store.delete_branch(first["id"])
    again = store.begin_reply(conversation["id"], model_file="other.gguf", sampling={"seed": 7})
    assert again["status"] == "streaming" and again["role"] == "assistant"
    assert again["model_file"] == "other.gguf" and again["sampling"] == {"seed": 7}
    assert again["parent_id"] == user["id"]
    assert [m["id"] for m in store.messages(conversation["id"])] == [user["id"], again["id"]]
    assert again["id"] > first["id"]


def test_messages_limit_gives_the_latest_in_order(store):
    conversation = store.create_conversation()
    for i in range(5):
        finished_turn(store, conversation["id"], f"u{i}", f"a{i}")
    latest = store.messages(conversation["id"], limit=3)
    assert [m["content"] for m in latest] == ["a3", "u4", "a4"]


def test_recover_interrupted(db_file):
    with Store(db_file) as store:
        conversation = store.create_conversation()
        _, done = finished_turn(store, conversation["id"], "first", "finished reply")
        _, reply = store.begin_turn(conversation["id"], "second")
        store.update_reply(reply["id"], "the app died while writing pelicans")
        # The app "crashes" here: the store is closed without finishing the reply.
    with Store(db_file) as store:
        assert store.search("pelicans") == []
        assert store.recover_interrupted() == 1
        recovered = store.message(reply["id"])
        assert recovered["status"] == "interrupted"
        assert recovered["content"] == "the app died while writing pelicans"
        assert store.message(done["id"])["status"] == "complete"
        assert [h["message_id"] for h in store.search("pelicans")] == [reply["id"]]
        assert store.recover_interrupted() == 0


def test_recover_uses_the_partial_index(store):
    plan = store.db.execute(f"EXPLAIN QUERY PLAN {STREAMING_SQL}").fetchall()
    assert "messages_streaming" in " ".join(row[-1] for row in plan)


def test_store_can_be_shared_between_threads(store):
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "go")
    errors = []

    def stream():
        try:
            text = ""
            for i in range(200):
                text += f"t{i} "
                store.update_reply(reply["id"], text)
            store.finish_reply(reply["id"], text, status="complete")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=stream)
    worker.start()
    while worker.is_alive():
        store.list_conversations()
        store.messages(conversation["id"])
    worker.join()
    assert errors == []
    assert store.message(reply["id"])["content"].endswith("t199 ")
