"""Screenshots of conversations as trees and of importing (called by packaging/screenshots.py):
`‹ 2/3 ›` on a reply and on an edited message, the message menu with Fork and Delete this branch,
the import window while it runs and its summary afterwards; in English, then in Chinese."""

from __future__ import annotations

import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "assistant" / "importers" / "fixtures"

DATA = {
    "en": {
        "title": "Bread for the weekend",
        "question": "What bread can I bake on Saturday with no special flour?",
        "edited": "What bread can I bake on Saturday with plain flour and no yeast?",
        "answers": [
            "A simple white loaf: flour, water, yeast and salt, four hours start to finish.",
            "Soda bread: no yeast needed, plain flour, buttermilk and bicarbonate of soda. It is ready in an hour.",
            "Try soda bread. Mix 450 g plain flour, a teaspoon each of salt and bicarbonate of soda and 400 ml "
            "buttermilk; shape a round, cut a cross on top and bake 40 minutes at 200 °C.",
            "Flatbreads: plain flour, water, a little oil and salt, cooked in a dry pan in ten minutes.",
        ],
    },
    "zh": {
        "title": "周末烤面包",
        "question": "周六没有特别的面粉，能烤什么面包？",
        "edited": "周六只有普通面粉、没有酵母，能烤什么面包？",
        "answers": [
            "最简单的白面包：面粉、水、酵母和盐，从头到尾大约四个小时。",
            "苏打面包：不需要酵母，用普通面粉、酪乳和小苏打，一个小时就能做好。",
            "试试苏打面包：450 克普通面粉，盐和小苏打各一茶匙，400 毫升酪乳；揉成圆形，顶上划十字，200 °C 烤 40 分钟。",
            "烙饼：普通面粉、水、少许油和盐，用平底锅干烙，十分钟就好。",
        ],
    },
}


def _versions_chat(store, data: dict) -> int:
    """A chat whose first message was edited (2 versions) and whose reply was written three times."""
    c = store.create_conversation(title=data["title"])
    u, r = store.begin_turn(c["id"], data["question"])
    store.finish_reply(r["id"], data["answers"][0], status="complete", stats={"reply_tokens": 30, "tokens_per_s": 38.0})
    u2, r2 = store.begin_turn(c["id"], data["edited"], replace_from=u["id"])
    store.finish_reply(
        r2["id"], data["answers"][1], status="complete", stats={"reply_tokens": 34, "tokens_per_s": 37.0}
    )
    for answer in data["answers"][2:]:
        again = store.begin_reply(c["id"], replace_from=r2["id"])
        store.finish_reply(again["id"], answer, status="complete", stats={"reply_tokens": 52, "tokens_per_s": 36.0})
    versions = next(v for v in store.branches(c["id"]).values() if r2["id"] in v)
    store.select_branch(versions[1])  # the second of three versions
    return c["id"]


def tree_shots(window, shot, wait, screen_shot) -> None:
    from benchmarks.big_export import write

    big = write(Path(tempfile.mkdtemp(prefix="bothy-shots-import-")) / "conversations.json", 1500, 60)
    for language, suffix in (("en", ""), ("zh", "-zh")):
        window.set_language("zh_CN" if language == "zh" else "en")
        wait(100)
        if window._settings_dialog is not None:  # a change of language opens Settings again
            window._settings_dialog.close()
        chat = _versions_chat(window.store, DATA[language])
        window.sidebar.reload()
        window.open_conversation(chat)
        shot(window, f"19-versions{suffix}.png")
        reply = window.chat.widgets[-1]
        buttons = reply.memory_buttons
        buttons.menu.popup(buttons.more_button.mapToGlobal(buttons.more_button.rect().bottomLeft()))
        buttons.menu.setActiveAction(buttons.fork_action)
        screen_shot(f"20-fork-menu{suffix}.png")
        buttons.menu.hide()
        dialog = window.import_conversations([str(big)])
        dialog.move(window.geometry().center() - dialog.rect().center())
        for _ in range(100):  # until the progress bar moves
            wait(100)
            if dialog.progress.maximum() and dialog.progress.value():
                break
        screen_shot(f"21-import-progress{suffix}.png")
        dialog.task.cancel()
        while not dialog.task.is_finished:
            wait(100)
        dialog.close()
        if language == "en":
            files = [FIXTURES / "chatgpt" / "branches.json", FIXTURES / "chatgpt" / "damaged.json"]
            files.append(FIXTURES / "open_webui" / "branches.json")
        else:
            files = [FIXTURES / "jan" / "data", FIXTURES / "lm_studio" / "1730554000000.conversation.json"]
            files.append(FIXTURES / "chatbox" / "chatbox-exported-data-2025-3-14.json")
        dialog = window.import_conversations([str(f) for f in files])
        while not dialog.task.is_finished:
            wait(100)
        dialog.move(window.geometry().center() - dialog.rect().center())
        screen_shot(f"22-import-summary{suffix}.png")
        dialog.close()
    window.set_language("en")
    big.unlink()
