"""Which thinking markers real chat templates use, and whether their generation prompt opens a block."""

import pytest

from assistant.engine import thinking_markers
from assistant.engine.thinking_markers import (
    APRIEL,
    GEMMA4,
    HARMONY,
    MISTRAL,
    SEED,
    THINK,
    for_prompt,
    markers_in_template,
    prompt_opens,
)
from assistant.models.template_render import render
from tests.assistant.models.chat_templates import corpus_template

HELLO = [{"role": "user", "content": "Hello"}]


@pytest.mark.parametrize(
    ("name", "markers", "opened"),
    [
        ("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", THINK, THINK),  # ends "<｜Assistant｜><think>\n"
        ("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", THINK, None),  # the older one: the model writes <think>
        ("llama-cpp-deepseek-r1.jinja", THINK, THINK),
        ("Qwen-QwQ-32B.jinja", THINK, THINK),  # "<|im_start|>assistant\n<think>\n" (enable_thinking is on)
        ("NVIDIA-Nemotron-Nano-v2.jinja", THINK, THINK),
        ("MiniMax-M2.jinja", THINK, THINK),
        ("Kimi-K2-Thinking.jinja", THINK, None),
        ("HuggingFaceTB-SmolLM3-3B.jinja", THINK, None),
        ("mistralai-Ministral-3-14B-Reasoning-2512.jinja", MISTRAL, None),
        ("openai-gpt-oss-120b.jinja", HARMONY, None),
        ("ByteDance-Seed-OSS.jinja", SEED, None),
        ("google-gemma-4-31B-it.jinja", GEMMA4, None),
        ("Apriel-1.6-15b-Thinker-fixed.jinja", APRIEL, APRIEL),  # "Here are my reasoning steps:\n"
    ],
)
def test_real_templates(name, markers, opened):
    template = corpus_template(name)
    assert markers in markers_in_template(template)
    prompt = render(template, HELLO, bos_token="<s>", eos_token="</s>")
    assert prompt_opens(prompt, markers_in_template(template)) == opened


@pytest.mark.parametrize(
    "name",
    ["meta-llama-Llama-3.2-3B-Instruct.jinja", "google-gemma-2-2b-it.jinja", "microsoft-Phi-3.5-mini-instruct.jinja"],
)
def test_templates_of_models_that_do_not_think_use_no_markers(name):
    assert markers_in_template(corpus_template(name)) == ()


def test_a_prompt_that_closed_its_thinking_does_not_open_one():
    assert prompt_opens("<|im_start|>assistant\n<think>\n\n</think>\n", [THINK]) is None
    assert prompt_opens("<|im_start|>assistant\n<think>\n", [THINK]) is THINK


class _Model:
    """Tokens of a tiny vocabulary: "<think>" is an ordinary token, "[THINK]" a control token that
    llama.cpp leaves out of the text unless asked for special tokens."""

    vocab = {1: b"<think>", 2: b"</think>", 3: b"[THINK]", 4: b"[/THINK]", 5: b"x"}
    control = {3, 4}

    def tokenize(self, text: str) -> list[int]:
        ids = {v.decode(): k for k, v in self.vocab.items()}
        return [ids[text]] if text in ids else [5] * len(text)

    def token_bytes(self, token: int) -> bytes:
        return b"" if token in self.control else self.vocab[token]

    def special_bytes(self, tokens: list[int]) -> bytes:
        return b"".join(self.vocab[t] for t in tokens)


def test_for_prompt_reads_the_prompt_end_and_shows_control_marker_tokens():
    setup = for_prompt(_Model(), "{{ '<think>' }} [THINK] [/THINK]", [5, 5, 1])
    assert setup.markers == (THINK, MISTRAL) and setup.opened is THINK
    assert setup.token_text == {3: b"[THINK]", 4: b"[/THINK]"}
    assert for_prompt(_Model(), "{{ messages }}", [1]) == thinking_markers.ReplyThinking()
