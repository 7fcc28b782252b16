"""Downloads against a real HTTP server on 127.0.0.1 (tests/assistant/library/server.py)."""

from __future__ import annotations

import hashlib
import socket
import time
from types import SimpleNamespace

import pytest

from assistant import paths
from assistant.library import DownloadError, DownloadManager, DownloadState, learned_file
from assistant.library.catalog import CatalogFile, hf_url
from assistant.models import list_models

REPO = "tester/Tiny-GGUF"


@pytest.fixture
def manager_factory(server, no_leftover_threads):
    made = []

    def make(**kw):
        kw.setdefault("base_url", server.base_url)
        kw.setdefault("retries", 3)
        kw.setdefault("backoff", 0.01)
        kw.setdefault("timeout", 5)
        kw.setdefault("chunk_size", 16 * 1024)
        m = DownloadManager(**kw)
        made.append(m)
        return m

    yield make
    for m in made:
        m.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wait_for(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def test_download_verifies_moves_into_place_and_registers(server, manager_factory, model_bytes):
    url = server.add(REPO, "tiny-Q4_K_M.gguf", model_bytes)
    m = manager_factory()
    seen = []
    m.subscribe(seen.append)
    did = m.start(url)
    st = m.wait(did, 20)
    assert st.state == DownloadState.DONE, st.error
    final = paths.models_dir() / "tiny-Q4_K_M.gguf"
    assert st.path == final and final.read_bytes() == model_bytes
    assert not list(paths.models_dir().glob("*.part*"))
    assert final in [e.path for e in list_models()]
    # what the server announced is remembered in the cache, not in the catalog
    assert learned_file(url) == {"size": len(model_bytes), "sha256": sha(model_bytes)}
    assert seen[-1].state == DownloadState.DONE and any(s.state == DownloadState.DOWNLOADING for s in seen)
    assert st.fraction == 1.0 and "Done" in st.describe()


def test_connection_dropped_mid_file_is_retried_with_range(server, manager_factory, model_bytes):
    url = server.add(REPO, "drop.gguf", model_bytes)
    server.drops[f"{REPO}/drop.gguf"] = [300_000, 200_000]
    m = manager_factory()
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.DONE, st.error
    assert sha(st.path.read_bytes()) == sha(model_bytes)
    ranges = server.range_requests("drop.gguf")
    assert ranges[0] is None and ranges[1] == "bytes=300000-" and ranges[2] == "bytes=500000-"


def test_connection_dropping_too_often_ends_in_a_resumable_error(server, manager_factory, model_bytes):
    url = server.add(REPO, "flaky.gguf", model_bytes)
    server.drops[f"{REPO}/flaky.gguf"] = [100_000] + [0] * 10
    m = manager_factory(retries=2)
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.FAILED and st.resumable
    assert "connection" in st.error and "lost" in st.error and "Resume" in st.hint
    assert st.downloaded == 100_000
    server.drops.clear()
    m.resume(st.id)
    st = m.wait(st.id, 20)
    assert st.state == DownloadState.DONE and st.path.read_bytes() == model_bytes


def test_wrong_checksum_deletes_the_file_and_says_so(server, manager_factory, model_bytes):
    url = server.add(REPO, "bad.gguf", model_bytes, announce="0" * 64)
    m = manager_factory()
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.FAILED and not st.resumable
    assert "checksum does not match" in st.error and "deleted" in st.error
    assert not any(paths.models_dir().glob("bad.gguf*"))


def test_catalog_checksum_is_checked_even_when_the_server_announces_none(server, manager_factory, model_bytes):
    url = server.add(REPO, "pinned.gguf", model_bytes, announce=None)
    m = manager_factory()
    st = m.wait(m.start(url, sha256="ab" * 32), 20)
    assert st.state == DownloadState.FAILED and "checksum does not match" in st.error
    assert not any(paths.models_dir().glob("pinned.gguf*"))
    st = m.wait(m.start(url, sha256=sha(model_bytes)), 20)
    assert st.state == DownloadState.DONE


def test_server_file_differing_from_the_catalog_is_refused_before_downloading(server, manager_factory, model_bytes):
    url = server.add(REPO, "changed.gguf", model_bytes)
    f = CatalogFile(REPO, "changed.gguf", url, "Q4_K_M", sha256="cd" * 32, source="test", confirmed="test")
    m = manager_factory()
    st = m.wait(m.start_file(f), 20)
    assert st.state == DownloadState.FAILED and "not the one in Bothy's catalog" in st.error
    assert not any(paths.models_dir().glob("changed.gguf*"))  # nothing was kept


def test_404_is_explained(server, manager_factory):
    m = manager_factory()
    st = m.wait(m.start(hf_url(REPO, "missing.gguf")), 20)
    assert st.state == DownloadState.FAILED and not st.resumable
    assert "missing.gguf was not found" in st.error and "404" in st.error
    assert len(server.requests) == 1  # not retried


def test_offline_connection_refused(manager_factory, model_bytes):
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    m = manager_factory(base_url=f"http://127.0.0.1:{port}", retries=1)
    st = m.wait(m.start(hf_url(REPO, "x.gguf")), 20)
    assert st.state == DownloadState.FAILED and st.resumable
    assert st.error == "Could not reach huggingface.co: the connection was refused."
    assert "internet connection" in st.hint


def test_pause_and_resume_continue_with_a_range_request(server, manager_factory, model_bytes):
    url = server.add(REPO, "slow.gguf", model_bytes)
    server.delay = 0.005
    m = manager_factory()
    did = m.start(url)
    wait_for(lambda: m.status(did).downloaded >= 100_000)
    m.pause(did)
    st = m.wait(did, 10)
    assert st.state == DownloadState.PAUSED and st.resumable and 0 < st.downloaded < len(model_bytes)
    assert (paths.models_dir() / "slow.gguf.part").stat().st_size == st.downloaded
    assert "Paused" in st.describe()
    paused = st.downloaded
    server.delay = 0
    m.resume(did)
    st = m.wait(did, 20)
    assert st.state == DownloadState.DONE and st.path.read_bytes() == model_bytes
    assert server.range_requests("slow.gguf")[-1] == f"bytes={paused}-"


def test_resume_after_restart_in_a_new_manager(server, manager_factory, model_bytes):
    url = server.add(REPO, "restart.gguf", model_bytes)
    server.delay = 0.005
    first = manager_factory()
    did = first.start(url)
    wait_for(lambda: first.status(did).downloaded >= 100_000)
    first.close()  # the app quits mid-download
    part = paths.models_dir() / "restart.gguf.part"
    kept = part.stat().st_size
    assert 0 < kept < len(model_bytes)

    server.delay = 0
    second = manager_factory()
    [st] = second.statuses()
    assert st.id == "restart.gguf" and st.state == DownloadState.PAUSED and st.downloaded == kept
    assert st.total == len(model_bytes) and st.resumable
    second.resume(st.id)
    st = second.wait(st.id, 20)
    assert st.state == DownloadState.DONE and sha(st.path.read_bytes()) == sha(model_bytes)
    assert server.range_requests("restart.gguf")[-1] == f"bytes={kept}-"


def test_server_ignoring_range_restarts_cleanly(server, manager_factory, model_bytes):
    url = server.add(REPO, "norange.gguf", model_bytes)
    server.ranges = False
    server.drops[f"{REPO}/norange.gguf"] = [200_000]
    m = manager_factory()
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.DONE and st.path.read_bytes() == model_bytes


def test_two_downloads_at_once(server, manager_factory, model_bytes, other_model_bytes):
    a = server.add(REPO, "a.gguf", model_bytes)
    b = server.add(REPO, "b.gguf", other_model_bytes)
    server.delay = 0.002
    m = manager_factory()
    ida, idb = m.start(a), m.start(b)
    wait_for(lambda: all(s.state == DownloadState.DOWNLOADING and s.downloaded > 0 for s in m.statuses()))
    sa, sb = m.wait(ida, 30), m.wait(idb, 30)
    assert sa.state == sb.state == DownloadState.DONE
    assert sa.path.read_bytes() == model_bytes and sb.path.read_bytes() == other_model_bytes


def test_cancel_deletes_the_partial_file(server, manager_factory, model_bytes):
    url = server.add(REPO, "cancel.gguf", model_bytes)
    server.delay = 0.005
    m = manager_factory()
    did = m.start(url)
    wait_for(lambda: m.status(did).downloaded > 0)
    m.cancel(did)
    st = m.wait(did, 10)
    assert st.state == DownloadState.CANCELLED
    assert not any(paths.models_dir().glob("cancel.gguf*"))


def test_not_enough_disk_space_for_a_known_size_refuses_to_start(server, manager_factory, model_bytes):
    url = server.add(REPO, "big.gguf", model_bytes)
    m = manager_factory(disk_usage=lambda p: SimpleNamespace(total=10**9, used=10**9, free=1000))
    with pytest.raises(DownloadError, match="Not enough disk space") as e:
        m.start(url, size=len(model_bytes))
    assert "free" in e.value.message and e.value.hint
    assert server.requests == []


def test_not_enough_disk_space_found_from_the_server_headers(server, manager_factory, model_bytes):
    url = server.add(REPO, "big2.gguf", model_bytes)
    m = manager_factory(disk_usage=lambda p: SimpleNamespace(total=10**9, used=10**9, free=1000))
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.FAILED and st.error.startswith("Not enough disk space")
    assert st.resumable and not (paths.models_dir() / "big2.gguf.part").exists()


def test_a_file_already_in_the_folder_is_not_downloaded_again(server, manager_factory, model_bytes):
    url = server.add(REPO, "have.gguf", model_bytes)
    (paths.models_dir() / "have.gguf").write_bytes(model_bytes)
    m = manager_factory()
    with pytest.raises(DownloadError, match="already in your models folder"):
        m.start(url)


def test_a_file_that_is_not_a_model_is_deleted(server, manager_factory):
    url = server.add(REPO, "page.gguf", b"<html>not a model</html>" * 100)
    m = manager_factory()
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.FAILED and "not a usable model" in st.error
    assert not any(paths.models_dir().glob("page.gguf*"))


@pytest.mark.parametrize("name", ["../evil.gguf", "notes.txt", ".hidden.gguf"])
def test_bad_file_names_are_refused(manager_factory, name):
    with pytest.raises(DownloadError):
        manager_factory().start(hf_url(REPO, "x.gguf"), filename=name)


def test_server_errors_are_retried_then_explained(server, manager_factory, model_bytes):
    url = server.add(REPO, "busy.gguf", model_bytes)
    server.errors[f"{REPO}/busy.gguf"] = [503, 429]
    m = manager_factory()
    assert m.wait(m.start(url), 20).state == DownloadState.DONE
    url = server.add(REPO, "down.gguf", model_bytes)
    server.errors[f"{REPO}/down.gguf"] = [503] * 10
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.FAILED and st.resumable and "HTTP 503" in st.error


def test_gated_model_is_explained(server, manager_factory, model_bytes):
    url = server.add(REPO, "gated.gguf", model_bytes)
    server.errors[f"{REPO}/gated.gguf"] = [401]
    m = manager_factory()
    st = m.wait(m.start(url), 20)
    assert st.state == DownloadState.FAILED and not st.resumable
    assert "licence" in st.error and "browser" in st.hint


def test_a_leftover_note_of_a_finished_download_is_cleaned_up(manager_factory, model_bytes):
    folder = paths.models_dir()
    (folder / "done.gguf").write_bytes(model_bytes)
    (folder / "done.gguf.part.json").write_text(
        '{"url": "https://huggingface.co/a/b/resolve/main/done.gguf", "filename": "done.gguf"}'
    )
    m = manager_factory()
    assert m.statuses() == [] and not (folder / "done.gguf.part.json").exists()


def test_subscribe_and_forget(server, manager_factory, model_bytes):
    url = server.add(REPO, "events.gguf", model_bytes)
    m = manager_factory()
    seen = []
    unsubscribe = m.subscribe(lambda st: seen.append(st.state))
    did = m.start(url)
    m.wait(did, 20)
    assert seen[0] == DownloadState.STARTING and seen[-1] == DownloadState.DONE
    unsubscribe()
    m.forget(did)
    assert m.find(did) is None and m.statuses() == []
    assert (paths.models_dir() / "events.gguf").is_file()  # forgetting a finished download keeps the model
