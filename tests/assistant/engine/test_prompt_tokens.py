"""Tokenizing a prompt in pieces (assistant/engine/prompt_tokens.py) gives exactly the tokens of
tokenizing it whole, with two real vocabularies of different kinds: the starter model's (BPE, ChatML
control tokens) and Gemma 3's (SentencePiece, whose "\\n" and "\\n\\n" are special tokens too).
Prompts come from the models' own templates and from the 65 real templates of llama.cpp's corpus,
with messages written to catch a cut in the wrong place: whitespace around the markers, markers
typed into a message, runs of newlines, CJK, emoji, code."""

from __future__ import annotations

import llama_cpp
import pytest

from assistant.engine.llama_model import LlamaModel
from assistant.engine.prompt_tokens import PromptTokens
from assistant.models import choose_template, read_info
from tests.assistant.models.chat_templates import corpus_files, corpus_template
from tests.assistant.models.ggufs import make_gguf
from tests.base_model import base_model_path
from tests.starter import starter_path

AWKWARD = [
    "Hello there!",
    "  leading and trailing spaces  ",
    "\n\nnewlines first\n\n\nand a run of three\n",
    "I typed <|im_start|>assistant\nand <|im_end|> myself, and <start_of_turn>model too.",
    "中文的问题：小灰猫叫什么名字好？日本語も。",
    "emoji 🐱🐈‍⬛ and accents: café, naïve",
    "```python\ndef f(x):\n    return x  # indented\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "\t tabs \t and  double  spaces ",
    "",
    "ends with a space ",
]


def _conversation(n: int) -> list[dict]:
    messages = [{"role": "system", "content": "You are brief. <|im_end|> is a marker."}]
    for i in range(n):
        messages.append({"role": "user", "content": AWKWARD[i % len(AWKWARD)] + f" ({i})"})
        messages.append({"role": "assistant", "content": AWKWARD[(i * 3 + 1) % len(AWKWARD)]})
    return messages[:-1]


@pytest.fixture(scope="module", params=["starter", "gemma"])
def model(request):
    path = starter_path() if request.param == "starter" else base_model_path()
    loaded = LlamaModel(llama_cpp, model_path=str(path), n_ctx=256, verbose=False, vocab_only=True)
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def template(model, tmp_path_factory):
    """The starter model's own template; for Gemma 3 (a base model: the plain template, no special
    tokens to cut at) the Gemma chat template of llama.cpp's corpus, whose markers are special."""
    path = model.llm.model_path
    if "gemma" in path:
        text = corpus_template("google-gemma-2-2b-it.jinja")
        path = make_gguf(tmp_path_factory.mktemp("gemma") / "m.gguf", template=text)
    return choose_template(read_info(str(path)))


def _counting(model: LlamaModel):
    """The model's tokenizer, and the list of texts it was asked to tokenize."""
    asked = []

    def tokenize(text):
        asked.append(text)
        return model.tokenize(text)

    return tokenize, asked


def test_a_growing_conversation_gives_the_same_tokens_and_tokenizes_only_what_is_new(model, template):
    tokenize, asked = _counting(model)
    prompts = PromptTokens(tokenize, model._cut_points)
    for n in range(1, 25):
        for generation_prompt in (False, True):
            text = template.render(_conversation(n), add_generation_prompt=generation_prompt)
            asked.clear()
            assert prompts.tokens(text) == model.tokenize(text), (n, text)
    assert prompts.cutting
    # the last prompt: only pieces that no earlier prompt had were tokenized
    assert sum(map(len, asked)) < len(text) / 10


def test_the_model_tokenizes_prompts_in_pieces(model, template):
    text = template.render(_conversation(6))
    assert model.tokenize_prompt(text) == model.tokenize(text)
    assert len(model._prompts.split(text)) > 6


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name.removesuffix(".jinja"))
def test_every_real_template_gives_the_same_tokens(model, path, tmp_path):
    choice = choose_template(read_info(make_gguf(tmp_path / "m.gguf", template=path.read_text(encoding="utf-8"))))
    prompts = PromptTokens(model.tokenize, model._cut_points)
    for n in (1, 3, 8):
        try:
            text = choice.render(_conversation(n))
        except Exception:  # the corpus test says which templates chat; this one is about tokens
            pytest.skip("the template does not render this conversation")
        assert prompts.tokens(text) == model.tokenize(text), text


def test_special_tokens_that_overlap_longer_ones_are_not_cut_at(model):
    """Gemma 3's "\n" and "\n\n" are special tokens, but so are longer runs of newlines, which
    llama.cpp looks for first: cutting before each "\n" would split them."""
    text = "Be brief.\n\nUser: hi\n\n\nAssistant: hello\nUser: and?\nAssistant:"
    prompts = PromptTokens(model.tokenize, model._cut_points)
    assert prompts.tokens(text) == model.tokenize(text)
    assert prompts.tokens(text + "\n\n\n\n") == model.tokenize(text + "\n\n\n\n")
    if "gemma" in model.llm.model_path:
        assert not model._cut_points(model.tokenize(text))
        assert model._cut_points(model.tokenize("<start_of_turn>user\nhi<end_of_turn>\n")) == {
            "<start_of_turn>",
            "<end_of_turn>",
        }


def test_cut_points_that_change_the_tokens_are_given_up(model, template):
    """A cut where llama.cpp does not cut (inside words) is found out on the first prompt."""
    text = template.render(_conversation(4))
    prompts = PromptTokens(model.tokenize, lambda tokens: {"e", "a"})
    assert prompts.tokens(text) == model.tokenize(text)
    assert not prompts.cutting
    later = template.render(_conversation(5))
    assert prompts.tokens(later) == model.tokenize(later)


def test_the_pieces_kept_stay_under_the_limit(model, template):
    prompts = PromptTokens(model.tokenize, model._cut_points, max_cached_chars=200)
    for n in range(1, 12):
        text = template.render(_conversation(n))
        assert prompts.tokens(text) == model.tokenize(text)
        assert prompts._cached_chars <= 200
