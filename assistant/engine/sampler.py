"""Choosing each next token: llama.cpp's own sampler chain, set up as llama-cpp-python sets it up,
with the repetition penalty applied to the few logits it changes instead of the whole vocabulary.

llama-cpp-python's chain starts with llama.cpp's penalties sampler, which looks each of the
vocabulary's tokens up in its table of recent tokens (49,152 for the starter model, 262,144 for
Gemma 3): on the starter model the chain took 0.19 ms a token with it and 0.04 ms without it
(measured alone); applying the penalty to the logits of the window's tokens only costs 0.03 ms in
the token loop. The arithmetic
gives the float32 results llama.cpp's gives, and the rest of the chain is llama-cpp-python's, so
the same settings and seed give the same tokens (tests/assistant/engine/test_sampler.py compares
them with llama-cpp-python's `Llama.generate`).

Tried and dropped (2026-12-02): finding the candidates that can survive top-k with numpy first
(every logit within a few of the best; the whole vocabulary when the best k + 1 hold equal logits)
and running the chain over those, and the penalty with numpy. The same tokens came out, and in a
tight loop it took 0.07 ms; in the token loop, right after `llama_decode` has streamed the weights
through the caches, it took 0.43 ms a token against this module's 0.19 (starter) and 0.64 against
0.48 (Gemma 3's 262,144 tokens): there every numpy call's code and data come from memory, and even
the pure-Python `_remember` took 15 us. Fewer calls beat cheaper arithmetic here.

Sampling in the graph (llama.cpp's backend sampling, `llama_set_sampler`), off unless
BOTHY_SAMPLE_IN_GRAPH=1 (GraphFront): llama_decode itself picks the best top_k + 64 candidates (the
64 tokens the penalty may lower cannot push a token outside them into the top k), so only those come
back from the device and the chain runs over them; the same tokens come out (test_sampler.py). On
this CPU (2026-12-02, 256-token replies, 8,192-token context, six interleaved rounds, two runs)
Bothy's time outside llama_decode fell from 0.23 to 0.20 ms a token on the starter model and from
0.48 to 0.20 on Gemma 3, but llama_decode grew by about as much (its top-k runs on one thread):
per token 23.56 -> 22.83 and 22.13 -> 22.25 ms on the starter, 22.45 -> 22.38 and 22.09 -> 22.73 on
Gemma, and 40.21 -> 41.98 on the synthetic 1B model of benchmark item 1 (1 thread): no gain, so it
is off. On a GPU it saves copying the whole vocabulary's logits to the host
and sorting them there each token; benchmarks/gpu measures both ways.
"""

from __future__ import annotations

import ctypes
import os
from collections import Counter, deque

from assistant.engine.types import GenerationSettings

PENALTY_WINDOW = 64  # llama-cpp-python's last_n_tokens_size, which it passes as penalty_last_n


def sample_in_graph_asked() -> bool:
    """Whether BOTHY_SAMPLE_IN_GRAPH=1 asks for the candidates to be picked inside llama_decode."""
    return os.environ.get("BOTHY_SAMPLE_IN_GRAPH") == "1"


def front_k(s: GenerationSettings) -> int:
    """How many candidates llama_decode must pick for these settings to sample as the whole
    vocabulary would: top_k (1 for greedy) + the penalty window; 0 where they keep every token."""
    if s.temperature < 0 or (s.temperature > 0 and s.top_k <= 0):
        return 0
    return (1 if s.temperature == 0 else s.top_k) + PENALTY_WINDOW


class GraphFront:
    """The top-k chain llama_decode runs for sequence 0 when sampling in the graph. It stays from
    reply to reply while the settings want the same k: attaching or detaching one makes llama.cpp
    plan its compute buffers again (3 ms on the starter model, 5 on Gemma 3, at 8,192 tokens), and
    a chain can be attached only once (llama.cpp asserts)."""

    def __init__(self, llama_cpp, ctx):
        self._llama_cpp = llama_cpp
        self._context = ctx
        self._chain = None
        self.k = 0
        self.refused = False  # llama.cpp cannot run it on this model's output device: sample on the CPU

    def want(self, settings: GenerationSettings) -> bool:
        """Attach the chain these settings want (none where they keep every token); True while one is."""
        k = front_k(settings)
        if k != self.k and not self.refused:
            self.drop()
            if k:
                llama_cpp = self._llama_cpp
                chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
                llama_cpp.llama_sampler_chain_add(chain, llama_cpp.llama_sampler_init_top_k(k))
                if llama_cpp.llama_set_sampler(self._context, 0, chain):
                    self._chain, self.k = chain, k
                else:
                    llama_cpp.llama_sampler_free(chain)
                    self.refused = True
        return self._chain is not None

    def drop(self) -> None:
        if self._chain is not None:
            self._llama_cpp.llama_set_sampler(self._context, 0, None)
            self._llama_cpp.llama_sampler_free(self._chain)
            self._chain, self.k = None, 0


class Sampler:
    """One reply's sampler: `sample()` picks the next token from the context's last logits, or
    from the candidates llama_decode picked (`in_graph`, a GraphFront attached).
    `settings.seed` must be set (the worker picks one when the request leaves it to chance)."""

    def __init__(self, llama_cpp, ctx, settings: GenerationSettings, *, in_graph: bool = False):
        self._llama_cpp = llama_cpp
        self._context = ctx
        self._in_graph = in_graph
        self._penalty = float(ctypes.c_float(settings.repeat_penalty).value)  # llama.cpp keeps a float
        self._window: deque[int] = deque(maxlen=PENALTY_WINDOW)
        self._counts: Counter[int] = Counter()
        self._chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
        for sampler in self._links(llama_cpp, settings):
            llama_cpp.llama_sampler_chain_add(self._chain, sampler)

    @staticmethod
    def _links(llama_cpp, s: GenerationSettings) -> list:
        """llama-cpp-python's `Llama._init_sampler` chain after its penalties sampler."""
        if s.temperature < 0:
            return [llama_cpp.llama_sampler_init_dist(s.seed)]
        if s.temperature == 0:
            return [llama_cpp.llama_sampler_init_greedy()]
        return [
            llama_cpp.llama_sampler_init_top_k(s.top_k),
            llama_cpp.llama_sampler_init_typical(1.0, 1),
            llama_cpp.llama_sampler_init_top_p(s.top_p, 1),
            llama_cpp.llama_sampler_init_min_p(s.min_p, 1),
            llama_cpp.llama_sampler_init_temp(s.temperature),
            llama_cpp.llama_sampler_init_dist(s.seed),
        ]

    def sample(self) -> int:
        if self._penalty != 1 and self._counts:
            self._penalize()
        token = self._llama_cpp.llama_sampler_sample(self._chain, self._context, -1)
        self._remember(token)
        return token

    def _penalize(self) -> None:
        """llama.cpp's repetition penalty on the logits of the window's tokens: those at or below
        zero multiplied by it, others divided (llama_sampler_penalties_apply). Python computes in
        double precision and ctypes stores float32: a product of two float32 values is exact in a
        double, and a quotient rounded to double and then to float32 is the float32 quotient
        (53 >= 2 * 24 + 2 bits), so the logits are the ones llama.cpp's float arithmetic makes."""
        llama_cpp, ctx, penalty = self._llama_cpp, self._context, self._penalty
        # The candidates llama_decode picked, which the chain will read (the count is 0, and the
        # logits NULL, after a decode without a front chain): the window's tokens among them.
        picked = llama_cpp.llama_get_sampled_candidates_count_ith(ctx, -1) if self._in_graph else 0
        if picked:
            logits = llama_cpp.llama_get_sampled_logits_ith(ctx, -1)
            ids = llama_cpp.llama_get_sampled_candidates_ith(ctx, -1)
            ids = ctypes.cast(ids, ctypes.POINTER(ctypes.c_int32 * picked)).contents
            places = [i for i, token in enumerate(ids) if token in self._counts]
        else:  # the whole vocabulary's logits, where a token's id is its place
            logits = llama_cpp.llama_get_logits_ith(ctx, -1)
            places = self._counts
        for i in places:
            value = logits[i]
            logits[i] = value * penalty if value <= 0 else value / penalty

    def _remember(self, token: int) -> None:
        """The window of the last 64 tokens, as llama.cpp's penalties sampler keeps it."""
        if len(self._window) == self._window.maxlen:
            old = self._window[0]
            self._counts[old] -= 1
            if not self._counts[old]:
                del self._counts[old]
        self._window.append(token)
        self._counts[token] += 1

    def close(self) -> None:
        if self._chain is not None:
            self._llama_cpp.llama_sampler_free(self._chain)
            self._chain = None
