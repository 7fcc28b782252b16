"""Finding what of the KV cache a new prompt can still use after its oldest turns were left out.

When the window of recent messages moves forward (assistant/memory.py), the new prompt is the old
one with a stretch of old turns taken out: [system][turns k..n][new message] against a cache of
[system][turns 0..n]. Instead of processing turns k..n again, llama.cpp can remove the left-out
positions from the KV cache and shift the kept ones down (its "context shift"). This module finds
that kept stretch by comparing tokens (never assuming how a template renders), in pure Python, so
it is tested on its own; llama_model.py does the removal and the shift.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

NEEDLE = 16  # tokens the kept stretch must start with to be found; fewer is no match
MIN_KEPT = 64  # shifting fewer tokens than this is not worth the bookkeeping


@dataclass(frozen=True)
class KeptRun:
    """cached[start:start + length] is tokens[prefix:prefix + length]: move it down to `prefix`."""

    prefix: int  # the tokens the cache and the prompt share from the start
    start: int
    length: int


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def kept_run(cached: Sequence[int], tokens: Sequence[int]) -> KeptRun | None:
    """Where, after their common prefix, the prompt `tokens` goes on with a later stretch of
    `cached` (the turns that stayed), or None when it does not (or too little to matter)."""
    prefix = common_prefix(cached, tokens)
    needle = tokens[prefix : prefix + NEEDLE]
    if len(needle) < NEEDLE or len(cached) - prefix < MIN_KEPT + 1:
        return None
    haystack = array("i", cached[prefix + 1 :]).tobytes()
    wanted = array("i", needle).tobytes()
    at = haystack.find(wanted)
    while at >= 0 and at % 4:  # a match must start on a token, not inside one
        at = haystack.find(wanted, at + 1)
    if at < 0:
        return None
    start = prefix + 1 + at // 4
    length = common_prefix(cached[start:], tokens[prefix:])
    return KeptRun(prefix, start, length) if length >= MIN_KEPT else None
