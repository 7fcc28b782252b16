"""RemoteEngine against llama.cpp's own `llama-server`, built from the same vendored llama.cpp source
as the benchmarks' llama-bench (benchmarks/llama_server.py). `./bothy.sh test` builds it once
before the tests (CI too); where it could not be built, these tests skip and say so."""

from __future__ import annotations

import pytest

from assistant.engine.remote import RemoteEngine, remote_ref
from assistant.engine.types import GenerationSettings
from assistant.servers import Server
from assistant.session import ChatSession
from tests.servers import llama_server_binary, start_llama_server
from tests.starter import starter_path

BINARY = llama_server_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None,
    reason="llama.cpp's llama-server is not built here: `python -m benchmarks.llama_server` builds it and says why "
    "not when it cannot (or set BOTHY_LLAMA_SERVER)",
)


@pytest.fixture(scope="module")
def llama_server_url():
    proc, url = start_llama_server(BINARY, starter_path())
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_llama_server_says_its_context_and_tokenizes(store, llama_server_url):
    engine = RemoteEngine(Server("llama", llama_server_url))
    info = engine.probe()
    assert info.kind == "llama-server" and info.models and info.models[0].n_ctx == 2048
    loaded = engine.load(remote_ref("llama", info.models[0].id))
    assert loaded.n_ctx == 2048 and engine.capabilities().tokenize
    assert engine.count_text("hello world") == 2
    session = ChatSession(store, engine)
    cid = store.create_conversation()["id"]
    for question in ("My name is Ada.", "What is my name?"):
        turn = session.send(cid, question, GenerationSettings(max_tokens=16, seed=1)).consume()
        assert turn.status == "complete" and turn.text and turn.stats.reply_tokens > 0
    engine.close()
