"""RemoteEngine against a real OpenAI-compatible server on 127.0.0.1: llama-cpp-python's own server
serving the starter model. Chat through ChatSession as the app does: several turns, stop,
regenerate, the context filling up; and the CLI's `servers` and `chat --model SERVER/MODEL`."""

from __future__ import annotations

import json
import threading
import time

import pytest

from assistant.cli import main
from assistant.engine.remote import RemoteEngine, remote_ref
from assistant.engine.types import ChatRequest, GenerationSettings
from assistant.servers import Server, Servers
from assistant.session import ChatSession

GEN = GenerationSettings(max_tokens=24, seed=3, temperature=0.2)


@pytest.fixture
def server_url(llama_cpp_server):
    return llama_cpp_server


@pytest.fixture
def remote(server_url):
    engine = RemoteEngine(Server("box", server_url, context=2048))
    engine.load(remote_ref("box", "smollm2"))
    yield engine
    engine.close()


def test_probe_and_load_learn_what_the_server_is(remote):
    assert remote.info.kind == "llama-cpp-python" and [m.id for m in remote.info.models] == ["smollm2"]
    assert remote.loaded.n_ctx == 2048 and remote.loaded.model.key == "server:box/smollm2"
    assert remote.capabilities().tokenize
    assert remote.count_text("hello world") == 2  # the server's own tokenizer


def test_a_conversation_with_a_server_model(store, remote):
    session = ChatSession(store, remote)
    cid = store.create_conversation()["id"]
    first = session.send(cid, "My name is Ada. Say hello.", GEN).consume()
    second = session.send(cid, "What is my name?", GEN).consume()
    assert first.status == second.status == "complete" and first.text and second.text
    assert second.stats.reply_tokens > 0 and second.stats.ttft_ms > 0 and second.stats.tokens_per_s > 0
    again = session.regenerate(cid, GEN).consume()
    assert again.status == "complete" and store.branches(cid)  # the old reply is kept as a version
    reply = store.message(second.reply_message_id)
    assert reply["engine"] == "llama-cpp-python (box)" and reply["model_ref"] == "server:box/smollm2"
    assert reply["model_file"] is None and reply["content"] == second.text


def test_stop_takes_effect_within_a_tenth_of_a_second_and_keeps_the_text(store, remote):
    session = ChatSession(store, remote)
    cid = store.create_conversation()["id"]
    turn = session.send(cid, "Tell me a long story about a lighthouse keeper.", GenerationSettings(max_tokens=400))
    stopped_at = []

    def stop_soon():
        while not turn.text:
            time.sleep(0.005)
        stopped_at.append(time.monotonic())
        turn.stop()

    threading.Thread(target=stop_soon).start()
    turn.consume()
    took = time.monotonic() - stopped_at[0]
    assert turn.status == "cancelled" and took < 0.1, took
    saved = store.message(turn.reply_message_id)
    assert saved["status"] == "cancelled" and saved["content"] == turn.text != ""
    # The engine is free again: the next turn works.
    assert session.send(cid, "Thank you.", GEN).consume().status == "complete"


def test_the_context_filling_up_leaves_out_the_oldest_turns(store, server_url):
    engine = RemoteEngine(Server("small", server_url))
    engine.load(remote_ref("small", "smollm2"), _context(300))
    try:
        session = ChatSession(store, engine, memory_policy="window")
        cid = store.create_conversation()["id"]
        for i in range(8):
            turn = session.send(cid, f"Question {i}: tell me one fact about rivers, please, briefly.", GEN).consume()
            assert turn.status == "complete", turn.error
        assert turn.context.dropped > 0 and turn.context.prompt_tokens < 300
        assert store.context_marks(cid)  # a visible mark says what was left out
    finally:
        engine.close()


def _context(n: int):
    from assistant.engine.types import LoadSettings

    return LoadSettings(n_ctx=n)


def test_the_cli_adds_tests_and_chats_with_a_server(capsys, server_url):
    def run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    assert run("servers", "add", "box", server_url, "--context", "2048")[0] == 0
    code, out, _ = run("servers", "test", "box", "--json")
    assert code == 0 and json.loads(out)["kind"] == "llama-cpp-python"
    code, out, _ = run("models", "list", "--json")
    assert {"name": "box/smollm2", "server": "box", "context_length": None} in json.loads(out)
    code, out, err = run("chat", "--model", "box/smollm2", "-p", "Say hi.", "--json", "--max-tokens", "8")
    assert code == 0, err
    turn = json.loads(out)
    assert turn["status"] == "complete" and turn["reply"] and turn["model"] == "box/smollm2"
    once = ("--server", server_url, "--model", "smollm2")
    code, out, err = run("chat", *once, "-p", "Hi.", "--json", "--max-tokens", "4")
    assert code == 0 and json.loads(out)["status"] == "complete", err
    assert run("servers", "remove", "box")[0] == 0
    assert json.loads(run("servers", "list", "--json")[1]) == []


def test_an_api_key_is_kept_out_of_the_settings_file(bothy_home, monkeypatch):
    monkeypatch.setenv("BOTHY_NO_KEYRING", "1")
    servers = Servers()
    servers.add(Server("lab", "https://gpu-box.lan:8000"), api_key="sk-secret-123")
    assert "sk-secret-123" not in servers.path.read_text(encoding="utf-8")
    assert servers.keys_path.stat().st_mode & 0o777 == 0o600
    assert servers.key(servers.get("lab")) == "sk-secret-123"
    assert servers.get("lab").url == "https://gpu-box.lan:8000/v1"
    assert Server("x", "http://10.0.0.5:8000/v1").plain_http_off_machine
    assert not Server("x", "http://127.0.0.1:8000/v1").plain_http_off_machine
    servers.remove("lab")
    assert servers.key(Server("lab", "https://gpu-box.lan:8000/v1")) is None


def test_request_carries_the_conversation_and_settings(remote):
    body = remote._body(ChatRequest.of([{"role": "user", "content": "Hi"}], GEN, system_prompt="Be brief."))
    assert body["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert body["model"] == "smollm2" and body["stream"] and body["max_tokens"] == 24 and body["seed"] == 3
