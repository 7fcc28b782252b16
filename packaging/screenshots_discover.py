"""Screenshots of getting models (called by packaging/screenshots.py): the first-run suggestions
in the empty chat, and Settings > Discover searching ModelScope with a repository's files and
whether each fits this computer; in English, then in Chinese. The source is the tests' own local
server (tests/assistant/library/server.py), which serves ModelScope's URL layout on 127.0.0.1."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIB = 2**30


def discover_shots(window, shot, wait, wait_for) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.assistant.library.server import FileServer

    window.settings.first_run_dismissed = False
    with FileServer() as server:
        server.search = [
            {"id": "Qwen/Qwen2.5-7B-Instruct-GGUF", "downloads": 48_213},
            {"id": "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "downloads": 31_877},
            {"id": "unsloth/Qwen3-8B-GGUF", "downloads": 12_406},
        ]
        for name, size in (("q2_k", 3.0), ("q4_k_m", 4.7), ("q8_0", 8.1), ("fp16", 15.2), ("fp32", 30.5)):
            key = f"Qwen/Qwen2.5-7B-Instruct-GGUF/qwen2.5-7b-instruct-{name}.gguf"
            server.files[key] = b"GGUF"  # listed, never downloaded here
            server.sizes[key] = int(size * GIB)
        for language, suffix in (("en", ""), ("zh", "-zh")):
            window.set_language("zh_CN" if language == "zh" else "en")
            window.banner.clear()
            window.new_chat()
            window._hide_first_run()
            window._show_first_run(window.models.current)
            wait(300)
            shot(window, f"30-first-run{suffix}.png")
            dialog = window.open_settings()
            dialog.tabs.setCurrentWidget(dialog.discover_holder)
            wait(300)
            discover = dialog.discover
            discover.modelscope_base = server.base_url
            discover.source_combo.setCurrentIndex(discover.source_combo.findData("modelscope"))
            discover.paste_edit.setText("qwen2.5")
            discover._paste_go()
            for _ in range(100):
                wait(100)
                if discover.repo_files_combo.count():
                    break
            discover.repo_files_combo.showPopup()
            wait(300)
            shot(dialog, f"31-discover-search{suffix}.png")
            discover.repo_files_combo.hidePopup()
            discover.source_combo.setCurrentIndex(discover.source_combo.findData("hf"))
            dialog.close()
    window.set_language("en")
