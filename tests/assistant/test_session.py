"""One chat turn through the store and the real engine."""

import pytest

from assistant.engine import GenerationSettings
from assistant.errors import ContextOverflowError, EngineCrashedError
from assistant.session import ChatSession, history_for_model
from assistant.store import Store
from tests.starter import starter_path

GEN = GenerationSettings(max_tokens=24, seed=5)


@pytest.fixture
def store():
    s = Store()
    yield s
    s.close()


@pytest.fixture
def chat(store, engine):
    return ChatSession(store, engine)


def test_a_turn_is_stored_first_and_finalized(chat, store):
    conversation = store.create_conversation(system_prompt="Be brief.")
    turn = chat.send(conversation["id"], "Hello there!", GEN)
    # Before a single token: the user's words and a streaming reply are already on disk.
    other = Store()
    rows = other.messages(conversation["id"])
    assert [(m["role"], m["status"]) for m in rows] == [("user", "complete"), ("assistant", "streaming")]
    assert rows[0]["content"] == "Hello there!"
    text = "".join(turn)
    assert text and turn.status == "complete"
    reply = other.message(turn.reply_message_id)
    assert reply["content"] == text and reply["status"] == "complete"
    assert reply["reply_tokens"] == turn.stats.reply_tokens and reply["finish_reason"] in ("stop", "length")
    assert reply["model_file"] == starter_path().name and reply["model_size"] == starter_path().stat().st_size
    assert reply["sampling"]["seed"] == 5 and reply["sampling"]["max_tokens"] == 24
    other.close()


def test_random_seed_is_recorded(chat, store):
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Hi", GenerationSettings(max_tokens=4)).consume()
    seed = store.message(turn.reply_message_id)["sampling"]["seed"]
    assert isinstance(seed, int) and seed == turn.stats.seed


def test_reply_is_saved_while_streaming(chat, store, monkeypatch):
    import assistant.session as session_module

    monkeypatch.setattr(session_module, "SAVE_EVERY_S", 0.0)
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Write a story about a cat.", GenerationSettings(max_tokens=30, seed=1))
    seen = []
    for chunk in turn:
        seen.append(chunk)
        if len(seen) == 6:
            saved = Store().message(turn.reply_message_id)
            assert saved["status"] == "streaming"
            assert saved["content"] == "".join(seen)


def test_follow_up_sees_the_earlier_turns(chat, store):
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "My name is Ada.", GEN).consume()
    second = chat.send(conversation["id"], "What is my name?", GEN).consume()
    assert second.context.history_in_context == 3
    assert second.stats.prompt_eval_tokens < second.stats.prompt_tokens  # the KV cache was reused
    assert first.reply_message_id < second.user_message_id


def test_stop_keeps_the_partial_reply(chat, store):
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Tell me a long story.", GenerationSettings(max_tokens=400, seed=2))
    for i, _ in enumerate(turn):
        if i == 3:
            turn.stop()
    saved = store.message(turn.reply_message_id)
    assert turn.status == "cancelled" and saved["status"] == "cancelled"
    assert saved["content"] == turn.text and saved["finish_reason"] == "cancelled"


def test_regenerate_replaces_the_last_reply(chat, store):
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "Say something.", GEN).consume()
    again = chat.regenerate(conversation["id"], GenerationSettings(max_tokens=24, seed=99)).consume()
    rows = store.messages(conversation["id"])
    assert [m["role"] for m in rows] == ["user", "assistant"]
    assert rows[1]["id"] == again.reply_message_id != first.reply_message_id


def test_edit_and_resend_replaces_what_followed(chat, store):
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "Hello", GEN).consume()
    chat.send(conversation["id"], "And more", GEN).consume()
    edited = chat.edit_and_resend(conversation["id"], first.user_message_id, "Hello, edited", GEN).consume()
    rows = store.messages(conversation["id"])
    assert [m["content"] for m in rows][0] == "Hello, edited"
    assert len(rows) == 2 and rows[1]["id"] == edited.reply_message_id


def test_prompt_too_long_is_stored_as_an_error(chat, store):
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "word " * 5000, GEN)
    with pytest.raises(ContextOverflowError):
        turn.consume()
    rows = store.messages(conversation["id"])
    assert rows[0]["content"].startswith("word word")  # the user's text is never lost
    assert rows[1]["status"] == "error" and "context window" in rows[1]["error"]


def test_engine_crash_is_stored_and_next_turn_works(store, fresh_engine):
    from assistant.engine import LoadSettings

    fresh_engine.load(starter_path(), LoadSettings(n_ctx=1024))
    chat = ChatSession(store, fresh_engine)
    conversation = store.create_conversation()
    fresh_engine._inject_fault("segfault", after_tokens=3)
    turn = chat.send(conversation["id"], "Tell me about the moon.", GEN)
    with pytest.raises(EngineCrashedError):
        turn.consume()
    crashed = store.message(turn.reply_message_id)
    assert crashed["status"] == "error" and "crashed" in crashed["error"]
    assert crashed["content"] == turn.text != ""
    after = chat.send(conversation["id"], "Tell me about the sun.", GEN).consume()
    assert after.status == "complete" and after.text
    # the failed reply is not shown to the model again
    assert history_for_model(store.messages(conversation["id"]))[1]["content"] == "Tell me about the sun."


def test_history_for_model_skips_failed_and_empty_replies():
    rows = [
        {"role": "user", "content": "a", "status": "complete"},
        {"role": "assistant", "content": "", "status": "error"},
        {"role": "user", "content": "b", "status": "complete"},
        {"role": "assistant", "content": "half", "status": "interrupted"},
        {"role": "user", "content": "c", "status": "complete"},
    ]
    assert [m["content"] for m in history_for_model(rows)] == ["a", "b", "half", "c"]
