import os

import pytest

from assistant import paths
from assistant.errors import StoreError
from assistant.store import Store, open_store


def test_healthy_database_opens_without_notice():
    store, notice = open_store()
    assert notice is None
    store.create_conversation(title="kept")
    store.close()
    store, notice = open_store()
    assert [c["title"] for c in store.list_conversations()] == ["kept"]
    store.close()


@pytest.mark.parametrize("garbage", [b"this is not sqlite at all" * 100, b"SQLite format 3\x00" + os.urandom(4000)])
def test_damaged_database_is_moved_aside(garbage):
    db = paths.db_path()
    db.write_bytes(garbage)
    store, notice = open_store()
    moved = [p for p in db.parent.iterdir() if ".damaged-" in p.name]
    assert len(moved) == 1 and moved[0].read_bytes() == garbage
    assert str(moved[0]) in notice and "new, empty" in notice
    store.create_conversation(title="fresh start")  # the new database works
    assert len(store.list_conversations()) == 1
    store.close()


def test_newer_database_is_refused_and_untouched():
    Store().close()
    import sqlite3

    conn = sqlite3.connect(paths.db_path())
    conn.execute("INSERT INTO _migrations (name, applied) VALUES ('m999_from_the_future', 'x')")
    conn.commit()
    conn.close()
    before = paths.db_path().read_bytes()
    with pytest.raises(StoreError, match="newer version of Bothy"):
        open_store()
    assert paths.db_path().read_bytes() == before
    assert not [p for p in paths.db_path().parent.iterdir() if ".damaged-" in p.name]
