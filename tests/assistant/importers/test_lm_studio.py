"""LM Studio: ~/.lmstudio/conversations/<createdAt>.conversation.json, versions as branches."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.importers import lm_studio
from assistant.importers.types import BadShape, ImportedConversation, Skipped, tree_problem

FIXTURES = Path(__file__).parent / "fixtures"


def load(*parts: str) -> object:
    return json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))


def conversation(name: str) -> dict:
    data = load("lm_studio", name)
    assert isinstance(data, dict)
    return data


def test_a_simple_chat_with_thinking_and_a_per_chat_system_prompt() -> None:
    data = conversation("1730552400000.conversation.json")

    assert lm_studio.recognizes(data)
    (chat,) = lm_studio.read(data)

    assert isinstance(chat, ImportedConversation)
    assert chat.source == "lm-studio"
    assert chat.key == "1730552400000"  # createdAt, which also names the file
    assert chat.title == "Packing list"
    assert chat.system_prompt == "Answer briefly."  # systemPrompt is empty; the per-chat field holds it
    assert chat.model == "qwen/qwen3-8b"
    assert chat.created == "2024-11-02T13:00:00.000000Z"
    assert chat.updated == "2024-11-02T13:01:02.000000Z"  # the later of the user's and the assistant's
    assert [(m.key, m.parent, m.role) for m in chat.messages] == [
        ("1.1", None, "user"),
        ("2.1", "1.1", "assistant"),
        ("3.1", "2.1", "user"),
        ("4.1", "3.1", "assistant"),
    ]
    answer = chat.messages[1]
    assert answer.content == "Boots, a rain jacket, water, snacks and a map."
    assert answer.thinking == "Two days, so one change of clothes and food for four meals."
    assert answer.model == "qwen/qwen3-8b"
    assert chat.messages[0].model is None
    assert chat.active_leaf == "4.1"


def test_versions_are_siblings_and_the_chat_continues_under_the_selected_one() -> None:
    (chat,) = lm_studio.read(conversation("1730553000000.conversation.json"))

    parents = {m.key: m.parent for m in chat.messages}
    assert parents == {
        "1.1": None,
        "1.2": None,  # an edited question: a second root
        "2.1": "1.1",  # the answers hang under the selected question, the older one
        "2.2": "1.1",
        "2.3": "1.1",
        "3.1": "2.2",  # the chat goes on under the selected answer, not the newest
        "4.1": "3.1",
    }
    children = {parent for parent in parents.values()}
    assert {"1.2", "2.1", "2.3"}.isdisjoint(children)  # the unselected versions are leaves
    assert chat.active_leaf == "4.1"
    assert tree_problem(chat.messages) is None
    by_key = {m.key: m for m in chat.messages}
    assert by_key["2.2"].content == "Canberra."
    assert (by_key["2.3"].status, by_key["2.3"].model) == ("cancelled", "gemma-3-4b")
    assert chat.system_prompt == "You are a geography tutor."


def test_the_active_leaf_follows_the_selection_at_the_last_position() -> None:
    data = conversation("1730553000000.conversation.json")
    data["messages"] = data["messages"][:2]  # ends on the three answers; the middle one is selected

    (chat,) = lm_studio.read(data)

    assert chat.active_leaf == "2.2"


def test_a_version_of_the_wrong_type_skips_that_conversation_by_name() -> None:
    good = conversation("1730552400000.conversation.json")
    broken = conversation("1730554000000.conversation.json")

    results = list(lm_studio.read([good, broken]))

    assert isinstance(results[0], ImportedConversation) and results[0].title == "Packing list"
    assert results[1] == Skipped("Broken chat", "message 2 has a version that is not an object")
    assert list(lm_studio.read(broken)) == [Skipped("Broken chat", "message 2 has a version that is not an object")]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(messages=[{"versions": [{"type": "singleStep", "content": []}]}]), "has a version without"),
        (lambda d: d["messages"][1]["versions"][0].update(steps="none"), "steps that are not a list"),
        (lambda d: d["messages"][0]["versions"][0].update(content=7), "content of an unknown kind"),
        (lambda d: d.update(messages=[]), "it has no messages"),
    ],
)
def test_damaged_conversations_are_skipped(change, reason: str) -> None:
    data = conversation("1730552400000.conversation.json")
    change(data)

    (result,) = lm_studio.read(data)

    assert isinstance(result, Skipped) and result.title == "Packing list" and reason in result.reason


def test_a_conversation_without_created_at_is_keyed_by_its_content() -> None:
    data = conversation("1730552400000.conversation.json")
    del data["createdAt"]
    same = copy.deepcopy(data)
    other = copy.deepcopy(data)
    other["messages"][0]["versions"][0]["content"][0]["text"] = "Something else"

    (first,) = lm_studio.read(data)
    (again,) = lm_studio.read(same)
    (changed,) = lm_studio.read(other)

    assert first.key == again.key
    assert first.key.startswith("sha256-") and first.key != changed.key


def test_a_selection_out_of_range_falls_back_to_the_first_version() -> None:
    data = conversation("1730553000000.conversation.json")
    data["messages"][1]["currentlySelected"] = 9

    (chat,) = lm_studio.read(data)

    assert {m.key: m.parent for m in chat.messages}["3.1"] == "2.1"


CHATGPT = [
    {
        "title": "Hi",
        "create_time": 1714555800.0,
        "mapping": {"a": {"id": "a", "message": None, "parent": None, "children": []}},
        "current_node": "a",
    }
]
OPEN_WEBUI = [
    {
        "id": "w1",
        "title": "Hi",
        "chat": {"messages": [{"id": "1", "role": "user", "content": "hi"}], "history": {"messages": {}}},
    }
]


@pytest.mark.parametrize(
    "data",
    [
        None,
        False,
        "conversation",
        [],
        {},
        {"messages": []},
        {"messages": [{"role": "user", "content": "hi"}]},
        [{"messages": "x"}],
        CHATGPT,
        OPEN_WEBUI,
        load("jan", "project_export.json"),
        load("chatbox", "chatbox-exported-data-2025-3-14.json"),
        load("chatbox", "chatbox-0.10-export.json"),
    ],
)
def test_junk_and_other_formats_are_not_lm_studio(data: object) -> None:
    assert not lm_studio.recognizes(data)
    with pytest.raises(BadShape):
        list(lm_studio.read(data))


KEYS = [
    "name", "createdAt", "pinned", "tokenCount", "systemPrompt", "perChatPredictionConfig", "fields", "key", "value",
    "lastUsedModel", "identifier", "indexedModelIdentifier", "messages", "versions", "currentlySelected", "type",
    "role", "content", "text", "steps", "style", "prefix", "genInfo", "stats", "stopReason", "senderInfo",
    "senderName", "userLastMessagedAt", "assistantLastMessagedAt",
]  # fmt: skip
WORDS = ["singleStep", "multiStep", "contentBlock", "toolStatus", "thinking", "text", "user", "assistant", "system",
         "tool", "userStopped", "failed", "llm.prediction.systemPrompt", "<think>"]  # fmt: skip
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.sampled_from(WORDS)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner),
    max_leaves=30,
)
versions = st.fixed_dictionaries(
    {}, optional={k: values for k in ("type", "role", "content", "steps", "senderInfo")}
) | st.fixed_dictionaries(
    {"type": st.just("multiStep"), "role": st.just("assistant")},
    optional={"steps": st.lists(st.fixed_dictionaries({"type": st.just("contentBlock")}, optional={
        "content": values, "style": values, "genInfo": values, "prefix": values}), max_size=3)},
)  # fmt: skip
entries = st.fixed_dictionaries(
    {"versions": st.lists(versions | values, max_size=3)}, optional={"currentlySelected": values}
)
conversations = st.fixed_dictionaries(
    {"messages": st.lists(entries, min_size=1, max_size=4)},
    optional={k: values for k in ("name", "createdAt", "systemPrompt", "lastUsedModel", "perChatPredictionConfig")},
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(values, conversations, st.lists(conversations | values, max_size=3)))
def test_any_json_is_read_or_refused_with_bad_shape(data: object) -> None:
    try:
        results = list(lm_studio.read(data))
    except BadShape:
        return
    for result in results:
        assert isinstance(result, ImportedConversation | Skipped)
        if isinstance(result, ImportedConversation):
            assert result.messages and tree_problem(result.messages) is None
            assert result.active_leaf in {m.key for m in result.messages}
