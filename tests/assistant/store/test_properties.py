"""Property tests: any text survives the store, the JSON export and the import unchanged."""

import json
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.store import export
from assistant.store.records import clean_text, title_from_text

# Every code point, surrogates included (st.text() leaves those out by default).
any_char = st.characters(codec=None, exclude_categories=())
any_text = st.text(any_char, max_size=200)
tricky = st.sampled_from(
    [
        "\x00",
        "\x1f",
        "\x7f",
        "\u200f",
        "\u202e",
        "שלום",
        "مرحبا",
        "😀",
        "👩‍👩‍👧",
        "\ufeff",
        "\r\n",
        "\ud800",
        "模型",
    ]
)
mixed_text = st.lists(st.one_of(any_text, tricky), max_size=6).map("".join)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_title_from_text_ignores_control_characters():
    assert title_from_text("\x00") is None
    assert title_from_text("\x00a\x1fb\n") == "a b"


def test_clean_text():
    assert clean_text("a\ud800b") == "a\ufffdb"  # lone surrogate
    assert clean_text("\udfff") == "\ufffd"
    assert clean_text("\ud83d\ude00") == "😀"  # a pair is joined into its character
    assert clean_text("x\x00y\u202e") == "x\x00y\u202e"


@SETTINGS
@given(title=mixed_text, user_text=mixed_text, reply_text=mixed_text, error=mixed_text)
@example(title="", user_text="\x00", reply_text="\ud800", error="\udfff\ud800")
@example(title="עברית RTL", user_text="emoji 👩‍👩‍👧 and 中文", reply_text="\u202eevil\u202c", error="")
def test_any_text_round_trips_through_store_and_export(store, title, user_text, reply_text, error):
    conversation = store.create_conversation(title=title, system_prompt=user_text, settings={"k": reply_text})
    user, reply = store.begin_turn(conversation["id"], user_text, model_file=title, sampling={title: error})
    store.update_reply(reply["id"], reply_text)
    assert store.message(reply["id"])["content"] == clean_text(reply_text)
    store.finish_reply(reply["id"], reply_text, status="error", error=error)

    stored = store.messages(conversation["id"])
    assert [m["content"] for m in stored] == [clean_text(user_text), clean_text(reply_text)]
    assert stored[1]["error"] == clean_text(error)
    assert stored[1]["model_file"] == clean_text(title)
    assert stored[1]["sampling"] == {clean_text(title): clean_text(error)}
    saved = store.get_conversation(conversation["id"])
    assert saved["system_prompt"] == clean_text(user_text)
    assert saved["settings"] == {"k": clean_text(reply_text)}
    assert saved["title"] == (clean_text(title).strip() or title_from_text(clean_text(user_text)))

    data = json.loads(json.dumps(store.export_json(conversation["id"])))
    copy_id = store.import_json(data)
    copied = store.messages(copy_id)
    assert [(m["content"], m["error"], m["role"], m["status"], m["created"]) for m in copied] == [
        (m["content"], m["error"], m["role"], m["status"], m["created"]) for m in stored
    ]
    assert store.get_conversation(copy_id)["settings"] == saved["settings"]
    markdown = store.export_markdown(conversation["id"])
    assert clean_text(reply_text) in markdown


@SETTINGS
@given(query=any_text)
@example(query='"')
@example(query="NEAR(a b)")
@example(query="\ud800 *")
def test_any_query_is_safe(store, query):
    assert isinstance(store.search(query), list)


words = st.text(string.ascii_lowercase, min_size=3, max_size=8)


@SETTINGS
@given(before=mixed_text, after=mixed_text, word=words)
def test_a_word_set_apart_by_spaces_is_always_found(store, before, after, word):
    conversation = store.create_conversation()
    token = f"zq{word}"
    user, _ = store.begin_turn(conversation["id"], f"{before} {token} {after}")
    hits = store.search(token, conversation_id=conversation["id"])
    assert [h["message_id"] for h in hits] == [user["id"]]
    assert f"[{token}]" in hits[0]["snippet"]


cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=4)


@SETTINGS
@given(before=mixed_text, word=cjk, after=mixed_text)
def test_a_cjk_substring_is_always_found(store, before, word, after):
    conversation = store.create_conversation()
    user, _ = store.begin_turn(conversation["id"], before + word + after)
    assert user["id"] in [h["message_id"] for h in store.search(word, conversation_id=conversation["id"])]


def _comparable(store, conversation_id):
    conversation = {k: v for k, v in store.get_conversation(conversation_id).items() if k != "id"}
    messages = [
        {k: v for k, v in m.items() if k not in ("id", "conversation_id", "seq", "parent_id")}
        for m in store.messages(conversation_id)
    ]
    return conversation, messages


turn = st.tuples(mixed_text, mixed_text, st.sampled_from(["complete", "cancelled", "error", "interrupted"]))
conversation_strategy = st.tuples(mixed_text, st.booleans(), st.lists(turn, max_size=3))
SHAPES = {
    "single": lambda store, ids: store.export_json(ids[0]),
    "bundle": lambda store, ids: export.bundle(store.export_json(i) for i in ids),
    "list": lambda store, ids: [store.export_json(i) for i in ids],
}


@SETTINGS
@given(conversations=st.lists(conversation_strategy, min_size=1, max_size=3), shape=st.sampled_from(sorted(SHAPES)))
def test_every_export_shape_imports_back_the_same(store, conversations, shape):
    ids = []
    for title, pinned, turns in conversations:
        conversation = store.create_conversation(title=title, settings={"t": title})
        store.set_pinned(conversation["id"], pinned)
        for user_text, reply_text, status in turns:
            _, reply = store.begin_turn(conversation["id"], user_text, engine="llama.cpp", model_ref=title)
            store.finish_reply(reply["id"], reply_text, status=status, error=reply_text or None)
        ids.append(conversation["id"])
    if shape == "single":
        ids = ids[:1]
    data = json.loads(json.dumps(SHAPES[shape](store, ids), ensure_ascii=False))
    new_ids = store.import_data(data)
    assert [_comparable(store, i) for i in new_ids] == [_comparable(store, i) for i in ids]


# A tree built the way people build one: each step sends a message, regenerates the newest reply,
# edits one of the user messages shown, or goes back to another branch.
tree_step = st.tuples(st.sampled_from(["send", "regenerate", "edit", "select"]), st.integers(0, 50), mixed_text)


def _without_ids(data):
    messages = [{k: v for k, v in m.items() if k != "id"} for m in data["messages"]]
    conversation = {k: v for k, v in data["conversation"].items() if k not in ("id", "created", "updated")}
    return conversation, messages, data.get("memory")


@SETTINGS
@given(steps=st.lists(tree_step, min_size=1, max_size=12))
def test_any_tree_survives_export_import_export(store, steps):
    conversation = store.create_conversation(title="tree")
    cid = conversation["id"]
    for action, pick, text in steps:
        shown = store.messages(cid)
        users = [m for m in shown if m["role"] == "user"]
        if action == "send" or not users:
            _, reply = store.begin_turn(cid, text)
        elif action == "edit":
            _, reply = store.begin_turn(cid, text, replace_from=users[pick % len(users)]["id"])
        elif action == "regenerate" and shown[-1]["role"] == "assistant":
            reply = store.begin_reply(cid, replace_from=shown[-1]["id"])
        else:
            tree = store.tree(cid)
            store.select_branch(tree[pick % len(tree)]["id"])
            continue
        store.finish_reply(reply["id"], text, status="complete")
    first = store.export_json(cid)
    store.delete_conversation(cid)  # so the import is not "already here"
    new_id = store.import_data(json.loads(json.dumps(first)))[0]
    second = store.export_json(new_id)
    assert _without_ids(second) == _without_ids(first)
    assert [m["content"] for m in store.messages(new_id)] == [m["content"] for m in first["messages"] if m["active"]]
