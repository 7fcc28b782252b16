"""The models folder is watched: dropped files appear, partial and growing files do not."""

from __future__ import annotations

import os
import time

from assistant import paths
from assistant.library import FolderSnapshot, FolderWatcher


def old(path, seconds=60):
    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


def test_snapshot_lists_gguf_files_only():
    folder = paths.models_dir()
    (folder / "a.gguf").write_bytes(b"x")
    (folder / "b.gguf.part").write_bytes(b"y")
    (folder / "b.gguf.part.json").write_text("{}")
    (folder / ".hidden.gguf").write_bytes(b"z")
    (folder / "notes.txt").write_text("n")
    (folder / "dir.gguf").mkdir()
    snap = FolderSnapshot.scan()
    assert list(snap.files) == [folder / "a.gguf"]
    assert snap.files[folder / "a.gguf"].size == 1


def test_diff_reports_added_removed_changed(tmp_path):
    (tmp_path / "keep.gguf").write_bytes(b"1")
    (tmp_path / "gone.gguf").write_bytes(b"1")
    before = FolderSnapshot.scan(tmp_path)
    (tmp_path / "gone.gguf").unlink()
    (tmp_path / "new.gguf").write_bytes(b"2")
    (tmp_path / "keep.gguf").write_bytes(b"1234")
    change = before.diff(FolderSnapshot.scan(tmp_path))
    assert change.added == (tmp_path / "new.gguf",)
    assert change.removed == (tmp_path / "gone.gguf",)
    assert change.changed == (tmp_path / "keep.gguf",)
    assert bool(change) and not bool(before.diff(before))


def test_watcher_reports_a_dropped_file_once_it_has_settled(tmp_path):
    now = [time.time()]
    w = FolderWatcher(tmp_path, settle_seconds=2.0, wall_clock=lambda: now[0])
    assert not w.poll()
    f = tmp_path / "dropped.gguf"
    f.write_bytes(b"GGUF" + b"\0" * 100)  # still being written: modified just now
    assert not w.poll() and w.pending() == [f]
    with open(f, "ab") as out:  # still growing
        out.write(b"\0" * 100)
    now[0] += 1.0
    assert not w.poll()
    now[0] += 5.0  # no writes for a while: it has settled
    change = w.poll()
    assert change.added == (f,) and not change.removed
    assert not w.poll()  # reported once
    f.unlink()
    assert w.poll().removed == (f,)


def test_watcher_reports_a_moved_in_file_at_once_and_ignores_partials(tmp_path):
    w = FolderWatcher(tmp_path)
    part = tmp_path / "downloading.gguf.part"
    part.write_bytes(b"x")
    moved = tmp_path / "moved.gguf"
    moved.write_bytes(b"GGUF")
    old(moved)  # a file moved (renamed) in keeps its old modification time
    assert w.poll().added == (moved,)
    os.replace(part, tmp_path / "downloaded.gguf")  # a finished download is renamed into place
    old(tmp_path / "downloaded.gguf")
    assert w.poll().added == (tmp_path / "downloaded.gguf",)


def test_watcher_baseline_skips_files_still_being_written(tmp_path):
    (tmp_path / "ready.gguf").write_bytes(b"r")
    old(tmp_path / "ready.gguf")
    (tmp_path / "busy.gguf").write_bytes(b"x")
    now = [time.time()]
    w = FolderWatcher(tmp_path, settle_seconds=2.0, wall_clock=lambda: now[0])
    assert list(w.snapshot.files) == [tmp_path / "ready.gguf"]
    now[0] += 10
    assert w.poll().added == (tmp_path / "busy.gguf",)
