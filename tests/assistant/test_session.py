"""One chat turn through the store and an engine.

Bothy's own logic (store first, saving while streaming, stop, regenerate, edit, failures) runs
against the scripted engine in milliseconds; the paths that depend on the model (real replies, the
KV cache, a prompt too long, a crash) run the real starter model.
"""

import pytest

from assistant.engine import GenerationSettings, LoadSettings, ModelRef
from assistant.errors import ContextOverflowError, EngineCrashedError, StoreError, UserFacingError
from assistant.session import APOLOGY, ChatSession, history_for_model
from assistant.store import Store
from tests.fakes import Scripted
from tests.starter import starter_path

GEN = GenerationSettings(max_tokens=24, seed=5)


@pytest.fixture
def chat(store, fake):
    return ChatSession(store, fake)


def fill_the_disk(store):
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")


# -- with the real model ------------------------------------------------------------------------
def test_a_real_turn_is_stored_first_and_finalized(store, engine):
    chat = ChatSession(store, engine)
    conversation = store.create_conversation(system_prompt="Be brief.")
    turn = chat.send(conversation["id"], "Hello there!", GEN)
    # Before a single token: the user's words and a streaming reply are already on disk.
    with Store() as other:
        rows = other.messages(conversation["id"])
        assert [(m["role"], m["status"]) for m in rows] == [("user", "complete"), ("assistant", "streaming")]
        assert rows[0]["content"] == "Hello there!"
        text = "".join(turn)
        assert text and turn.status == "complete"
        reply = other.message(turn.reply_message_id)
    assert reply["content"] == text and reply["status"] == "complete"
    assert reply["reply_tokens"] == turn.stats.reply_tokens and reply["finish_reason"] in ("stop", "length")
    assert reply["model_file"] == starter_path().name and reply["model_size"] == starter_path().stat().st_size
    assert reply["engine"] == "llama.cpp" and reply["model_ref"] == f"local:{starter_path()}"
    assert reply["sampling"]["seed"] == 5 and reply["sampling"]["max_tokens"] == 24


def test_follow_up_sees_the_earlier_turns_and_reuses_the_cache(store, engine):
    chat = ChatSession(store, engine)
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "My name is Ada.", GEN).consume()
    second = chat.send(conversation["id"], "What is my name?", GEN).consume()
    assert second.context.history_in_context == 3
    assert second.stats.prompt_eval_tokens < second.stats.prompt_tokens  # the KV cache was reused
    assert first.reply_message_id < second.user_message_id


def test_prompt_too_long_is_stored_as_an_error(store, engine):
    chat = ChatSession(store, engine)
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "word " * 5000, GEN)
    with pytest.raises(ContextOverflowError) as err:
        turn.consume()
    assert "tokens long" in str(err.value) and "Shorten the message" in str(err.value)
    rows = store.messages(conversation["id"])
    assert rows[0]["content"].startswith("word word")  # the user's text is never lost
    assert rows[1]["status"] == "error" and "context window" in rows[1]["error"]


def test_a_one_megabyte_paste_is_explained_in_about_a_second(store, engine):
    import time

    chat = ChatSession(store, engine)
    conversation = store.create_conversation()
    text = ("Lorem ipsum dolor sit amet, 大模型 🙂 " * 40000)[:1_000_000]
    started = time.monotonic()
    turn = chat.send(conversation["id"], text, GEN)
    with pytest.raises(ContextOverflowError, match="tokens long"):
        turn.consume()
    assert time.monotonic() - started < 20  # generous on a busy machine; about a second when quiet
    assert store.messages(conversation["id"])[0]["content"] == text


def test_engine_crash_is_stored_and_next_turn_works(store, fresh_engine):
    fresh_engine.load(ModelRef.local(starter_path()), LoadSettings(n_ctx=1024))
    chat = ChatSession(store, fresh_engine)
    conversation = store.create_conversation()
    fresh_engine.inject_fault("segfault", after_tokens=3)
    turn = chat.send(conversation["id"], "Tell me about the moon.", GEN)
    with pytest.raises(EngineCrashedError):
        turn.consume()
    crashed = store.message(turn.reply_message_id)
    assert crashed["status"] == "error" and "crashed" in crashed["error"]
    assert crashed["content"] == turn.text != ""
    after = chat.send(conversation["id"], "Tell me about the sun.", GEN).consume()
    assert after.status == "complete" and after.text
    # the failed reply is not shown to the model again
    assert history_for_model(store.messages(conversation["id"]))[1].content == "Tell me about the sun."


# -- Bothy's own logic, with the scripted engine -------------------------------------------------
def test_the_request_carries_the_conversation(chat, store, fake):
    conversation = store.create_conversation(system_prompt="Be brief.")
    chat.send(conversation["id"], "Hi", GEN).consume()
    chat.send(conversation["id"], "Again", GEN).consume()
    request = fake.requests[-1]
    assert [(m.role, m.content) for m in request.history] == [
        ("user", "Hi"),
        ("assistant", "Reply 1."),
        ("user", "Again"),
    ]
    assert request.system_prompt == "Be brief." and request.conversation_key == str(conversation["id"])
    assert request.settings.seed == 5


def test_random_seed_is_recorded(chat, store, fake):
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Hi", GenerationSettings(max_tokens=4)).consume()
    seed = store.message(turn.reply_message_id)["sampling"]["seed"]
    assert isinstance(seed, int) and seed == fake.requests[0].settings.seed


def test_reply_is_saved_while_streaming(chat, store, fake, monkeypatch):
    import assistant.session as session_module

    monkeypatch.setattr(session_module, "SAVE_EVERY_S", 0.0)
    fake.script.append("one two three four five six seven eight nine ten")
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Count.", GEN)
    seen = []
    with Store() as other:
        for chunk in turn:
            seen.append(chunk)
            if len(seen) >= 2:  # saved, this chunk included, before it was handed out
                saved = other.message(turn.reply_message_id)
                assert saved["status"] == "streaming"
                assert saved["content"] == "".join(seen)
    assert len(seen) == 10 and turn.status == "complete"


def test_stop_keeps_the_partial_reply(chat, store, fake):
    fake.script.append("a long story about many things that goes on and on")
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Tell me a long story.", GEN)
    for i, _ in enumerate(turn):
        if i == 3:
            turn.stop()
    saved = store.message(turn.reply_message_id)
    assert turn.status == "cancelled" and saved["status"] == "cancelled"
    assert saved["content"] == turn.text == "a long story about " and saved["finish_reason"] == "cancelled"


def test_regenerate_adds_a_version_of_the_last_reply(chat, store, fake):
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "Say something.", GEN).consume()
    again = chat.regenerate(conversation["id"], GenerationSettings(max_tokens=24, seed=99)).consume()
    rows = store.messages(conversation["id"])
    assert [m["role"] for m in rows] == ["user", "assistant"]
    assert rows[1]["id"] == again.reply_message_id != first.reply_message_id
    assert store.branches(conversation["id"]) == {
        again.reply_message_id: [first.reply_message_id, again.reply_message_id]
    }
    # The engine keeps each branch's cache under its own key.
    assert [r.conversation_key for r in fake.requests] == [
        str(conversation["id"]),
        f"{conversation['id']}/{again.reply_message_id}",
    ]


def test_edit_and_resend_adds_a_version_and_the_model_sees_only_it(chat, store, fake):
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "Hello", GEN).consume()
    chat.send(conversation["id"], "And more", GEN).consume()
    edited = chat.edit_and_resend(conversation["id"], first.user_message_id, "Hello, edited", GEN).consume()
    rows = store.messages(conversation["id"])
    assert [m["content"] for m in rows][0] == "Hello, edited"
    assert len(rows) == 2 and rows[1]["id"] == edited.reply_message_id
    assert [m.content for m in fake.requests[-1].history] == ["Hello, edited"]
    assert len(store.tree(conversation["id"])) == 6


def test_switching_back_to_a_branch_finds_its_cache(store, engine):
    """The real model: after regenerating, going back to the first version and on, each switch
    processes only the new question, not the other branch's end."""
    chat = ChatSession(store, engine)
    cid = store.create_conversation()["id"]
    first = chat.send(cid, "Tell me about rivers.", GEN).consume()
    second = chat.regenerate(cid, GEN).consume()
    on_second = chat.send(cid, "And lakes?", GEN).consume()
    store.select_branch(first.reply_message_id)
    on_first = chat.send(cid, "And seas?", GEN).consume()
    store.select_branch(on_second.reply_message_id)
    back = chat.send(cid, "And ponds?", GEN).consume()
    assert [m["content"] for m in store.messages(cid)][:3] == ["Tell me about rivers.", second.text, "And lakes?"]
    # Without the cache of the branch switched to, its reply (24 tokens) would be read again too.
    question_tokens = on_second.stats.prompt_eval_tokens
    assert on_first.stats.prompt_eval_tokens <= question_tokens + 4 < question_tokens + first.stats.reply_tokens
    assert back.stats.prompt_eval_tokens <= question_tokens + 4


def test_opening_a_conversation_puts_its_kv_state_back_before_the_next_turn(store, engine):
    """The real model: coming back to a conversation after another one, `prepare` (the window calls
    it when the chat is opened) restores its KV state; the turn then has nothing left to restore and
    reads only the new question."""
    chat = ChatSession(store, engine)
    first, other = store.create_conversation()["id"], store.create_conversation()["id"]
    chat.send(first, "Tell me about rivers.", GEN).consume()
    chat.send(other, "Tell me about mountains.", GEN).consume()
    assert chat.prepare(first) is True
    assert chat.prepare(first) is False  # already there: nothing to copy
    back = chat.send(first, "And lakes?", GEN).consume()
    assert back.stats.prompt_eval_tokens < back.stats.prompt_tokens / 2
    assert ChatSession(store, FakeEngineWithoutSnapshots()).prepare(first) is False


def test_going_back_and_forth_between_conversations_reuses_the_copies_made_after_each_turn(store, engine):
    """The real model: after each turn the engine copies the KV state out while the person reads
    (after_turn), so switching away copies nothing; a state put back stays kept, and putting it
    back a second time (the person only looked at the other chat) still gives the whole cache."""
    chat = ChatSession(store, engine)
    first, other = store.create_conversation()["id"], store.create_conversation()["id"]
    for cid, text in ((first, "Tell me about rivers."), (other, "Tell me about mountains.")):
        chat.send(cid, text, GEN).consume()
        chat.after_turn(cid, GEN)
    assert chat.prepare(first) is True
    assert chat.prepare(other) is True
    assert chat.prepare(first) is True  # the same copy of first's state, put back again
    back = chat.send(first, "And lakes?", GEN).consume()
    assert back.status == "complete"
    assert back.stats.prompt_eval_tokens <= engine.count_text("And lakes?") + 10  # + the turn markers


def test_after_a_reply_the_engine_reads_it_as_the_next_prompt_will_so_the_next_turn_reads_only_the_new(store, engine):
    """The real model, two conversations alike: in one the app lets the engine read the reply ahead
    (after_turn, while the person reads), in the other not. The next turn then processes fewer
    tokens: the reply's end as the template renders it was read already."""
    chat = ChatSession(store, engine)
    evaluated = []
    for read_ahead in (True, False):
        cid = store.create_conversation()["id"]
        first = chat.send(cid, "Tell me about rivers.", GEN).consume()
        if read_ahead:
            chat.after_turn(cid, GEN)
        second = chat.send(cid, "And lakes?", GEN).consume()
        assert first.status == second.status == "complete"
        evaluated.append(second.stats.prompt_eval_tokens)
    with_ahead, without = evaluated  # the new message alike; without, the reply's end is read first
    assert with_ahead < without and with_ahead <= engine.count_text("And lakes?") + 10  # + the turn markers


class FakeEngineWithoutSnapshots:
    """A server's model: no KV states kept, nothing to prepare."""

    loaded = object()

    def capabilities(self):
        from assistant.engine.types import Capabilities

        return Capabilities()


def test_an_edit_that_cannot_be_saved_loses_nothing(chat, store):
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "Hello", GEN).consume()
    before = store.messages(conversation["id"])
    fill_the_disk(store)
    with pytest.raises(StoreError, match="disk is full"):
        chat.edit_and_resend(conversation["id"], first.user_message_id, "a much longer edit " * 20_000, GEN)
    assert store.messages(conversation["id"]) == before  # the old reply and the question are still there


def test_edit_or_regenerate_without_a_model_loses_nothing(chat, store, fake):
    conversation = store.create_conversation()
    first = chat.send(conversation["id"], "Hello", GEN).consume()
    before = store.messages(conversation["id"])
    fake.close()  # no model any more
    with pytest.raises(UserFacingError, match="No model"):
        chat.edit_and_resend(conversation["id"], first.user_message_id, "edited", GEN)
    with pytest.raises(UserFacingError, match="No model"):
        chat.regenerate(conversation["id"], GEN)
    assert store.messages(conversation["id"]) == before


def test_a_bug_is_logged_and_people_get_an_apology(chat, store, fake, caplog):
    fake.script.append(Scripted("half a reply", error=ZeroDivisionError("division by zero")))
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Hi", GEN)
    with pytest.raises(ZeroDivisionError):
        turn.consume()
    saved = store.message(turn.reply_message_id)
    assert saved["status"] == "error" and saved["error"] == APOLOGY and saved["content"] == "half a reply"
    assert "ZeroDivisionError" in caplog.text


def test_a_busy_engine_is_refused_before_anything_is_stored(chat, store, fake):
    fake.script.append(Scripted("one two three", hold=True))
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "first", GEN)
    stream = iter(turn)
    next(stream)
    with pytest.raises(UserFacingError, match="still being written"):
        chat.send(conversation["id"], "second", GEN)
    assert [(m["role"], m["content"]) for m in store.messages(conversation["id"])][:1] == [("user", "first")]
    assert len(store.messages(conversation["id"])) == 2  # nothing of "second" was stored
    fake.release()
    list(stream)
    assert turn.status == "complete"


def test_history_for_model_skips_failed_and_empty_replies():
    rows = [
        {"role": "user", "content": "a", "status": "complete"},
        {"role": "assistant", "content": "", "status": "error"},
        {"role": "user", "content": "b", "status": "complete"},
        {"role": "assistant", "content": "half", "status": "interrupted"},
        {"role": "user", "content": "c", "status": "complete"},
    ]
    assert [m.content for m in history_for_model(rows)] == ["a", "b", "half", "c"]
