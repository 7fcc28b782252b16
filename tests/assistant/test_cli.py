"""The `bothy` command, in-process, against the real starter model and a real database."""

import json
import os
from pathlib import Path

import pytest

from assistant.cli import main
from tests.starter import starter_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_shot_json_then_continue_and_history(capsys, tmp_path):
    code, out, err = run(
        capsys, "chat", "--prompt", "Hello! Who are you?", "--json", "--max-tokens", "16", "--seed", "3"
    )
    assert code == 0, err
    first = json.loads(out)
    assert first["reply"] and first["status"] == "complete"
    assert first["stats"]["reply_tokens"] <= 16 and first["stats"]["seed"] == 3
    cid = first["conversation_id"]

    code, out, err = run(capsys, "chat", "-c", str(cid), "-p", "Tell me more.", "--json", "--max-tokens", "8")
    second = json.loads(out)
    assert second["conversation_id"] == cid and second["context"]["history_total"] == 3

    code, out, _ = run(capsys, "history", "list", "--json")
    assert [c["id"] for c in json.loads(out)] == [cid]
    code, out, _ = run(capsys, "history", "show", str(cid), "--json")
    shown = json.loads(out)
    assert [m["role"] for m in shown["messages"]] == ["user", "assistant", "user", "assistant"]
    code, out, _ = run(capsys, "history", "search", "Who are", "--json")
    assert json.loads(out)[0]["message_id"] == first["user_message_id"]

    exported = tmp_path / "c.json"
    assert run(capsys, "history", "export", str(cid), "--format", "json", "-o", str(exported))[0] == 0
    code, out, _ = run(capsys, "history", "export", str(cid), "--format", "md")
    assert "Hello! Who are you?" in out and first["reply"].strip()[:20] in out
    code, out, _ = run(capsys, "history", "import", str(exported), "--json")
    assert json.loads(out)["conversation_id"] is None  # it is still here: nothing to import
    code, out, _ = run(capsys, "history", "delete", str(cid))
    assert code == 0
    code, out, _ = run(capsys, "history", "import", str(exported), "--json")
    new_id = json.loads(out)["conversation_id"]
    assert new_id != cid
    code, out, _ = run(capsys, "history", "list", "--json")
    assert [c["id"] for c in json.loads(out)] == [new_id]


def test_streaming_text_output(capsys):
    code, out, err = run(capsys, "chat", "-p", "Say hi.", "--max-tokens", "8", "--seed", "1")
    assert code == 0 and out.strip()
    assert "llama" not in err  # llama.cpp's chatter goes to the log, not the terminal


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"PK\x03\x04" + b"\x00" * 64, "not a GGUF"), (b"GGUF\x03\x00\x00\x00", "truncated")],
)
def test_bad_model_file_is_one_clear_line(capsys, tmp_path, content, reason):
    bad = tmp_path / "bad model.gguf"
    bad.write_bytes(content)
    code, out, err = run(capsys, "chat", "--model", str(bad), "-p", "hi")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "bad model.gguf" in lines[0] and reason in lines[0]
    assert "Traceback" not in err


def test_missing_model_and_conversation(capsys, tmp_path):
    code, _, err = run(capsys, "chat", "--model", str(tmp_path / "nope.gguf"), "-p", "hi")
    assert code == 1 and "nope.gguf" in err
    code, _, err = run(capsys, "history", "show", "12345")
    assert code == 1 and "12345" in err


def test_prompt_longer_than_context_says_what_to_do(capsys):
    code, _, err = run(capsys, "chat", "-p", "word " * 9000, "--max-tokens", "8")
    assert code == 1
    assert "context window holds 8,192 tokens" in err and "Shorten" in err


def test_models_info_and_list(capsys):
    code, out, _ = run(capsys, "models", "info", str(starter_path()), "--json")
    info = json.loads(out)
    assert info["architecture"] == "llama" and info["quantization"] == "Q4_1"
    assert info["context_length"] == 8192 and info["chat_template"] is True
    assert 134e6 < info["parameters"] < 136e6 and info["file_size"] == 98_362_432
    code, out, _ = run(capsys, "models", "list", "--json")
    assert any(m["starter"] and m["path"] == str(starter_path()) for m in json.loads(out))
    code, out, _ = run(capsys, "models", "verify-starter")
    assert code == 0 and "verified" in out


def test_interactive_chat(capsys, monkeypatch):
    answers = iter(["/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code, out, _ = run(capsys, "chat")
    assert code == 0 and "new conversation" in out
    code, out, _ = run(capsys, "history", "list", "--json")
    assert json.loads(out) == []  # quitting before a message leaves no empty conversation behind

    answers = iter(["Hello!", "/new", "Second chat.", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code, out, _ = run(capsys, "chat", "--max-tokens", "6", "--system", "Be brief.")
    assert code == 0 and out.count("Bothy: ") == 2
    code, out, _ = run(capsys, "history", "list", "--json")
    conversations = json.loads(out)
    assert len(conversations) == 2 and all(c["system_prompt"] == "Be brief." for c in conversations)


def test_no_display_falls_back_to_the_terminal(capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr("builtins.input", lambda prompt="": "/quit")
    code, out, err = run(capsys)
    assert code == 0 and "No display found" in err and "Type a message" in out


def test_a_terminal_chat_leaves_the_windows_streaming_reply_alone(capsys):
    from assistant.store import Store

    with Store() as window_store:  # stands for the open window, in the middle of a reply
        conversation = window_store.create_conversation()
        _, reply = window_store.begin_turn(conversation["id"], "A long question")
        window_store.update_reply(reply["id"], "The first words")
        code, out, err = run(capsys, "chat", "-p", "Hi", "--max-tokens", "4", "--json")
        assert code == 0, err
        code, out, err = run(capsys, "history", "show", str(conversation["id"]), "--json")
        assert json.loads(out)["messages"][1]["status"] == "streaming"
        window_store.update_reply(reply["id"], "The first words and more")  # the window carries on
        done = window_store.finish_reply(reply["id"], "The first words and more.", status="complete")
    assert done["status"] == "complete" and done["error"] is None


def test_history_shows_a_reply_whose_writer_died_as_interrupted(capsys):
    import os
    import signal
    import subprocess
    import sys

    script = (
        "import os, signal\n"
        "from assistant.store import Store\n"
        "s = Store()\n"
        "c = s.create_conversation()\n"
        "_, r = s.begin_turn(c['id'], 'Tell me a story')\n"
        "s.update_reply(r['id'], 'Once upon')\n"
        "print(c['id'], flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ))
    assert proc.returncode == -signal.SIGKILL
    conversation_id = int(proc.stdout.split()[0])
    code, out, err = run(capsys, "history", "show", str(conversation_id), "--json")
    assert code == 0, err
    reply = json.loads(out)["messages"][1]
    assert reply["status"] == "interrupted" and reply["content"] == "Once upon"


def test_import_reads_an_export_of_everything(capsys, tmp_path):
    from assistant.store import Store

    with Store() as store:
        for title in ("one", "two", "三"):
            c = store.create_conversation(title=title)
            _, r = store.begin_turn(c["id"], f"question {title}")
            store.finish_reply(r["id"], f"answer {title}", status="complete")
        bundle = tmp_path / "all.json"
        with bundle.open("w", encoding="utf-8") as f:
            store.write_bundle(f)
    # They are all still here: importing the archive again adds nothing.
    code, out, err = run(capsys, "history", "import", str(bundle), "--json")
    assert code == 0, err
    [report] = json.loads(out)["files"]
    assert report["already_imported"] == 3 and report["conversations"] == []
    # Into another Bothy (another home), they all come in, once.
    other_home = tmp_path / "other-home"
    other_home.mkdir()
    os.environ["BOTHY_HOME"], home = str(other_home), os.environ["BOTHY_HOME"]
    try:
        for expected in (3, 0):
            code, out, err = run(capsys, "history", "import", str(bundle), "--json")
            assert code == 0, err
            assert len(json.loads(out)["conversation_ids"]) == expected
        code, out, err = run(capsys, "history", "list", "--json")
        assert sorted(c["title"] for c in json.loads(out)) == ["one", "two", "三"]
    finally:
        os.environ["BOTHY_HOME"] = home


IMPORT_FIXTURES = Path(__file__).parent / "importers" / "fixtures"


def test_history_import_of_other_apps_reports_each_file_and_exits_by_outcome(capsys, tmp_path):
    good = IMPORT_FIXTURES / "chatgpt" / "branches.json"
    code, out, err = run(capsys, "history", "import", str(good), str(IMPORT_FIXTURES / "jan" / "data"), "--json")
    assert code == 0, err
    chatgpt, jan = json.loads(out)["files"]
    assert chatgpt["source"] == "chatgpt" and jan["source"] == "jan"
    assert all(c["id"] and c["messages"] for c in chatgpt["conversations"] + jan["conversations"])
    # The tree, as scripts see it.
    cid = chatgpt["conversations"][0]["id"]
    code, out, _ = run(capsys, "history", "show", str(cid), "--json")
    shown = json.loads(out)
    assert shown["title"] == chatgpt["conversations"][0]["title"] and "system_prompt" in shown
    messages = shown["messages"]
    assert all({"id", "parent_id", "role", "content", "active"} <= set(m) for m in messages)
    ids = {m["id"] for m in messages}
    assert all(m["parent_id"] is None or m["parent_id"] in ids for m in messages)
    assert sum(m["active"] for m in messages) < len(messages)  # it has branches off the active path
    # The same file again adds nothing.
    code, out, _ = run(capsys, "history", "import", str(good))
    assert code == 0 and "imported 0 conversations" in out and "already imported before" in out
    # A damaged conversation is named and skipped, the rest comes in: exit status 3.
    code, out, err = run(capsys, "history", "import", str(IMPORT_FIXTURES / "chatgpt" / "damaged.json"))
    assert code == 3 and "skipped “" in err
    # A file that is not an export: one line naming it, exit status 1, nothing imported.
    bad = tmp_path / "notes.json"
    bad.write_bytes(bytes(range(128, 256)))
    before = run(capsys, "history", "list", "--json")[1]
    code, out, err = run(capsys, "history", "import", str(bad))
    assert code == 1 and err.strip() == "bothy: notes.json: it is not a text file (it holds binary data, not JSON)"
    assert run(capsys, "history", "list", "--json")[1] == before


def test_history_export_all_writes_an_archive_that_imports(capsys, tmp_path):
    run(capsys, "history", "import", str(IMPORT_FIXTURES / "open_webui" / "branches.json"))
    archive = tmp_path / "all.zip"
    code, out, err = run(capsys, "history", "export", "--all", "--output", str(archive))
    assert code == 0 and "Exported" in out and archive.is_file()
    other_home = tmp_path / "other-home"
    other_home.mkdir()
    os.environ["BOTHY_HOME"], home = str(other_home), os.environ["BOTHY_HOME"]
    try:
        code, out, err = run(capsys, "history", "import", str(archive), "--json")
        assert code == 0, err
        assert json.loads(out)["files"][0]["source"] == "bothy"
        assert json.loads(out)["conversation_ids"]
    finally:
        os.environ["BOTHY_HOME"] = home
