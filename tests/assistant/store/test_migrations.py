import sqlite3

import pytest

from assistant import paths
from assistant.errors import StoreError
from assistant.store import Store, migrations

from .helpers import build_schema, raw_database, schema

ALL = migrations.known_names()


def test_migration_names_are_unique_and_numbered_in_order():
    assert len(ALL) == len(set(ALL)) >= 2
    numbers = [int(name[1:4]) for name in ALL]
    assert all(name.startswith("m") and name[4] == "_" for name in ALL)
    assert numbers == list(range(1, len(ALL) + 1))


def test_fresh_database_gets_every_migration_in_order(db_file):
    with Store(db_file) as store:
        assert migrations.applied_names(store.db) == ALL
        assert store.schema_version == len(ALL)
        assert store.db.journal_mode == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        tables = set(store.db.table_names())
        assert {"conversations", "messages", "messages_fts", "_migrations"} <= tables


def test_reopening_applies_nothing_twice(db_file):
    Store(db_file).close()
    first = schema(db_file)
    with Store(db_file) as store:
        rows = store.db.execute("SELECT name FROM _migrations").fetchall()
        assert [r[0] for r in rows] == ALL
        assert migrations.migrate(store.db, db_file) == []
    assert schema(db_file) == first


@pytest.mark.parametrize("upto", range(len(ALL)))
def test_upgrading_from_every_earlier_schema_gives_the_fresh_schema(tmp_path, upto):
    """Adding a migration extends this test: each older state must upgrade to today's schema."""
    fresh = tmp_path / "fresh.db"
    Store(fresh).close()
    old = tmp_path / "old.db"
    build_schema(old, upto)
    db = raw_database(old)
    assert migrations.applied_names(db) == ALL[:upto]
    assert migrations.schema_version(db) == upto
    db.close()
    with Store(old) as store:
        assert migrations.applied_names(store.db) == ALL
        assert store.schema_version == len(ALL)
    assert schema(old) == schema(fresh)


def test_search_migration_indexes_messages_written_before_it(tmp_path):
    path = tmp_path / "v1.db"
    build_schema(path, 1)  # Conversations and messages, no search yet.
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(
        "INSERT INTO conversations (id, title, created, updated) VALUES (1, 'Old', "
        "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')"
    )
    rows = [
        (1, 1, "user", "Tell me about 大模型 and zebras", "complete"),
        (2, 2, "assistant", "Zebras have stripes", "complete"),
        (3, 3, "assistant", "half-written giraffe", "streaming"),
    ]
    conn.executemany(
        "INSERT INTO messages (id, conversation_id, seq, role, content, status, created) "
        "VALUES (?, 1, ?, ?, ?, ?, '2024-01-01T00:00:00.000Z')",
        rows,
    )
    conn.close()
    with Store(path) as store:
        assert [h["message_id"] for h in store.search("zebra")] == [2, 1]
        assert [h["message_id"] for h in store.search("模型")] == [1]
        assert store.search("giraffe") == []  # Streaming rows wait for recover_interrupted.
        assert store.recover_interrupted() == 1
        assert [h["message_id"] for h in store.search("giraffe")] == [3]


def message_columns(db):
    return [row[1] for row in db.execute("PRAGMA table_info(messages)").fetchall()]


def test_engine_and_writer_columns_from_empty(db_file):
    with Store(db_file) as store:
        assert {"engine", "model_ref", "writer"} <= set(message_columns(store.db))


def test_engine_and_writer_migration_keeps_the_messages_written_before_it(tmp_path):
    path = tmp_path / "v2.db"
    build_schema(path, 2)  # Conversations, messages and search: before engine, model_ref and writer.
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(
        "INSERT INTO conversations (id, title, created, updated) VALUES (1, 'Old', "
        "'2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, seq, role, content, status, created, model_file, reply_tokens) "
        "VALUES (7, 1, 1, 'assistant', 'an old reply', 'complete', '2024-01-01T00:00:00.000000Z', 'old.gguf', 3)"
    )
    conn.close()
    with Store(path) as store:
        assert migrations.applied_names(store.db) == ALL
        assert {"engine", "model_ref", "writer"} <= set(message_columns(store.db))
        [message] = store.messages(1)
        assert (message["id"], message["content"], message["model_file"], message["reply_tokens"]) == (
            7,
            "an old reply",
            "old.gguf",
            3,
        )
        assert message["engine"] is None and message["model_ref"] is None
        assert store.db.execute("SELECT writer FROM messages WHERE id = 7").fetchone()[0] is None


def test_memory_migration_keeps_conversations_made_before_it(tmp_path):
    """Conversations from before memory (m004) keep working: nothing pinned, no marks, no notes."""
    path = tmp_path / "v3.db"
    build_schema(path, 3)
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(
        "INSERT INTO conversations (id, title, created, updated) VALUES (1, 'Old', "
        "'2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')"
    )
    for i, role in enumerate(("user", "assistant"), start=1):
        conn.execute(
            "INSERT INTO messages (id, conversation_id, seq, role, content, status, created) "
            f"VALUES ({i}, 1, {i}, '{role}', 'text {i}', 'complete', '2024-01-01T00:00:00.000000Z')"
        )
    conn.close()
    with Store(path) as store:
        assert migrations.applied_names(store.db) == ALL
        assert [m["pinned"] for m in store.messages(1)] == [False, False]
        assert store.context_marks(1) == [] and store.memory_notes(1) == []
        mark = store.add_context_mark(1, kind="summary", first_message_id=1, last_message_id=2, content="Sum.")
        assert mark["message_count"] == 2 and store.set_message_pinned(1, True)["pinned"] is True


def test_tree_migration_makes_each_conversation_one_path(tmp_path):
    """Conversations from before trees (m006) become single paths in their order, the last message
    their active leaf; an empty conversation has none; edits made after it add branches."""
    path = tmp_path / "v5.db"
    build_schema(path, 5)
    conn = sqlite3.connect(str(path), isolation_level=None)
    stamp = "'2024-01-01T00:00:00.000000Z'"
    for conversation_id in (1, 2, 3):
        conn.execute(f"INSERT INTO conversations (id, created, updated) VALUES ({conversation_id}, {stamp}, {stamp})")
    # Interleaved ids and gaps in seq, as deletes left them.
    rows = [
        (10, 1, 1, "user"),
        (11, 2, 1, "user"),
        (12, 1, 2, "assistant"),
        (14, 1, 5, "user"),
        (15, 2, 3, "assistant"),
    ]
    for message_id, conversation_id, seq, role in rows:
        conn.execute(
            "INSERT INTO messages (id, conversation_id, seq, role, content, status, created) "
            f"VALUES ({message_id}, {conversation_id}, {seq}, '{role}', 'text {message_id}', 'complete', {stamp})"
        )
    conn.close()
    with Store(path) as store:
        assert migrations.applied_names(store.db) == ALL
        assert [(m["id"], m["parent_id"]) for m in store.messages(1)] == [(10, None), (12, 10), (14, 12)]
        assert [(m["id"], m["parent_id"]) for m in store.messages(2)] == [(11, None), (15, 11)]
        assert store.messages(3) == [] and store.branches(1) == {}
        user, reply = store.begin_turn(1, "edited", replace_from=12)
        assert store.branches(1) == {user["id"]: [12, user["id"]]}
        assert user["parent_id"] == 10 and [m["id"] for m in store.messages(1)] == [10, user["id"], reply["id"]]
        assert [m["id"] for m in store.tree(1) if not m["active"]] == [12, 14]


def future_database(path, *, name=None, user_version=None):
    Store(path).close()
    conn = sqlite3.connect(str(path), isolation_level=None)
    if name:
        conn.execute("INSERT INTO _migrations (name, applied) VALUES (?, '2099-01-01T00:00:00.000Z')", [name])
    if user_version:
        conn.execute(f"PRAGMA user_version = {user_version}")
    conn.close()


@pytest.mark.parametrize(
    "future", [{"name": "m999_from_the_future"}, {"user_version": len(ALL) + 1}], ids=["name", "version"]
)
def test_database_from_a_newer_bothy_is_refused_and_left_untouched(db_file, future):
    future_database(db_file, **future)
    before = db_file.read_bytes()
    with pytest.raises(StoreError) as info:
        Store(db_file)
    assert "newer version of Bothy" in info.value.message
    assert str(db_file) in info.value.message
    if "name" in future:
        assert "m999_from_the_future" in info.value.message
    assert "not changed" in info.value.hint
    assert db_file.read_bytes() == before


def test_someone_elses_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not Bothy's conversation database"):
        Store(path)
    assert path.read_bytes() == before


def test_failed_migration_leaves_no_trace(tmp_path, monkeypatch):
    """A migration and its record are one transaction: one that fails is not half applied."""
    path = tmp_path / "db.db"
    build_schema(path, len(ALL))
    before = schema(path)

    def m900_broken(db):
        db.execute("CREATE TABLE half_done (x)")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m900_broken])
    with pytest.raises(sqlite3.OperationalError):
        Store(path)
    assert schema(path) == before
    monkeypatch.undo()
    with Store(path) as store:
        assert migrations.applied_names(store.db) == ALL


def test_default_location_is_under_bothy_home(store, bothy_home):
    assert store.path == paths.db_path()
    assert store.path.is_relative_to(bothy_home)
    assert store.path.exists()
