"""Every chat template that a popular GGUF ships with chats for many turns with a system prompt, also
after an empty or failed reply (which leaves two user turns in a row): the 65 real templates of
llama.cpp's own test corpus, through choose_template and TemplateChoice.render as the engine uses them.
Fast: no model is loaded (test_template_families.py chats through the real engine)."""

from __future__ import annotations

import re

import pytest

from assistant.models import choose_template, read_info
from tests.assistant.models.chat_templates import CORPUS, EXPECTED_COUNT, corpus_files, corpus_template
from tests.assistant.models.ggufs import make_gguf

FILES = corpus_files()
# Templates in the corpus that cannot chat at all, each with the reason. None today: the two tool-use
# templates (Command R+ and Hermes 3 `tool_use`) render plain chats once `tools` is left undefined, as
# llama.cpp leaves it. A file listed here must still fail, so that the list stays true.
CANNOT_CHAT: dict[str, str] = {}

SYSTEM_TEXT = "You are Bothy, a helpful assistant (system prompt)."
SYSTEM = {"role": "system", "content": SYSTEM_TEXT}


def user(i: int) -> dict:
    return {"role": "user", "content": f"Question number {i}?"}


def reply(i: int) -> dict:
    return {"role": "assistant", "content": f"Answer number {i}."}


EMPTY_REPLY = {"role": "assistant", "content": ""}

CONVERSATIONS = {
    "system + user": [SYSTEM, user(1)],
    "system + user + reply + user": [SYSTEM, user(1), reply(1), user(2)],
    # what the app sends after an empty or failed reply: that reply is left out of the history
    "two user turns in a row": [SYSTEM, user(1), user(2)],
    "an empty reply left in": [SYSTEM, user(1), EMPTY_REPLY, user(2)],
    "ten turns": [SYSTEM, *[m for i in range(1, 11) for m in (user(i), reply(i))], user(11)],
    "ten turns, two replies failed": [
        SYSTEM,
        *[m for i in range(1, 5) for m in (user(i), reply(i))],
        user(5),
        user(6),
        EMPTY_REPLY,
        user(7),
        *[m for i in range(8, 11) for m in (user(i), reply(i))],
        user(11),
    ],
}


def _params():
    if not FILES:
        reason = f"the chat-template corpus is not there: {CORPUS} (../shared/chat-templates beside the repo)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-corpus")]
    return [pytest.param(p, id=p.name.removesuffix(".jinja")) for p in FILES]


def test_the_corpus_is_complete():
    if not CORPUS.is_dir():
        pytest.skip(f"the chat-template corpus is not there: {CORPUS}")
    assert len(FILES) == EXPECTED_COUNT, [p.name for p in FILES]
    assert set(CANNOT_CHAT) <= {p.name for p in FILES}


def _choice(tmp_path, template: str):
    return choose_template(read_info(make_gguf(tmp_path / "m.gguf", template=template)))


@pytest.mark.parametrize("path", _params())
def test_every_real_template_chats_many_turns(tmp_path, path):
    choice = _choice(tmp_path, path.read_text(encoding="utf-8"))
    if path.name in CANNOT_CHAT:
        assert choice.name != "embedded", f"{path.name} works now: take it off CANNOT_CHAT"
        return
    # the file's own template is used: no silent fallback to a guessed one
    assert (choice.name, choice.source) == ("embedded", "embedded"), choice.reason
    for what, conversation in CONVERSATIONS.items():
        text = choice.render(conversation)
        assert SYSTEM_TEXT in text, f"{what}: the system prompt was dropped"
        turns = [m["content"] for m in conversation[1:] if m["content"]]
        at = [text.find(t) for t in turns]
        assert -1 not in at, f"{what}: dropped {[t for t, a in zip(turns, at, strict=True) if a < 0]}"
        assert at == sorted(at), f"{what}: the turns are out of order"


# -- the defects these templates showed --------------------------------------------------------------


def test_gemma2_refuses_the_system_role_so_the_prompt_opens_the_first_user_turn(tmp_path):
    choice = _choice(tmp_path, corpus_template("google-gemma-2-2b-it.jinja"))
    assert choice.fold_system
    assert "takes no system message" in choice.reason
    assert choice.render(CONVERSATIONS["two user turns in a row"]) == (
        "<s><start_of_turn>user\n"
        f"{SYSTEM_TEXT}\n\nQuestion number 1?\n\nQuestion number 2?<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


def test_mistral_nemo_gets_alternating_turns_after_an_empty_reply(tmp_path):
    choice = _choice(tmp_path, corpus_template("mistralai-Mistral-Nemo-Instruct-2407.jinja"))
    assert not choice.fold_system
    text = choice.render(CONVERSATIONS["an empty reply left in"])
    assert text.count("[INST]") == 1
    assert "Question number 1?\n\nQuestion number 2?" in text


def test_firefunction_v2_gets_the_variables_llama_cpp_passes(tmp_path):
    """It concatenates `functions` and `datetime` unguarded: it used to fail ("'functions' is undefined")
    and Bothy quietly fell back to a guessed template."""
    choice = _choice(tmp_path, corpus_template("fireworks-ai-llama-3-firefunction-v2.jinja"))
    assert choice.name == "embedded", choice.reason
    text = choice.render(CONVERSATIONS["system + user"])
    assert re.search(r"Available functions as JSON spec:\n\nToday is [A-Z][a-z]{2} \d\d \d{4}\.<\|eot_id\|>", text)
