"""Settings > Servers in the real window: add a server (llama-cpp-python's own server on 127.0.0.1
serving the starter model), test the connection, use its model, chat; and a server that is not there."""

from __future__ import annotations

from assistant.engine.router import EngineRouter
from assistant.servers import Servers
from tests.fakes import FakeEngine
from tests.servers import free_port
from tests.ui.conftest import send


def servers_tab(window):
    dialog = window.open_settings()
    dialog.tabs.setCurrentWidget(dialog.servers_tab)
    return dialog.servers_tab


def test_add_test_use_and_chat_with_a_server_model(qtbot, windows, llama_cpp_server):
    window = windows.open(engine=EngineRouter(FakeEngine()))
    tab = servers_tab(window)
    tab.name_edit.setText("box")
    tab.url_edit.setText(llama_cpp_server.removesuffix("/v1"))  # /v1 is added
    tab.key_edit.setText("not-needed-but-kept-safe")
    assert not tab.warning.isVisible()
    assert tab.save_server().url == llama_cpp_server
    assert "not-needed-but-kept-safe" not in Servers().path.read_text(encoding="utf-8")
    with qtbot.waitSignal(tab.test_connection().finished, timeout=20_000):
        pass
    assert "box answers: llama-cpp-python, serving 1 model" in tab.result.text()
    assert tab.models.currentItem().text() == "smollm2"
    with qtbot.waitSignal(window.model_loaded, timeout=20_000):
        tab.use_button.click()
    assert "on llama-cpp-python (box)" in window.status.model_label.text()
    assert "the server answered in" in window.status.model_label.toolTip()  # how fast the link is
    # One list for every model: the server's is in Settings > Models too, and can be chosen there.
    models_tab = window._settings_dialog.models_tab
    rows = [models_tab.list.item(i) for i in range(models_tab.list.count())]
    [server_row] = [r for r in rows if "(on box" in r.text()]
    assert server_row.text() == "smollm2  (on box, in use)"
    models_tab.list.setCurrentItem(server_row)
    assert "Runs on the server “box”" in models_tab.info_labels["state"].text()
    assert models_tab.use_button.isEnabled() and not models_tab.remove_button.isEnabled()
    tab.default_button.click()
    assert window.settings.default_model == "server:box/smollm2"
    assert window.models.default_model().key == "server:box/smollm2"  # loaded at the next start
    window._settings_dialog.close()
    result = send(qtbot, window, "Say hello.")
    assert result.status == "complete"
    reply = window.store.messages(window.conversation_id)[-1]
    assert reply["model_ref"] == "server:box/smollm2" and reply["content"]


def test_a_server_that_is_not_there_says_so_and_plain_http_is_warned(qtbot, windows):
    window = windows.open()
    tab = servers_tab(window)
    tab.name_edit.setText("lab")
    tab.url_edit.setText("http://192.168.1.20:8000/v1")
    assert tab.warning.isVisibleTo(tab) and "unencrypted" in tab.warning.text()
    tab.url_edit.setText(f"http://127.0.0.1:{free_port()}/v1")
    assert not tab.warning.isVisibleTo(tab)
    tab.save_server()
    with qtbot.waitSignal(tab.test_connection().finished, timeout=20_000):
        pass
    assert "refused the connection: nothing is listening there" in tab.result.text()
    tab.remove_server()
    assert Servers().all() == [] and tab.list.count() == 0
