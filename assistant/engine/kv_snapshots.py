"""KV-state snapshots of recently used conversations, so coming back to one does not re-read it.

The context holds one conversation's KV state at a time (one branch of it: see BRANCH). Before
another conversation takes it, the current state is copied out (once: the buffer llama.cpp writes
is kept as it is); coming back puts it back in one copy. Snapshots live in RAM under a byte budget
and a count, least recently used first out. The budget is checked BEFORE copying: a state that
cannot fit is never copied.

A switch copies twice (the state out, the other in: 9-35 ms at 1,200 tokens by machine), so the
copy out is done ahead where it can be: after each turn, while the person reads (`refresh`), and
the snapshot just put back stays; switching away from a conversation whose snapshot still matches
what the context holds copies nothing. Such a spare copy is kept only where it fits beside the
others: it never pushes another conversation's snapshot out.

Why not one KV cache with a sequence per conversation, which would switch without copying:
llama.cpp gives each sequence its own share of the cache (n_ctx / n_seq_max) unless the cache is
unified, and a unified cache makes every token attend over all the conversations' cells. Four
conversations of 8,192 tokens would need four times the KV memory (750 MB for the starter model,
4 GB for an 8B model with grouped-query attention), where snapshots take only the cells in use.
"""

from __future__ import annotations

import ctypes
import logging
from collections import OrderedDict
from dataclasses import dataclass

from assistant.engine.llama_model import LlamaModel

log = logging.getLogger("bothy.engine")

BUDGET_BYTES = 1 << 30
BRANCH = "/"  # a key "12/345" is conversation 12 on the branch through message 345 (assistant/session.py)
MAX_SNAPSHOTS = 8


@dataclass
class _Snapshot:
    buffer: ctypes.Array
    used: int
    tokens: list[int]


class KVSnapshots:
    def __init__(self, *, budget_bytes: int = BUDGET_BYTES, max_snapshots: int = MAX_SNAPSHOTS):
        self.budget_bytes = budget_bytes
        self.max_snapshots = max_snapshots
        self._snapshots: OrderedDict[str, _Snapshot] = OrderedDict()
        self.current: str | None = None  # whose state the context holds now

    def __len__(self) -> int:
        return len(self._snapshots)

    def __contains__(self, key: str) -> bool:
        return key in self._snapshots

    @property
    def bytes_used(self) -> int:
        return sum(s.used for s in self._snapshots.values())

    def clear(self) -> None:
        self._snapshots.clear()
        self.current = None

    def switch_to(self, key: str | None, model: LlamaModel) -> bool:
        """Make the context hold conversation `key`'s state, when a snapshot of it exists. Returns
        whether a snapshot was put back.

        The snapshot put back is taken out of the store while the state it replaces is saved (so
        that saving never pushes it out), then kept as a spare where it fits.
        """
        if key == self.current:
            return False
        origin = key
        snap = self._snapshots.pop(key, None) if key else None
        if snap is None and key and BRANCH in key:
            # A branch seen for the first time: the conversation's state from before it had branches
            # shares its beginning (llama.cpp reuses the common prefix of whatever it holds).
            origin = key.split(BRANCH, 1)[0]
            snap = self._snapshots.pop(origin, None)
        self._save_current(model)
        self.current = key
        if snap is None:
            return False
        if not model.load_state(snap.buffer, snap.used, snap.tokens):
            log.warning("could not restore the KV snapshot of %s", key)
            return False
        if origin == key:
            self._keep_spare(key, snap)
        return True

    def refresh(self, model: LlamaModel) -> bool:
        """While the person reads: copy the current state out, when the store has no copy of it yet
        and one fits without pushing another conversation's out, so that switching away later
        copies nothing. Returns whether a copy was made."""
        key = self.current
        tokens = model.cached_tokens() if key is not None else []
        if not tokens or self._holds(key, tokens):
            return False
        self._snapshots.pop(key, None)  # stale
        size = model.state_size()
        if not self._fits(size):
            return False
        buffer, used = model.save_state(size)
        self._snapshots[key] = _Snapshot(buffer, used, tokens)
        return True

    def _holds(self, key: str, tokens: list[int]) -> bool:
        kept = self._snapshots.get(key)
        return kept is not None and kept.tokens == tokens

    def _fits(self, size: int) -> bool:
        return self.bytes_used + size <= self.budget_bytes and len(self._snapshots) < self.max_snapshots

    def _keep_spare(self, key: str, snap: _Snapshot) -> None:
        """Keep a copy of what the context holds, where it fits beside the others."""
        if self._fits(snap.used):
            self._snapshots[key] = snap

    def _save_current(self, model: LlamaModel) -> None:
        key = self.current
        tokens = model.cached_tokens() if key is not None else []
        if not tokens:
            return
        if self._holds(key, tokens):
            self._snapshots.move_to_end(key)  # copied out already: now the most recently used
            return
        self._snapshots.pop(key, None)  # an older snapshot of it is stale now
        size = model.state_size()
        if size > self.budget_bytes:
            log.info("the KV state of %s (%d bytes) is larger than the snapshot budget", key, size)
            return
        self._make_room(size)
        buffer, used = model.save_state(size)
        self._snapshots[key] = _Snapshot(buffer, used, tokens)

    def _make_room(self, size: int) -> None:
        """Drop the least recently used snapshots until one more of `size` bytes fits."""
        total = self.bytes_used
        while self._snapshots and (total + size > self.budget_bytes or len(self._snapshots) >= self.max_snapshots):
            _, dropped = self._snapshots.popitem(last=False)
            total -= dropped.used
