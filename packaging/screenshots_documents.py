"""Screenshots of the person's documents (called by packaging/screenshots.py): a chat with attached
documents being indexed (the status bar), a reply with its [n] source chips, a source opened (the
question's words highlighted), Settings > Documents, and the status bar after a file changed on
disk; in English, then in Chinese. The
documents are written here (a Markdown manual, and a Chinese contract in GBK)."""

from __future__ import annotations

import tempfile
from pathlib import Path

DOCUMENTS = {
    "en": (
        "keeper-manual.md",
        "# Keeper's manual\n\nThe oil tank holds 40 litres and is refilled every Tuesday by the supply boat.\n\n"
        "In fog, sound the horn twice a minute until visibility is back over one nautical mile.\n",
        "utf-8",
        "How often is the oil tank refilled?",
    ),
    "zh": (
        "合同.txt",
        "第五条 违约责任\n\n任何一方违约，应向对方支付合同总额百分之十的违约金。\n\n"
        "第六条 付款期限为收到发票后三十天。\n",
        "gbk",
        "违约金是多少？",
    ),
}


def document_shots(window, shot, wait, wait_for) -> None:
    with tempfile.TemporaryDirectory(prefix="bothy-shot-docs-") as folder:
        for language, suffix in (("en", ""), ("zh", "-zh")):
            name, text, encoding, question = DOCUMENTS[language]
            window.set_language("zh_CN" if language == "zh" else "en")
            window.banner.clear()
            window.new_chat()
            wait(100)
            path = Path(folder) / name
            path.write_bytes(text.encode(encoding))
            pages = Path(folder) / f"pages-{language}"
            pages.mkdir()
            for i in range(3000):  # enough to see the progress in the status bar
                (pages / f"log-{i:04d}.md").write_text(f"Night {i}: the lamp was trimmed at dusk.\n" * 40)
            window.attach_documents([str(path), str(pages)])
            wait_for(window.documents_indexer.progress, 30_000)
            shot(window, f"26b-documents-indexing{suffix}.png")
            wait_for(window.documents_indexer.finished, 120_000)
            wait(200)
            window.send(question)
            wait_for(window.turn_done)
            wait(400)
            shot(window, f"27-documents-reply{suffix}.png")
            reply = window.chat.widgets[-1]
            sources = reply.message.get("sources") or []
            if sources:
                dialog = reply.show_source(sources[0])
                wait(200)
                shot(dialog, f"28-documents-source{suffix}.png")
                dialog.close()
            settings = window.open_settings()
            settings.tabs.setCurrentWidget(settings.documents_tab)
            settings.documents_tab.load()
            settings.documents_tab.tree.expandAll()
            shot(settings, f"29-settings-documents{suffix}.png")
            settings.close()
            # the file changes on disk: the window notices and indexes it again by itself
            path.write_bytes((text + "\n" + text).encode(encoding))
            wait_for(window.documents_indexer.refreshed, 30_000)
            wait(200)
            shot(window, f"29b-documents-updated{suffix}.png")
        window.set_language("en")
