"""Chatbox: its exported data file, with sessions, forks (branches) and archived threads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.importers import chatbox
from assistant.importers.types import BadShape, ImportedConversation, Skipped, tree_problem

FIXTURES = Path(__file__).parent / "fixtures"
HELLO = "3f1c2a9e-6b0d-4f7a-9e21-5d8c4b7a1f02"
POEM = "a7d94e36-0c5b-4b1f-8f6e-2e9a1c3d5b70"
TRIP = "d2b6f8a1-3e4c-4d9b-a7f5-6c1e0b9d8a34"


def load(*parts: str) -> dict:
    data = json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def export() -> dict:
    return load("chatbox", "chatbox-exported-data-2025-3-14.json")


def by_key(results: list) -> dict[str, ImportedConversation]:
    return {result.key: result for result in results if isinstance(result, ImportedConversation)}


def test_the_export_gives_each_session_once_in_the_sidebars_order() -> None:
    data = export()

    assert chatbox.recognizes(data)
    results = list(chatbox.read(data))

    assert [(type(r).__name__, r.key if isinstance(r, ImportedConversation) else r.title) for r in results] == [
        ("ImportedConversation", HELLO),
        ("ImportedConversation", POEM),
        ("ImportedConversation", TRIP),
        ("ImportedConversation", f"{TRIP}:7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b"),
        ("Skipped", "Cat pictures"),
        ("Skipped", "Corrupted session"),
    ]
    # Hello is also in the old "chat-sessions" list, with one message: the newer copy wins.
    assert len(results[0].messages) == 2


def test_a_simple_session_and_its_system_prompt() -> None:
    hello = by_key(list(chatbox.read(export())))[HELLO]

    assert hello.source == "chatbox"
    assert hello.title == "Hello"
    assert hello.system_prompt == "You are a helpful assistant."
    assert hello.model == "gpt-4o-mini"
    assert [(m.role, m.parent) for m in hello.messages] == [
        ("user", None),
        ("assistant", "b1e0c2d4-0001-4000-8000-000000000002"),
    ]
    assert hello.messages[1].content == "I can answer questions, draft text and explain code."
    assert hello.messages[1].model == "gpt-4o-mini"
    assert hello.messages[0].created == "2025-03-14T08:00:10.000000Z"
    assert (hello.created, hello.updated) == ("2025-03-14T08:00:10.000000Z", "2025-03-14T08:00:12.000000Z")
    assert hello.active_leaf == "b1e0c2d4-0001-4000-8000-000000000003"


def test_forks_become_branches_with_the_older_alternative_on_screen() -> None:
    poem = by_key(list(chatbox.read(export())))[POEM]

    assert tree_problem(poem.messages) is None
    assert {m.key: m.parent for m in poem.messages} == {
        "c2f1-0002": None,  # the system message became the system prompt
        "c2f1-0003": "c2f1-0002",  # the branch on screen: the first answer
        "c2f1-0004": "c2f1-0002",  # the stored branch: a second answer and what followed it
        "c2f1-0005": "c2f1-0004",
        "c2f1-0006": "c2f1-0005",
        "c2f1-0007": "c2f1-0005",  # a fork inside the stored branch
    }
    assert poem.active_leaf == "c2f1-0003"
    second = next(m for m in poem.messages if m.key == "c2f1-0004")
    assert second.thinking == "The sea: tides, salt, a lighthouse."
    assert second.content == "Salt on the wind, / a lighthouse hums."
    assert poem.system_prompt == "You write short poems."


def test_archived_threads_are_conversations_of_their_own() -> None:
    results = by_key(list(chatbox.read(export())))
    current = results[TRIP]
    thread = results[f"{TRIP}:7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b"]

    assert current.title == "Trip planning"
    assert current.messages[0].content == "Three days in Lisbon: where do I start?"
    assert thread.title == "Lisbon"
    assert thread.system_prompt == "You are a travel agent."
    failed = thread.messages[-1]
    assert (failed.status, failed.error, failed.content) == ("error", "connect ECONNREFUSED 127.0.0.1:11434", "")


def test_a_session_cleared_for_a_new_thread_keeps_only_its_threads() -> None:
    data = export()
    session = data[f"session:{TRIP}"]
    session["messages"] = session["messages"][:1]  # only the system prompt, as Chatbox leaves it

    results = [r for r in chatbox.read(data) if getattr(r, "key", "").startswith(TRIP)]

    assert [r.key for r in results] == [f"{TRIP}:7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b"]


def test_an_older_chatbox_with_content_strings() -> None:
    data = load("chatbox", "chatbox-0.10-export.json")

    assert chatbox.recognizes(data)
    (chat,) = chatbox.read(data)

    assert chat.key == "6a0c3b1e-58f2-4d27-9b43-1e7d0c5a9f36"
    assert chat.system_prompt.startswith("You are a helpful assistant.")
    assert [m.content for m in chat.messages] == [
        "A regex for a UK postcode?",
        "Something like ^[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}$ covers most of them.",
    ]
    assert chat.messages[1].model == "gpt-3.5-turbo"


def test_a_session_with_non_list_messages_is_skipped_by_name() -> None:
    results = list(chatbox.read(export()))

    assert Skipped("Corrupted session", "its messages are not a list") in results
    assert Skipped("Cat pictures", "it is an image-generation session") in results


def test_a_listed_session_missing_from_the_file_is_skipped() -> None:
    data = {"chat-sessions-list": [{"id": "s1", "name": "Gone"}]}

    assert list(chatbox.read(data)) == [Skipped("Gone", "its messages are not in the file")]


def test_a_fork_that_contains_itself_is_skipped_not_looped() -> None:
    message = {"id": "m1", "role": "user", "contentParts": [{"type": "text", "text": "hi"}]}
    other = {"id": "m2", "role": "assistant", "contentParts": [{"type": "text", "text": "hello"}]}
    fork = {"position": 0, "lists": [{"id": "l1", "messages": []}, {"id": "l2", "messages": [other, message]}]}
    session = {"id": "s1", "name": "Loop", "messages": [message], "messageForksHash": {"m1": fork}}

    (result,) = chatbox.read({"session:s1": session})

    assert result == Skipped("Loop", "the message id 'm1' appears twice")


def test_a_stored_copy_of_the_branch_on_screen_is_not_imported_twice() -> None:
    message = {"id": "m1", "role": "user", "contentParts": [{"type": "text", "text": "hi"}]}
    answer = {"id": "m2", "role": "assistant", "contentParts": [{"type": "text", "text": "hello"}]}
    fork = {"position": 1, "lists": [{"id": "l1", "messages": []}, {"id": "l2", "messages": [answer]}]}
    session = {"id": "s1", "name": "Copy", "messages": [message, answer], "messageForksHash": {"m1": fork}}

    (result,) = chatbox.read({"session:s1": session})

    assert [(m.key, m.parent) for m in result.messages] == [("m1", None), ("m2", "m1")]


def test_a_damaged_fork_skips_its_session() -> None:
    data = export()
    data[f"session:{POEM}"]["messageForksHash"]["c2f1-0002"]["lists"] = "broken"

    results = list(chatbox.read(data))

    assert Skipped("Forked poem", "a branch is damaged") in results
    assert HELLO in by_key(results)


CHATGPT = [{"title": "Hi", "mapping": {"a": {"id": "a", "parent": None, "children": []}}, "current_node": "a"}]
OPEN_WEBUI = [{"id": "w1", "title": "Hi", "chat": {"messages": [], "history": {"messages": {}}}}]


@pytest.mark.parametrize(
    "data",
    [
        None,
        1.5,
        "chat-sessions",
        [],
        {},
        {"settings": {}},
        {"sessions": []},
        [{"session:1": {}}],
        CHATGPT,
        OPEN_WEBUI,
        load("jan", "project_export.json"),
        load("lm_studio", "1730553000000.conversation.json"),
    ],
)
def test_junk_and_other_formats_are_not_chatbox(data: object) -> None:
    assert not chatbox.recognizes(data)
    with pytest.raises(BadShape):
        list(chatbox.read(data))


KEYS = [
    "chat-sessions", "chat-sessions-list", "session:s1", "session:s2", "settings", "modelId", "id", "name", "type",
    "messages", "threads", "threadName", "messageForksHash", "position", "lists", "role", "contentParts", "text",
    "content", "reasoningContent", "timestamp", "model", "error", "errorCode", "generating", "createdAt", "m1", "m2",
]  # fmt: skip
WORDS = ["system", "user", "assistant", "tool", "text", "reasoning", "image", "chat", "picture", "m1", "m2", "..."]
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.sampled_from(WORDS)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner),
    max_leaves=30,
)
messages = st.fixed_dictionaries(
    {"id": st.sampled_from(["m1", "m2", "m3"]) | values, "role": st.sampled_from(WORDS[:4]) | values},
    optional={"contentParts": values, "content": values, "timestamp": values, "error": values},
)
branches = st.fixed_dictionaries({"messages": st.lists(messages | values, max_size=3)})
forks = st.dictionaries(
    st.sampled_from(["m1", "m2", "m3"]),
    st.fixed_dictionaries({"position": values, "lists": st.lists(branches | values, max_size=3)}) | values,
    max_size=3,
)
sessions = st.fixed_dictionaries(
    {"id": st.sampled_from(["s1", "s2"]) | values, "messages": st.lists(messages | values, max_size=4) | values},
    optional={"name": values, "type": values, "messageForksHash": forks | values, "threads": values},
)
exports = st.dictionaries(st.sampled_from(["session:s1", "session:s2", "chat-sessions-list", "chat-sessions"]),
                          sessions | st.lists(sessions | values, max_size=3) | values, min_size=1)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(values, exports))
def test_any_json_is_read_or_refused_with_bad_shape(data: object) -> None:
    try:
        results = list(chatbox.read(data))
    except BadShape:
        return
    for result in results:
        assert isinstance(result, ImportedConversation | Skipped)
        if isinstance(result, ImportedConversation):
            assert result.messages and tree_problem(result.messages) is None
            assert result.active_leaf is None or result.active_leaf in {m.key for m in result.messages}
