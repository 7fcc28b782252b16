"""Every way a server can fail ends that turn with a clear message naming the server and what
happened; the partial reply is kept and marked; the next message can go to another model.

The faults come from tests/servers.py's FaultServer on 127.0.0.1 (and from nothing listening, a
name that does not resolve, a self-signed certificate); the recovery goes to the scripted engine."""

from __future__ import annotations

import subprocess
import threading

import pytest

from assistant.engine.remote import RemoteEngine, remote_ref
from assistant.engine.server_probe import ServerError
from assistant.engine.types import GenerationSettings
from assistant.servers import Server
from assistant.session import ChatSession
from tests.servers import WORDS, FaultServer, free_port

GEN = GenerationSettings(max_tokens=64, seed=1)


@pytest.fixture
def faults():
    server = FaultServer()
    yield server
    server.close()


def engine_for(url: str, **settings) -> RemoteEngine:
    return RemoteEngine(Server("lab", url, **settings))


def loaded(faults: FaultServer, **settings) -> RemoteEngine:
    engine = engine_for(faults.url, **settings)
    engine.load(remote_ref("lab", "fake-model"))
    return engine


def test_a_healthy_stream_gives_text_usage_and_speed(store, faults):
    engine = loaded(faults)
    turn = ChatSession(store, engine).send(store.create_conversation()["id"], "Hi", GEN).consume()
    assert turn.status == "complete" and turn.text == "Hello there, walker. The glen is quiet today."
    assert turn.stats.prompt_tokens == 21 and turn.stats.reply_tokens == 11  # the server's usage
    assert faults.requests[-1]["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("unauthorized", "refused the API key (401): “Invalid API key provided”"),
        ("unknown-model", "does not know the model “fake-model” (404): “The model `fake-model` does not exist.”"),
        ("rate-limited", "too many requests (429): “Rate limit reached: 3 requests per minute.”"),
        ("server-error", "had an error (500): “CUDA out of memory while loading the model”"),
        ("html", "did not answer with a chat reply (it sent text/html)"),
    ],
)
def test_http_errors_say_what_the_server_said(store, faults, fake, mode, expected):
    engine = loaded(faults)
    faults.mode = mode
    cid = store.create_conversation()["id"]
    turn = ChatSession(store, engine).send(cid, "Hi", GEN)
    with pytest.raises(ServerError) as info:
        turn.consume()
    message = str(info.value)
    assert "“lab”" in message and faults.url in message and expected in message
    saved = store.message(turn.reply_message_id)
    assert saved["status"] == "error" and saved["error"] == message
    # The next message goes to another model and works.
    assert ChatSession(store, fake).send(cid, "Anyone there?", GEN).consume().status == "complete"


@pytest.mark.parametrize(("mode", "expected"), [("cut", "closed the connection"), ("malformed", "not part of a chat")])
def test_a_stream_that_breaks_keeps_what_came(store, faults, mode, expected):
    engine = loaded(faults)
    faults.mode = mode
    turn = ChatSession(store, engine).send(store.create_conversation()["id"], "Hi", GEN)
    with pytest.raises(ServerError, match=expected):
        turn.consume()
    saved = store.message(turn.reply_message_id)
    assert saved["status"] == "error" and saved["content"].startswith("Hello there")  # the partial reply stays
    assert not engine.busy


def test_a_server_that_never_answers_times_out(store, faults):
    engine = loaded(faults, first_token_timeout=0.5)
    faults.mode, faults.silence = "silent", 3.0
    turn = ChatSession(store, engine).send(store.create_conversation()["id"], "Hi", GEN)
    with pytest.raises(ServerError, match="sent nothing for 0.5 s"):
        turn.consume()


def test_stop_while_the_server_is_silent_returns_at_once(store, faults):
    engine = loaded(faults)
    faults.mode, faults.silence = "silent", 3.0
    turn = ChatSession(store, engine).send(store.create_conversation()["id"], "Hi", GEN)
    threading.Timer(0.3, turn.stop).start()
    turn.consume()
    assert turn.status == "cancelled"


def test_nothing_listening_and_a_name_that_does_not_resolve(store):
    with pytest.raises(ServerError, match="refused the connection: nothing is listening there"):
        engine_for(f"http://127.0.0.1:{free_port()}/v1").probe()
    with pytest.raises(ServerError, match="could not be found: its name does not resolve"):
        engine_for("http://no-such-host.invalid/v1").probe()


def test_a_model_the_server_does_not_serve_is_refused_on_load(faults):
    with pytest.raises(ServerError, match="does not serve “llama-70b” \\(it serves: fake-model\\)"):
        engine_for(faults.url).load(remote_ref("lab", "llama-70b"))


def test_a_self_signed_certificate_is_refused_unless_trusted(tmp_path, faults):
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    faults.socket = context.wrap_socket(faults.socket, server_side=True)
    url = faults.url.replace("http://", "https://")
    with pytest.raises(ServerError, match="TLS certificate this computer does not trust"):
        engine_for(url).probe()
    assert engine_for(url, verify=str(cert)).probe().models[0].id == "fake-model"  # trusted explicitly


def test_a_runaway_reply_is_cut_and_kept(store, faults, monkeypatch):
    from assistant.engine import remote

    monkeypatch.setattr(remote, "MAX_REPLY_CHARS", 100)  # a server that never stops, made small
    engine = loaded(faults)
    faults.mode = "slow"
    turn = ChatSession(store, engine).send(store.create_conversation()["id"], "Hi", GEN).consume()
    assert turn.status == "complete" and turn.stats.finish_reason == "length"
    assert 100 < len(turn.text) < 120 and store.message(turn.reply_message_id)["finish_reason"] == "length"


# Each serving engine's own endpoints, in the shapes their documentation gives: what the probe
# reads to tell them apart and to learn each model's context length.
ENGINES = {
    "vLLM": {
        "/v1/models": {"object": "list", "data": [
            {"id": "meta-llama/Llama-3.1-70B-Instruct", "object": "model", "owned_by": "vllm", "max_model_len": 32768}
        ]},
    },
    "Ollama": {
        "/v1/models": {"object": "list", "data": [{"id": "qwen2.5:7b", "object": "model", "owned_by": "library"}]},
        "/api/version": {"version": "0.12.3"},
        "/api/show": {"details": {"family": "qwen2"}, "model_info": {
            "general.architecture": "qwen2", "qwen2.context_length": 32768, "qwen2.embedding_length": 3584,
        }},
    },
    "LM Studio": {
        "/v1/models": {"object": "list", "data": [{"id": "qwen2.5-7b-instruct", "object": "model"}]},
        "/api/v0/models": {"object": "list", "data": [
            {"id": "qwen2.5-7b-instruct", "type": "llm", "state": "loaded", "max_context_length": 32768,
             "loaded_context_length": 8192},
        ]},
    },
}  # fmt: skip
CONTEXTS = {"vLLM": 32768, "Ollama": 32768, "LM Studio": 8192}


@pytest.mark.parametrize("kind", list(ENGINES))
def test_each_serving_engine_is_told_apart_with_its_context_length(store, faults, kind):
    faults.routes = ENGINES[kind]
    engine = engine_for(faults.url)
    info = engine.probe()
    [model] = info.models
    assert info.kind == kind and model.n_ctx == CONTEXTS[kind]
    loaded = engine.load(remote_ref("lab", model.id))
    assert loaded.n_ctx == CONTEXTS[kind]
    turn = ChatSession(store, engine).send(store.create_conversation()["id"], "Hi").consume()
    assert turn.status == "complete" and turn.text == "".join(WORDS)
    engine.close()
