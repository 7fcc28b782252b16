"""The local API beyond the loaded model: /v1/models lists the other local models with their
context length; a request naming one loads it when the person allowed that and is told how to
allow it otherwise; and API conversations are kept, when chosen, one conversation per client
conversation. With the scripted engine; the starter model's real file gives the context length."""

from __future__ import annotations

import httpx
import pytest

from assistant import paths
from assistant.api.local_models import ConversationKeeper, LocalModels
from assistant.api.server import ApiServer
from assistant.engine.types import ModelRef
from assistant.models import list_models
from assistant.store import Store
from tests.servers import free_port

KEY = "bothy-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def starter():
    [entry] = [entry for entry in list_models() if entry.is_starter]
    return entry


def serve(engine, **kwargs) -> ApiServer:
    server = ApiServer(engine, port=free_port(), api_key=KEY, local_models=LocalModels(), **kwargs)
    server.start()
    return server


def post(server, body) -> httpx.Response:
    return httpx.post(f"{server.url}/chat/completions", json=body, headers=AUTH, timeout=10)


def test_models_lists_the_loaded_one_first_then_the_other_local_models(fake, starter):
    server = serve(fake)
    try:
        data = httpx.get(f"{server.url}/models", headers=AUTH, timeout=10).json()["data"]
    finally:
        server.stop()
    assert data[0]["id"] == "fake-model" and data[0]["context_length"] == fake.loaded.n_ctx
    others = {model["id"]: model for model in data[1:]}
    assert others[starter.path.stem]["context_length"] == starter.info.context_length > 0


def test_naming_another_model_says_how_to_allow_loading_it(fake, starter):
    server = serve(fake)
    try:
        response = post(server, {"model": starter.path.stem, "messages": [{"role": "user", "content": "Hi"}]})
    finally:
        server.stop()
    error = response.json()["error"]
    assert response.status_code == 403 and error["code"] == "model_loading_not_allowed"
    assert "Let apps load other models" in error["message"] and "fake-model is loaded" in error["message"]
    assert fake.loads == [fake.loaded.model]  # nothing else was loaded


def test_naming_another_model_loads_it_when_allowed(fake, starter):
    loads = []
    server = serve(fake, allow_loading=True, loader=lambda ref: loads.append(ref) or fake.load(ref))
    try:
        for name in (starter.path.name, starter.path.stem):  # by file name, then by its id: loaded once
            response = post(server, {"model": name, "messages": [{"role": "user", "content": "Hi"}]})
            assert response.status_code == 200 and response.json()["model"] == starter.path.stem
        missing = post(server, {"model": "llama-405b", "messages": [{"role": "user", "content": "Hi"}]})
    finally:
        server.stop()
    assert loads == [ModelRef.local(starter.path)]
    assert fake.loaded.model == ModelRef.local(starter.path)
    assert missing.status_code == 404 and starter.path.stem in missing.json()["error"]["message"]


def test_a_failed_load_is_the_clients_clear_error(tmp_path, fake, starter):
    fake.fail_loads[str(starter.path)] = "This model file is damaged."
    server = serve(fake, allow_loading=True)
    try:
        response = post(server, {"model": starter.path.stem, "messages": [{"role": "user", "content": "Hi"}]})
    finally:
        server.stop()
    assert response.status_code == 500 and "damaged" in response.json()["error"]["message"]


def test_kept_conversations_follow_the_client_turn_by_turn(tmp_path, fake):
    db = tmp_path / "bothy.db"
    kept = []
    server = serve(fake, keeper=ConversationKeeper(db, on_kept=kept.append))
    system = {"role": "system", "content": "Be brief."}
    try:
        first = post(server, {"messages": [system, {"role": "user", "content": "Hi"}]}).json()
        answer = first["choices"][0]["message"]["content"]
        history = [system, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": answer}]
        with httpx.stream(
            "POST",
            f"{server.url}/chat/completions",
            json={"messages": [*history, {"role": "user", "content": "And then?"}], "stream": True},
            headers=AUTH,
            timeout=10,
        ) as streamed:
            assert streamed.status_code == 200 and "[DONE]" in streamed.read().decode()
        post(server, {"messages": [{"role": "user", "content": "Something else"}]})
    finally:
        server.stop()
    assert kept[0] == kept[1] != kept[2]
    with Store(db) as store:
        conversation = store.get_conversation(kept[0])
        messages = store.messages(kept[0])
        assert conversation["import_source"] == "api" and conversation["system_prompt"] == "Be brief."
        assert conversation["title"] == "Hi"
        assert [(m["role"], m["content"]) for m in messages] == [
            ("user", "Hi"),
            ("assistant", answer),
            ("user", "And then?"),
            ("assistant", "Reply 2."),
        ]
        assert messages[-1]["model_ref"] == fake.loaded.model.key and messages[-1]["status"] == "complete"
        assert [hit["conversation_id"] for hit in store.search("then")] == [kept[0]]


def test_nothing_is_kept_unless_chosen(tmp_path, fake):
    server = serve(fake)
    try:
        assert post(server, {"messages": [{"role": "user", "content": "Hi"}]}).status_code == 200
    finally:
        server.stop()
    assert not paths.db_path().exists()
