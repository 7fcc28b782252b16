"""Fixtures for the desktop app's tests: offscreen Qt, real SQLite files, a real or a scripted engine.

Windows get the scripted engine (tests/fakes.py) unless a test asks for the real one
(`windows.open(real=True)`, or the `real_window` fixture): the app's own logic runs in milliseconds,
and every path that depends on the model runs the real starter model. The real engine (one
llama.cpp process) is loaded once per session and shared; each test gets its own BOTHY_HOME
(tests/conftest.py), so its own database, settings and window layout.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists

import dataclasses  # noqa: E402

import pytest  # noqa: E402

from assistant.engine import LoadSettings, LocalEngine, ModelRef  # noqa: E402
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
def shared_engine(session_home):
    engine = LocalEngine()
    engine.load(ModelRef.local(starter_path()), LOAD)
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
    """Opens main windows on the current BOTHY_HOME: with a scripted engine of their own, with the
    session's real engine (`real=True`), or with the engine given."""

    def __init__(self, qtbot, shared_engine_factory):
        self.qtbot = qtbot
        self._shared = shared_engine_factory
        self.windows = []

    def open(
        self, *, settings: Settings | None = None, wait_for_model: bool = True, engine=None, load=True, real=False
    ):
        from tests.fakes import FakeEngine
        from ui.app import create_app, create_window
        from ui.engine_bridge import EngineBridge

        app = create_app()
        settings = settings or test_settings()
        store = Store()
        shared = self._shared() if real else None
        engine = shared or engine or FakeEngine()
        bridge = EngineBridge(store=store, engine=engine, close_engine=shared is None)
        if shared is not None:
            bridge.worker.current = (ModelRef.local(starter_path()), LOAD)
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
def windows(qtbot, request):
    factory = WindowFactory(qtbot, lambda: request.getfixturevalue("shared_engine"))
    yield factory
    factory.close_all()


@pytest.fixture
def window(windows):
    """A window with the scripted engine (tests/fakes.py)."""
    return windows.open()


@pytest.fixture
def real_window(windows):
    """A window with the real starter model."""
    return windows.open(real=True)


def send(qtbot, window, text: str, *, timeout: int = 60_000):
    """Type `text` into the composer and press Enter; wait for the turn to end. Returns the TurnResult."""
    from PySide6.QtCore import Qt

    window.composer.edit.setFocus()
    window.composer.set_text(text)
    with qtbot.waitSignal(window.turn_done, timeout=timeout) as blocker:
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    return blocker.args[0]
