"""A real, tiny filesystem that fills up while Bothy writes (where this machine lets the tests mount one)."""

import sqlite3
import subprocess

import pytest

from assistant.errors import StoreError
from assistant.settings import Settings
from assistant.store import Store


@pytest.fixture
def tiny_disk(tmp_path, monkeypatch):
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({done.stderr.decode().strip() or 'not root'})")
    monkeypatch.setenv("BOTHY_HOME", str(mount / "home"))
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_fills_up_while_chatting(tiny_disk):
    store = Store()
    conversation = store.create_conversation(title="before the disk filled")
    kept = []
    with pytest.raises(StoreError) as err:
        for i in range(10_000):
            user, reply = store.begin_turn(conversation["id"], f"message {i} " + "x" * 2000)
            kept.append(user["id"])
            store.finish_reply(reply["id"], "y" * 2000, status="complete")
    assert "disk is full" in str(err.value).lower() and "Free some space" in str(err.value)
    assert len(kept) > 3
    # Everything saved before the disk filled is still there and the file is sound.
    store.close()
    again = Store()
    assert [m["id"] for m in again.messages(conversation["id"]) if m["role"] == "user"][: len(kept)] == kept
    conn = sqlite3.connect(again.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    again.close()


def test_settings_on_a_full_disk_keep_the_old_file(tiny_disk):
    Settings(theme="dark").save()
    filler = tiny_disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
    with pytest.raises(OSError):
        Settings(theme="light", system_prompt="x" * 200_000).save()
    assert Settings.load().theme == "dark"
    filler.unlink()
