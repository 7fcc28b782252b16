"""The thinking of a reasoning model's reply: streamed apart from the answer, stored apart from it,
never sent back to the model, and kept when the reply is stopped while it thinks.

The session's logic runs against the scripted engine; the same path runs through the real engine
with a copy of the starter model whose chat template opens a thinking block, as DeepSeek-R1's does
(the prompt ends with "<think>\\n", so the model's output starts inside the thinking). The starter
model never writes "</think>" itself, so everything it writes there is thinking.
"""

from pathlib import Path

import pytest

import assistant.session as session_module
from assistant.engine import GenerationSettings, LoadSettings, LocalEngine, ModelRef, Reply
from assistant.engine.pipe import DoneEvent, TextEvent
from assistant.engine.types import ReplyStats
from assistant.session import ChatSession
from assistant.store import Store
from tests.assistant.models.ggufs import copy_with_strings
from tests.fakes import Scripted
from tests.starter import starter_path

GEN = GenerationSettings(max_tokens=24, seed=1)
THOUGHT = ["The user says hello. ", "A greeting back ", "will do."]

REASONING_TEMPLATE = r"""
{%- for message in messages -%}
{{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n<think>\n' -}}{%- endif -%}
"""


def sent_texts(request) -> str:
    return "\n".join([request.system_prompt or "", *(m.content for m in request.history)])


# -- Reply ------------------------------------------------------------------------------------------
def test_a_reply_keeps_its_thinking_apart_and_times_it():
    clock = iter([10.0, 12.5, 99.0])
    events = [TextEvent("Hmm, ", thinking=True), TextEvent("yes.", thinking=True), TextEvent("Hi"), TextEvent("!")]
    reply = Reply(iter([*events, DoneEvent(ReplyStats())]), stop=lambda: None, clock=lambda: next(clock))
    assert list(reply) == ["Hi", "!"]  # iterating gives the answer only
    assert (reply.text, reply.thinking, reply.thinking_ms) == ("Hi!", "Hmm, yes.", 2500.0)
    assert list(reply.stream()) == events  # stream() replays both, in order
    still = Reply(iter([TextEvent("Hmm", thinking=True)]), stop=lambda: None, clock=iter([1.0, 4.0]).__next__)
    assert list(still) == [] and still.thinking == "Hmm" and still.thinking_ms == 3000.0  # never answered


# -- the session, scripted --------------------------------------------------------------------------
def test_thinking_is_stored_apart_and_never_sent_to_the_model_again(store, fake):
    chat = ChatSession(store, fake)
    fake.script.append(Scripted("Hello to you!", thinking=THOUGHT))
    conversation = store.create_conversation(system_prompt="Be brief.")
    turn = chat.send(conversation["id"], "Hello", GEN)
    assert list(turn) == ["Hello ", "to ", "you!"]
    assert turn.thinking == "".join(THOUGHT) and turn.thinking_ms is not None
    saved = store.message(turn.reply_message_id)
    assert (saved["content"], saved["thinking"]) == ("Hello to you!", "".join(THOUGHT))
    assert saved["thinking_ms"] == pytest.approx(turn.thinking_ms)
    chat.send(conversation["id"], "And then?", GEN).consume()
    request = fake.requests[-1]
    assert [(m.role, m.content) for m in request.history] == [
        ("user", "Hello"),
        ("assistant", "Hello to you!"),
        ("user", "And then?"),
    ]
    assert not any(part.strip() in sent_texts(request) for part in THOUGHT)


def test_thinking_is_saved_while_it_streams(store, fake, monkeypatch):
    monkeypatch.setattr(session_module, "SAVE_EVERY_S", 0.0)
    chat = ChatSession(store, fake)
    fake.script.append(Scripted("Hi", thinking=THOUGHT))
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Hello", GEN)
    seen = []
    with Store() as other:
        for event in turn.stream():
            seen.append(event)
            if len(seen) >= 2 and event.thinking:
                saved = other.message(turn.reply_message_id)
                assert saved["status"] == "streaming" and saved["content"] == ""
                assert saved["thinking"] == "".join(e.text for e in seen)
    assert [e.thinking for e in seen] == [True, True, True, False]
    assert turn.status == "complete"


def test_stop_while_thinking_keeps_the_thinking_so_far(store, fake):
    chat = ChatSession(store, fake)
    fake.script.append(Scripted("Never said", thinking=THOUGHT, hold=True))
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Hello", GEN)
    for event in turn.stream():
        assert event.thinking
        turn.stop()
    saved = store.message(turn.reply_message_id)
    assert turn.status == saved["status"] == "cancelled" and saved["finish_reason"] == "cancelled"
    assert (saved["content"], saved["thinking"]) == ("", THOUGHT[0])
    assert saved["thinking_ms"] is not None


def test_leaving_the_answer_loop_early_still_saves_the_thinking(store, fake):
    chat = ChatSession(store, fake)
    fake.script.append(Scripted("one two three", thinking=THOUGHT))
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Count", GEN)
    for chunk in turn:
        assert chunk == "one "
        break
    saved = store.message(turn.reply_message_id)
    assert (saved["status"], saved["content"], saved["thinking"]) == ("cancelled", "one ", "".join(THOUGHT))


# -- the session, with the real engine ----------------------------------------------------------------
@pytest.fixture(scope="module")
def reasoning_model(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reasoning")
    return copy_with_strings(starter_path(), folder / "reasoning.gguf", {"tokenizer.chat_template": REASONING_TEMPLATE})


@pytest.fixture(scope="module")
def reasoning_engine(session_home, reasoning_model):
    engine = LocalEngine()
    engine.load(ModelRef.local(reasoning_model), LoadSettings(n_ctx=1024, n_threads=1))
    yield engine
    engine.close()


def test_real_thinking_is_captured_stored_and_left_out_of_the_next_request(store, reasoning_engine, monkeypatch):
    requests = []
    chat_with = reasoning_engine.chat
    monkeypatch.setattr(reasoning_engine, "chat", lambda request: requests.append(request) or chat_with(request))
    chat = ChatSession(store, reasoning_engine)
    conversation = store.create_conversation(system_prompt="Be brief.")
    first = chat.send(conversation["id"], "Hello! Who are you?", GEN)
    events = list(first.stream())
    assert events and all(e.thinking for e in events)  # the prompt opened the thinking: all of it is
    assert first.thinking.strip() and first.text == "" and first.status == "complete"
    saved = store.message(first.reply_message_id)
    assert (saved["content"], saved["thinking"]) == ("", first.thinking)
    assert saved["thinking_ms"] > 0 and saved["reply_tokens"] == first.stats.reply_tokens

    second = chat.send(conversation["id"], "And what can you do?", GEN).consume()
    assert second.thinking.strip()
    request = requests[-1]
    # the store has the thinking, the request does not: a reply with only thinking says nothing to the model
    assert [(m.role, m.content) for m in request.history] == [
        ("user", "Hello! Who are you?"),
        ("user", "And what can you do?"),
    ]
    assert request.system_prompt == "Be brief." and first.thinking.strip() not in sent_texts(request)


def test_real_stop_while_thinking_ends_the_reply_cancelled_with_its_thinking(store, reasoning_engine):
    chat = ChatSession(store, reasoning_engine)
    conversation = store.create_conversation()
    turn = chat.send(conversation["id"], "Write a long story about a lighthouse keeper.", GenerationSettings(seed=1))
    seen = []
    for event in turn.stream():
        seen.append(event)
        turn.stop()  # at the first piece of thinking
    assert seen and all(e.thinking for e in seen)
    saved = store.message(turn.reply_message_id)
    assert turn.status == saved["status"] == "cancelled" and saved["finish_reason"] == "cancelled"
    assert saved["content"] == "" and saved["thinking"] == turn.thinking == "".join(e.text for e in seen)
    assert turn.stats.reply_tokens < 10  # it stopped at once, not at the end of the story
    assert not reasoning_engine.busy
