"""Reading any file to import, and writing what it holds into a real store: every app's format end
to end, bad input of every kind, importing twice, cancelling, and the tree surviving a round trip."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.importers import ImportFormatError
from assistant.importers.reader import read_path
from assistant.store import Store
from assistant.store.imports import ImportCancelled

FIXTURES = Path(__file__).parent / "fixtures"


def active_contents(store, conversation_id):
    return [m["content"] for m in store.messages(conversation_id)]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("chatgpt/branches.json", "chatgpt"),
        ("open_webui/branches.json", "open-webui"),
        ("jan/data", "jan"),
        ("lm_studio/1730553000000.conversation.json", "lm-studio"),
        ("chatbox/chatbox-exported-data-2025-3-14.json", "chatbox"),
    ],
)
def test_every_app_imports_into_the_store_once(store, path, source):
    result = read_path(FIXTURES / path)
    assert result.source == source and result.conversations
    summary = store.import_result(result)
    assert len(summary.conversations) == len(result.conversations) and summary.already == 0
    for imported, item in zip(summary.conversations, result.conversations, strict=True):
        tree = store.tree(imported["id"])
        assert len(tree) == len(item.messages) == imported["messages"]
        assert store.messages(imported["id"])  # an active path
        assert all(m["status"] != "streaming" for m in tree)
    again = store.import_result(read_path(FIXTURES / path))
    assert again.conversations == [] and again.already == len(result.conversations)
    word = next(w for w in result.conversations[0].messages[0].content.split() if len(w) > 3)
    assert store.search(word)  # searchable right after


def test_chatgpt_branches_keep_the_active_leaf(store):
    result = read_path(FIXTURES / "chatgpt/branches.json")
    [conversation] = [c for c in result.conversations if len({m.parent for m in c.messages}) < len(c.messages)][:1]
    summary = store.import_result(result)
    cid = next(c["id"] for c in summary.conversations if c["title"] == (conversation.title or None))
    leaf = next(m for m in conversation.messages if m.key == conversation.active_leaf)
    assert active_contents(store, cid)[-1] == leaf.content
    assert store.branches(cid)  # the alternatives are there to flip to


def test_a_chatgpt_zip_as_downloaded_and_split_files(store, tmp_path):
    data = json.loads((FIXTURES / "chatgpt/branches.json").read_text(encoding="utf-8"))
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("conversations-000.json", json.dumps(data[:1]))
        z.writestr("conversations-001.json", json.dumps(data[1:]))
        z.writestr("user.json", json.dumps({"id": "user-1"}))
        z.writestr("chat.html", "<html></html>")
    from_zip = read_path(archive)
    assert from_zip.source == "chatgpt" and len(from_zip.conversations) == len(data)
    folder = tmp_path / "unpacked"
    folder.mkdir()
    with zipfile.ZipFile(archive) as z:
        z.extractall(folder)
    assert len(read_path(folder).conversations) == len(data)


def test_a_bothy_archive_zip_round_trips(store, tmp_path):
    from tests.assistant.store.helpers import finished_turn

    conversation = store.create_conversation(title="walks")
    finished_turn(store, conversation["id"], "Where?", "Glen Affric.")
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as z, z.open("bothy-conversations.json", "w") as raw:
        raw.write(json.dumps(store.export_bundle()).encode())
    result = read_path(archive)
    assert result.source == "bothy" and len(result.native) == 1
    with Store(tmp_path / "other.db") as other:
        summary = other.import_result(result)
        assert [c["title"] for c in summary.conversations] == ["walks"]
        assert active_contents(other, summary.conversations[0]["id"]) == ["Where?", "Glen Affric."]


def test_a_damaged_conversation_is_skipped_by_title_and_the_rest_comes_in(store):
    result = read_path(FIXTURES / "chatgpt/damaged.json")
    assert result.skipped and result.conversations
    summary = store.import_result(result)
    assert all(s.title and s.reason for s in summary.skipped)
    assert len(summary.conversations) == len(result.conversations)


BAD = {
    "empty.json": (b"", "the file is empty"),
    "blank.json": (b"  \n ", "the file is empty"),
    "binary.json": (bytes(range(256)) * 4, "not a text file"),
    "text.json": (b"hello there", "not JSON"),
    "cut.json": (b'[{"mapping": {"a": {"id": "a"', "cut off"),
    "shape.json": (b'{"hello": [1, 2, 3]}', "does not know this file's shape"),
    "number.json": (b"42", "does not know this file's shape"),
    "nothing.json": (b"[]", "does not know this file's shape"),
    "damaged.zip": (b"PK\x03\x04" + b"\x00" * 40, "damaged zip"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_get_one_clear_line_naming_them(tmp_path, store, name):
    content, reason = BAD[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFormatError) as info:
        read_path(path)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and reason in message and "\n" not in message
    assert store.count_conversations() == 0


def test_a_zip_without_conversations_and_an_empty_folder(tmp_path):
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "not a chat")
        z.writestr("settings.json", '{"theme": "dark"}')
    with pytest.raises(ImportFormatError, match="photos.zip: the zip holds no conversations"):
        read_path(archive)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFormatError, match="empty: this folder holds no conversations"):
        read_path(tmp_path / "empty")
    with pytest.raises(ImportFormatError, match="missing.json: the file cannot be read"):
        read_path(tmp_path / "missing.json")


def test_cancelling_keeps_nothing(store):
    result = read_path(FIXTURES / "chatgpt/branches.json")
    seen = []
    with pytest.raises(ImportCancelled):
        store.import_result(result, progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) > 0)
    assert store.count_conversations() == 0 and seen
    assert store.import_result(result).conversations  # and it can be imported afterwards


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_any_bytes_import_cleanly_or_give_the_clear_error(tmp_path, content):
    path = tmp_path / "fuzz.json"
    path.write_bytes(content)
    try:
        result = read_path(path)
    except ImportFormatError as exc:
        assert str(exc).startswith("fuzz.json: ")
        return
    assert result.conversations or result.skipped or result.native


def test_the_fixtures_folder_is_not_changed_by_reading(tmp_path):
    copy = tmp_path / "jan"
    shutil.copytree(FIXTURES / "jan/data", copy)
    before = sorted((p.relative_to(copy), p.read_bytes()) for p in copy.rglob("*") if p.is_file())
    read_path(copy)
    assert sorted((p.relative_to(copy), p.read_bytes()) for p in copy.rglob("*") if p.is_file()) == before
