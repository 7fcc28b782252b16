"""The fitting rule, checked against a brute-force search over every valid window."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import ContextOverflowError
from assistant.memory import fit_messages, reply_reserve


def words(messages):
    """A stand-in tokenizer: one token per word plus 3 per message, like a chat template's markers."""
    return sum(len(m["content"].split()) + 3 for m in messages)


def conversation(sizes):
    out = []
    for i, n in enumerate(sizes):
        out.append({"role": "user" if i % 2 == 0 else "assistant", "content": " ".join(["w"] * n)})
    if out[-1]["role"] != "user":
        out.append({"role": "user", "content": "last"})
    return out


def brute_force(history, system, n_ctx, reserve):
    head = [{"role": "system", "content": system}] if system else []
    for start, m in enumerate(history):
        if m["role"] == "user" and words(head + history[start:]) <= n_ctx - reserve:
            return start
    return None


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=40),
    n_ctx=st.integers(min_value=40, max_value=600),
    system=st.sampled_from([None, "be brief", "a much longer system prompt with quite a few words in it"]),
)
def test_fit_matches_brute_force(sizes, n_ctx, system):
    history = conversation(sizes)
    reserve = reply_reserve(n_ctx, 64)
    expected = brute_force(history, system, n_ctx, reserve)
    if expected is None:
        with pytest.raises(ContextOverflowError):
            fit_messages(history, system_prompt=system, count_tokens=words, n_ctx=n_ctx, reserve=reserve)
        return
    fit = fit_messages(history, system_prompt=system, count_tokens=words, n_ctx=n_ctx, reserve=reserve)
    assert fit.history_in_context == len(history) - expected
    assert fit.dropped == expected
    assert fit.prompt_tokens == words(fit.messages) <= n_ctx - reserve
    assert fit.messages[-1] == history[-1]
    first = fit.messages[1] if system else fit.messages[0]
    assert first["role"] == "user"


def test_whole_conversation_fits():
    history = conversation([5, 5, 5, 5, 5])
    fit = fit_messages(history, system_prompt="sys", count_tokens=words, n_ctx=1000, reserve=100)
    assert fit.dropped == 0
    assert fit.messages[0] == {"role": "system", "content": "sys"}


def test_oldest_turns_fall_out_first():
    history = conversation([50] * 20)
    fit = fit_messages(history, system_prompt=None, count_tokens=words, n_ctx=300, reserve=100)
    assert 0 < fit.history_in_context < len(history)
    assert fit.messages == history[fit.dropped :]


def test_work_is_bounded_by_what_fits():
    history = conversation([10] * 5000)
    calls = []

    def counting(messages):
        calls.append(len(messages))
        return words(messages)

    fit = fit_messages(history, system_prompt=None, count_tokens=counting, n_ctx=400, reserve=100)
    assert fit.history_in_context < 40
    assert max(calls) < 200  # never renders the whole 5,000-message conversation
    assert len(calls) < 20


def test_message_too_long_says_what_to_do():
    history = [{"role": "user", "content": "w " * 5000}]
    with pytest.raises(ContextOverflowError) as err:
        fit_messages(history, system_prompt=None, count_tokens=words, n_ctx=2048, reserve=512)
    text = str(err.value)
    assert "5,003 tokens" in text and "2,048" in text and "Shorten" in text


def test_reply_reserve_bounds():
    assert reply_reserve(8192, None) == 1024
    assert reply_reserve(8192, 200) == 200
    assert reply_reserve(1024, 5000) == 512


def test_a_conversation_that_fits_is_rendered_once():
    history = conversation([10] * 59)
    calls = []

    def counting(messages):
        calls.append(len(messages))
        return words(messages)

    fit = fit_messages(history, system_prompt="sys", count_tokens=counting, n_ctx=8192, reserve=1024)
    assert fit.dropped == 0 and calls == [len(history) + 1]
