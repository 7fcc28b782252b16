"""Bothy's token loop (LlamaModel.generate: llama.cpp's sampler chain, the repetition penalty on the
window's logits, each token decoded while the caller handles it) against llama-cpp-python's own
`Llama.generate`, on the real starter model: the same settings and seed give the same tokens, and
the token cache says what the KV cache holds."""

import time

import llama_cpp
import numpy as np
import pytest

from assistant.engine import llama_model
from assistant.engine.llama_model import LlamaModel
from assistant.engine.sampler import PENALTY_WINDOW, GraphFront, Sampler
from assistant.engine.types import GenerationSettings
from tests.starter import starter_path

N = 80  # more than the penalty window, so tokens leave it


@pytest.fixture(scope="module")
def model():
    loaded = LlamaModel(llama_cpp, model_path=str(starter_path()), n_ctx=1024, verbose=False)
    yield loaded
    loaded.close()


def _prompt(model: LlamaModel, text: str) -> list[int]:
    return [model.token_bos()] + model.tokenize(f"<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n")


def _theirs(model: LlamaModel, tokens: list[int], s: GenerationSettings, n: int = N) -> list[int]:
    llm = model.llm
    llm.reset()
    llm.set_seed(s.seed)
    out = []
    options = dict(top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, temp=s.temperature, repeat_penalty=s.repeat_penalty)
    for token in llm.generate(tokens, **options):
        out.append(token)
        if len(out) == n or model.is_end_of_generation(token):
            break
    return out


def _ours(model: LlamaModel, tokens: list[int], s: GenerationSettings, n: int = N) -> list[int]:
    model.forget_cache()
    out = []
    for token in model.generate(tokens, s, limit=n):
        out.append(token)
    return out


# the app's defaults, twice; no penalty and wide open; a strong penalty; greedy, penalised
SETTINGS = [
    GenerationSettings(temperature=0.7, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1, seed=1),
    GenerationSettings(temperature=0.7, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1, seed=2),
    GenerationSettings(temperature=1.3, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=3),
    GenerationSettings(temperature=0.9, top_k=20, top_p=0.8, min_p=0.1, repeat_penalty=1.8, seed=4),
    GenerationSettings(temperature=0.0, repeat_penalty=1.3, seed=5),
]


@pytest.mark.parametrize("sampling", SETTINGS, ids=lambda s: f"temp{s.temperature}-pen{s.repeat_penalty}-seed{s.seed}")
def test_the_same_settings_and_seed_give_llama_cpp_pythons_tokens(model, sampling):
    tokens = _prompt(model, "Write a long poem about the sea, the wind and the old harbour.")
    theirs = _theirs(model, tokens, sampling)
    ours = _ours(model, tokens, sampling)
    assert len(theirs) > PENALTY_WINDOW or model.is_end_of_generation(theirs[-1])
    assert ours == theirs


@pytest.mark.parametrize("sampling", SETTINGS, ids=lambda s: f"temp{s.temperature}-pen{s.repeat_penalty}-seed{s.seed}")
def test_sampling_in_the_graph_gives_the_same_tokens(model, sampling, monkeypatch):
    """With llama_decode picking the top_k + 64 candidates (BOTHY_SAMPLE_IN_GRAPH=1), the penalty
    lands on those and the chain runs over them: the tokens are llama-cpp-python's still."""
    tokens = _prompt(model, "Write a long poem about the sea, the wind and the old harbour.")
    theirs = _theirs(model, tokens, sampling)
    monkeypatch.setattr(model, "sample_in_graph", True)
    try:
        ours = _ours(model, tokens, sampling)
    finally:
        _sample_on_the_cpu(model)
    assert ours == theirs


def _sample_on_the_cpu(model: LlamaModel) -> None:
    """Drop the model's front chain: llama-cpp-python's own generate() reads the whole vocabulary's
    logits, which llama_decode does not fill in while one is attached."""
    model.sample_in_graph = False
    model._graph_front(GenerationSettings())


def test_in_the_graph_llama_decode_hands_back_only_the_candidates(model):
    """While the front chain is attached, every decode (the prompt's too) leaves top_k + 64
    candidate logits, not the whole vocabulary, and the sampler reads those; the chain stays for
    settings with the same k, is replaced for another k, and dropped for settings that keep every
    token (no top-k), after which decodes leave the whole vocabulary's logits again."""
    _sample_on_the_cpu(model)
    ctx = model.llm._ctx.ctx
    front = GraphFront(llama_cpp, ctx)
    s = GenerationSettings(temperature=0.7, top_k=40, repeat_penalty=1.1, seed=23)
    tokens = _prompt(model, "Name three rivers.")
    try:
        assert front.want(s) and front.k == 40 + PENALTY_WINDOW
        model.forget_cache()
        model.llm.eval(tokens)
        assert llama_cpp.llama_get_sampled_candidates_count_ith(ctx, -1) == 40 + PENALTY_WINDOW
        sampler = Sampler(llama_cpp, ctx, s, in_graph=True)
        token = sampler.sample()
        model.llm.eval([token])
        assert 0 <= sampler.sample() < model.llm.n_vocab()
        sampler.close()
        assert front.want(GenerationSettings(temperature=0.9, top_k=40, seed=2)) and front.k == 40 + PENALTY_WINDOW
        assert front.want(GenerationSettings(temperature=0.0)) and front.k == 1 + PENALTY_WINDOW
        model.llm.eval([token])
        assert llama_cpp.llama_get_sampled_candidates_count_ith(ctx, -1) == 1 + PENALTY_WINDOW
        assert not front.want(GenerationSettings(temperature=1.0, top_k=0, seed=1))
        model.llm.eval([token])
        assert llama_cpp.llama_get_sampled_candidates_count_ith(ctx, -1) == 0
    finally:
        front.drop()


def test_a_strong_penalty_changes_the_reply(model):
    """The penalty is really applied: without it, greedy decoding repeats itself."""
    tokens = _prompt(model, "Write a long poem about the sea, the wind and the old harbour.")
    plain = _ours(model, tokens, GenerationSettings(temperature=0.0, repeat_penalty=1.0))
    penalised = _ours(model, tokens, GenerationSettings(temperature=0.0, repeat_penalty=2.0))
    assert plain != penalised
    assert len(set(penalised)) > len(set(plain))


def test_the_token_cache_holds_what_was_decoded(model):
    """Stopping early keeps the token the caller stopped at (it was decoded meanwhile) and those the
    loop went on to decode before it stopped (the same reply, further on); the last token of a limit
    is not decoded. Either way the next prompt reuses the cache and samples as a fresh context would."""
    tokens = _prompt(model, "Name three rivers.")
    s = GenerationSettings(temperature=0.7, repeat_penalty=1.1, seed=7)
    whole = _ours(model, tokens, s, 30)
    model.forget_cache()
    reply = []
    generator = model.generate(tokens, s, limit=30)
    for token in generator:
        reply.append(token)
        if len(reply) == 5:
            break
    generator.close()
    cached = model.cached_tokens()
    assert cached[: len(tokens) + 5] == tokens + reply
    assert cached[len(tokens) :] == whole[: len(cached) - len(tokens)]

    model.forget_cache()
    limited = list(model.generate(tokens, s, limit=6))
    assert len(limited) == 6 and not any(model.is_end_of_generation(t) for t in limited)
    assert model.cached_tokens() == tokens + limited[:-1]

    rest = model.tokenize("<|im_end|>\n<|im_start|>user\nAnd two more.<|im_end|>\n<|im_start|>assistant\n")
    follow = tokens + limited + rest
    assert model.read_ahead(follow) == len(rest) + 1
    after_cache = _last_logits(model)
    # llama-cpp-python's own eval, in batches of the same sizes (other sizes round otherwise).
    model.forget_cache()
    for batch in [tokens, *([t] for t in limited[:-1]), limited[-1:] + rest]:
        model.llm.eval(batch)
    assert np.array_equal(after_cache, _last_logits(model))


def _last_logits(model: LlamaModel) -> np.ndarray:
    llm = model.llm
    return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)).copy()


def test_a_token_that_may_end_the_reply_waits_to_be_decoded(model):
    """A token the caller may stop at (it could complete a stop string) is decoded only when the
    caller reads on, so a reply that ends there leaves it out of the cache, and waits for nothing."""
    tokens = _prompt(model, "Name three rivers.")
    s = GenerationSettings(temperature=0.7, repeat_penalty=1.1, seed=11)
    plain = _ours(model, tokens, s, 12)
    target = plain[3]
    model.forget_cache()
    reply = []
    generator = model.generate(tokens, s, limit=12, may_end=lambda token: token == target)
    for token in generator:
        reply.append(token)
        if token == target:
            break
    generator.close()
    assert reply == plain[: len(reply)]
    assert model.cached_tokens() == tokens + reply[:-1]


def test_tokens_reach_the_caller_in_batches_the_first_at_once(model, monkeypatch):
    """With a handoff interval longer than the reply, the first tokens come one by one (before the
    rest are decoded) and the others together at the end; the tokens are the same either way."""
    tokens = _prompt(model, "Write a long poem about the sea.")
    s = GenerationSettings(temperature=0.7, repeat_penalty=1.1, seed=13)
    at_once = _ours(model, tokens, s, 20)
    monkeypatch.setattr(llama_model, "HANDOFF_INTERVAL", 3600.0)
    model.forget_cache()
    decoded_at_read = []
    reply = []
    for token in model.generate(tokens, s, limit=20):
        reply.append(token)
        decoded_at_read.append(model.llm.n_tokens - len(tokens))
    assert reply == at_once
    assert len(reply) == 20
    eager = llama_model.EAGER_TOKENS
    assert decoded_at_read[0] < 19  # the first token was handed over before the others were decoded
    assert decoded_at_read[eager:] == [19] * (20 - eager)  # the rest came after the last decode


def test_a_stop_ends_the_loop_before_the_next_decode(model):
    """`should_stop` is asked before each decode: once it says stop, the caller gets the tokens
    sampled so far and nothing more is decoded."""
    tokens = _prompt(model, "Write a long poem about the sea.")
    s = GenerationSettings(temperature=0.7, repeat_penalty=1.1, seed=17)
    whole = _ours(model, tokens, s, 30)
    asked = []

    def should_stop() -> bool:
        asked.append(True)
        return len(asked) > 4  # four decodes, then stop

    model.forget_cache()
    reply = list(model.generate(tokens, s, limit=30, should_stop=should_stop))
    assert reply == whole[:5]
    assert model.cached_tokens() == tokens + whole[:4]
    assert model.last_decode_seconds > 0


def test_the_time_in_llama_decode_is_counted_within_the_reply(model):
    """last_decode_seconds counts the decodes after the first token, which lie within the time
    from the first token to the last (what the benchmark compares it with)."""
    tokens = _prompt(model, "Write a long poem about the sea.")
    s = GenerationSettings(temperature=0.7, repeat_penalty=1.1, seed=19)
    model.forget_cache()
    first, n = None, 0
    for _ in model.generate(tokens, s, limit=40):
        n += 1
        if first is None:
            first = time.perf_counter()
    elapsed = time.perf_counter() - first
    assert n == 40
    assert 0 < model.last_decode_seconds <= elapsed
