"""The Discover widget against a local HTTP server: browsing, fit verdicts, downloads, pasted links.

Discover follows the download manager's events (no polling): these tests wait for what the events
bring, and check that nothing runs while no download changes.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging  # noqa: E402

import pytest  # noqa: E402
import shiboken6  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402

from assistant import paths  # noqa: E402
from assistant.library import DownloadManager, DownloadState, MemoryInfo  # noqa: E402
from assistant.library.catalog import Arch, CatalogFile, CatalogModel, hf_url  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from tests.assistant.library.payloads import make_model  # noqa: E402
from tests.assistant.library.server import FileServer  # noqa: E402
from ui.discover_downloads import IdRole  # noqa: E402

GB = 10**9
REPO = "tester/Tiny-GGUF"


def _file(name: str) -> CatalogFile:
    return CatalogFile(REPO, name, hf_url(REPO, name), "Q4_K_M", confirmed="served by the test server")


CATALOG = [
    CatalogModel(
        "tiny-chat",
        "Tiny Chat",
        "Tiny",
        1_000_000_000,
        4096,
        "apache-2.0",
        "A tiny test model.",
        Arch(16, 8, 64),
        (_file("tiny-Q4_K_M.gguf"),),
    ),
    CatalogModel(
        "huge",
        "Huge Model",
        "Huge",
        70_000_000_000,
        8192,
        "llama3.1",
        "Far too big for this computer.",
        Arch(80, 8, 128),
        (_file("huge-Q4_K_M.gguf"),),
    ),
]


@pytest.fixture(scope="module")
def payload(tmp_path_factory) -> bytes:
    return make_model(tmp_path_factory.mktemp("gguf") / "m.gguf")


@pytest.fixture
def server(payload):
    with FileServer() as s:
        s.add(REPO, "tiny-Q4_K_M.gguf", payload)
        yield s


@pytest.fixture
def discover(qtbot, server):
    from ui.discover import DiscoverWidget

    manager = DownloadManager(base_url=server.base_url, retries=2, backoff=0.01, timeout=5, chunk_size=16 * 1024)
    w = DiscoverWidget(manager=manager, catalog=CATALOG, memory=MemoryInfo(16 * GB, 8 * GB))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()
    manager.close()


def select(w, model_id: str) -> None:
    for i in range(w.model_list.count()):
        if w.model_list.item(i).data(Qt.ItemDataRole.UserRole + 1) == model_id:
            w.model_list.setCurrentRow(i)
            return
    raise AssertionError(model_id)


def test_opening_and_browsing_touch_no_network(qtbot, discover, server):
    qtbot.wait(100)
    assert discover.model_list.count() == 2
    select(discover, "tiny-chat")
    assert discover.name_label.text() == "Tiny Chat"
    assert discover.license_label.text() == "apache-2.0"
    assert discover.params_label.text() == "1.0B"
    assert "size known at download" in discover.quant_combo.itemText(0)
    assert discover.verdict_label.text() == "Fits" and "It fits." in discover.fit_label.text()
    select(discover, "huge")
    assert discover.verdict_label.text() == "Won't fit" and "won't fit" in discover.fit_label.text()
    assert server.requests == []
    assert discover.downloads_box.isHidden()  # no empty Downloads box before there is a download


def test_search_and_filters(qtbot, discover):
    qtbot.keyClicks(discover.search, "huge")
    assert discover.model_list.count() == 1 and discover.selected_model().id == "huge"
    discover.search.clear()
    discover.fits_check.setChecked(True)
    assert [discover.model_list.item(i).text().split()[0] for i in range(discover.model_list.count())] == ["Tiny"]
    discover.fits_check.setChecked(False)
    discover.family_combo.setCurrentIndex(discover.family_combo.findData("Huge"))
    assert discover.model_list.count() == 1
    discover.search.setText("nothing like this")
    assert discover.model_list.count() == 0 and discover.fit_label.text() == "No model matches the search."


def test_download_button_downloads_and_reports(qtbot, discover, payload):
    select(discover, "tiny-chat")
    with qtbot.waitSignal(discover.model_downloaded, timeout=20_000) as blocker:
        qtbot.mouseClick(discover.download_button, Qt.MouseButton.LeftButton)
    path = paths.models_dir() / "tiny-Q4_K_M.gguf"
    assert blocker.args == [str(path)] and path.read_bytes() == payload
    qtbot.waitUntil(lambda: "Done" in discover.status_label.text())
    assert discover.download_button.text() == "Downloaded" and not discover.download_button.isEnabled()
    assert discover.progress.value() == 1000
    assert not discover.cancel_button.isEnabled()


def test_pause_resume_and_progress_from_the_buttons(qtbot, discover, server, payload):
    server.delay = 0.01
    select(discover, "tiny-chat")
    qtbot.mouseClick(discover.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: " of " in discover.status_label.text() and discover.progress.value() > 0, timeout=10_000)
    assert discover.pause_button.isEnabled() and not discover.resume_button.isEnabled()
    assert not discover.download_button.isEnabled()  # "Downloading…"
    qtbot.mouseClick(discover.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: discover.resume_button.isEnabled(), timeout=10_000)
    assert discover.status_label.text().startswith("Paused at")
    assert discover.current_download().state == DownloadState.PAUSED
    server.delay = 0
    with qtbot.waitSignal(discover.model_downloaded, timeout=20_000):
        qtbot.mouseClick(discover.resume_button, Qt.MouseButton.LeftButton)
    assert (paths.models_dir() / "tiny-Q4_K_M.gguf").read_bytes() == payload
    assert server.range_requests("tiny-Q4_K_M.gguf")[-1].startswith("bytes=")


def test_cancel_from_the_button(qtbot, discover, server):
    server.delay = 0.01
    select(discover, "tiny-chat")
    qtbot.mouseClick(discover.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: discover.cancel_button.isEnabled() and discover.progress.value() > 0, timeout=10_000)
    qtbot.mouseClick(discover.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: discover.status_label.text() == "Cancelled.", timeout=10_000)
    assert not any(paths.models_dir().glob("tiny-Q4_K_M.gguf*"))
    assert discover.download_button.isEnabled()


def test_pasted_file_link_downloads(qtbot, discover, server, payload):
    server.add("someone/Other-GGUF", "other-Q8_0.gguf", payload)
    discover.paste_edit.setText("https://huggingface.co/someone/Other-GGUF/blob/main/other-Q8_0.gguf")
    with qtbot.waitSignal(discover.model_downloaded, timeout=20_000):
        qtbot.keyClick(discover.paste_edit, Qt.Key.Key_Return)
    assert (paths.models_dir() / "other-Q8_0.gguf").read_bytes() == payload


def test_pasted_repository_lists_its_files_then_downloads_one(qtbot, discover, server, payload):
    server.add("someone/Listed-GGUF", "listed-Q4_K_M.gguf", payload)
    server.api["someone/Listed-GGUF"] = {
        "siblings": [{"rfilename": "README.md"}, {"rfilename": "listed-Q4_K_M.gguf", "size": len(payload)}]
    }
    discover.paste_edit.setText("someone/Listed-GGUF")
    qtbot.mouseClick(discover.paste_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: discover.repo_files_combo.count() == 1, timeout=10_000)
    assert discover.repo_files_combo.isVisible() and "listed-Q4_K_M.gguf" in discover.repo_files_combo.itemText(0)
    with qtbot.waitSignal(discover.model_downloaded, timeout=20_000):
        qtbot.mouseClick(discover.repo_download_button, Qt.MouseButton.LeftButton)
    assert (paths.models_dir() / "listed-Q4_K_M.gguf").is_file()


def test_bad_paste_and_unknown_repository_are_explained(qtbot, discover):
    discover.paste_edit.setText("https://example.com/x.gguf")
    qtbot.mouseClick(discover.paste_button, Qt.MouseButton.LeftButton)
    assert "not a Hugging Face address" in discover.message_label.text()
    discover.paste_edit.setText("someone/Missing-GGUF")
    qtbot.mouseClick(discover.paste_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not found" in discover.message_label.text(), timeout=10_000)
    assert discover.paste_button.isEnabled()


def test_a_download_left_from_last_time_shows_and_resumes(qtbot, server, payload):
    from ui.discover import DiscoverWidget

    final = paths.models_dir() / "tiny-Q4_K_M.gguf"
    final.with_name(final.name + ".part").write_bytes(payload[:300_000])
    sidecar = {"url": CATALOG[0].files[0].url, "filename": "tiny-Q4_K_M.gguf", "total": len(payload)}
    final.with_name(final.name + ".part.json").write_text(json.dumps(sidecar))
    manager = DownloadManager(base_url=server.base_url, backoff=0.01, timeout=5)
    w = DiscoverWidget(manager=manager, catalog=CATALOG, memory=MemoryInfo(16 * GB, 8 * GB))
    qtbot.addWidget(w)
    w.show()
    try:
        assert w.download_list.count() == 1 and w.status_label.text().startswith("Paused at 300.0 KB")
        assert w.downloads_box.isVisible()
        with qtbot.waitSignal(w.model_downloaded, timeout=20_000):
            qtbot.mouseClick(w.resume_button, Qt.MouseButton.LeftButton)
        assert final.read_bytes() == payload
        assert server.range_requests("tiny-Q4_K_M.gguf") == ["bytes=300000-"]
    finally:
        w.shutdown()
        manager.close()


class CountingStatuses:
    """Counts the widget's reads of the manager's snapshots: each redraw of the downloads reads them once."""

    def __init__(self, monkeypatch, manager: DownloadManager):
        self.calls = 0
        real = manager.statuses

        def statuses():
            self.calls += 1
            return real()

        monkeypatch.setattr(manager, "statuses", statuses)


def active_timers(w) -> list[QTimer]:
    return [t for t in w.findChildren(QTimer) if t.isActive()]


def test_nothing_runs_while_no_download_changes_and_progress_still_shows(qtbot, discover, server, monkeypatch):
    counter = CountingStatuses(monkeypatch, discover.manager)
    qtbot.wait(1000)
    assert counter.calls == 0 and active_timers(discover) == []  # idle: no polling, no timer

    server.delay = 0.005
    downloaded = []
    discover.model_downloaded.connect(downloaded.append)
    select(discover, "tiny-chat")
    qtbot.mouseClick(discover.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: " of " in discover.status_label.text() and discover.progress.value() > 0, timeout=10_000)
    first = discover.progress.value()
    qtbot.waitUntil(lambda: discover.progress.value() > first, timeout=10_000)  # it keeps moving
    assert "%" in discover.download_list.item(0).text()
    server.delay = 0
    qtbot.waitUntil(lambda: len(downloaded) == 1, timeout=20_000)
    assert "Done" in discover.status_label.text() and discover.progress.value() == 1000
    qtbot.waitUntil(lambda: active_timers(discover) == [], timeout=2_000)
    during = counter.calls
    assert 3 <= during < 200  # redrawn from events, coalesced (the manager reports up to 10 times a second)

    qtbot.wait(1000)
    assert counter.calls == during and active_timers(discover) == []  # finished: quiet again


def test_a_destroyed_widget_stops_listening_while_its_download_goes_on(qtbot, server, payload, caplog):
    from ui.discover import DiscoverWidget

    manager = DownloadManager(base_url=server.base_url, backoff=0.01, timeout=5, chunk_size=16 * 1024)
    try:
        w = DiscoverWidget(manager=manager, catalog=CATALOG, memory=MemoryInfo(16 * GB, 8 * GB))
        assert len(manager._listeners) == 1
        server.delay = 0.005
        select(w, "tiny-chat")
        qtbot.mouseClick(w.download_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.progress.value() > 0, timeout=10_000)
        shiboken6.delete(w)  # e.g. the Settings dialog closes; the window's manager keeps downloading
        assert manager._listeners == []
        server.delay = 0
        st = manager.wait("tiny-Q4_K_M.gguf", timeout=20)
        qtbot.wait(200)  # any event already queued for the widget is dropped by Qt
        assert st.state == DownloadState.DONE
        assert (paths.models_dir() / "tiny-Q4_K_M.gguf").read_bytes() == payload
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    finally:
        manager.close()


def test_shutdown_stops_following_downloads(qtbot, discover, server, monkeypatch):
    counter = CountingStatuses(monkeypatch, discover.manager)
    discover.shutdown()
    assert discover.manager._listeners == []
    select(discover, "tiny-chat")
    discover.manager.start_file(CATALOG[0].files[0])
    discover.manager.wait("tiny-Q4_K_M.gguf", timeout=20)
    qtbot.wait(300)
    assert counter.calls == 0 and active_timers(discover) == []


def test_search_a_source_see_the_files_fit_and_download_one(qtbot, server, payload):
    from ui.discover import DiscoverWidget

    server.search = [{"id": "someone/Listed-GGUF", "downloads": 1234}, {"id": "other/listed-too-GGUF", "downloads": 5}]
    server.add("someone/Listed-GGUF", "listed-Q4_K_M.gguf", payload)
    server.api["other/listed-too-GGUF"] = {"siblings": []}
    manager = DownloadManager(base_url=server.base_url, backoff=0.01, timeout=5)
    settings = Settings()
    saved = []
    w = DiscoverWidget(manager=manager, catalog=CATALOG, memory=MemoryInfo(16 * GB, 8 * GB), settings=settings,
                       save_settings=lambda: saved.append(settings.download_source) or True)  # fmt: skip
    qtbot.addWidget(w)
    w.modelscope_base = server.base_url
    try:
        w.source_combo.setCurrentIndex(w.source_combo.findData("modelscope"))
        assert settings.download_source == "modelscope" and saved and not w.endpoint_edit.isVisible()
        w.paste_edit.setText("listed")
        qtbot.mouseClick(w.paste_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.repo_files_combo.count() == 1, timeout=10_000)
        assert w.repo_results_combo.itemText(0) == "someone/Listed-GGUF — 1,234 downloads"
        assert w.repo_files_combo.itemText(0).endswith("— fits this computer")
        with qtbot.waitSignal(w.model_downloaded, timeout=20_000):
            qtbot.mouseClick(w.repo_download_button, Qt.MouseButton.LeftButton)
        assert (paths.models_dir() / "listed-Q4_K_M.gguf").read_bytes() == payload
        assert any("/api/v1/models/someone/Listed-GGUF/repo?" in r["path"] for r in server.requests)
        w.paste_edit.setText("zebra")
        qtbot.mouseClick(w.paste_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "No repositories with GGUF files match" in w.message_label.text(), timeout=10_000)
    finally:
        w.shutdown()
        manager.close()


def test_hugging_face_out_of_reach_offers_modelscope_in_one_click(qtbot, server):
    """As in mainland China: the Hub cannot be reached (here: a closed port), the search says so and
    offers ModelScope; one click chooses it (kept in the settings) and searches there."""
    import socket

    from ui.discover import DiscoverWidget

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    server.search = [{"id": "someone/Listed-GGUF", "downloads": 1234}]
    server.api["someone/Listed-GGUF"] = {"siblings": []}
    manager = DownloadManager(base_url=nowhere, backoff=0.01, timeout=5)
    settings = Settings()
    w = DiscoverWidget(manager=manager, catalog=CATALOG, settings=settings, save_settings=lambda: True)
    qtbot.addWidget(w)
    w.modelscope_base = server.base_url
    try:
        assert w.source_combo.currentData() == "hf"
        w.paste_edit.setText("listed")
        qtbot.mouseClick(w.paste_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not w.switch_source_button.isHidden(), timeout=10_000)
        assert "could not reach Hugging Face" in w.message_label.text()
        qtbot.mouseClick(w.switch_source_button, Qt.MouseButton.LeftButton)
        assert settings.download_source == "modelscope" and w.switch_source_button.isHidden()
        qtbot.waitUntil(lambda: w.repo_results_combo.count() == 1, timeout=10_000)
        assert w.repo_results_combo.itemText(0) == "someone/Listed-GGUF — 1,234 downloads"
        qtbot.waitUntil(lambda: "has no GGUF files" in w.message_label.text(), timeout=10_000)
        assert w.switch_source_button.isHidden()  # a failure that is not about reaching it: no offer
    finally:
        w.shutdown()
        manager.close()


def test_an_access_token_is_kept_for_the_source_chosen(qtbot, discover, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from assistant.library.tokens import token_for

    monkeypatch.setenv("BOTHY_NO_KEYRING", "1")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("hf_token_1", True))
    assert discover.ask_token()
    assert token_for(discover.source().endpoint + "/x") == "hf_token_1"
    assert "sent to" in discover.status_label.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))
    discover.ask_token()
    assert token_for(discover.source().endpoint + "/x") is None


def test_a_catalog_model_downloads_from_the_source_chosen(qtbot, server, payload):
    from dataclasses import replace

    from ui.discover import DiscoverWidget

    catalog = [replace(CATALOG[0], modelscope="mirror-org/tiny-GGUF")]
    f = catalog[0].files[0]
    server.add("mirror-org/tiny-GGUF", f.file, payload)  # served in ModelScope's layout too
    manager = DownloadManager(base_url=server.base_url, backoff=0.01, timeout=5)
    w = DiscoverWidget(manager=manager, catalog=catalog, memory=MemoryInfo(16 * GB, 8 * GB))
    qtbot.addWidget(w)
    w.modelscope_base = server.base_url
    try:
        select(w, "tiny-chat")
        assert "modelscope.cn/models/mirror-org/tiny-GGUF" in w.repo_label.text()
        w.source_combo.setCurrentIndex(w.source_combo.findData("modelscope"))
        with qtbot.waitSignal(w.model_downloaded, timeout=20_000):
            qtbot.mouseClick(w.download_button, Qt.MouseButton.LeftButton)
        assert any("/api/v1/models/mirror-org/tiny-GGUF/repo?" in r["path"] for r in server.requests)
        w.catalog = [replace(CATALOG[0], modelscope=None)]
        w._fill_list()
        select(w, "tiny-chat")
        w._download_selected()  # (its button is off now: the file is downloaded)
        assert "does not know" in w.message_label.text()
    finally:
        w.shutdown()
        manager.close()


def test_a_split_model_downloads_as_a_set(qtbot, discover, server, payload):
    half = len(payload) // 2
    server.add("someone/Split-GGUF", "big-Q4_K_M-00001-of-00002.gguf", payload[:half])
    server.add("someone/Split-GGUF", "big-Q4_K_M-00002-of-00002.gguf", payload[half:])
    server.api["someone/Split-GGUF"] = {"siblings": [
        {"rfilename": "big-Q4_K_M-00001-of-00002.gguf", "size": half},
        {"rfilename": "big-Q4_K_M-00002-of-00002.gguf", "size": len(payload) - half},
    ]}  # fmt: skip
    discover.paste_edit.setText("someone/Split-GGUF")
    qtbot.mouseClick(discover.paste_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: discover.repo_files_combo.count() == 2, timeout=10_000)
    discover.repo_files_combo.setCurrentIndex(1)  # either part: both come
    qtbot.mouseClick(discover.repo_download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: discover.download_list.count() == 2, timeout=10_000)
    assert {discover.download_list.item(i).data(IdRole) for i in range(2)} == {
        "big-Q4_K_M-00001-of-00002.gguf", "big-Q4_K_M-00002-of-00002.gguf"
    }  # fmt: skip
