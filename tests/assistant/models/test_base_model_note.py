"""ModelInfo.base_model_note: saying, from a GGUF's metadata, that a model is a base model (pre-trained,
not tuned to chat), and the template choice that follows. Fast: small synthetic files only;
test_base_model.py chats with the real Gemma 3 270M base model."""

from __future__ import annotations

import pytest

from assistant.models import choose_template, read_info
from tests.assistant.models.ggufs import BASE_TOKENS, make_gguf

GEMMA_TOKENS = [*BASE_TOKENS, "<start_of_turn>", "<end_of_turn>"]
TEMPLATE = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"


def _info(tmp_path, file="model.gguf", *, name="Tiny Test", template=None, tokens=BASE_TOKENS, **strings):
    keys = {f"general.{k}": v for k, v in strings.items()}
    return read_info(make_gguf(tmp_path / file, name=name, template=template, tokens=tokens, strings=keys))


def test_the_starter_model_is_not_a_base_model(starter_file):
    info = read_info(starter_file)
    assert (info.finetune, info.basename, info.model_type) == ("8k-lc100k-mix1-ep2", "smollm2", "model")
    assert info.base_model_note is None


def test_the_test_fixtures_are_not_base_models(tmp_path):
    """What make_gguf writes by default (and what the other tests use) is not flagged."""
    assert _info(tmp_path).base_model_note is None
    assert _info(tmp_path, "t.gguf", template=TEMPLATE).base_model_note is None
    assert _info(tmp_path, "n.gguf", name=None).base_model_note is None


def test_a_recent_gguf_without_template_or_finetune_is_a_base_model(tmp_path):
    """Like the Gemma 3 270M base GGUF: general.basename and size_label, no finetune, no chat template."""
    info = _info(tmp_path, name="Gemma 3 270m", basename="gemma-3", size_label="270M", type="model")
    note = info.base_model_note
    assert note is not None and note.startswith("This looks like a base model (pre-trained, not instruction-tuned)")
    assert "no chat template" in note and "'Gemma 3 270m'" in note and "general.finetune" in note
    assert "-it, -Instruct or -Chat" in note
    assert "\n" not in note


@pytest.mark.parametrize(
    ("file", "name", "strings", "template", "says"),
    [
        ("gemma-3-1b-pt.Q4_K_M.gguf", "Gemma 3 1b Pt", {"basename": "gemma-3"}, None, "its name says 'pt'"),
        ("m.gguf", "Qwen2.5 7B Base", {}, TEMPLATE, "its name says 'base'"),
        ("m.gguf", "Llama 3.1 8B", {"basename": "Llama-3.1", "finetune": "pretrained"}, None, "'pretrained'"),
    ],
)
def test_a_name_that_says_base(tmp_path, file, name, strings, template, says):
    note = _info(tmp_path, file, name=name, template=template, **strings).base_model_note
    assert note is not None and says in note
    assert ("no chat template" in note) == (template is None)


@pytest.mark.parametrize(
    ("file", "name", "strings", "template"),
    [
        # tuned, by its metadata or its names
        ("m.gguf", "Gemma 3 270m It", {"basename": "gemma-3", "finetune": "it"}, None),
        ("m.gguf", "Qwen2.5 0.5B Instruct", {"basename": "Qwen2.5", "finetune": "Instruct"}, TEMPLATE),
        ("m.gguf", "Some Model", {"basename": "some-model", "finetune": "sft-v2"}, None),
        ("llama-2-7b-chat.Q4_K_M.gguf", "LLaMA v2", {}, None),  # 2023 files: no template, no basename
        ("mistral-7b-instruct-v0.1.Q4_K_M.gguf", "mistralai_mistral-7b-instruct-v0.1", {}, None),
        ("m.gguf", "OpenHermes 2.5 Mistral 7B", {"basename": "OpenHermes-2.5-Mistral"}, None),
        ("m.gguf", "Llama 3.2 3B Instruct Base Merge", {"basename": "Llama-3.2"}, None),  # tuned wins
        # in doubt: an older file (no general.basename) with no template says nothing either way
        ("mythomax-l2-13b.Q4_K_M.gguf", "LLaMA v2", {}, None),
        # a recent file with a chat template and nothing that says base
        ("m.gguf", "Qwen2.5 0.5B", {"basename": "Qwen2.5"}, TEMPLATE),
        # not a model to chat with at all
        ("m.gguf", "Some LoRA", {"basename": "some", "type": "adapter"}, None),
    ],
)
def test_not_flagged(tmp_path, file, name, strings, template):
    assert _info(tmp_path, file, name=name, template=template, **strings).base_model_note is None


def test_a_base_model_without_template_gets_the_plain_transcript(tmp_path):
    """Not the Gemma template its vocabulary suggests: a base model does not write <start_of_turn>,
    and the reply never ended (measured with the real Gemma 3 270M base: test_base_model.py)."""
    info = _info(tmp_path, name="Gemma 3 270m", tokens=GEMMA_TOKENS, basename="gemma-3")
    assert info.base_model_note
    choice = choose_template(info)
    assert (choice.name, choice.source) == ("plain", "guessed")
    assert choice.stop[:2] == ["\nUser:", "\nAssistant:"]
    assert "looks like a base model" in choice.reason and "next turn" in choice.reason
    # a chat model with the same vocabulary still gets Gemma's template
    tuned = _info(tmp_path, "it.gguf", name="Gemma 3 270m It", tokens=GEMMA_TOKENS, basename="gemma-3", finetune="it")
    assert choose_template(tuned).name == "gemma"


def test_a_base_model_with_its_own_template_keeps_it(tmp_path):
    info = _info(tmp_path, name="Qwen2.5 7B Base", template=TEMPLATE)
    assert info.base_model_note
    assert choose_template(info).name == "embedded"
    assert choose_template(info, "chatml").name == "chatml"  # and a choice of yours wins
