"""Fixtures for the desktop app's tests: offscreen Qt, the real starter model, real SQLite files.

The engine (one llama.cpp process with the starter model) is loaded once per session and shared
by the windows the tests open; each test gets its own BOTHY_HOME (tests/conftest.py), so its own
database, settings and window layout.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists

import dataclasses  # noqa: E402

import pytest  # noqa: E402

from assistant.engine import Engine, LoadSettings  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import Store  # noqa: E402
from tests.starter import starter_path  # noqa: E402

MAX_TOKENS = 24
# One thread: on a busy 2-core machine, llama.cpp's OpenMP threads spin against each other and the
# first tokens of a prompt can take seconds; one thread keeps the tests quick and steady.
LOAD = LoadSettings(n_ctx=2048, n_threads=1)


@pytest.fixture(scope="session")
def qapp_args():
    return ["bothy-tests"]


@pytest.fixture(scope="session")
def shared_engine():
    engine = Engine()
    engine.load(starter_path(), LOAD)
    yield engine
    engine.close()


def test_settings(**changes) -> Settings:
    s = Settings()
    s.generation = dataclasses.replace(s.generation, max_tokens=MAX_TOKENS, seed=7, temperature=0.2)
    s.set_load_settings(starter_path(), LOAD)
    s.default_model = str(starter_path())
    for k, v in changes.items():
        setattr(s, k, v)
    s.save()
    return s


test_settings.__test__ = False  # a helper, not a test


class WindowFactory:
    """Opens main windows on the current BOTHY_HOME, sharing the session's engine."""

    def __init__(self, qtbot, engine):
        self.qtbot = qtbot
        self.engine = engine
        self.windows = []

    def open(self, *, settings: Settings | None = None, wait_for_model: bool = True, engine=None, load=True):
        from ui.app import create_app, create_window
        from ui.engine_bridge import EngineBridge

        app = create_app()
        settings = settings or test_settings()
        store = Store()
        bridge = EngineBridge(store=store, engine=engine or self.engine, close_engine=engine is not None)
        if engine is None:
            bridge.worker.current = (str(starter_path()), LOAD)
        window = create_window(app, store=store, settings=settings, bridge=bridge)
        bridge.setParent(window)
        self.qtbot.addWidget(window)
        self.windows.append(window)
        window.show()
        if load:
            with self.qtbot.waitSignal(window.model_loaded, timeout=60_000, raising=wait_for_model):
                window.start()
        return window

    def close_all(self):
        for w in self.windows:
            w.close()
            w.store.close()
        self.windows.clear()


@pytest.fixture
def windows(qtbot, shared_engine):
    factory = WindowFactory(qtbot, shared_engine)
    yield factory
    factory.close_all()


@pytest.fixture
def window(windows):
    return windows.open()


def send(qtbot, window, text: str, *, timeout: int = 60_000):
    """Type `text` into the composer and press Enter; wait for the turn to end. Returns the TurnResult."""
    from PySide6.QtCore import Qt

    window.composer.edit.setFocus()
    window.composer.set_text(text)
    with qtbot.waitSignal(window.turn_done, timeout=timeout) as blocker:
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    return blocker.args[0]
