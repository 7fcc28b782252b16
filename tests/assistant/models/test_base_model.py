"""A real base model (Gemma 3 270M, pre-trained, not instruction-tuned, no chat template) through the
real engine: Bothy says what it is, and a reply stops where the model starts writing the next turn.

Measured on this model, 10 questions x 3 seeds, max_tokens 200, the engine's default sampling: with the
Gemma template its vocabulary suggests (what Bothy chose before), 28 of 30 replies ran to the length
limit, echoing the system prompt (19) and inventing more questions; with the plain transcript and its
stop strings, 29 of 30 stopped, after 14 tokens (median). The model wrote "User:" (most often) or "You:"
to start the next turn, which is what the stop strings catch.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.engine import ChatRequest, GenerationSettings, LoadSettings, LocalEngine, ModelRef
from assistant.models import choose_template, read_info
from tests.base_model import base_model_path

SYSTEM_PROMPT = "You are Bothy, a helpful assistant running privately on this computer."
MAX_TOKENS = 200
TURN_LABEL = re.compile(r"(^|\n)\s*(User|Assistant|You)\s*:")


@pytest.fixture(scope="module")
def base_model() -> Path:
    return base_model_path()


def ask(path: Path, question: str, seeds: list[int]):
    """Load `path` in the real engine and ask `question` once per seed, each in a new conversation.

    Returns (the LoadedModel, each reply's (text, finish_reason, reply_tokens)). All engine calls are here.
    """
    engine = LocalEngine()
    try:
        loaded = engine.load(ModelRef.local(path), LoadSettings(n_ctx=1024, n_threads=1))
        replies = []
        for seed in seeds:
            request = ChatRequest.of(
                [{"role": "user", "content": question}],
                GenerationSettings(max_tokens=MAX_TOKENS, seed=seed),
                system_prompt=SYSTEM_PROMPT,
            )
            reply = engine.chat(request).consume()
            replies.append((reply.text, reply.stats.finish_reason, reply.stats.reply_tokens))
        return loaded, replies
    finally:
        engine.close()


def test_its_metadata_says_it_is_a_base_model(base_model):
    info = read_info(base_model)
    assert (info.name, info.basename, info.finetune, info.has_chat_template) == ("Gemma 3 270m", "gemma-3", None, False)
    assert info.base_model_note is not None
    assert info.base_model_note.startswith("This looks like a base model (pre-trained, not instruction-tuned)")
    choice = choose_template(info)
    assert choice.name == "plain"
    assert {"\nUser:", "\nAssistant:", "\nYou:"} <= set(choice.stop)


def test_a_reply_stops_before_the_model_writes_the_next_turn(base_model):
    loaded, replies = ask(base_model, "What is the capital of France?", seeds=[1, 2, 3])
    for text, finish, tokens in replies:
        assert (finish, tokens < MAX_TOKENS) == ("stop", True), (text, finish, tokens)
        assert not TURN_LABEL.search(text), text  # no invented turn
        questions = [line for line in text.splitlines() if line.strip().endswith("?")]
        assert len(questions) <= 1, text  # no string of invented questions
    # said when it is loaded, with the reason for the template
    assert loaded.base_model_note and loaded.base_model_note.startswith("This looks like a base model")
    assert loaded.template_name == "plain" and "looks like a base model" in loaded.template_reason


def test_models_info_says_it_is_a_base_model(base_model, capsys):
    import json

    from assistant.cli import main

    assert main(["models", "info", str(base_model), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert "base model" in info["base_model_note"] and info["chat_template"] is False
    assert main(["models", "info", str(base_model)]) == 0
    assert "base model" in capsys.readouterr().out
