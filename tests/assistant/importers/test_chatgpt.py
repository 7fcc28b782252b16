"""The ChatGPT importer, on hand-written exports shaped like the real ones (fixtures/chatgpt/) and on
arbitrary JSON: a damaged conversation is skipped by title, and nothing but BadShape ever escapes."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.importers import chatgpt
from assistant.importers.types import ROLES, BadShape, ImportedConversation, Skipped, tree_problem

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str, app: str = "chatgpt"):
    return json.loads((FIXTURES / app / name).read_text(encoding="utf-8"))


def read_all(data) -> tuple[list[ImportedConversation], list[Skipped]]:
    results = list(chatgpt.read(data))
    assert all(isinstance(result, ImportedConversation | Skipped) for result in results)
    return [r for r in results if isinstance(r, ImportedConversation)], [r for r in results if isinstance(r, Skipped)]


def only(data) -> ImportedConversation:
    conversations, skipped = read_all(data)
    assert skipped == []
    assert len(conversations) == 1
    return conversations[0]


def shape(conversation: ImportedConversation) -> list[tuple[str, str | None, str, str]]:
    return [(m.key, m.parent, m.role, m.content) for m in conversation.messages]


def assert_tree(conversation: ImportedConversation) -> None:
    assert tree_problem(conversation.messages) is None
    assert all(m.role in ROLES for m in conversation.messages)
    keys = {m.key for m in conversation.messages}
    assert conversation.active_leaf is None or conversation.active_leaf in keys


def test_a_simple_chat_keeps_its_ids_times_and_model_and_loses_the_root_and_hidden_system_node():
    conversations, skipped = read_all(load("simple.json"))
    assert skipped == []
    first = conversations[0]
    assert first.source == "chatgpt"
    assert first.key == "6632a1b8-1111-8000-a000-000000000001"
    assert first.title == "Sourdough starter"
    assert first.created == "2024-05-01T09:30:00.123000Z"
    assert first.updated == "2024-05-01T09:31:02.500000Z"
    assert first.model == "gpt-4o"
    assert first.system_prompt is None
    user, answer = "5b8e1c2a-0002-4c1e-9a51-000000000002", "5b8e1c2a-0003-4c1e-9a51-000000000003"
    assert shape(first) == [
        (user, None, "user", "How often should I feed a sourdough starter?"),
        (answer, user, "assistant", "Once a day if it lives on the counter, once a week in the fridge."),
    ]
    assert first.messages[1].model == "gpt-4o"
    assert first.messages[1].created == "2024-05-01T09:30:02.250000Z"
    assert first.messages[1].status == "complete"
    assert first.active_leaf == answer
    assert_tree(first)


def test_an_old_export_drops_an_empty_visible_system_message_and_joins_the_parts():
    old = read_all(load("simple.json"))[0][1]
    assert old.key == "aaa1f3c2-conversation"  # only "id", no "conversation_id"
    assert old.model is None
    assert shape(old) == [
        ("aaa1f3c2-user", None, "user", "Write a haiku about rain."),
        (
            "aaa1f3c2-asst",
            "aaa1f3c2-user",
            "assistant",
            "Soft rain on the roof\nthe gutters hum their one note\ntea cools by the glass",
        ),
    ]
    assert old.messages[1].model == "text-davinci-002-render-sha"


def test_regenerated_replies_and_edited_prompts_stay_branches_and_the_active_leaf_is_kept():
    conversation = only(load("branches.json"))
    assert shape(conversation) == [
        ("u1", None, "user", "Name a colour."),
        ("a1", "u1", "assistant", "Blue."),
        ("a2", "u1", "assistant", "Green."),  # regenerated: a sibling of a1
        ("u2", "a2", "user", "Another one?"),
        ("a3", "u2", "assistant", "Red."),
        ("u2-edit", "a2", "user", "Name a fruit instead."),  # edited: a sibling of u2
        ("a4", "u2-edit", "assistant", "Apple."),
    ]
    assert conversation.active_leaf == "a3"  # the older branch, not the newest leaf a4
    assert [m.model for m in conversation.messages if m.role == "assistant"] == [
        "gpt-4o",
        "gpt-4o-mini",
        "gpt-4o",
        "gpt-4o",
    ]
    assert_tree(conversation)


def test_custom_instructions_become_the_system_prompt_and_are_not_a_message():
    conversations, skipped = read_all(load("instructions.json"))
    assert skipped == []
    newer, older = conversations
    assert newer.system_prompt == (
        "About the user:\nPreferred name: Morag\nRole: Hill walker in the Highlands\n\n"
        "How to respond:\nBe brief. Use metric units."
    )
    assert shape(newer) == [
        ("question", None, "user", "How high is Sgurr Alasdair?"),
        ("answer", "question", "assistant", "992 m, the highest point on Skye."),
    ]
    # Without metadata.user_context_message_data, the words between ChatGPT's ``` fences are kept.
    assert older.system_prompt == "How to respond:\nAnswer in Scots where you can."
    assert [m.key for m in older.messages] == ["q-2", "a-2"]
    assert older.messages[0].parent is None


def test_thoughts_code_tool_output_and_the_answer_fold_into_one_assistant_message():
    conversation = only(load("tools.json")[:1])
    messages = {m.key: m for m in conversation.messages}
    assert [m.role for m in conversation.messages] == ["user", "assistant"] * 4
    assert messages["photo-q"].content == "[Image]\nWhat is in this picture? Then work out sin(1)."
    turn = messages["thinking"]
    assert turn.parent == "photo-q"
    assert turn.content == (
        "```python\nimport math\nprint(round(math.sin(1), 3))\n```\n\n"
        "```\n0.841\n```\n\n"
        "A cat is asleep on a sofa. sin(1) is about 0.841."
    )
    assert turn.thinking == "**Planning**\nA cat on a sofa. I should run Python for the sine."
    assert "Thought for 4s" not in turn.content  # the reasoning recap is dropped
    assert turn.model == "o3"
    assert turn.created == "2025-04-18T18:13:22.000000Z"


def test_browsing_and_image_generation_keep_their_tool_output_in_fenced_blocks():
    messages = {m.key: m for m in only(load("tools.json")[:1]).messages}
    assert messages["weather-q"].parent == "thinking"
    assert messages["search-call"].content == (
        '```\nsearch("weather Oslo today")\n```\n\n'
        "```\n# 【0†Oslo weather†yr.no】\nOslo: 12 °C, cloudy\n```\n\n"
        "It is 12 °C and cloudy in Oslo."
    )
    drawing = messages["dalle-call"]
    assert drawing.content.startswith(
        '```\n{"prompt":"a lighthouse at dusk","size":"1024x1024"}\n```\n\n[Image]\n\n```\nDALL'
    )
    assert drawing.content.endswith("```\n\nHere is your lighthouse.")
    assert drawing.parent == "draw-q"


def test_voice_parts_and_a_stopped_reply():
    conversation = only(load("tools.json")[:1])
    messages = {m.key: m for m in conversation.messages}
    assert messages["voice-q"].content == "Thanks, tell me a long story.\n[Audio]"
    assert messages["story"].status == "cancelled"
    assert conversation.active_leaf == "story"
    assert_tree(conversation)


def test_an_active_leaf_that_is_not_a_message_moves_to_the_nearest_message_above_it():
    conversation = only(load("tools.json")[1:])
    assert shape(conversation) == [
        ("ask", None, "user", "Find the ferry times to Mull."),
        ("look", "ask", "assistant", '```\n{"search_query": [{"q": "Oban Craignure ferry timetable"}]}\n```'),
    ]
    assert conversation.active_leaf == "look"  # current_node was the empty tool message below it


def test_a_fork_inside_a_tool_chain_is_not_folded_across():
    data = load("tools.json")[1:]
    mapping = data[0]["mapping"]
    mapping["nothing-back"]["message"]["content"] = {"content_type": "text", "parts": ["Ferries leave at 9 and 11."]}
    mapping["nothing-back"]["children"] = ["first", "second"]
    for key, words in (("first", "The first boat is at 9."), ("second", "Boats leave at 9 and 11.")):
        mapping[key] = {
            "id": key,
            "parent": "nothing-back",
            "children": [],
            "message": {"author": {"role": "assistant"}, "content": {"content_type": "text", "parts": [words]}},
        }
    data[0]["current_node"] = "first"
    conversation = only(data)
    assert shape(conversation) == [
        ("ask", None, "user", "Find the ferry times to Mull."),
        (
            "look",
            "ask",
            "assistant",
            '```\n{"search_query": [{"q": "Oban Craignure ferry timetable"}]}\n```\n\n'
            "```\nFerries leave at 9 and 11.\n```",
        ),
        ("first", "look", "assistant", "The first boat is at 9."),
        ("second", "look", "assistant", "Boats leave at 9 and 11."),
    ]
    assert conversation.active_leaf == "first"


def test_code_that_holds_a_fence_gets_a_longer_one():
    data = load("tools.json")[1:]
    data[0]["mapping"]["look"]["message"]["content"] = {
        "content_type": "code",
        "language": "markdown",
        "text": "```\nquoted\n```",
    }
    look = only(data).messages[1]
    assert look.content == "````markdown\n```\nquoted\n```\n````"


def test_damaged_conversations_are_skipped_by_title_and_the_rest_come_in():
    conversations, skipped = read_all(load("damaged.json"))
    assert [c.key for c in conversations] == ["fine-0001", "fine-0002"]
    assert [(s.title, s.reason) for s in skipped] == [
        ("Round in circles", "its messages form a cycle"),
        ("Lost its parent", "a message answers a message that is missing"),
        ("Message of the wrong kind", "a message is not an object"),
        ("Parts that are not a list", "a message's parts are not a list"),
        ("Nothing said", "it has no messages"),
        ("conversation 7", "not a ChatGPT conversation"),
    ]
    for conversation in conversations:
        assert_tree(conversation)


def test_a_conversation_without_an_id_gets_a_key_from_its_content():
    data = load("branches.json")
    for field in ("id", "conversation_id"):
        del data[0][field]
    changed = copy.deepcopy(data)
    changed[0]["title"] = "Another title"
    first, again, other = only(data).key, only(copy.deepcopy(data)).key, only(changed).key
    assert first == again
    assert first != other
    assert first.startswith("sha256:")


@pytest.mark.parametrize("name", ["simple.json", "branches.json", "instructions.json", "tools.json", "damaged.json"])
def test_recognizes_chatgpt_exports(name):
    assert chatgpt.recognizes(load(name))


@pytest.mark.parametrize(
    "data",
    [
        [],
        {},
        None,
        "conversations",
        42,
        [1, 2, 3],
        [{"title": "no mapping"}],
        {"mapping": {}},
        [["mapping"]],
    ],
)
def test_does_not_recognize_junk(data):
    assert not chatgpt.recognizes(data)


@pytest.mark.parametrize("name", ["simple.json", "branches.json", "flat.json", "damaged.json"])
def test_does_not_recognize_open_webui_exports_and_will_not_read_them(name):
    data = load(name, "open_webui")
    assert not chatgpt.recognizes(data)
    with pytest.raises(BadShape):
        list(chatgpt.read(data))


@pytest.mark.parametrize("data", [{"mapping": {}}, "text", None, 3.5])
def test_read_raises_bad_shape_for_a_file_that_is_not_a_list(data):
    with pytest.raises(BadShape):
        list(chatgpt.read(data))


def test_an_empty_list_holds_no_conversations():
    assert list(chatgpt.read([])) == []


# Arbitrary JSON, with the real key names so that the fuzz reaches past the first checks.
KEYS = [
    "mapping", "parent", "children", "message", "content", "parts", "author", "role", "content_type", "text",
    "current_node", "title", "id", "conversation_id", "metadata", "thoughts", "summary", "recipient", "status",
    "create_time", "user_profile", "user_instructions", "user_context_message_data", "model_slug", "language",
    "is_visually_hidden_from_conversation", "finish_details", "type", "a", "b", "r",
    "chat", "history", "messages", "currentId", "parentId", "childrenIds",  # Open WebUI's, read by mistake
]  # fmt: skip
WORDS = ["user", "assistant", "system", "tool", "all", "python", "text", "code", "thoughts", "multimodal_text",
         "execution_output", "reasoning_recap", "user_editable_context", "image_asset_pointer", "system_error",
         "interrupted", "in_progress", "a", "b", "r", "```"]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=6)
    | st.sampled_from(WORDS)
)
json_like = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3), inner, max_size=5)
    ),
    max_leaves=25,
)


def mostly(strategy, odds: int = 30):
    """Usually the plausible shape; about once in `odds` draws any JSON at all. (The junk sits at a middle
    value: Hypothesis favours the ends of a range, the low end most.)"""
    return st.integers(min_value=1, max_value=odds).flatmap(lambda n: json_like if n == odds // 2 else strategy)


ROLE_WORDS = st.sampled_from(["user", "assistant", "tool", "system"])
parts = {"content_type": st.sampled_from(WORDS)}
contents = st.fixed_dictionaries(
    {"content_type": mostly(st.sampled_from(WORDS[6:15]))},
    optional={
        "parts": mostly(st.lists(mostly(st.text(min_size=1, max_size=5) | st.fixed_dictionaries(parts)))),
        "text": mostly(st.text(min_size=1, max_size=5)),
        "language": json_like,
        "thoughts": mostly(st.lists(st.fixed_dictionaries({}, optional={"summary": json_like, "content": json_like}))),
        "user_profile": json_like,
        "user_instructions": json_like,
    },
)
messages = st.fixed_dictionaries(
    {"author": mostly(st.fixed_dictionaries({"role": mostly(ROLE_WORDS)})), "content": mostly(contents)},
    optional={
        "metadata": mostly(
            st.fixed_dictionaries(
                {},
                optional={
                    "model_slug": json_like,
                    "is_visually_hidden_from_conversation": st.sampled_from([False, False, False, True]),
                    "user_context_message_data": json_like,
                    "finish_details": json_like,
                },
            )
        ),
        "recipient": mostly(st.sampled_from(["all", "python", None])),
        "status": json_like,
        "create_time": json_like,
    },
)


@st.composite
def conversations(draw):
    """A mapping that is mostly a tree (each parent drawn from the nodes before it), with now and then a
    parent that is missing or comes later (a cycle), a node of the wrong type, or junk anywhere."""
    keys = [f"n{i}" for i in range(draw(st.integers(min_value=1, max_value=6)))]
    mapping: dict = {}
    for index, key in enumerate(keys):
        parent = draw(mostly(st.sampled_from([None, *keys[:index]]), odds=12))
        children = mostly(st.lists(st.sampled_from(keys), max_size=3))
        node = st.fixed_dictionaries(
            {"parent": st.just(parent), "message": mostly(messages, odds=8)}, optional={"children": children}
        )
        mapping[key] = draw(mostly(node))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        mapping[keys[0]] = {"parent": keys[-1], "message": draw(messages)}  # a cycle, unless there is one node
    current = st.sampled_from(keys)
    optional = {"current_node": mostly(current), "title": json_like, "id": json_like, "default_model_slug": json_like}
    return draw(st.fixed_dictionaries({"mapping": mostly(st.just(mapping))}, optional=optional))


def check(data) -> None:
    """read() gives conversations and skips, or raises BadShape: never anything else."""
    try:
        results = list(chatgpt.read(data))
    except BadShape:
        assert not chatgpt.recognizes(data)
        return
    for result in results:
        assert isinstance(result, ImportedConversation | Skipped)
        if isinstance(result, ImportedConversation):
            assert result.messages
            assert_tree(result)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(mostly(conversations()), max_size=3))
def test_fuzz_conversation_shaped_lists_never_raise_anything_but_bad_shape(data):
    check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_like)
def test_fuzz_any_json_never_raises_anything_but_bad_shape(data):
    check(data)
