"""Chatting through the real engine with the chat templates of several model families.

Each family gets a copy of the starter model whose `tokenizer.chat_template` is that family's real
template (from ../shared/chat-templates). The starter model replies gibberish to a foreign template:
the test checks that every turn completes without a template error (several turns with a system
prompt, also after a reply that came back empty, which leaves two user turns in a row), not what the
model says. test_template_corpus.py renders all 65 templates without a model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engine import ChatRequest, GenerationSettings, LoadSettings, LocalEngine, ModelRef
from tests.assistant.models.chat_templates import corpus_template
from tests.assistant.models.ggufs import copy_with_strings
from tests.starter import starter_path

FAMILIES = {
    "gemma-2": "google-gemma-2-2b-it.jinja",  # refuses the system role
    "mistral-nemo": "mistralai-Mistral-Nemo-Instruct-2407.jinja",  # strict user/assistant alternation
    "mistral-small-3.2": "Mistral-Small-3.2-24B-Instruct-2506.jinja",  # strict, with [SYSTEM_PROMPT]
    "llama-3.2": "meta-llama-Llama-3.2-3B-Instruct.jinja",  # reads date_string, strftime_now, tools
    "firefunction-v2": "fireworks-ai-llama-3-firefunction-v2.jinja",  # needs `functions` and `datetime`
    "deepseek-r1-distill": "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja",
    "phi-3.5": "microsoft-Phi-3.5-mini-instruct.jinja",
    "gpt-oss": "openai-gpt-oss-120b.jinja",  # reads reasoning_effort, model_identity, builtin_tools...
}
SYSTEM_PROMPT = "You are Bothy, a helpful assistant running privately on this computer."
# (the user's message, whether its reply stays in the history): a reply left out is what the app does
# after an empty or failed reply, so the next request has two user turns in a row.
SCRIPT = [("Hello!", True), ("What is 2+2?", False), ("Sorry, what is 2+2?", True), ("And 3+3?", True)]


def chat_script(path: Path, system_prompt: str, script: list[tuple[str, bool]]):
    """Load `path` in the real engine and send the script's messages in turn.

    Returns (the LoadedModel, each reply's (text, finish_reason)). All engine calls are here.
    """
    engine = LocalEngine()
    try:
        loaded = engine.load(ModelRef.local(path), LoadSettings(n_ctx=1024, n_threads=1))
        history: list[dict] = []
        replies = []
        for text, keep in script:
            history.append({"role": "user", "content": text})
            request = ChatRequest.of(history, GenerationSettings(max_tokens=8, seed=1), system_prompt=system_prompt)
            reply = engine.chat(request).consume()
            replies.append((reply.text, reply.stats.finish_reason))
            if keep and reply.text.strip():  # the session leaves empty replies out of the history
                history.append({"role": "assistant", "content": reply.text})
        return loaded, replies
    finally:
        engine.close()


@pytest.fixture(scope="session")
def family_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("template-families")


@pytest.mark.parametrize("family", FAMILIES)
def test_a_model_with_this_familys_template_chats_many_turns(family_dir, family):
    template = corpus_template(FAMILIES[family])
    # (general.name stays SmolLM2's: llama.cpp treats a model named "phi-3..." specially, and needs
    # Phi-3's tokens for it)
    path = copy_with_strings(starter_path(), family_dir / f"{family}.gguf", {"tokenizer.chat_template": template})
    loaded, replies = chat_script(path, SYSTEM_PROMPT, SCRIPT)
    # the family's own template is used (no fallback to a guess), and every turn completed
    assert (loaded.template_name, loaded.template_source) == ("embedded", "embedded"), loaded.template_reason
    assert len(replies) == len(SCRIPT)
    assert all(finish in ("stop", "length") for _, finish in replies), replies
    if family == "gemma-2":
        assert "takes no system message" in loaded.template_reason
