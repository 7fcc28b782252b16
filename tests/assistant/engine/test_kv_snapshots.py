"""KV-state snapshots: least recently used out, and the budget checked before anything is copied.

A stand-in for the loaded model counts the copies; the real llama.cpp path is covered by
tests/assistant/engine/test_engine.py (returning to a conversation restores its state).
"""

import ctypes

from assistant.engine.kv_snapshots import KVSnapshots


class Model:
    def __init__(self, size: int):
        self.size = size
        self.tokens: list[int] = []
        self.copies = 0
        self.restored: list[list[int]] = []

    def cached_tokens(self):
        return list(self.tokens)

    def state_size(self):
        return self.size

    def save_state(self, size):
        self.copies += 1
        return (ctypes.c_uint8 * 1)(), size

    def load_state(self, buf, used, tokens):
        self.restored.append(tokens)
        self.tokens = list(tokens)
        return True


def _use(snapshots, model, key, tokens):
    snapshots.switch_to(key, model)
    model.tokens = tokens


def test_a_state_larger_than_the_budget_is_never_copied():
    snapshots = KVSnapshots(budget_bytes=1000)
    model = Model(size=5000)
    _use(snapshots, model, "a", [1, 2, 3])
    _use(snapshots, model, "b", [4, 5])
    assert model.copies == 0 and "a" not in snapshots


def test_coming_back_restores_and_the_oldest_goes_first():
    snapshots = KVSnapshots(budget_bytes=150, max_snapshots=8)
    model = Model(size=100)
    _use(snapshots, model, "a", [1])
    _use(snapshots, model, "b", [2])
    _use(snapshots, model, "c", [3])  # saving b needs room: a (least recently used) goes
    assert "a" not in snapshots and "b" in snapshots
    snapshots.switch_to("b", model)
    assert model.restored == [[2]] and snapshots.bytes_used <= 150


def test_the_count_limit_holds():
    snapshots = KVSnapshots(budget_bytes=10**9, max_snapshots=2)
    model = Model(size=10)
    for i in range(6):
        _use(snapshots, model, f"k{i}", [i])
    snapshots.switch_to(None, model)
    assert len(snapshots) == 2 and "k5" in snapshots and "k4" in snapshots


def test_a_state_copied_out_while_the_person_reads_makes_the_switch_copy_nothing():
    snapshots = KVSnapshots(budget_bytes=1000)
    model = Model(size=100)
    _use(snapshots, model, "a", [1, 2])
    assert snapshots.refresh(model) is True and model.copies == 1
    assert snapshots.refresh(model) is False  # nothing changed since
    snapshots.switch_to("b", model)  # a's state was copied out already
    assert model.copies == 1 and "a" in snapshots
    model.tokens = [7]
    snapshots.switch_to("a", model)  # b's state is copied out, a's put back and kept as a spare
    assert model.copies == 2 and model.restored == [[1, 2]] and "a" in snapshots
    snapshots.switch_to("b", model)  # the person only looked at a: nothing to copy out
    assert model.copies == 2 and model.restored == [[1, 2], [7]]


def test_a_spare_copy_that_no_longer_matches_is_replaced():
    snapshots = KVSnapshots(budget_bytes=1000)
    model = Model(size=100)
    _use(snapshots, model, "a", [1, 2])
    snapshots.refresh(model)
    model.tokens = [1, 2, 3, 4]  # a turn later
    snapshots.switch_to("b", model)
    assert model.copies == 2
    snapshots.switch_to("a", model)
    assert model.restored == [[1, 2, 3, 4]]


def test_a_spare_copy_never_pushes_another_conversation_out():
    snapshots = KVSnapshots(budget_bytes=250)
    model = Model(size=100)
    _use(snapshots, model, "a", [1])
    _use(snapshots, model, "b", [2])
    _use(snapshots, model, "c", [3])  # a and b are kept: 200 of 250 bytes
    assert snapshots.refresh(model) is False and model.copies == 2
    assert "a" in snapshots and "b" in snapshots and "c" not in snapshots
    snapshots.switch_to("a", model)  # c must be copied out now; a goes back into the context
    assert model.restored == [[1]] and "c" in snapshots and "b" in snapshots
    assert "a" not in snapshots  # no room for a spare copy of it beside b and c
