import re

import pytest

from assistant.errors import ModelError
from assistant.models import KNOWN_TEMPLATES, choose_template, read_info, render
from assistant.models.template_turns import normalize_turns
from tests.assistant.models.ggufs import BASE_TOKENS, make_gguf

CONVERSATION = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello!"},
    {"role": "user", "content": "What is 2+2?"},
]


def _info(tmp_path, name="m.gguf", **kwargs):
    return read_info(make_gguf(tmp_path / name, **kwargs))


# -- the starter model -------------------------------------------------------------------------------


def test_starter_model_uses_its_embedded_chatml(starter_file):
    choice = choose_template(read_info(starter_file))
    assert (choice.name, choice.source) == ("embedded", "embedded")
    assert choice.reason == "Using the chat template stored in the model file."
    assert "<|im_end|>" in choice.stop
    assert choice.render(CONVERSATION) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello!<|im_end|>\n"
        "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    # SmolLM2's template adds its own system prompt when there is none
    assert choice.render([{"role": "user", "content": "Hi"}], add_generation_prompt=False) == (
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n"
    )


# -- choosing ------------------------------------------------------------------------------------


def test_embedded_template_wins(tmp_path):
    info = _info(
        tmp_path,
        tokens=[*BASE_TOKENS, "<|im_start|>"],
        template="{{ bos_token }}{{ messages[0]['content'] }}",
    )
    choice = choose_template(info)
    assert (choice.name, choice.source) == ("embedded", "embedded")
    assert choice.template == info.chat_template
    assert choice.render([{"role": "user", "content": "x"}]) == "<s>x"
    assert "</s>" in choice.stop


@pytest.mark.parametrize(
    ("arch", "extra_tokens", "expected", "because"),
    [
        ("llama", ["<|im_start|>", "<|im_end|>"], "chatml", "the vocabulary has <|im_start|>"),
        ("llama", ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"], "llama3", "<|eot_id|>"),
        ("gemma2", ["<start_of_turn>", "<end_of_turn>"], "gemma", "<start_of_turn>"),
        ("phi3", ["<|user|>", "<|assistant|>", "<|end|>"], "phi3", "<|user|> and <|end|>"),
        ("llama", ["<|user|>", "<|assistant|>"], "zephyr", "<|user|> and <|assistant|>"),
        ("llama", ["[INST]", "[/INST]"], "mistral", "[INST]"),
        ("deepseek2", ["<｜User｜>", "<｜Assistant｜>"], "deepseek", "<｜User｜>"),
        ("qwen2", [], "chatml", "architecture is qwen2"),
        ("qwen3", [], "chatml", "architecture is qwen3"),
        ("gemma3", [], "gemma", "architecture is gemma3"),
    ],
)
def test_guessed_templates(tmp_path, arch, extra_tokens, expected, because):
    info = _info(tmp_path, arch=arch, tokens=[*BASE_TOKENS, *extra_tokens], control=["<s>", "</s>", *extra_tokens])
    choice = choose_template(info)
    assert choice.source == "guessed"
    assert choice.name == expected
    assert choice.reason.startswith("No chat template in the file; using ")
    assert because in choice.reason
    assert set(KNOWN_TEMPLATES[expected].stop) <= set(choice.stop)
    assert "What is 2+2?" in choice.render(CONVERSATION)


def test_marker_tokens_count_even_without_control_type(tmp_path):
    info = _info(tmp_path, tokens=[*BASE_TOKENS, "<|im_start|>"], control=[])
    assert choose_template(info).name == "chatml"


def test_chatml_reason_sentence(tmp_path):
    info = _info(tmp_path, tokens=[*BASE_TOKENS, "<|im_start|>"])
    assert (
        choose_template(info).reason
        == "No chat template in the file; using ChatML because the vocabulary has <|im_start|>."
    )


def test_plain_fallback(tmp_path):
    info = _info(tmp_path, arch="mystery")
    choice = choose_template(info)
    assert (choice.name, choice.source) == ("plain", "guessed")
    assert choice.stop[0] == "\nUser:"
    assert "plain" in choice.reason and "No chat template in the file" in choice.reason
    assert choice.render(CONVERSATION) == "Be brief.\n\nUser: Hi\nAssistant: Hello!\nUser: What is 2+2?\nAssistant:"


def test_broken_embedded_template_falls_back_to_a_guess(tmp_path):
    info = _info(tmp_path, tokens=[*BASE_TOKENS, "<|im_start|>"], template="{% for m in messages %}{{ m.content ")
    choice = choose_template(info)
    assert (choice.name, choice.source) == ("chatml", "guessed")
    assert choice.reason.startswith("The chat template in the file does not work (The chat template has a syntax error")
    assert choice.reason.endswith("using ChatML because the vocabulary has <|im_start|>.")


def test_embedded_template_that_raises_falls_back(tmp_path):
    info = _info(tmp_path, arch="qwen2", template="{{ raise_exception('nope') }}")
    choice = choose_template(info)
    assert choice.name == "chatml"
    assert "refused the conversation: nope" in choice.reason


def test_user_override(tmp_path):
    info = _info(tmp_path, tokens=[*BASE_TOKENS, "<|im_start|>"], template="{{ 'x' }}")
    choice = choose_template(info, "Llama3")
    assert (choice.name, choice.source) == ("llama3", "user")
    assert choice.reason == "Using the Llama 3 template, as you chose."
    assert choice.render([{"role": "user", "content": "Hi"}]) == (
        "<s><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    assert choose_template(info, "embedded").template == "{{ 'x' }}"
    assert choose_template(info, "auto").source == "embedded"
    assert choose_template(info, None).source == "embedded"


@pytest.mark.parametrize("name", sorted(KNOWN_TEMPLATES))
def test_every_known_template_can_be_chosen_and_renders(tmp_path, name):
    choice = choose_template(_info(tmp_path), name)
    assert choice.name == name and choice.source == "user" and choice.stop
    text = choice.render(CONVERSATION)
    for message in CONVERSATION:
        assert message["content"] in text
    assert choice.render([{"role": "user", "content": "Hi"}])


def test_unknown_override(tmp_path):
    with pytest.raises(ModelError, match="no chat template called 'nonsense'") as caught:
        choose_template(_info(tmp_path), "nonsense")
    assert "chatml" in caught.value.hint


def test_embedded_override_without_a_template(tmp_path):
    with pytest.raises(ModelError, match="no chat template of its own"):
        choose_template(_info(tmp_path), "embedded")


# -- rendering -----------------------------------------------------------------------------------


def test_render_like_transformers():
    template = (
        "{% for m in messages %}{% if m.role == 'user' %}{{ m.content | tojson }}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}>{% endif %}{{ strftime_now('%Y') | length }}"
        "{% for i in range(5) %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}"
        "{% generation %}[gen]{% endgeneration %}{{ tools is defined }}"
    )
    out = render(template, [{"role": "user", "content": "<b>é</b>"}], bos_token="<s>", eos_token="</s>")
    assert out == '"<b>é</b>">401[gen]False'
    out = render("{{ tools | length }}", [], bos_token=None, eos_token=None, tools=[1, 2])
    assert out == "2"


def test_trim_and_lstrip_blocks():
    template = "{% for m in messages %}\n    {{ m.content }}\n{% endfor %}"
    assert render(template, [{"role": "user", "content": "a"}], bos_token="", eos_token="") == "    a\n"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
        ("{{ ''.__class__ }}", "unsafe"),
        ("{{ cycler.__init__.__globals__ }}", "unsafe"),
        ("{{ messages.__class__ }}", "unsafe"),
        ("{{ raise_exception.__globals__ }}", "unsafe"),
        ("{% set x = messages.append(1) %}", "unsafe"),
        ("{{ 'x' * 100000000 }}", "unsafe"),
        ("{{ 9 ** 99999999 }}", "unsafe"),
        ("{{ '{0.__class__}'.format(1) }}", "unsafe"),
        ("{% for %}", "syntax error on line 1"),
        (
            "{{ raise_exception('System role not supported') }}",
            "refused the conversation: System role not supported",
        ),
        ("{{ 1 + 'a' }}", "failed"),
        ("{{ 1 / 0 }}", "failed: ZeroDivisionError"),
        ("{{ messages[5]['content'] }}", "failed"),
    ],
)
def test_bad_templates_raise_model_error(template, expected):
    with pytest.raises(ModelError) as caught:
        render(template, [{"role": "user", "content": "Hi"}], bos_token="", eos_token="")
    assert expected in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.message.startswith("The chat template")


# -- fitting the conversation to strict templates (normalize_turns, inside TemplateChoice.render) ------

S = {"role": "system", "content": "Be brief."}
U1, U2, U3 = ({"role": "user", "content": t} for t in ("One?", "Two?", "Three?"))
A1, A2 = ({"role": "assistant", "content": t} for t in ("Yes.", "No."))
EMPTY = {"role": "assistant", "content": "  "}


@pytest.mark.parametrize(
    ("messages", "fold", "expected"),
    [
        ([S, U1, A1, U2], False, [S, U1, A1, U2]),  # already fine: unchanged
        ([S, U1, U2], False, [S, {"role": "user", "content": "One?\n\nTwo?"}]),
        (
            [S, U1, EMPTY, U2, A1, A2, U3],
            False,
            [S, {**U1, "content": "One?\n\nTwo?"}, {**A1, "content": "Yes.\n\nNo."}, U3],
        ),
        ([A1, U1, A2, U2], False, [U1, A2, U2]),  # a reply without its question
        ([S, A1, U1], False, [S, U1]),
        ([S, U1, A1, U2], True, [{"role": "user", "content": "Be brief.\n\nOne?"}, A1, U2]),
        ([S, U1, U2], True, [{"role": "user", "content": "Be brief.\n\nOne?\n\nTwo?"}]),
        ([S], True, [{"role": "user", "content": "Be brief."}]),  # nothing to fold into: it becomes the user turn
        ([S], False, [S]),
        ([], True, []),
    ],
)
def test_normalize_turns(messages, fold, expected):
    before = [dict(m) for m in messages]
    assert normalize_turns(messages, fold_system=fold) == expected
    assert messages == before  # the caller's list and dicts are not changed


def _strict(tmp_path, template, name="strict.gguf"):
    return choose_template(_info(tmp_path, name, arch="qwen2", template=template))


STRICT_ALTERNATION = (
    "{% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "<{{ m['role'] }}>{{ m['content'] }}{% endfor %}"
)
NO_SYSTEM = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"


def test_a_template_that_refuses_the_system_role_gets_it_folded(tmp_path):
    choice = _strict(tmp_path, NO_SYSTEM + STRICT_ALTERNATION)
    assert (choice.name, choice.source, choice.fold_system) == ("embedded", "embedded", True)
    assert choice.reason == (
        "Using the chat template stored in the model file; it takes no system message, "
        "so the system prompt opens the first user message."
    )
    # after an empty reply: two user turns in a row, which the template alone refuses
    assert choice.render([S, U1, EMPTY, U2]) == "<user>Be brief.\n\nOne?\n\nTwo?"
    assert choice.render([S, U1, A1, U2]) == "<user>Be brief.\n\nOne?<assistant>Yes.<user>Two?"


def test_a_template_that_ignores_the_system_message_gets_it_folded(tmp_path):
    ignores = "{% for m in messages %}{% if m['role'] != 'system' %}[{{ m['content'] }}]{% endif %}{% endfor %}"
    choice = _strict(tmp_path, ignores)
    assert choice.fold_system
    assert choice.render([S, U1]) == "[Be brief.\n\nOne?]"


def test_a_template_that_takes_the_system_role_keeps_it(tmp_path):
    choice = _strict(tmp_path, STRICT_ALTERNATION.replace("loop.index0 % 2 == 0", "loop.index0 % 2 == 1"))
    assert not choice.fold_system
    assert choice.reason == "Using the chat template stored in the model file."
    assert choice.render([S, U1, U2]) == "<system>Be brief.<user>One?\n\nTwo?"


def test_a_template_that_refuses_every_conversation_falls_back_with_its_reason(tmp_path):
    choice = _strict(tmp_path, "{{ raise_exception('Only tools here') }}")
    assert (choice.name, choice.source) == ("chatml", "guessed")
    assert choice.reason.startswith("The chat template in the file does not work (The chat template refused ")
    assert "Only tools here" in choice.reason


def test_the_embedded_override_also_folds(tmp_path):
    choice = choose_template(_info(tmp_path, template=NO_SYSTEM + STRICT_ALTERNATION), "embedded")
    assert (choice.source, choice.fold_system) == ("user", True)
    assert choice.reason.startswith("Using the chat template stored in the model file, as you chose; it takes no")


def test_known_templates_chat_after_an_empty_reply(tmp_path):
    for name in KNOWN_TEMPLATES:
        text = choose_template(_info(tmp_path), name).render([S, U1, EMPTY, U2])
        assert "One?" in text and "Two?" in text and "Be brief." in text


# -- the variables llama.cpp passes ----------------------------------------------------------------


def test_template_variables_like_llama_cpp():
    template = (
        "{{ enable_thinking }}|{{ functions }}|{{ datetime }}|{{ date_string }}|"
        "{{ tools is defined }}|{{ documents is defined }}|{{ add_generation_prompt }}"
    )
    out = render(template, [], bos_token="", eos_token="")
    thinking, functions, when, date, tools, documents, gen = out.split("|")
    assert (thinking, functions, tools, documents, gen) == ("True", "", "False", "False", "True")
    assert re.fullmatch(r"[A-Z][a-z]{2} \d\d \d{4}", when)  # llama.cpp: "%b %d %Y"
    assert re.fullmatch(r"\d\d [A-Z][a-z]{2} \d{4}", date)  # llama.cpp: "%d %b %Y"
    assert render("{{ enable_thinking }}", [], bos_token="", eos_token="", enable_thinking=False) == "False"


def test_plain_transcript_stops_at_either_role():
    assert KNOWN_TEMPLATES["plain"].stop == ("\nUser:", "\nAssistant:")
