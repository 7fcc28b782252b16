"""The Open WebUI importer, on hand-written exports shaped like the real ones (fixtures/open_webui/) and on
arbitrary JSON: a damaged chat is skipped by title, and nothing but BadShape ever escapes."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.importers import open_webui
from assistant.importers.types import ROLES, BadShape, ImportedConversation, Skipped, tree_problem

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str, app: str = "open_webui"):
    return json.loads((FIXTURES / app / name).read_text(encoding="utf-8"))


def read_all(data) -> tuple[list[ImportedConversation], list[Skipped]]:
    results = list(open_webui.read(data))
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


def test_a_simple_chat_keeps_its_ids_times_model_and_system_prompt():
    conversation = only(load("simple.json"))
    user, answer = "7c1d2e3f-0001-4000-8000-000000000001", "7c1d2e3f-0002-4000-8000-000000000002"
    assert conversation.source == "open-webui"
    assert conversation.key == "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
    assert conversation.title == "Fractions for beginners"
    assert conversation.created == "2024-08-01T08:13:19.000000Z"
    assert conversation.updated == "2024-08-01T08:13:30.000000Z"
    assert conversation.model == "llama3.1:8b"
    assert conversation.system_prompt == "You are a patient maths tutor."
    assert shape(conversation) == [
        (user, None, "user", "What is a half of a third?"),
        (answer, user, "assistant", "A sixth: 1/2 × 1/3 = 1/6."),
    ]
    assert conversation.messages[0].created == "2024-08-01T08:13:20.000000Z"
    assert conversation.messages[0].model is None
    assert conversation.messages[1].model == "llama3.1:8b"
    assert conversation.messages[1].status == "complete"
    assert conversation.active_leaf == answer
    assert_tree(conversation)


def test_a_single_record_not_in_a_list_reads_the_same():
    record = load("simple.json")[0]
    assert open_webui.recognizes(record)
    assert only(record) == only([record])


def test_regenerated_replies_and_edited_prompts_stay_branches_and_the_active_leaf_is_kept():
    conversation = read_all(load("branches.json"))[0][0]
    assert shape(conversation) == [
        ("q1", None, "user", "Name for a grey cat?"),
        ("r1", "q1", "assistant", "Smokey."),
        ("r2", "q1", "assistant", "Ash."),  # regenerated with another model: a sibling of r1
        ("q2", "r2", "user", "Why Ash?"),
        ("r3", "q2", "assistant", "Grey like ash."),
        ("q2-edit", "r2", "user", "And for a ginger cat?"),  # edited: a sibling of q2
        ("r4", "q2-edit", "assistant", "Marmalade."),
    ]
    assert conversation.active_leaf == "r3"  # the older branch, not the newest leaf r4
    assert [m.model for m in conversation.messages if m.role == "assistant"] == [
        "llama3.1:8b",
        "qwen2.5:7b",
        "qwen2.5:7b",
        "qwen2.5:7b",
    ]
    assert conversation.system_prompt == "Answer with one word."  # from the chat's params
    assert conversation.model == "llama3.1:8b"
    assert_tree(conversation)


def test_a_current_message_that_is_not_a_leaf_is_followed_down_to_its_last_child():
    conversation = read_all(load("branches.json"))[0][1]
    assert [(m.key, m.parent) for m in conversation.messages] == [("p1", None), ("s1", "p1"), ("s2", "p1")]
    assert conversation.active_leaf == "s2"


def test_the_active_leaf_falls_back_to_current_message_id_and_is_none_when_it_names_nothing():
    data = load("simple.json")
    del data[0]["chat"]["history"]["currentId"]
    data[0]["current_message_id"] = "7c1d2e3f-0001-4000-8000-000000000001"
    assert only(data).active_leaf == "7c1d2e3f-0002-4000-8000-000000000002"
    data[0]["current_message_id"] = "not-here"
    assert only(data).active_leaf is None


def test_reasoning_becomes_thinking_and_files_errors_and_unfinished_replies_are_kept():
    conversation = only(load("thinking.json"))
    messages = {m.key: m for m in conversation.messages}
    assert messages["m2"].content == "2 + 2 = 4."
    assert messages["m2"].thinking == "The user wants a sum & nothing else.\n\n2 + 2 = 4."
    assert messages["m3"].content == "[Image]\n[File: notes.txt]\n\nWhat is in this photo?"
    assert messages["m4"].status == "error"
    assert messages["m4"].error == "Ollama: 500, message='Internal Server Error'"
    assert messages["m4"].content == ""
    assert messages["m6"].status == "interrupted"
    assert messages["m6"].content == "Roses are red,\nviolets are"
    assert messages["m6"].thinking == "A short poem."
    assert messages["m1"].thinking is None
    assert conversation.active_leaf == "m6"
    assert_tree(conversation)


def test_the_older_flat_form_becomes_a_path():
    linked, unlinked = read_all(load("flat.json"))[0]
    assert shape(linked) == [
        ("f1", None, "user", "Tell me a fact about otters."),
        ("f2", "f1", "assistant", "Sea otters hold hands while they sleep."),
        ("f3", "f2", "user", "Cute!"),
    ]
    assert linked.active_leaf == "f3"
    assert linked.created == "2023-12-08T01:46:39.000000Z"  # from chat.timestamp, in milliseconds
    assert linked.model == "mistral:latest"
    assert shape(unlinked) == [
        ("message-1", None, "system", "Talk like a pirate."),
        ("message-2", "message-1", "user", "Where is the treasure?"),
        ("message-3", "message-2", "assistant", "Under the old oak, matey."),
    ]
    assert unlinked.active_leaf == "message-3"
    assert unlinked.key == "plain-list-0001"


def test_damaged_chats_are_skipped_by_title_and_the_rest_come_in():
    conversations, skipped = read_all(load("damaged.json"))
    assert [c.key for c in conversations] == ["ok-0001", "ok-0002"]
    assert [(s.title, s.reason) for s in skipped] == [
        ("Round in circles", "its messages form a cycle"),
        ("Lost its parent", "a message answers a message that is missing"),
        ("Content of the wrong kind", "a message's content is not text"),
        ("History as a list", "its messages are not an object"),
        ("A message that is text", "a message is not an object"),
        ("A tool spoke", "a message has the unknown role 'tool'"),
        ("Never started", "it has no messages"),
        ("Chat is text", "not an Open WebUI chat"),
    ]
    for conversation in conversations:
        assert_tree(conversation)


def test_a_chat_without_an_id_gets_a_key_from_its_content():
    data = load("branches.json")[:1]
    del data[0]["id"]
    del data[0]["chat"]["id"]
    changed = copy.deepcopy(data)
    changed[0]["title"] = "Another title"
    first, again, other = only(data).key, only(copy.deepcopy(data)).key, only(changed).key
    assert first == again
    assert first != other
    assert first.startswith("sha256:")


@pytest.mark.parametrize("name", ["simple.json", "branches.json", "thinking.json", "flat.json", "damaged.json"])
def test_recognizes_open_webui_exports(name):
    assert open_webui.recognizes(load(name))


@pytest.mark.parametrize(
    "data",
    [
        [],
        {},
        None,
        "chats",
        7,
        [1, 2],
        [{"chat": "text"}],
        {"chat": {"title": "no messages"}},
        [{"history": {"messages": {}}}],
        {"messages": [{"role": "user", "content": "hi"}]},
    ],
)
def test_does_not_recognize_junk(data):
    assert not open_webui.recognizes(data)


@pytest.mark.parametrize("name", ["simple.json", "branches.json", "tools.json", "damaged.json"])
def test_does_not_recognize_chatgpt_exports_and_will_not_read_them(name):
    data = load(name, "chatgpt")
    assert not open_webui.recognizes(data)
    with pytest.raises(BadShape):
        list(open_webui.read(data))


@pytest.mark.parametrize("data", ["text", None, 3.5, True, {"title": "a dict but not a chat"}])
def test_read_raises_bad_shape_for_a_file_that_is_not_an_export(data):
    with pytest.raises(BadShape):
        list(open_webui.read(data))


def test_an_empty_list_holds_no_chats():
    assert list(open_webui.read([])) == []


# Arbitrary JSON, with the real key names so that the fuzz reaches past the first checks.
KEYS = [
    "chat", "history", "messages", "currentId", "parentId", "childrenIds", "role", "content", "timestamp", "model",
    "models", "title", "id", "system", "params", "files", "done", "error", "created_at", "updated_at",
    "current_message_id", "type", "name", "text", "a", "b", "r",
    "mapping", "parent", "children", "message", "parts", "author",  # ChatGPT's, read by mistake
]  # fmt: skip
WORDS = ["user", "assistant", "system", "tool", "a", "b", "r", "image", "file", "text",
         '<details type="reasoning" done="true">\n<summary>x</summary>\n&gt; y\n</details>\nz', "<details"]  # fmt: skip
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


contents = (
    st.text(max_size=8)
    | st.sampled_from(WORDS)
    | st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": st.text(max_size=4)}))
)
files = st.lists(
    st.fixed_dictionaries({}, optional={"type": st.sampled_from(["image", "file"]), "name": json_like}), max_size=2
)
fields = {
    "role": mostly(st.sampled_from(["user", "assistant", "system"])),
    "content": mostly(contents),
}
optional_fields = {
    "timestamp": json_like,
    "model": json_like,
    "files": mostly(files),
    "done": st.booleans(),
    "error": st.none() | json_like,
}


@st.composite
def records(draw):
    """A chat record whose history is mostly a tree (each parent drawn from the messages before it), with
    now and then a parent that is missing or comes later (a cycle), the older flat list, or junk anywhere."""
    keys = [f"m{i}" for i in range(draw(st.integers(min_value=0, max_value=6)))]
    messages: dict = {}
    for index, key in enumerate(keys):
        parent = draw(mostly(st.sampled_from([None, *keys[:index]]), odds=12))
        children = mostly(st.lists(st.sampled_from(keys), max_size=3))
        message = st.fixed_dictionaries(
            {"id": st.just(key), "parentId": st.just(parent), "childrenIds": children, **fields},
            optional=optional_fields,
        )
        messages[key] = draw(mostly(message, odds=12))
    if keys and draw(st.integers(min_value=0, max_value=9)) == 0:
        messages[keys[0]] = {"id": keys[0], "parentId": keys[-1], "role": "user", "content": "loop"}
    current = st.sampled_from(keys or ["m0"])
    history = st.fixed_dictionaries({"messages": mostly(st.just(messages))}, optional={"currentId": mostly(current)})
    flat_ids = {
        "id": mostly(st.sampled_from(keys or ["m0"])),
        "parentId": mostly(st.none() | st.sampled_from(keys or ["m0"])),
    }
    flat = st.lists(st.fixed_dictionaries(fields, optional=flat_ids), max_size=4)
    extras = {"system": json_like, "models": json_like, "params": json_like}
    with_history = st.fixed_dictionaries({"history": mostly(history)}, optional={"messages": mostly(flat), **extras})
    chat = with_history | st.fixed_dictionaries({"messages": mostly(flat)}, optional=extras)
    record = st.fixed_dictionaries(
        {"chat": mostly(chat, odds=8)},
        optional={"id": json_like, "title": json_like, "created_at": json_like, "current_message_id": json_like},
    )
    return draw(record)  # fmt: skip


def check(data) -> None:
    """read() gives conversations and skips, or raises BadShape: never anything else."""
    try:
        results = list(open_webui.read(data))
    except BadShape:
        assert not open_webui.recognizes(data)
        return
    for result in results:
        assert isinstance(result, ImportedConversation | Skipped)
        if isinstance(result, ImportedConversation):
            assert result.messages
            assert_tree(result)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(mostly(records()), max_size=3) | records())
def test_fuzz_chat_shaped_exports_never_raise_anything_but_bad_shape(data):
    check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_like)
def test_fuzz_any_json_never_raises_anything_but_bad_shape(data):
    check(data)
