"""Start-up, restart, long conversations, models, settings, themes, translations, self-test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from assistant.settings import Settings
from tests.starter import starter_path
from tests.ui.conftest import LOAD, send, test_settings


def test_restart_finds_everything_again(qtbot, windows):
    first = windows.open()  # the scripted engine: this is about what the app keeps
    first.resize(780, 560)
    first.splitter.setSizes([300, 480])
    send(qtbot, first, "Remember the word apricot.")
    cid = first.conversation_id
    before = first.store.messages(cid)
    first.close()
    second = windows.open()
    assert second.sidebar.model.conversation_ids() == [cid]
    assert (second.width(), second.height()) == (780, 560)
    assert abs(second.splitter.sizes()[0] - 300) <= 2
    second.open_conversation(cid)
    assert [w.message["content"] for w in second.chat.widgets] == [m["content"] for m in before]
    assert second.chat.widgets[-1].stats_label.full_text()
    qtbot.keyClick(second, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    second.sidebar.search_field.insert("apricot")
    second.sidebar.run_search()
    assert second.sidebar.search_model.rowCount() >= 1


def test_interrupted_reply_is_marked_at_start_up(qtbot, windows):
    from assistant.store import Store

    with Store() as store:
        c = store.create_conversation(title="cut short")
        store.begin_turn(c["id"], "Tell me a story")
    window = windows.open()
    window.open_conversation(c["id"])
    reply = window.chat.widgets[-1]
    assert reply.message["status"] == "interrupted"
    assert "Interrupted" in reply.note.text()


def test_a_5000_message_conversation_opens_fast_and_loads_older_on_scroll(qtbot, windows):
    from assistant.store import Store

    with Store() as store:
        c = store.create_conversation(title="long")
        with store._write("fill"):
            for i in range(2500):
                _u, r = store.begin_turn(c["id"], f"question {i}")
                store.finish_reply(r["id"], f"Answer **{i}**\n\n- a\n- b\n\n`code`", status="complete")
    window = windows.open()
    start = time.perf_counter()
    window.open_conversation(c["id"])
    qtbot.wait(1)  # the first layout pass
    elapsed = time.perf_counter() - start
    print(f"opened 5,000 messages in {elapsed * 1000:.0f} ms")
    # The 300 ms goal is benchmark item 5's, measured on a quiet machine; here only "not all 5,000
    # widgets", which would take seconds, on a machine shared with the rest of the suite.
    assert elapsed < 1.5, f"opening took {elapsed * 1000:.0f} ms"
    chat = window.chat
    assert len(chat.widgets) <= 60
    assert chat.widgets[-1].message["content"].startswith("Answer **2499**")
    qtbot.waitUntil(lambda: chat.verticalScrollBar().value() == chat.verticalScrollBar().maximum() > 0)
    first_shown = chat.start
    chat.verticalScrollBar().setValue(0)
    qtbot.waitUntil(lambda: chat.start < first_shown, timeout=2000)
    assert len(chat.widgets) <= 200
    assert not chat.stick  # reading older messages: the view does not jump to the end


def test_switch_model_and_a_model_that_cannot_load(qtbot, windows, bothy_home):
    from assistant import paths
    from assistant.engine import LocalEngine, ModelRef

    engine = LocalEngine()
    window = windows.open(engine=engine)  # loads the starter model itself
    assert window.loaded is not None and window.loaded.model == ModelRef.local(starter_path())
    assert "SmolLM2" in window.status.model_label.text() and "CPU" in window.status.model_label.text()
    copy = paths.models_dir() / "copy-of-starter.gguf"
    shutil.copyfile(starter_path(), copy)
    bad = paths.models_dir() / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    window.settings.set_load_settings(copy, LOAD)
    with qtbot.waitSignal(window.model_loaded, timeout=60_000):
        assert window.load_model(ModelRef.local(copy))
        assert window.status.busy_bar.isVisible() and not window.composer.send_button.isEnabled()
    assert window.loaded.model == ModelRef.local(copy)
    assert "copy-of-starter" in window.status.model_label.text()
    with qtbot.waitSignal(window.model_failed, timeout=60_000):
        window.load_model(ModelRef.local(bad))
    assert window.banner.isVisible() and "broken.gguf" in window.banner.label.text()
    assert window.loaded.model == ModelRef.local(copy)  # the previous model stays usable
    result = send(qtbot, window, "Still there?")
    assert result.status == "complete", result.error


def test_no_model_says_why_and_how(qtbot, windows, monkeypatch):
    import assistant.models

    monkeypatch.setattr(assistant.models, "default_model_path", lambda preferred=None: None)
    window = windows.open(load=False)
    window.start()
    qtbot.wait(10)
    assert window.loaded is None
    assert window.composer.notice.isVisible()
    assert "Settings > Models" in window.composer.notice_label.text()
    window.composer.set_text("hello")
    assert not window.composer.send_button.isEnabled()
    window.composer.send()
    assert not window.turns.busy


def test_settings_dialog_saves_generation_and_lists_models(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window._settings_dialog
    assert dialog is not None and dialog.isVisible()
    models = dialog.models_tab
    assert models.list.count() >= 1
    assert "SmolLM2" in models.list.item(0).text() and "in use" in models.list.item(0).text()
    labels = models.info_labels
    assert labels["architecture"].text() == "llama"
    assert labels["quantization"].text() == "Q4_1"
    assert labels["parameters"].text() == "135M"
    assert labels["context"].text() == "8,192"
    assert "CPU" in models.backend_label.text()
    gen = dialog.generation_tab
    gen.temperature.setValue(1.25)
    gen.seed.setValue(42)
    dialog.close()
    saved = Settings.load()
    assert saved.generation.temperature == 1.25 and saved.generation.seed == 42
    dialog.generation_tab.reset()
    qtbot.waitUntil(lambda: Settings.load().generation.temperature == 0.7, timeout=2000)


def test_export_all_then_import_it_back(qtbot, window, tmp_path):
    import json

    send(qtbot, window, "Export me.")
    send(qtbot, window, "导出我 🙂")
    data_tab = window.open_settings().data_tab
    out = tmp_path / "all.json"
    with qtbot.waitSignal(data_tab.export_to(str(out)).finished, timeout=10_000):
        assert data_tab.progress.isVisibleTo(data_tab) and not data_tab.export_button.isEnabled()
    assert "Exported 1 conversation" in data_tab.progress_label.text() and data_tab.export_button.isEnabled()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "bothy.conversations"
    assert data["conversations"][0]["messages"][0]["content"] == "Export me."
    # Every export Bothy writes, it imports: nothing twice, and all of it once it is gone.
    with qtbot.waitSignal(data_tab.import_from(str(out)).finished, timeout=10_000):
        pass
    dialog = data_tab.import_dialog
    assert "Imported 0 conversations" in dialog.heading.text()
    assert "Already here, not imported again: 1" in dialog.summary.toPlainText()
    [original] = window.sidebar.model.conversation_ids()
    messages = [m["content"] for m in window.store.messages(original)]
    window.store.delete_conversation(original)
    with qtbot.waitSignal(data_tab.import_from(str(out)).finished, timeout=10_000):
        pass
    dialog = data_tab.import_dialog
    assert dialog.heading.text() == "Imported 1 conversation with 4 messages."
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    [copy] = window.sidebar.model.conversation_ids()
    assert [m["content"] for m in window.store.messages(copy)] == messages


def test_import_of_a_file_that_is_not_an_export_says_why(qtbot, window, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}', encoding="utf-8")
    data_tab = window.open_settings().data_tab
    with qtbot.waitSignal(data_tab.import_from(str(bad)).finished, timeout=10_000):
        pass
    text = data_tab.import_dialog.summary.toPlainText()
    assert "notes.json: Bothy does not know this file's shape" in text
    assert window.sidebar.model.conversation_ids() == []


def test_delete_all_runs_in_the_background_and_spares_the_streaming_chat(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tests.fakes import Scripted

    for i in range(30):
        c = window.store.create_conversation(title=f"old {i}")
        window.store.import_data(window.store.export_json(c["id"]))
    engine = window.bridge.engine
    engine.script.append(Scripted("still writing", hold=True))
    window.new_chat()
    send_text = "Keep this one."
    window.composer.set_text(send_text)
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(engine.holding.is_set, timeout=5_000)
    streaming = window.conversation_id
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    data_tab = window.open_settings().data_tab
    task = data_tab.delete_all()
    assert data_tab.progress.isVisibleTo(data_tab)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert window.store.count_conversations() == 1 and window.sidebar.model.conversation_ids() == [streaming]
    with qtbot.waitSignal(window.turn_done, timeout=5_000):
        engine.release()
    assert window.store.messages(streaming)[-1]["content"] == "still writing"


def test_corrupt_settings_file_is_reported_not_fatal(qtbot, windows):
    from assistant import paths

    paths.settings_path().write_text("{ not json", encoding="utf-8")
    settings = Settings.load()
    assert settings.problem
    window = windows.open(settings=settings, load=False)
    window.start()
    assert window.banner.isVisible() and "settings" in window.banner.label.text().lower()


def test_dark_theme_and_back(qtbot, window):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    window.set_theme("dark")
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert Settings.load().theme == "dark"
    window.set_theme("light")
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 200


def test_chinese_translation_is_complete_and_loads(qtbot, windows):
    import xml.etree.ElementTree as ET

    from ui import i18n

    ts = Path(i18n.__file__).resolve().parent / "bothy_zh_CN.ts"
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        text = "".join(translation.itertext()).strip()
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not text:
            missing.append(message.findtext("source"))
    assert not missing, missing[:10]
    # Every string the code passes to tr() is in the translation file (run pyside6-lupdate when not).
    import ast

    sources = {m.findtext("source") for m in ET.parse(ts).getroot().iter("message")}
    in_code = set()
    for file in Path(i18n.__file__).resolve().parents[1].glob("**/*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None)
            text = node.args[0] if name == "tr" and node.args else None
            if name == "translate" and len(node.args) >= 2:  # QCoreApplication.translate(context, text)
                text = node.args[1]
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                in_code.add(text.value)
    assert in_code - sources == set()
    assert ts.with_suffix(".qm").is_file()
    window = windows.open(settings=test_settings(language="zh_CN"))
    assert window.composer.send_button.text() == "发送"
    assert window.sidebar.new_button.text().endswith("新对话")
    window.set_language("en")
    assert window.composer.send_button.text() == "Send"


def test_shortcuts_are_listed_in_help(window):
    keys = [k for k, _ in window.shortcuts()]
    assert "Ctrl+K" in keys and "Ctrl+," in keys and "F2" in keys


def test_accessible_names_on_controls(window):
    for w in (
        window.composer.edit,
        window.composer.send_button,
        window.composer.stop_button,
        window.sidebar.search_field,
        window.sidebar.new_button,
        window.sidebar.list,
        window.status.meter,
    ):
        assert w.accessibleName()


def test_self_test_command(tmp_path):
    env = dict(os.environ, BOTHY_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "--self-test"], env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test OK" in proc.stdout


def test_discover_tab_and_a_model_dropped_into_the_folder(qtbot, window, bothy_home):
    from assistant import paths

    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window._settings_dialog
    assert dialog.discover is None  # nothing about downloads is built until Discover is opened
    dialog.tabs.setCurrentWidget(dialog.discover_holder)
    assert dialog.discover is not None and dialog.discover.manager is window.models.download_manager()
    before = dialog.models_tab.list.count()
    qtbot.waitUntil(lambda: window.models._watcher is not None, timeout=5000)
    shutil.copy(starter_path(), paths.models_dir() / "dropped-in.gguf")
    qtbot.waitUntil(lambda: dialog.models_tab.list.count() == before + 1, timeout=15_000)
    assert any("dropped" in dialog.models_tab.list.item(i).text() for i in range(dialog.models_tab.list.count()))


def test_a_second_start_brings_the_first_to_the_front(tmp_path):
    env = dict(os.environ, BOTHY_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    first = subprocess.Popen(
        [sys.executable, "-m", "assistant"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    log = tmp_path / "home" / "logs" / "bothy.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (log.exists() and "loaded" in log.read_text(encoding="utf-8")):
            assert first.poll() is None, first.stderr.read()
            time.sleep(0.2)
        started = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "assistant"], env=env, capture_output=True, timeout=60)
        assert second.returncode == 0
        assert time.monotonic() - started < 30  # it did not open a window and wait
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "bringing the window to the front" not in log.read_text(encoding="utf-8"):
            time.sleep(0.1)
        text = log.read_text(encoding="utf-8")
        assert "already running" in text and "bringing the window to the front" in text
        assert first.poll() is None  # the first one carries on
    finally:
        first.kill()
        first.wait()
        first.stderr.close()


def test_a_damaged_database_is_moved_aside_and_the_person_told(qtbot, windows, bothy_home):
    from assistant import paths

    paths.db_path().write_bytes(b"not a database at all" * 200)
    from ui.app import create_app, create_window

    window = create_window(create_app(), settings=test_settings())
    qtbot.addWidget(window)
    window.show()
    window.start()
    assert window.banner.isVisible() and "damaged" in window.banner.label.text()
    assert [p for p in paths.db_path().parent.iterdir() if ".damaged-" in p.name]
    window.bridge.shutdown()
    window.store.close()


def test_models_tab_says_whether_the_model_fits(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    models = window._settings_dialog.models_tab
    fit = models.info_labels["fit"]
    qtbot.waitUntil(lambda: bool(fit.text()), timeout=5000)
    assert "fits" in fit.text().lower() and "MB" in fit.text()
    before = fit.text()
    models.ctx_spin.setValue(4096 if models.ctx_spin.value() != 4096 else 2048)
    assert fit.text() != before  # the estimate follows the load settings


def test_session_engines_never_touch_the_real_home(tmp_path):
    """A session-scoped engine starts before any test's own BOTHY_HOME exists: it used to write its
    llama.cpp log into the real user folder when tests/ui ran alone. Run such tests with an empty
    HOME and check that nothing of Bothy's appears in it."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOTHY_", "XDG_"))}
    env["HOME"] = str(home)
    root = Path(__file__).resolve().parents[2]
    tests = ["tests/assistant/engine/test_engine.py::test_backend_and_load_report", "tests/ui/test_chat.py"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, "-k", "load_report or streams_the"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "2 passed" in proc.stdout
    touched = [str(p.relative_to(home)) for p in home.rglob("*") if "bothy" in str(p).lower()]
    assert touched == []


def test_settings_widgets_offer_exactly_what_the_settings_accept(qtbot, window):
    from assistant.settings import GENERATION_RANGES, LOAD_RANGES

    dialog = window.open_settings()
    gen = dialog.generation_tab
    for option, (_label, allowed) in GENERATION_RANGES.items():
        box = gen._numbers[option]
        top = allowed.high
        assert box.maximum() == top, option
        box.setValue(box.maximum())
        gen.store()
        window.settings.validate()  # the highest value the widget offers is accepted
        box.setValue(box.minimum())
        gen.store()
        window.settings.validate()  # and so is the lowest (None where the option is optional)
        assert (getattr(window.settings.generation, option) is None) == allowed.optional, option
    assert dialog.models_tab.ctx_spin.maximum() == LOAD_RANGES["n_ctx"][1].high
    assert dialog.models_tab.threads_spin.maximum() == LOAD_RANGES["n_threads"][1].high
