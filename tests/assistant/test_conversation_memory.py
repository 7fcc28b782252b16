"""Memory beyond the context window, through the session: summaries, leaving out, pins, notes, "ask".

The session's logic runs against the scripted engine (its tokenizer counts words); the last tests
run the real starter model at a small context, so the context fills in seconds.
"""

import statistics

import pytest

from assistant.conversation_memory import ContextFullError
from assistant.engine import GenerationSettings, LoadSettings, ModelRef
from assistant.errors import UserFacingError
from assistant.session import ChatSession
from assistant.summaries import INSTRUCTIONS, SUMMARY_MAX_TOKENS
from tests.fakes import FakeEngine, Scripted
from tests.starter import starter_path

GEN = GenerationSettings(max_tokens=20, seed=1)


def fake_engine(tmp_path, n_ctx=700):
    return FakeEngine.loaded(tmp_path, n_ctx=n_ctx)


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def chat_until_a_mark(session, store, cid, *, limit=40, reply_words=20):
    """Send 30-word questions until the session records a context mark; returns (turns, mark)."""
    engine = session.engine
    turns = []
    for i in range(limit):
        engine.script.append(words(reply_words, f"reply{i}"))
        turns.append(session.send(cid, words(30, f"question{i}"), GEN).consume())
        mark = session.after_turn(cid, GEN)
        marks = store.context_marks(cid)
        if mark is not None or marks:
            return turns, mark or marks[-1]
    raise AssertionError("the context never filled")


def test_a_summary_is_written_right_after_the_reply_that_fills_the_context(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine)
    cid = store.create_conversation(system_prompt="Be brief.")["id"]
    turns, mark = chat_until_a_mark(session, store, cid)
    assert mark["kind"] == "summary" and mark["content"].startswith("Reply")
    summary_request = engine.requests[-1]
    # It continued the conversation the engine had just answered: same key, same prefix, one more question.
    answered = engine.requests[-2]
    assert summary_request.conversation_key == answered.conversation_key
    assert summary_request.system_prompt == answered.system_prompt
    assert summary_request.history[: len(answered.history)] == answered.history
    assert summary_request.history[-1].content == INSTRUCTIONS["en"]
    # The next turn sends the summary and the window after it, and counts what the summary cost.
    engine.script.append("ok")
    after = session.send(cid, "What now?", GEN).consume()
    request = engine.requests[-1]
    assert mark["content"] in request.system_prompt and request.system_prompt.startswith("Be brief.")
    first_kept = store.message(mark["last_message_id"] + 1)
    assert request.history[0].content == first_kept["content"]
    assert after.context.summarized == mark["message_count"] and after.context.summary_tokens > 0
    assert after.stats.memory_tokens > 0
    assert after.stats.prompt_eval_tokens == after.stats.memory_tokens + engine.count_tokens(request)
    assert len(store.messages(cid)) == 2 * len(turns) + 2  # every message is still there


def test_the_window_keeps_its_start_between_moves(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine, memory_policy="window")
    cid = store.create_conversation()["id"]
    starts = []
    for i in range(40):
        engine.script.append(words(20, f"reply{i}"))
        session.send(cid, words(30, f"question{i}"), GEN).consume()
        starts.append(engine.requests[-1].history[0].content)
    marks = store.context_marks(cid)
    assert marks and all(m["kind"] == "dropped" and m["note"] is None for m in marks)
    moves = sum(1 for a, b in zip(starts, starts[1:], strict=False) if a != b)
    assert moves == len(marks)  # the prefix changed only when the window moved, in chunks
    assert len(marks) < 40 // 4


@pytest.mark.parametrize(
    ("summary", "reason"),
    [
        ("", "empty"),
        (Scripted(error=UserFacingError("The model engine crashed (SIGSEGV).")), "summarizing failed"),
        (words(2000, "long"), "longer"),
    ],
    ids=["empty", "error", "longer"],
)
def test_a_summary_that_fails_leaves_the_messages_out_and_says_why(store, tmp_path, summary, reason):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine)
    cid = store.create_conversation()["id"]
    for i in range(40):
        engine.script += [words(20, f"reply{i}"), summary]  # the second is used only by a summary
        session.send(cid, words(30, f"question{i}"), GEN).consume()
        if session.after_turn(cid, GEN) is not None:
            break
        engine.script.clear()
    [mark] = store.context_marks(cid)
    assert mark["kind"] == "dropped" and reason in mark["note"]
    engine.script.append("ok")
    after = session.send(cid, "Next", GEN).consume()
    assert after.context.dropped == mark["message_count"] and after.context.summarized == 0


def test_a_summary_in_another_language_is_refused(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine)
    cid = store.create_conversation()["id"]
    for i in range(60):
        engine.script += [" ".join(["回答"] * 20), "An English summary."]
        session.send(cid, " ".join(["问题"] * 30) + f" {i}", GEN).consume()
        if session.after_turn(cid, GEN) is not None:
            break
        engine.script.clear()
    assert INSTRUCTIONS["zh"] in engine.requests[-1].history[-1].content  # asked in Chinese
    [mark] = store.context_marks(cid)
    assert mark["kind"] == "dropped" and "another language" in mark["note"]


def test_stopping_a_summary_leaves_the_messages_out(store, tmp_path):
    import threading

    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine)
    cid = store.create_conversation()["id"]
    done = {}
    for i in range(40):
        engine.script += [words(20, f"reply{i}"), Scripted("a summary that takes long", hold=True)]
        session.send(cid, words(30, f"question{i}"), GEN).consume()
        worker = threading.Thread(target=lambda: done.setdefault("mark", session.after_turn(cid, GEN)))
        worker.start()
        while worker.is_alive() and not engine.holding.is_set():
            worker.join(0.01)  # no summary needed: it returns at once; else it waits at the gate
        if engine.holding.is_set():
            session.memory.stop()
            worker.join(5)
            break
        worker.join(5)
        engine.script.clear()
        done.clear()
    assert done["mark"]["kind"] == "dropped" and "stopped" in done["mark"]["note"]


def test_pinned_messages_and_notes_are_sent_on_every_turn(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine, memory_policy="window")
    cid = store.create_conversation(system_prompt="Be brief.")["id"]
    store.add_memory_note("I am a nurse in Shanghai.")
    store.add_memory_note("The trip is in May.", conversation_id=cid)
    engine.script.append("ok")
    first = session.send(cid, "My name is Ada, remember it.", GEN).consume()
    store.set_message_pinned(first.user_message_id, True)
    turns, mark = chat_until_a_mark(session, store, cid)
    engine.script.append("ok")
    after = session.send(cid, "What is my name?", GEN).consume()
    system = engine.requests[-1].system_prompt
    assert "I am a nurse in Shanghai." in system and "The trip is in May." in system
    assert "User: My name is Ada, remember it." in system  # pinned, and out of the window
    assert all(m.content != "My name is Ada, remember it." for m in engine.requests[-1].history)
    assert after.context.pinned == 1 and after.context.pinned_tokens > 0 and after.context.notes == 2


def test_the_ask_policy_stops_before_storing_anything(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine, memory_policy="ask")
    cid = store.create_conversation()["id"]
    with pytest.raises(ContextFullError) as err:
        for i in range(40):
            engine.script.append(words(20, f"reply{i}"))
            session.send(cid, words(30, f"question{i}"), GEN).consume()
    assert "no longer fits" in str(err.value) and err.value.needed > err.value.n_ctx // 2
    stored = store.messages(cid)
    assert stored[-1]["role"] == "assistant" and store.context_marks(cid) == []
    # A conversation can choose its own policy: this one now leaves messages out.
    store.update_conversation(cid, settings={"memory_policy": "window"})
    engine.script.append("ok")
    assert session.send(cid, words(30, "again"), GEN).consume().status == "complete"


def test_editing_a_summarized_message_drops_the_summary(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine)
    cid = store.create_conversation()["id"]
    _turns, mark = chat_until_a_mark(session, store, cid)
    engine.script.append("edited reply")
    session.edit_and_resend(cid, mark["first_message_id"], "A new first question", GEN).consume()
    assert store.context_marks(cid) == []
    assert [m["content"] for m in store.messages(cid)] == ["A new first question", "edited reply"]


# -- with the real model ------------------------------------------------------------------------
def test_a_real_long_conversation_is_summarized_and_stays_cheap(store, fresh_engine):
    fresh_engine.load(ModelRef.local(starter_path()), LoadSettings(n_ctx=1024, n_threads=1))
    session = ChatSession(store, fresh_engine)
    cid = store.create_conversation(system_prompt="You are a helpful assistant.")["id"]
    gen = GenerationSettings(max_tokens=32, seed=2, temperature=0.5)
    first = session.send(cid, "My favourite colour is green; keep that in mind.", gen).consume()
    store.set_message_pinned(first.user_message_id, True)
    evals, marks = [], []
    for i in range(40):
        text = f"Question {i}: name two facts about {('rivers', 'bees', 'tea', 'glass', 'owls')[i % 5]}, briefly."
        turn = session.send(cid, text, gen).consume()
        assert turn.status == "complete", turn.error
        evals.append((turn.stats.prompt_eval_tokens, turn.context))
        mark = session.after_turn(cid, gen)
        if mark is not None:
            marks.append(mark)
        if len(marks) == 1 and len(evals) > 3 and evals[-4][1].summarized:
            break
    assert marks and marks[0]["kind"] == "summary" and marks[0]["content"].strip()
    shown = store.context_marks(cid)[0]
    assert shown["content"] == marks[0]["content"] and shown["prompt_tokens"] > 0
    before = [e for e, ctx in evals[1:] if not ctx.summarized]
    after = [e for e, ctx in evals if ctx.summarized]
    # Past the summary, a turn processes its own new tokens again, not the whole window.
    assert statistics.median(after) <= 2 * statistics.median(before)
    last = evals[-1][1]
    assert last.pinned == 1 and last.summary_tokens > 0 and last.prompt_tokens + last.reserve <= last.n_ctx


def test_a_summary_can_be_written_again_and_left_out_messages_summarized_later(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine, memory_policy="window")
    cid = store.create_conversation()["id"]
    _turns, mark = chat_until_a_mark(session, store, cid)
    assert mark["kind"] == "dropped"
    engine.script.append("A short summary of the first questions.")
    again = session.memory.rewrite(mark["id"])
    assert again["kind"] == "summary" and again["content"] == "A short summary of the first questions."
    assert not again["edited"] and again["prompt_tokens"] > 0
    request = engine.requests[-1]
    assert request.conversation_key == f"{cid}:summary"  # on its own: the chat's KV state is left alone
    covered = store.message(mark["last_message_id"])["content"]  # the newest messages it covers are in it
    assert covered in request.history[0].content
    assert engine.count_tokens(request) + SUMMARY_MAX_TOKENS < engine.n_ctx  # and it fits, older ones cut
    engine.script.append("")
    with pytest.raises(UserFacingError, match="empty"):
        session.memory.rewrite(mark["id"])
    assert store.context_mark(mark["id"])["content"] == again["content"]  # a failed rewrite changes nothing


def test_a_new_chat_can_carry_a_summary_of_this_one(store, tmp_path):
    engine = fake_engine(tmp_path)
    session = ChatSession(store, engine)
    cid = store.create_conversation(title="Trip", system_prompt="Be brief.")["id"]
    engine.script.append("Paris in May.")
    session.send(cid, "We plan a trip to Paris in May.", GEN).consume()
    engine.script.append("We talked about Paris in May.")
    new = session.memory.carry_over(cid)
    conversation = store.get_conversation(new)
    assert conversation["system_prompt"] == "Be brief." and store.messages(new) == []
    [note] = store.memory_notes(new, with_global=False)
    assert note["content"] == "Summary of “Trip”: We talked about Paris in May."
    engine.script.append("ok")
    session.send(new, "Where do we go?", GEN).consume()
    assert "We talked about Paris in May." in engine.requests[-1].system_prompt


def test_a_memory_note_reaches_the_real_model(store, engine):
    session = ChatSession(store, engine)
    gen = GenerationSettings(max_tokens=4, seed=1)
    note = "I am a nurse in Shanghai; answer in metric units."
    seen = {}
    for name in ("with", "without"):
        cid = store.create_conversation(system_prompt="Be brief.")["id"]
        if name == "with":
            store.add_memory_note(note, conversation_id=cid)
        seen[name] = session.send(cid, "What is my job?", gen).consume().context
    # The prompts the engine processed differ by exactly the note's block in the system message.
    block = engine.count_text("\n\nThings to remember:\n- " + note)
    assert abs(seen["with"].prompt_tokens - seen["without"].prompt_tokens - block) <= 2
    assert seen["with"].notes == 1 and seen["without"].notes == 0


def test_leaving_turns_out_shifts_the_cache_instead_of_reading_the_window_again(store, fresh_engine):
    fresh_engine.load(ModelRef.local(starter_path()), LoadSettings(n_ctx=640, n_threads=1))
    session = ChatSession(store, fresh_engine, memory_policy="window")
    cid = store.create_conversation(system_prompt="You are a helpful assistant.")["id"]
    moved = None
    for i in range(40):
        text = f"Question {i}: tell me two facts about {('rivers', 'bees', 'tea')[i % 3]}, briefly, and why."
        turn = session.send(cid, text, GenerationSettings(max_tokens=40, seed=i)).consume()
        assert turn.status == "complete", turn.error
        if turn.context.moved:
            moved = turn
            break
    assert moved is not None and moved.context.dropped > 0
    # The kept turns were shifted into place in the KV cache: only the new message was processed.
    assert moved.stats.prompt_tokens > 150 and moved.stats.prompt_eval_tokens < 80
    after = session.send(cid, "And one more fact?", GenerationSettings(max_tokens=16, seed=1)).consume()
    assert after.status == "complete" and after.stats.prompt_eval_tokens < 80
