"""Bothy's local API with the real starter model, through the official `openai` client and through
Bothy's own remote engine: models, chat (whole and streamed), usage, stop sequences, and a client
that goes away."""

from __future__ import annotations

import json
import threading
import time

import httpx
import openai
import pytest

from assistant.api.server import ApiServer, new_key
from assistant.engine.remote import RemoteEngine, remote_ref
from assistant.engine.types import ChatRequest, GenerationSettings
from assistant.servers import Server
from tests.servers import free_port

KEY = new_key()


@pytest.fixture(scope="module")
def api(engine):
    server = ApiServer(engine, port=free_port(), api_key=KEY, defaults=GenerationSettings(max_tokens=32, seed=1))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(api):
    with openai.OpenAI(base_url=api.url, api_key=KEY, max_retries=0) as c:
        yield c


def test_models_lists_the_loaded_model_with_its_context(client, engine):
    [model] = client.models.list().data
    assert model.id == engine.loaded.model.label and model.model_extra["context_length"] == engine.loaded.n_ctx


def test_a_whole_reply_with_usage(client):
    reply = client.chat.completions.create(
        model="", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi."}],
        max_tokens=12, seed=3,
    )  # fmt: skip
    assert reply.object == "chat.completion" and reply.choices[0].message.content
    assert reply.choices[0].finish_reason in ("stop", "length")
    assert reply.usage.prompt_tokens > 0 and 0 < reply.usage.completion_tokens <= 12


def test_a_streamed_reply_with_usage_at_the_end(client):
    pieces, usage, finish = [], None, None
    stream = client.chat.completions.create(
        model="", messages=[{"role": "user", "content": [{"type": "text", "text": "Count to five."}]}],
        stream=True, stream_options={"include_usage": True}, max_completion_tokens=16,
    )  # fmt: skip
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    assert "".join(pieces) and finish in ("stop", "length") and usage.completion_tokens > 0


def test_a_stop_sequence_ends_the_reply_before_it(client):
    free = (
        client.chat.completions.create(
            model="",
            messages=[{"role": "user", "content": "Write the numbers 1 2 3 4 5 6 7 8."}],
            max_tokens=30,
            seed=1,
        )
        .choices[0]
        .message.content
    )
    word = next(w for w in free.split() if len(w) > 1)
    stopped = client.chat.completions.create(
        model="", messages=[{"role": "user", "content": "Write the numbers 1 2 3 4 5 6 7 8."}], max_tokens=30, seed=1,
        stop=[word],
    )  # fmt: skip
    assert stopped.choices[0].message.content == free[: free.index(word)]
    assert stopped.choices[0].finish_reason == "stop"


def test_a_client_that_goes_away_stops_its_generation(api, engine):
    body = {"messages": [{"role": "user", "content": "Tell a very long story."}], "stream": True, "max_tokens": 400}
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(timeout=30) as http, http.stream("POST", f"{api.url}/chat/completions", json=body,
                                                       headers=headers) as response:  # fmt: skip
        for line in response.iter_lines():
            if '"content"' in line and '""' not in line:
                break  # text is flowing: hang up
    gone = time.monotonic()
    while engine.busy and time.monotonic() - gone < 2:
        time.sleep(0.005)
    assert not engine.busy and time.monotonic() - gone < 0.3


def test_bothys_own_remote_engine_chats_with_bothys_server(api, engine):
    remote = RemoteEngine(Server("self", api.url, context=engine.loaded.n_ctx), KEY)
    try:
        info = remote.probe()
        assert [m.id for m in info.models] == [engine.loaded.model.label]
        remote.load(remote_ref("self", engine.loaded.model.label))
        gen = GenerationSettings(max_tokens=10, seed=2)
        question = ChatRequest.of([{"role": "user", "content": "Say hello."}], gen)
        reply = remote.chat(question).consume()
        assert reply.text and reply.stats.reply_tokens > 0 and reply.stats.finish_reason in ("stop", "length")
    finally:
        remote.close()


def test_fifty_clients_at_once_are_all_answered_or_told_to_retry(api):
    results = []

    def one():
        with openai.OpenAI(base_url=api.url, api_key=KEY, max_retries=0) as c:
            try:
                c.chat.completions.create(model="", messages=[{"role": "user", "content": "Hi"}], max_tokens=2)
                results.append(200)
            except openai.RateLimitError:
                results.append(429)

    threads = [threading.Thread(target=one) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 50 and set(results) <= {200, 429} and results.count(200) >= 8


def test_bothy_serve_prints_the_address_and_key_and_serves(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    port = free_port()
    env = dict(os.environ, BOTHY_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--context", "1024"]
    command.append("--keep-conversations")
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert first.startswith("Bothy serves ") and f"http://127.0.0.1:{port}/v1" in first, proc.stderr.read()
        key = second.removeprefix("API key: ").strip()
        assert key.startswith("bothy-")
        with openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=key, max_retries=0) as c:
            reply = c.chat.completions.create(model="", messages=[{"role": "user", "content": "Hi"}], max_tokens=8)
            assert reply.choices[0].message.content
        # The key was saved: the next start uses it again.
        assert key in (tmp_path / "home" / "config" / "settings.json").read_text(encoding="utf-8")
        # The conversation was kept, in the API group, with the reply the client got.
        listed = subprocess.run(
            [sys.executable, "-m", "assistant", "history", "list", "--json"], env=env, capture_output=True, text=True
        )
        [kept] = json.loads(listed.stdout)
        assert kept["import_source"] == "api" and kept["title"] == "Hi"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)  # also closes its pipes
    assert proc.returncode == 0
