"""A streaming reply is recovered only when its writer is gone: another Store, another process (a
terminal `bothy chat` next to the window) never takes a reply that a live Store is writing."""

import gc
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.store import Store, lease

from .helpers import assert_search_index_consistent, build_schema

REPO = Path(__file__).resolve().parents[3]


def lease_files(db_file):
    folder = lease.folder_for(db_file)
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def test_the_lease_is_taken_on_the_first_streaming_row_and_released_on_close(db_file):
    store = Store(db_file)
    conversation = store.create_conversation()
    assert store.writer is None and lease_files(db_file) == []
    _, reply = store.begin_turn(conversation["id"], "hello")
    assert store.writer and lease_files(db_file) == [f"{store.writer}.lock"]
    assert store.db.execute("SELECT writer FROM messages WHERE id = ?", [reply["id"]]).fetchone()[0] == store.writer
    assert "writer" not in reply  # bookkeeping, not part of the record
    again = store.begin_reply(conversation["id"])
    assert store.db.execute("SELECT writer FROM messages WHERE id = ?", [again["id"]]).fetchone()[0] == store.writer
    assert len(lease_files(db_file)) == 1  # one lease per Store
    store.close()
    assert lease_files(db_file) == []


def test_a_store_never_recovers_its_own_streaming_reply(store):
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "hello")
    assert store.recover_interrupted() == 0
    store.update_reply(reply["id"], "still going")
    assert store.finish_reply(reply["id"], "done", status="complete")["status"] == "complete"


def test_a_second_store_leaves_a_live_reply_alone(db_file):
    """(a) Two Stores on one file, e.g. the window's and a `bothy chat` started beside it."""
    with Store(db_file) as window, Store(db_file) as terminal:
        conversation = window.create_conversation()
        _, reply = window.begin_turn(conversation["id"], "a long question")
        window.update_reply(reply["id"], "the first words")
        assert terminal.recover_interrupted() == 0
        assert terminal.message(reply["id"])["status"] == "streaming"
        window.update_reply(reply["id"], "the first words and more")
        # And the other way round: the terminal's own reply is safe from the window.
        other = terminal.create_conversation()
        _, terminal_reply = terminal.begin_turn(other["id"], "from the terminal")
        assert window.recover_interrupted() == 0
        done = window.finish_reply(reply["id"], "the whole answer", status="complete")
        assert done["status"] == "complete" and done["content"] == "the whole answer"
        assert terminal.message(terminal_reply["id"])["status"] == "streaming"
        assert len(lease_files(db_file)) == 2
    assert lease_files(db_file) == []


def test_a_reply_left_by_a_closed_store_is_recovered(db_file):
    with Store(db_file) as window, Store(db_file) as terminal:
        conversation = window.create_conversation()
        _, reply = window.begin_turn(conversation["id"], "q")
        window.update_reply(reply["id"], "cut short")
        window.close()  # e.g. the window closed while a reply streamed
        assert terminal.recover_interrupted() == 1
        recovered = terminal.message(reply["id"])
        assert (recovered["status"], recovered["content"]) == ("interrupted", "cut short")
        assert_search_index_consistent(terminal)


CHILD = textwrap.dedent(
    """
    import sys, time
    from assistant.store import Store
    store = Store(sys.argv[1])
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "question from a process that will be killed")
    store.update_reply(reply["id"], "half an answer about otters")
    print(reply["id"], store.writer, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_a_reply_of_a_killed_process_is_recovered(db_file):
    """(b) A real process that streams a reply and is killed with SIGKILL."""
    Store(db_file).close()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_file)], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        line = child.stdout.readline().split()
        assert line, "the child process did not start its turn"
        reply_id, writer = int(line[0]), line[1]
        with Store(db_file) as store:
            assert store.recover_interrupted() == 0  # alive: left alone
            assert store.message(reply_id)["status"] == "streaming"
            assert lease_files(db_file) == [f"{writer}.lock"]
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
            assert store.recover_interrupted() == 1
            recovered = store.message(reply_id)
            assert recovered["status"] == "interrupted"
            assert recovered["content"] == "half an answer about otters"
            assert [h["message_id"] for h in store.search("otters")] == [reply_id]
            assert lease_files(db_file) == []  # the dead writer's lease file is cleaned up
            assert store.recover_interrupted() == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()


def test_rows_of_an_older_bothy_without_a_writer_are_recovered(tmp_path):
    """(c) A streaming row written by an older Bothy (before migration m003) has no writer."""
    path = tmp_path / "old.db"
    build_schema(path, 2)
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(
        "INSERT INTO conversations (id, created, updated) VALUES (1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')"
    )
    conn.execute(
        "INSERT INTO messages (conversation_id, seq, role, content, status, created) "
        "VALUES (1, 1, 'assistant', 'old partial walrus', 'streaming', '2024-01-01T00:00:00.000000Z')"
    )
    conn.close()
    with Store(path) as store:
        assert store.recover_interrupted() == 1
        [message] = store.messages(1)
        assert (message["status"], message["content"]) == ("interrupted", "old partial walrus")
        assert [h["snippet"] for h in store.search("walrus")] == ["old partial [walrus]"]
        assert_search_index_consistent(store)


def test_dead_lease_files_are_cleaned_up_and_live_ones_kept(store, db_file):
    conversation = store.create_conversation()
    store.begin_turn(conversation["id"], "q")
    folder = lease.folder_for(db_file)
    (folder / "12345-deadbeef.lock").write_text("")  # a writer that was killed, no rows left
    with Store(db_file) as other:
        assert other.recover_interrupted() == 0
    assert lease_files(db_file) == [f"{store.writer}.lock"]


def test_a_streaming_row_whose_lease_file_is_gone_is_recovered(db_file):
    with Store(db_file) as store:
        conversation = store.create_conversation()
        _, reply = store.begin_turn(conversation["id"], "q")
        store.db.execute("UPDATE messages SET writer = 'gone-0' WHERE id = ?", [reply["id"]])
        assert store.recover_interrupted() == 1
        assert store.message(reply["id"])["status"] == "interrupted"


def test_without_a_lease_folder_replies_are_still_saved(db_file):
    db_file.parent.mkdir(parents=True, exist_ok=True)
    lease.folder_for(db_file).write_text("a file where the folder should be")
    with Store(db_file) as store:
        conversation = store.create_conversation()
        _, reply = store.begin_turn(conversation["id"], "still saved")
        assert store.writer is None
        assert store.db.execute("SELECT writer FROM messages WHERE id = ?", [reply["id"]]).fetchone()[0] is None
        store.finish_reply(reply["id"], "fine", status="complete")


def test_one_lease_file_cannot_be_held_twice(tmp_path):
    held = lease.Lease.acquire(tmp_path)
    assert lease.is_live(tmp_path, held.writer)
    assert not os.get_inheritable(held._fd)  # an engine process started later cannot keep it alive
    assert lease.clean_up(tmp_path) == 0
    assert [p.name for p in tmp_path.iterdir()] == [f"{held.writer}.lock"]  # no temporary file left
    held.release()
    held.release()  # twice is fine
    assert not lease.is_live(tmp_path, held.writer)
    assert list(tmp_path.iterdir()) == []


def test_a_store_dropped_without_close_gives_its_lease_up(db_file):
    store = Store(db_file)
    conversation = store.create_conversation()
    _, reply = store.begin_turn(conversation["id"], "q")
    del store
    gc.collect()
    with Store(db_file) as other:
        assert other.recover_interrupted() == 1
        assert other.message(reply["id"])["status"] == "interrupted"
    assert lease_files(db_file) == []


def test_many_replies_without_a_writer_are_recovered_together(store):
    conversation = store.create_conversation()
    rows = [(conversation["id"], seq, f"partial {seq}") for seq in range(1, 1201)]
    store.db.conn.executemany(
        "INSERT INTO messages (conversation_id, seq, role, content, status, created) "
        "VALUES (?, ?, 'assistant', ?, 'streaming', '2024-01-01T00:00:00.000000Z')",
        rows,
    )
    assert store.recover_interrupted() == 1200
    assert {m["status"] for m in store.tree(conversation["id"])} == {"interrupted"}
    assert_search_index_consistent(store)
