"""`bothy chat` with a reasoning model: the thinking is announced on standard error, not printed as
the reply, and `--json` gives it next to the reply. A copy of the starter model whose chat template
opens a thinking block (as DeepSeek-R1's does) stands in for a reasoning model."""

import json

import pytest

from assistant.cli import main
from tests.assistant.models.ggufs import copy_with_strings
from tests.assistant.test_session_thinking import REASONING_TEMPLATE
from tests.starter import starter_path


@pytest.fixture(scope="module")
def reasoning_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reasoning-cli")
    return copy_with_strings(starter_path(), folder / "reasoning.gguf", {"tokenizer.chat_template": REASONING_TEMPLATE})


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_thinking_is_announced_on_stderr_and_given_in_json(capsys, reasoning_model):
    args = ["chat", "--model", str(reasoning_model), "-p", "Hello! Who are you?", "--max-tokens", "12", "--seed", "1"]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert "[thinking…]" in err and "[thought for " in err
    assert out.strip() == ""  # the starter model never closes its thinking: no answer to print

    code, out, err = run(capsys, *args, "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "complete" and data["reply"] == ""
    assert data["thinking"].strip() and "[thinking" not in err
    code, out, _ = run(capsys, "history", "show", str(data["conversation_id"]), "--json")
    [_, reply] = json.loads(out)["messages"]
    assert reply["thinking"] == data["thinking"] and reply["content"] == ""
