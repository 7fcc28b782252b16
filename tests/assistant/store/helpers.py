"""Shared helpers for the store tests."""

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from assistant.store import Store, migrations


def raw_database(path: Path) -> Database:
    """An sqlite-utils Database on `path` in autocommit mode, as Store opens it, not migrated."""
    return Database(sqlite3.connect(str(path), isolation_level=None))


def build_schema(path: Path, upto: int) -> None:
    """A database at the state after the first `upto` migrations (as an older Bothy left it)."""
    db = raw_database(path)
    try:
        migrations.migrate(db, path, upto=upto)
    finally:
        db.close()


def schema(path: Path) -> list[tuple]:
    """Every table, index and trigger in the file, with its SQL, whitespace-normalised."""
    conn = sqlite3.connect(str(path))
    try:
        sql = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    return [(t, n, tbl, " ".join(sql.split()) if sql else None) for t, n, tbl, sql in rows]


def finished_turn(store: Store, conversation_id: int, user_text: str, reply_text: str, **finish):
    """A whole turn: the user's message and a finished reply. Returns (user, reply)."""
    user, reply = store.begin_turn(conversation_id, user_text)
    finish.setdefault("status", "complete")
    return user, store.finish_reply(reply["id"], reply_text, **finish)


def assert_search_index_consistent(store: Store) -> None:
    """The search index holds exactly the finished messages, and FTS5 finds it sound."""
    store.db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    indexed = {row[0] for row in store.db.execute("SELECT rowid FROM messages_fts")}
    finished = {row[0] for row in store.db.execute("SELECT id FROM messages WHERE status != 'streaming'")}
    assert indexed == finished


def fill_the_disk(store: Store) -> None:
    """Simulate SQLITE_FULL: the database may not grow beyond the pages it has now."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")


def free_the_disk(store: Store) -> None:
    store.db.execute("PRAGMA max_page_count = 1073741823")
