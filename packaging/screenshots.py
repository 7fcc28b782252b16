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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots_discover import discover_shots  # noqa: E402
from screenshots_documents import document_shots  # noqa: E402
from screenshots_servers import server_shots  # noqa: E402
from screenshots_trees import tree_shots  # noqa: E402  (beside this file; "packaging" is a PyPI name too)

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

    shot.outdir = outdir

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
    if window.turns.busy:  # a short reply may be done already
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

    _memory_shots(window, shot, wait)
    tree_shots(window, shot, wait, screen_shot_of(window, shot, wait))
    server_shots(window, shot, wait, wait_for)
    document_shots(window, shot, wait, wait_for)
    discover_shots(window, shot, wait, wait_for)
    _base_model_shots(window, shot, wait_for)
    window.close()
    window.store.close()
    shutil.rmtree(home, ignore_errors=True)
    return 0


MEMORY_DATA = {
    "en": {
        "title": "A week in Yunnan",
        "turns": [
            (
                "We're planning a week in Yunnan in May: Kunming, Dali and Lijiang. Where should we start?",
                "Start in **Kunming**: it has the airport, and a day there helps you get used to the altitude.",
            ),
            (
                "I'm vegetarian and my partner doesn't eat spicy food. Keep that in mind for every suggestion.",
                "Noted: vegetarian dishes, and nothing spicy. Yunnan's rice noodles and mushroom dishes suit you both.",
            ),
            ("How do we get from Kunming to Dali?", "The high-speed train takes about two hours; book a day ahead."),
            ("And from Dali to Lijiang?", "Another train, under two hours. Sit on the left for the view of the lake."),
            ("What should we pack?", "Layers: the days are warm and the evenings cool. Sun cream, too, at altitude."),
            (
                "Where can we eat well in Lijiang?",
                "Try the mushroom hot pot (ask for the mild broth) and baba flatbread in the old town.",
            ),
        ],
        "summary": "A week in Yunnan in May: Kunming first (airport, altitude), then Dali and Lijiang by "
        "high-speed train, about two hours each. They are vegetarian, and the partner eats nothing spicy.",
        "notes": ("I live in Shanghai and travel with my partner.", "Prefers trains to flights."),
        "packing_title": "Packing for Yunnan",
        "question": "Give me three things to pack for Yunnan in May.",
        "answer": "1. **Layers**: warm days, cool evenings.\n2. **Sun cream**: the sun is strong at altitude.\n"
        "3. **Good shoes** for the old towns' stone streets.",
        "thinking": "The user wants a short packing list. It is May in Yunnan: warm days, cool evenings, strong "
        "sun at altitude. Keep it to three items and say why for each.",
    },
    "zh": {
        "title": "云南一周",
        "turns": [
            (
                "我们五月要去云南玩一周：昆明、大理和丽江。从哪里开始好？",
                "从**昆明**开始：那里有机场，待一天也能适应海拔。",
            ),
            (
                "我吃素，我的伴侣不吃辣。以后的建议都请记住这一点。",
                "记住了：素食，不放辣。云南的米线和菌子菜都很适合你们。",
            ),
            ("从昆明怎么去大理？", "坐高铁大约两个小时，最好提前一天买票。"),
            ("大理到丽江呢？", "也是高铁，不到两个小时。坐左边可以看到洱海。"),
            ("要带些什么？", "多带几层衣服：白天暖和，晚上凉。高原紫外线强，记得带防晒霜。"),
            ("在丽江哪里吃得好？", "试试菌子火锅（要清汤锅底）和古城里的丽江粑粑。"),
        ],
        "summary": "五月云南一周：先到昆明（机场、适应海拔），再坐高铁去大理和丽江，每段约两小时。"
        "他们吃素，伴侣不吃辣。",
        "notes": ("我住在上海，和伴侣一起旅行。", "喜欢坐火车，不喜欢坐飞机。"),
        "packing_title": "云南行李清单",
        "question": "五月去云南，给我三样要带的东西。",
        "answer": "1. **多层衣服**：白天暖，晚上凉。\n2. **防晒霜**：高原阳光强。\n3. **好走的鞋**：古城多石板路。",
        "thinking": "用户想要一份简短的行李清单。五月的云南白天暖和、晚上凉，高原日照强。只列三样，并说明原因。",
    },
}


def _memory_conversations(store, data: dict) -> tuple[int, int]:
    """A chat whose first six messages are summarized (one pinned), with notes; and a reply with thinking."""
    c = store.create_conversation(title=data["title"])
    ids = []
    for question, answer in data["turns"]:
        u, r = store.begin_turn(c["id"], question)
        store.finish_reply(r["id"], answer, status="complete", stats={"reply_tokens": 40, "tokens_per_s": 38.0})
        ids += [u["id"], r["id"]]
    store.set_message_pinned(ids[2], True)
    store.add_context_mark(
        c["id"], kind="summary", first_message_id=ids[0], last_message_id=ids[5], content=data["summary"]
    )
    store.add_memory_note(data["notes"][0])
    store.add_memory_note(data["notes"][1], conversation_id=c["id"])
    t = store.create_conversation(title=data["packing_title"])
    _u, r = store.begin_turn(t["id"], data["question"])
    store.finish_reply(
        r["id"],
        data["answer"],
        status="complete",
        stats={"reply_tokens": 44, "tokens_per_s": 36.5, "ttft_ms": 140.0},
        thinking=data["thinking"],
        thinking_ms=3400.0,
    )
    return c["id"], t["id"]


def screen_shot_of(window, shot, wait):
    """A shot of the screen where the window is: popups and dialogs are windows of their own."""
    from PySide6.QtGui import QGuiApplication

    def screen_shot(name: str) -> None:
        wait(300)
        g = window.frameGeometry()
        QGuiApplication.primaryScreen().grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(shot.outdir / name))
        print(shot.outdir / name)

    return screen_shot


def _memory_shots(window, shot, wait) -> None:
    """A chat whose oldest messages were summarized (the marker opened), the memory panel, the
    context meter's popup, and a reply with its thinking; in English, then in Chinese."""
    from assistant.engine import ContextInfo

    window.set_theme("light")
    context = ContextInfo(
        n_ctx=4096,
        prompt_tokens=1130,
        reserve=1024,
        history_total=12,
        history_in_context=6,
        summarized=6,
        pinned=1,
        notes=2,
        system_tokens=64,
        summary_tokens=72,
        pinned_tokens=30,
    )

    screen_shot = screen_shot_of(window, shot, wait)

    for language, suffix in (("en", ""), ("zh", "-zh")):
        if language == "zh":
            window.set_language("zh_CN")
        wait(100)
        if window._settings_dialog is not None:  # a change of language opens Settings again
            window._settings_dialog.close()
        chat, packing = _memory_conversations(window.store, MEMORY_DATA[language])
        window.sidebar.reload()
        window.open_conversation(chat)
        wait(300)
        [marker] = [w for w in window.chat.widgets if getattr(w, "mark_id", None) is not None]
        marker.set_expanded(True)
        wait(300)
        window.chat._scroll_to_widget(window.chat.widgets[window.chat.widgets.index(marker) - 3])
        shot(window, f"14-summary-marker{suffix}.png")
        panel = window.open_memory()
        shot(panel, f"15-memory-panel{suffix}.png")
        panel.close()
        window.status.set_context(context)
        window.status.meter.open_popup()
        screen_shot(f"16-context-meter{suffix}.png")
        window.status.meter.popup.hide()
        window.open_conversation(packing)
        shot(window, f"17-thinking-collapsed{suffix}.png")
        window.chat.widgets[-1].thinking_block.set_expanded(True)
        shot(window, f"18-thinking-expanded{suffix}.png")
    window.set_language("en")


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
