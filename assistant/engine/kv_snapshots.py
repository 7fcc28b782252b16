"""KV-state snapshots of recently used conversations, so coming back to one does not re-read it.

The context holds one conversation's KV state at a time (one branch of it: see BRANCH). Before
another conversation takes it, the current state is copied out (once: the buffer llama.cpp writes
is kept as it is); coming back puts it back in one copy. Snapshots live in RAM under a byte budget
and a count, least recently used first out. The budget is checked BEFORE copying: a state that
cannot fit is never copied.
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

        The snapshot put back leaves the store (the context holds it now, and the next turn changes
        it), so saving the state it replaces never pushes it out.
        """
        if key == self.current:
            return False
        snap = self._snapshots.pop(key, None) if key else None
        if snap is None and key and BRANCH in key:
            # A branch seen for the first time: the conversation's state from before it had branches
            # shares its beginning (llama.cpp reuses the common prefix of whatever it holds).
            snap = self._snapshots.pop(key.split(BRANCH, 1)[0], None)
        self._save_current(model)
        self.current = key
        if snap is None:
            return False
        if not model.load_state(snap.buffer, snap.used, snap.tokens):
            log.warning("could not restore the KV snapshot of %s", key)
            return False
        return True

    def _save_current(self, model: LlamaModel) -> None:
        key = self.current
        tokens = model.cached_tokens() if key is not None else []
        if not tokens:
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
