"""The local API refuses what it must, clearly, and never crashes: keys, Host, Origin, bad bodies,
huge bodies, prompts too long, a full queue, slow clients, and any JSON at all (hypothesis).
With the scripted engine (tests/fakes.py); the real model's path is in test_api.py."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.api.server import ApiServer
from tests.fakes import Scripted
from tests.servers import free_port

KEY = "bothy-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
HI = {"messages": [{"role": "user", "content": "Hi"}]}


@pytest.fixture
def api(fake):
    server = ApiServer(fake, port=free_port(), api_key=KEY, origins={"http://localhost:5173"}, max_waiting=1)
    server.start()
    yield server
    server.stop()


def post(api, body, headers=AUTH, **kwargs):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{api.url}/chat/completions", content=data, headers=headers, timeout=10, **kwargs)


def error_of(response) -> dict:
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"]
    return error


def test_no_key_or_a_wrong_key_is_401(api):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": KEY}):
        response = post(api, HI, headers=headers)
        assert response.status_code == 401 and error_of(response)["type"] == "authentication_error"
    assert post(api, HI).status_code == 200


def test_host_and_origin_are_checked(api):
    rebinding = post(api, HI, headers={**AUTH, "Host": f"evil.example:{api.port}"})
    assert rebinding.status_code == 400 and error_of(rebinding)["code"] == "bad_host"
    page = post(api, HI, headers={**AUTH, "Origin": "https://evil.example"})
    assert page.status_code == 403 and "access-control-allow-origin" not in page.headers
    allowed = post(api, HI, headers={**AUTH, "Origin": "http://localhost:5173"})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    # A browser's preflight: answered for the listed origin only.
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    url = f"{api.url}/chat/completions"
    ok = httpx.options(url, headers={**ask, "Origin": "http://localhost:5173"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = httpx.options(url, headers={**ask, "Origin": "https://evil.example"})
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (b"not json", None),
        (b"", None),
        ([1, 2], None),
        ({"messages": []}, "messages"),
        ({"messages": "hi"}, "messages"),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}, "messages[0].content"),
        ({**HI, "temperature": "hot"}, "temperature"),
        ({**HI, "temperature": 9}, "temperature"),
        ({**HI, "max_tokens": 0}, "max_tokens"),
        ({**HI, "stop": [1]}, "stop"),
        ({**HI, "stream": "yes"}, "stream"),
        ({"messages": [{"role": "assistant", "content": "hi"}]}, "messages"),
    ],
)
def test_bad_bodies_are_400_saying_which_field(api, body, param):
    response = post(api, body)
    assert response.status_code == 400 and error_of(response)["param"] == param


def test_a_huge_body_is_refused_early(api):
    response = post(api, b"x" * (5 * 2**20))
    assert response.status_code == 413 and error_of(response)["code"] == "request_too_large"


def test_a_prompt_longer_than_the_context(api, fake):
    fake.loaded.n_ctx = 50
    response = post(api, {"messages": [{"role": "user", "content": "word " * 400}]})
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "context_length_exceeded"
    assert "the model's context holds 50" in error["message"]


def test_an_unknown_model_and_an_unknown_path(api):
    response = post(api, {**HI, "model": "llama-405b"})
    assert response.status_code == 404 and error_of(response)["code"] == "model_not_found"
    response = httpx.get(f"{api.url}/embeddings", headers=AUTH)
    assert response.status_code == 404 and error_of(response)


def test_a_full_queue_answers_429_with_retry_after(api, fake):
    import threading

    fake.script.append(Scripted("held", hold=True))
    first = threading.Thread(target=post, args=(api, HI))
    first.start()
    assert fake.holding.wait(5)
    second = threading.Thread(target=post, args=(api, HI))  # waits: the queue holds one
    second.start()
    time.sleep(0.2)
    third = post(api, HI)
    assert third.status_code == 429 and third.headers["retry-after"] == "5"
    assert error_of(third)["type"] == "rate_limit_error"
    fake.release()
    first.join(5)
    second.join(5)
    assert api.gate.answered >= 2


def test_slow_clients_do_not_block_the_others(api):
    slow = []
    for _ in range(10):
        s = socket.create_connection(("127.0.0.1", api.port))
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and then nothing
        slow.append(s)
    try:
        assert post(api, HI).status_code == 200
    finally:
        for s in slow:
            s.close()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["messages", "role", "content", "model", "stream", "stop", "max_tokens", "temperature", "type", "text",
         "top_p", "seed", "stream_options", "include_usage"]), inner, max_size=5),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values)
def test_any_json_body_gets_an_answer_or_a_clear_error(api, body):
    response = post(api, body)
    assert response.status_code in (200, 400, 404), response.text
    if response.status_code != 200:
        error_of(response)


def test_waiting_requests_are_served_first_come_first_served(fake, tmp_path):
    import threading

    server = ApiServer(fake, port=free_port(), api_key=KEY, max_waiting=10)
    server.start()
    try:
        fake.script.append(Scripted("first", hold=True))
        holder = threading.Thread(target=post, args=(server, HI))
        holder.start()
        assert fake.holding.wait(5)
        order, threads = [], []
        for i in range(5):
            body = {"messages": [{"role": "user", "content": f"request {i}"}]}
            t = threading.Thread(target=lambda b=body, i=i: (post(server, b), order.append(i)))
            t.start()
            threads.append(t)
            time.sleep(0.15)  # each one arrives clearly after the one before
        fake.release()
        for t in [holder, *threads]:
            t.join(10)
        served = [r.history[-1].content for r in fake.requests[1:]]
        assert served == [f"request {i}" for i in range(5)]
    finally:
        server.stop()
