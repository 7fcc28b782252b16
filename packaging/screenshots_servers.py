"""Screenshots of a server's model (called by packaging/screenshots.py): Settings > Servers after
"Test connection", and a chat with that model, the status bar saying where it runs; in English, then
in Chinese. The server is llama-cpp-python's own (its `server` extra) serving the starter model."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def server_shots(window, shot, wait, wait_for) -> None:
    sys.path.insert(0, str(ROOT))
    from assistant.models import starter_model_path
    from tests.servers import start_llama_cpp_server

    proc, url = start_llama_cpp_server(starter_model_path())
    try:
        for language, suffix in (("en", ""), ("zh", "-zh")):
            window.set_language("zh_CN" if language == "zh" else "en")
            wait(100)
            dialog = window.open_settings()
            tab = dialog.servers_tab
            dialog.tabs.setCurrentWidget(tab)
            tab.name_edit.setText("gpu-box")
            tab.url_edit.setText(url)
            tab.save_server()
            task = tab.test_connection()
            while not task.is_finished:
                wait(100)
            shot(dialog, f"23-settings-servers{suffix}.png")
            tab.use_button.click()
            wait_for(window.model_loaded, 20_000)
            dialog.close()
            window.new_chat()
            window.composer.set_text("Say hello to the people reading this." if language == "en" else "用一句话问好。")
            window.composer.send()
            wait_for(window.turn_done, 60_000)
            shot(window, f"24-server-chat{suffix}.png")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    window.set_language("en")
    api_shots(window, shot, wait, wait_for)


def api_shots(window, shot, wait, wait_for) -> None:
    """Settings > Local server switched on, keeping API conversations, after another app (here the
    openai client) used it: the status bar counts it and the sidebar shows it in the API group."""
    import openai

    from tests.servers import free_port

    window.load_model(window.models.default_model())
    wait_for(window.model_loaded, 30_000)
    window.settings.api_port = free_port()
    for language, suffix in (("en", ""), ("zh", "-zh")):
        window.set_language("zh_CN" if language == "zh" else "en")
        wait(100)
        dialog = window.open_settings()
        tab = dialog.api_tab
        dialog.tabs.setCurrentWidget(tab)
        tab.enabled.setChecked(True)
        tab.keep.setChecked(True)
        tab.apply()
        with openai.OpenAI(base_url=tab.address.text(), api_key=tab.key.text(), max_retries=0) as client:
            question = "一句话介绍你自己" if language == "zh" else "Introduce yourself in one sentence"
            client.chat.completions.create(model="", messages=[{"role": "user", "content": question}], max_tokens=16)
        wait(1200)  # the status bar's count updates every second
        shot(dialog, f"25-settings-local-server{suffix}.png")
        dialog.close()
        shot(window, f"26-local-server-status{suffix}.png")
        tab.enabled.setChecked(False)
        tab.keep.setChecked(False)
        tab.apply()
    window.set_language("en")
