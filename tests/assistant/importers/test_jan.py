"""Jan: its data folder (threads/<id>/thread.json + messages.jsonl) and its JSON shapes."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.importers import jan
from assistant.importers.types import BadShape, ImportedConversation, Skipped, tree_problem

FIXTURES = Path(__file__).parent / "fixtures"
SOURDOUGH = "01JBQ3Z6N8K5XW2YVTE4M9R7HD"
HAIKU = "jan_1710405018181"


def load(*parts: str) -> object:
    return json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    """A copy of the hand-written Jan data folder, safe to damage."""
    return Path(shutil.copytree(FIXTURES / "jan" / "data", tmp_path / "jan-data"))


def thread_with_messages(thread_id: str) -> dict:
    folder = FIXTURES / "jan" / "data" / "threads" / thread_id
    thread = json.loads((folder / "thread.json").read_text(encoding="utf-8"))
    lines = (folder / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    thread["messages"] = [json.loads(line) for line in lines if line.strip()]
    return thread


def conversations(results: list) -> dict[str, ImportedConversation]:
    return {result.key: result for result in results if isinstance(result, ImportedConversation)}


def test_the_data_folder_gives_every_thread_as_a_linear_chat(data_folder: Path) -> None:
    results = list(jan.read_folder(data_folder))

    assert [type(result) for result in results] == [ImportedConversation, ImportedConversation]
    sourdough, haiku = results
    assert sourdough.source == "jan"
    assert sourdough.key == SOURDOUGH
    assert sourdough.title == "Sourdough starter"
    assert sourdough.system_prompt == "You are a patient baking teacher."
    assert sourdough.model == "llama3.2-3b-instruct"
    assert sourdough.created == "2024-11-01T08:33:20.000000Z"  # thread.json: epoch seconds
    assert sourdough.updated == "2024-11-01T08:35:25.500000Z"
    assert [m.role for m in sourdough.messages] == ["user", "assistant", "user", "assistant"]
    keys = [m.key for m in sourdough.messages]
    assert [m.parent for m in sourdough.messages] == [None, *keys[:-1]]
    assert sourdough.active_leaf == keys[-1]
    assert sourdough.messages[0].content == "How often should I feed a sourdough starter?"
    assert sourdough.messages[0].created == "2024-11-01T08:33:30.000000Z"  # messages: epoch milliseconds
    last = sourdough.messages[-1]
    assert last.content == "Equal weights of starter, flour and water: say 50 g each."
    assert last.thinking == "The usual ratio is 1:1:1 by weight."
    assert tree_problem(sourdough.messages) is None

    assert haiku.key == HAIKU
    assert haiku.system_prompt is None  # empty instructions
    assert haiku.model == "mistral-ins-7b-q4"
    assert haiku.created == "2024-03-14T08:30:18.181000Z"  # older Jan: milliseconds
    assert [m.status for m in haiku.messages] == ["complete", "cancelled"]
    assert haiku.messages[0].created == "2024-03-14T08:30:20.001000Z"  # older Jan: "created", not "created_at"


def test_the_threads_folder_and_one_thread_folder_are_read_too(data_folder: Path) -> None:
    whole = [result.key for result in jan.read_folder(data_folder)]

    assert [result.key for result in jan.read_folder(data_folder / "threads")] == whole
    assert [result.key for result in jan.read_folder(data_folder / "threads" / HAIKU)] == [HAIKU]


def test_recognizes_folder(data_folder: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "conversations.json").write_text("[]", encoding="utf-8")

    assert jan.recognizes_folder(data_folder)
    assert jan.recognizes_folder(data_folder / "threads")
    assert jan.recognizes_folder(data_folder / "threads" / SOURDOUGH)
    assert not jan.recognizes_folder(tmp_path / "empty")
    assert not jan.recognizes_folder(tmp_path / "other")
    assert not jan.recognizes_folder(tmp_path / "missing")
    assert not jan.recognizes_folder(data_folder / "threads" / SOURDOUGH / "thread.json")


def test_a_folder_without_threads_is_not_jan(tmp_path: Path) -> None:
    with pytest.raises(BadShape):
        list(jan.read_folder(tmp_path))
    with pytest.raises(BadShape):
        list(jan.read_folder(tmp_path / "missing"))


def test_a_broken_line_skips_that_thread_by_title(data_folder: Path) -> None:
    messages = data_folder / "threads" / SOURDOUGH / "messages.jsonl"
    lines = messages.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:40]  # cut short, as a crash while writing would
    messages.write_text("\n".join(lines) + "\n", encoding="utf-8")

    results = list(jan.read_folder(data_folder))

    assert results[0] == Skipped("Sourdough starter", "line 3 of messages.jsonl is not JSON")
    assert isinstance(results[1], ImportedConversation) and results[1].key == HAIKU


def test_a_missing_thread_json_skips_that_thread_by_its_folder(data_folder: Path) -> None:
    (data_folder / "threads" / SOURDOUGH / "thread.json").unlink()

    results = list(jan.read_folder(data_folder))

    assert results[0] == Skipped(SOURDOUGH, "thread.json is missing")
    assert conversations(results).keys() == {HAIKU}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "thread.json is not JSON"),
        (b"\xff\xfe\x00garbage", "thread.json is not UTF-8 text"),
        (b'"just a string"', "the thread is not an object"),
    ],
)
def test_an_unreadable_thread_json_is_skipped(data_folder: Path, content: bytes, reason: str) -> None:
    (data_folder / "threads" / HAIKU / "thread.json").write_bytes(content)

    results = list(jan.read_folder(data_folder))

    assert results[1] == Skipped(HAIKU, reason)
    assert conversations(results).keys() == {SOURDOUGH}


def test_a_thread_without_messages_is_skipped(data_folder: Path) -> None:
    (data_folder / "threads" / HAIKU / "messages.jsonl").unlink()

    assert list(jan.read_folder(data_folder / "threads" / HAIKU)) == [Skipped("Haiku about rain", "it has no messages")]


def test_tool_messages_are_left_out_and_the_chain_continues(data_folder: Path) -> None:
    thread = thread_with_messages(SOURDOUGH)
    tool = {"id": "tool-1", "object": "thread.message", "thread_id": SOURDOUGH, "role": "tool", "content": []}
    thread["messages"].insert(2, tool)

    (conversation,) = jan.read(thread)

    assert "tool-1" not in [m.key for m in conversation.messages]
    assert conversation.messages[2].parent == conversation.messages[1].key


def test_read_takes_a_thread_with_its_messages_or_a_list_of_them() -> None:
    one = thread_with_messages(SOURDOUGH)
    both = [one, thread_with_messages(HAIKU), "not a thread"]

    assert jan.recognizes(one) and jan.recognizes(both)
    (single,) = jan.read(one)
    assert isinstance(single, ImportedConversation) and len(single.messages) == 4
    results = list(jan.read(both))
    assert [r.key for r in results[:2]] == [SOURDOUGH, HAIKU]
    assert results[2] == Skipped("a Jan thread", "the thread is not an object")


def test_a_thread_json_alone_points_to_its_folder() -> None:
    data = load("jan", "data", "threads", HAIKU, "thread.json")

    assert jan.recognizes(data)
    assert list(jan.read(data)) == [
        Skipped("Haiku about rain", "its messages are in messages.jsonl: import the thread's folder")
    ]


def test_read_takes_a_project_export_and_skips_its_damaged_thread() -> None:
    data = load("jan", "project_export.json")

    assert jan.recognizes(data)
    blight, damaged = jan.read(data)

    assert blight.key == "9b0f4c1e-2d7a-4e55-9a53-0c8f6d1e2b3a"
    assert blight.title == "Tomato blight"
    assert blight.created == "2025-01-01T00:06:40.000000Z"
    assert blight.messages[1].thinking == "Brown spots with rings suggest early blight."
    assert blight.messages[1].content.startswith("Probably early blight")
    assert damaged == Skipped("Damaged thread", "its messages are not a list")


def test_a_message_with_a_bare_string_text_and_an_error_status() -> None:
    thread = {
        "id": "t1",
        "object": "thread",
        "title": "Errors",
        "messages": [
            {"id": "m1", "thread_id": "t1", "role": "user", "content": [{"type": "text", "text": "Hi"}]},
            {"id": "m2", "thread_id": "t1", "role": "assistant", "content": [], "status": "error",
             "error_code": "invalid_api_key"},
        ],
    }  # fmt: skip

    (conversation,) = jan.read(thread)

    assert conversation.messages[0].content == "Hi"
    assert (conversation.messages[1].status, conversation.messages[1].error) == ("error", "invalid_api_key")


CHATGPT = [
    {
        "title": "Hi",
        "create_time": 1714555800.0,
        "mapping": {"a": {"id": "a", "message": None, "parent": None, "children": []}},
        "current_node": "a",
        "conversation_id": "c1",
    }
]
OPEN_WEBUI = [
    {
        "id": "w1",
        "user_id": "u1",
        "title": "Hi",
        "chat": {
            "messages": [{"id": "1", "role": "user", "content": "hi", "parentId": None}],
            "history": {"messages": {"1": {"id": "1", "role": "user", "content": "hi"}}, "currentId": "1"},
        },
        "created_at": 1714555800,
    }
]


@pytest.mark.parametrize(
    "data",
    [
        None,
        3,
        "thread",
        [],
        {},
        [1, 2],
        {"object": "list", "data": []},
        {"messages": [{"role": "user"}]},
        CHATGPT,
        OPEN_WEBUI,
        load("lm_studio", "1730552400000.conversation.json"),
        load("chatbox", "chatbox-exported-data-2025-3-14.json"),
    ],
)
def test_junk_and_other_formats_are_not_jan(data: object) -> None:
    assert not jan.recognizes(data)
    with pytest.raises(BadShape):
        list(jan.read(data))


KEYS = [
    "id", "object", "title", "assistants", "model", "instructions", "created", "updated", "metadata", "messages",
    "thread_id", "role", "content", "type", "text", "value", "annotations", "status", "created_at",
    "completed_at", "error_code", "project", "threads",
]  # fmt: skip
WORDS = ["thread", "thread.message", "text", "reasoning", "user", "assistant", "system", "tool", "ready", "stopped",
         "error", "<think>a</think>b", "*"]  # fmt: skip
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.sampled_from(WORDS)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner),
    max_leaves=30,
)
threads = st.fixed_dictionaries(
    {"object": st.just("thread")}, optional={k: values for k in ("id", "title", "assistants", "messages")}
)


def check(results: list) -> None:
    for result in results:
        assert isinstance(result, ImportedConversation | Skipped)
        if isinstance(result, ImportedConversation):
            assert result.messages and tree_problem(result.messages) is None


@settings(max_examples=300, deadline=None)
@given(st.one_of(values, threads, st.lists(threads, max_size=3)))
def test_any_json_is_read_or_refused_with_bad_shape(data: object) -> None:
    try:
        results = list(jan.read(data))
    except BadShape:
        return
    check(results)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(thread=st.binary(max_size=200) | values.map(lambda v: json.dumps(v).encode()), lines=st.binary(max_size=300))
def test_any_folder_content_is_read_or_refused_with_bad_shape(thread: bytes, lines: bytes) -> None:
    with tempfile.TemporaryDirectory() as home:
        folder = Path(home) / "threads" / "t1"
        folder.mkdir(parents=True)
        (folder / "thread.json").write_bytes(thread)
        (folder / "messages.jsonl").write_bytes(lines)
        try:
            results = list(jan.read_folder(Path(home)))
        except BadShape:
            return
        assert len(results) == 1
        check(results)
