"""Screenshots of the real app: `.venv/bin/python packaging/screenshots.py OUTDIR`.

Runs Bothy under Xvfb (re-running itself through xvfb-run when there is no display) with a
throw-away BOTHY_HOME, the starter model and real replies, and saves PNGs into OUTDIR. The
code-and-table reply is inserted through the store (a 135M model will not reliably write one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CANNED = """Here is a small Python function and a comparison table.

## Reading a file safely

```python
from pathlib import Path

def read_notes(path: str) -> list[str]:
    \"\"\"Return the non-empty lines of a text file.\"\"\"
    text = Path(path).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]
```

| Model | Parameters | Context | Good for |
|---|---|---|---|
| SmolLM2 | 135M | 8,192 | trying Bothy |
| Qwen2.5 | 7B | 32,768 | everyday questions |
| Llama 3.1 | 8B | 131,072 | long documents |

> Tip: press **Ctrl+K** to search every conversation, including `code`.

1. Open **Settings > Models**
2. Drop a `.gguf` file on the window
3. Choose *Save and use this model*
"""

CHINESE_Q = "用三句话介绍一下大语言模型的量化。"
CHINESE_A = """**量化**是把模型的权重从 16 位浮点数压缩成 4 到 8 位整数的方法。🎯

- 模型文件更小，内存占用更低
- 在普通电脑上也能流畅运行
- 精度略有下降，但通常几乎察觉不到

| 格式 | 每个权重 | 7B 模型大小 |
|---|---|---|
| F16 | 16 位 | 约 14 GB |
| Q4_K_M | 约 4.8 位 | 约 4.4 GB |
"""


def _rerun_under_xvfb() -> int:
    if os.environ.get("DISPLAY") or os.environ.get("BOTHY_SCREENSHOTS_CHILD"):
        return -1
    if shutil.which("xvfb-run") is None:
        print("xvfb-run is not installed (apt-get install xvfb xauth)", file=sys.stderr)
        return 2
    env = dict(os.environ, BOTHY_SCREENSHOTS_CHILD="1")
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24 -dpi 96", sys.executable, *sys.argv]
    return subprocess.call(cmd, env=env)


def main(outdir: Path) -> int:
    code = _rerun_under_xvfb()
    if code >= 0:
        return code
    outdir.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="bothy-shots-"))
    os.environ["BOTHY_HOME"] = str(home)
    os.environ.pop("QT_QPA_PLATFORM", None)

    from PySide6.QtCore import QEventLoop, QTimer

    from assistant.engine import GenerationSettings, LoadSettings
    from assistant.models import starter_model_path
    from assistant.settings import Settings
    from assistant.store import Store
    from ui.app import create_app, create_window

    app = create_app()
    starter = starter_model_path()
    settings = Settings()
    settings.theme = "light"
    settings.language = "en"
    settings.generation = GenerationSettings(max_tokens=120, seed=3, temperature=0.3)
    settings.set_load_settings(starter, LoadSettings(n_threads=1))
    settings.save()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_for(signal, timeout_ms: int = 120_000):
        loop = QEventLoop()
        got = []
        signal.connect(lambda *a: (got.append(a), loop.quit()))
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        if not got:
            raise TimeoutError(f"no {signal} within {timeout_ms} ms")
        return got[0]

    def shot(widget, name: str) -> None:
        wait(250)
        path = outdir / name
        widget.grab().save(str(path))
        print(path)

    # Some history for the sidebar.
    with Store() as store:
        for title, text in (
            ("Packing list for a hike", "What should I pack for a day hike?"),
            ("Explain recursion", "Explain recursion simply."),
        ):
            c = store.create_conversation(title=title)
            _u, r = store.begin_turn(c["id"], text)
            store.finish_reply(r["id"], "…", status="complete", stats={"reply_tokens": 1})

    window = create_window(app)
    window.resize(1280, 820)
    window.show()
    window.start()
    wait_for(window.model_loaded)
    shot(window, "01-first-start.png")

    # A real streamed reply: mid-stream, then finished.
    window.composer.set_text("Give me three tips for writing clear emails.")
    window.composer.send()
    wait_for(window.bridge.worker.text)
    wait(1200)
    shot(window, "02-streaming.png")
    wait_for(window.turn_done)
    shot(window, "03-streamed-reply.png")

    # Code block and table (canned), light theme.
    store = window.store
    c = store.create_conversation(title="Code and tables")
    _u, r = store.begin_turn(c["id"], "Show me a Python function and a table of models.")
    store.finish_reply(
        r["id"],
        CANNED,
        status="complete",
        stats={"reply_tokens": 212, "tokens_per_s": 41.7, "ttft_ms": 180.0, "prompt_tokens": 64},
    )
    store.update_conversation(c["id"])
    window.sidebar.reload()
    window.open_conversation(c["id"])
    shot(window, "04-code-and-table.png")

    # Settings.
    window.open_settings()
    dialog = window._settings_dialog
    shot(dialog, "05-settings-models.png")
    dialog.tabs.setCurrentWidget(dialog.generation_tab)
    shot(dialog, "06-settings-generation.png")
    dialog.tabs.setCurrentWidget(dialog.data_tab)
    shot(dialog, "07-settings-data.png")
    dialog.close()

    # Dark theme.
    window.set_theme("dark")
    shot(window, "08-dark.png")

    # Search.
    window.sidebar.search_field.setText("python")
    window.sidebar.run_search()
    shot(window, "09-search.png")
    window.sidebar.clear_search()

    # Chinese UI with a Chinese conversation.
    c = store.create_conversation(title="量化是什么？")
    _u, r = store.begin_turn(c["id"], CHINESE_Q)
    store.finish_reply(
        r["id"], CHINESE_A, status="complete", stats={"reply_tokens": 96, "tokens_per_s": 38.2, "ttft_ms": 150.0}
    )
    window.set_language("zh_CN")
    window.set_theme("light")
    window.sidebar.reload()
    window.open_conversation(c["id"])
    shot(window, "10-chinese.png")
    window.set_language("en")

    # A long conversation, scrolled up into its history.
    c = store.create_conversation(title="A very long conversation")
    with store._write("fill"):
        for i in range(1500):
            _u, r = store.begin_turn(c["id"], f"Question number {i}: what comes next?")
            store.finish_reply(
                r["id"],
                f"Answer **{i}**: the next number is `{i + 1}`.",
                status="complete",
                stats={"reply_tokens": 12, "tokens_per_s": 40.0, "ttft_ms": 90.0},
            )
    window.sidebar.reload()
    window.open_conversation(c["id"])
    wait(300)
    bar = window.chat.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    shot(window, "11-long-conversation.png")

    _base_model_shots(window, shot, wait_for)
    window.close()
    window.store.close()
    shutil.rmtree(home, ignore_errors=True)
    return 0


def _base_model_shots(window, shot, wait_for) -> None:
    """A base model (when the tests' copy of Gemma 3 270M base is there): Settings, then loaded."""
    from assistant.engine import ModelRef
    from assistant.models import add_model

    try:
        from tests.base_model import base_model_path

        path = base_model_path()
    except BaseException as exc:  # noqa: BLE001 - pytest.fail() raises outside pytest too
        print(f"no base-model screenshots: {exc}")
        return
    window.set_theme("light")
    add_model(path, copy=False)
    dialog = window.open_settings()
    dialog.tabs.setCurrentWidget(dialog.models_tab)
    models = dialog.models_tab
    models.refresh()
    for i in range(models.list.count()):
        if "gemma" in models.list.item(i).text().lower():
            models.list.setCurrentRow(i)
    shot(dialog, "12-settings-base-model.png")
    dialog.close()
    window.new_chat()
    window.load_model(ModelRef.local(path))
    wait_for(window.model_loaded)
    shot(window, "13-base-model-loaded.png")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
