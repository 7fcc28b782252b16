"""Settings > Local server in the real window: off by default (nothing listens), switched on it serves
the window's model to an `openai` client with the key shown, the window's turns go first, the status
bar counts the answers; a port that is taken says so; regenerating the key refuses the old one."""

from __future__ import annotations

import socket

import openai
import pytest

from tests.servers import free_port
from tests.ui.conftest import send, test_settings


def api_tab(window):
    dialog = window.open_settings()
    dialog.tabs.setCurrentWidget(dialog.api_tab)
    return dialog.api_tab


def test_off_by_default_then_serves_the_windows_model(qtbot, windows):
    settings = test_settings()
    settings.api_port = free_port()
    window = windows.open(settings=settings)
    assert not window.api.running and not window.status.api_label.isVisible()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", settings.api_port), timeout=1).close()
    tab = api_tab(window)
    tab.enabled.setChecked(True)
    tab.apply()
    assert window.api.running and "On:" in tab.state.text()
    key = tab.key.text()
    assert key.startswith("bothy-") and window.settings.api_key == key
    with openai.OpenAI(base_url=tab.address.text(), api_key=key, max_retries=0) as client:
        reply = client.chat.completions.create(model="", messages=[{"role": "user", "content": "Hi"}])
        assert reply.choices[0].message.content
        window._settings_dialog.close()
        assert send(qtbot, window, "And the window still chats.").status == "complete"
        qtbot.waitUntil(lambda: "1 answered" in window.status.api_label.text(), timeout=3000)
        tab = api_tab(window)
        tab.regenerate_key()
        with pytest.raises(openai.AuthenticationError):
            client.chat.completions.create(model="", messages=[{"role": "user", "content": "Hi"}])
    tab.enabled.setChecked(False)
    tab.apply()
    assert not window.api.running and "Off" in tab.state.text()


def test_a_port_that_is_taken_says_so(qtbot, windows):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        settings = test_settings()
        settings.api_port = taken.getsockname()[1]
        window = windows.open(settings=settings)
        tab = api_tab(window)
        tab.enabled.setChecked(True)
        tab.apply()
        assert not window.api.running and f"Port {settings.api_port} is taken" in tab.state.text()
    finally:
        taken.close()


def test_apps_may_load_another_model_and_their_conversations_are_kept(qtbot, windows):
    from PySide6.QtCore import Qt

    from assistant import paths
    from ui.conversation_model import IsHeaderRole

    other = paths.models_dir() / "other-model.gguf"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(b"GGUF" + bytes(60))  # the scripted engine loads anything
    settings = test_settings(api_port=free_port(), api_enabled=True)
    window = windows.open(settings=settings)
    tab = api_tab(window)
    assert not tab.allow_loading.isChecked() and not tab.keep.isChecked()  # both off by default
    tab.allow_loading.setChecked(True)
    tab.keep.setChecked(True)
    tab.apply()
    window._settings_dialog.close()
    assert window.settings.api_allow_loading and window.settings.api_keep_conversations
    with openai.OpenAI(base_url=tab.address.text(), api_key=tab.key.text(), max_retries=0) as client:
        ids = [m.id for m in client.models.list().data]
        assert ids[0] == window.models.current.model.label and "other-model" in ids
        reply = client.chat.completions.create(model="other-model", messages=[{"role": "user", "content": "Hi app"}])
    assert reply.model == "other-model"
    qtbot.waitUntil(lambda: window.models.current.model.label == "other-model", timeout=3000)
    model = window.sidebar.model

    def rows():
        return [(model.index(r, 0).data(IsHeaderRole), model.index(r, 0).data(Qt.ItemDataRole.DisplayRole))
                for r in range(model.rowCount())]  # fmt: skip

    qtbot.waitUntil(lambda: (True, "API") in rows(), timeout=3000)
    assert rows()[-2:] == [(True, "API"), (False, "Hi app")]
