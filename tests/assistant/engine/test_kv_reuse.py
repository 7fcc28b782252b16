"""Finding the kept stretch of the KV cache after the oldest turns were left out (pure; property-tested).

The real shift (llama.cpp removing positions and moving the rest down) is checked end to end in
tests/assistant/test_conversation_memory.py: the turn where the window moves processes only its
new tokens.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.engine.kv_reuse import MIN_KEPT, NEEDLE, KeptRun, kept_run

tokens = st.lists(st.integers(min_value=0, max_value=2**20), min_size=0, max_size=60)


@settings(max_examples=300, deadline=None)
@given(
    prefix=tokens,
    left_out=st.lists(st.integers(min_value=-5, max_value=-1), min_size=1, max_size=200),
    kept=st.lists(st.integers(min_value=0, max_value=2**20), min_size=MIN_KEPT, max_size=300),
    tail=st.lists(st.integers(min_value=-9, max_value=-6), max_size=40),
    new=st.lists(st.integers(min_value=-12, max_value=-10), max_size=40),
)
def test_the_kept_turns_are_found_after_the_left_out_ones(prefix, left_out, kept, tail, new):
    cached = prefix + left_out + kept + tail  # left-out and trailing tokens never occur in the prompt
    prompt = prefix + kept + new
    run = kept_run(cached, prompt)
    assert run == KeptRun(len(prefix), len(prefix) + len(left_out), len(kept))
    moved = cached[: run.prefix] + cached[run.start : run.start + run.length]
    assert prompt[: len(moved)] == moved  # what the cache holds afterwards is the prompt's beginning


def test_nothing_to_reuse_is_no_match():
    cached = list(range(500))
    assert kept_run(cached, list(range(1000, 1100))) is None  # nothing in common
    assert kept_run(cached, cached + [7]) is None  # a plain prefix: nothing to shift
    short = list(range(50)) + list(range(300, 300 + MIN_KEPT - 1)) + [9999]
    assert kept_run(cached, short) is None  # too little kept to be worth it
    assert kept_run(cached, list(range(50)) + list(range(60, 60 + NEEDLE - 1))) is None  # too short to find
