"""The window of recent messages: sticky, moved in chunks, with pinned messages, notes and a summary.

Checked against brute-force searches over every valid window, with a stand-in tokenizer.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import ContextOverflowError
from assistant.memory import KEEP_FRACTION, Memory, Turn, compose_system, plan_window, reply_reserve


def words(system, history):
    """One token per word plus 3 per message, like a chat template's markers."""
    system = [system] if system else []
    return sum(len(text.split()) + 3 for text in [*system, *(m.content for m in history)])


def conversation(sizes, *, pinned=()):
    turns = []
    for i, n in enumerate(sizes):
        turns.append(Turn(i + 1, "user" if i % 2 == 0 else "assistant", " ".join(["w"] * n), i + 1 in pinned))
    if turns[-1].role != "user":
        turns.append(Turn(len(turns) + 1, "user", "last"))
    return turns


def cost_from(turns, memory, start):
    pinned = [t for t in turns[:start] if t.pinned]
    return words(compose_system(memory, pinned), [t for t in turns[start:]])


def plan(turns, memory=None, *, n_ctx, reserve, **kw):
    return plan_window(turns, memory or Memory(), count=words, n_ctx=n_ctx, reserve=reserve, **kw)


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=40),
    n_ctx=st.integers(min_value=40, max_value=600),
    system=st.sampled_from([None, "be brief", "a much longer system prompt with quite a few words in it"]),
    keep=st.sampled_from([1.0, KEEP_FRACTION, 0.3]),
)
def test_the_window_matches_a_brute_force_search(sizes, n_ctx, system, keep):
    turns = conversation(sizes)
    memory = Memory(system_prompt=system)
    reserve = reply_reserve(n_ctx, 64)
    budget = n_ctx - reserve
    starts = [i for i, t in enumerate(turns) if t.role == "user"]
    if cost_from(turns, memory, starts[-1]) > budget:
        with pytest.raises(ContextOverflowError):
            plan(turns, memory, n_ctx=n_ctx, reserve=reserve, keep=keep)
        return
    result = plan(turns, memory, n_ctx=n_ctx, reserve=reserve, keep=keep)
    if cost_from(turns, memory, starts[0]) <= budget:
        expected = starts[0]  # everything fits: nothing moves
    else:  # the earliest start within the kept share of the room, else the newest message alone
        within = [s for s in starts if cost_from(turns, memory, s) <= int(budget * keep)]
        expected = within[0] if within else starts[-1]
    assert result.start == expected
    assert result.prompt_tokens == words(result.system, result.history) <= budget
    assert result.history[-1].content == turns[-1].content and result.history[0].role == "user"
    assert (result.moved is not None) == (expected != starts[0])


def test_the_window_stays_where_the_newest_mark_ends():
    turns = conversation([10] * 21)
    memory = Memory(after_id=6, summary="an old summary")
    result = plan(turns, memory, n_ctx=1000, reserve=100)
    assert result.start == 6 and result.moved is None  # turn id 7 (index 6) is the first after the mark
    assert "an old summary" in result.system


def test_when_it_overflows_the_window_moves_in_one_chunk_and_then_stays():
    turns = conversation([40] * 30)
    n_ctx, reserve = 700, 100
    first = plan(turns, n_ctx=n_ctx, reserve=reserve)
    assert first.moved is not None and first.prompt_tokens <= (n_ctx - reserve) * KEEP_FRACTION
    assert first.moved.first_id == 1 and first.moved.last_id == turns[first.start - 1].id
    # With the mark recorded, the next turns keep the same start, so the prompt's prefix is the same.
    marked = Memory(after_id=first.moved.last_id)
    grown = [*turns, Turn(100, "assistant", "w " * 40), Turn(101, "user", "w " * 40)]
    second = plan(grown, marked, n_ctx=n_ctx, reserve=reserve)
    assert second.moved is None and second.start == first.start


def test_pinned_messages_before_the_window_are_sent_anyway():
    turns = conversation([50] * 21, pinned={3})
    result = plan(turns, Memory(system_prompt="sys"), n_ctx=400, reserve=100)
    assert result.start > 2
    assert [t.id for t in result.pinned] == [3]
    assert result.system.startswith("sys") and "Messages kept from earlier" in result.system
    assert turns[2].content in result.system


def test_notes_and_summary_go_into_the_system_message():
    memory = Memory(system_prompt="Be brief.", notes=("I am a nurse.", "Use metric units."), summary="We met.")
    text = compose_system(memory, [])
    assert text.index("Be brief.") < text.index("I am a nurse.") < text.index("We met.")
    assert compose_system(Memory(), []) is None


def test_work_is_bounded_by_what_fits():
    turns = conversation([10] * 5000)
    calls = []

    def counting(system, history):
        calls.append(len(history))
        return words(system, history)

    result = plan_window(turns, Memory(), count=counting, n_ctx=400, reserve=100)
    assert result.in_context < 40
    assert max(calls) < 200  # never renders the whole 5,000-message conversation
    assert len(calls) < 20


def test_a_conversation_that_fits_is_rendered_once():
    turns = conversation([10] * 59)
    calls = []

    def counting(system, history):
        calls.append(len(history))
        return words(system, history)

    result = plan_window(turns, Memory(system_prompt="sys"), count=counting, n_ctx=8192, reserve=1024)
    assert result.moved is None and calls == [len(turns)]


def test_message_too_long_says_what_to_do():
    turns = [Turn(1, "user", "w " * 5000)]
    with pytest.raises(ContextOverflowError) as err:
        plan(turns, n_ctx=2048, reserve=512)
    text = str(err.value)
    assert "5,003 tokens" in text and "2,048" in text and "Shorten" in text


def test_memory_that_alone_does_not_fit_says_how_much_is_too_much():
    turns = conversation([3, 3, 3], pinned={1})
    notes = tuple("remember this long note " * 30 for _ in range(5))
    with pytest.raises(ContextOverflowError) as err:
        plan(turns, Memory(notes=notes), n_ctx=600, reserve=100)
    text = str(err.value)
    assert "memory sent with every message" in text and "too many" in text and "Unpin" in text


def test_reply_reserve_bounds():
    assert reply_reserve(8192, None) == 1024
    assert reply_reserve(8192, 200) == 200
    assert reply_reserve(1024, 5000) == 512
