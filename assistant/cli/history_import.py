"""`bothy history import FILE...` and `bothy history export --all`.

Import reads any file or folder assistant.importers reads (Bothy's own exports and archives,
ChatGPT's export zip or conversations.json, Open WebUI, Jan's data folder, LM Studio, Chatbox) and
prints what came in, per file. Each file is imported whole or not at all.

Exit status: 0 when everything was imported; 3 when some conversations were skipped (damaged; each
is named, with the reason) and the rest came in; 1 when a file could not be imported at all (the
other files are still imported).
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

from assistant.cli.output import fail, print_json
from assistant.errors import UserFacingError
from assistant.importers.reader import read_path

SKIPPED_EXIT = 3


def cmd_import(store, paths: list[str], *, as_json: bool) -> int:
    reports, failed, skipped = [], False, False
    for name in paths:
        try:
            summary = store.import_result(read_path(name))
        except UserFacingError as exc:
            failed = True
            reports.append({"file": name, "error": str(exc), "conversations": [], "skipped": []})
            if not as_json:
                fail(str(exc))
            continue
        report = summary.to_json()
        report["file"] = name
        reports.append(report)
        skipped = skipped or bool(summary.skipped)
        if not as_json:
            _print_summary(name, summary)
    if as_json:
        ids = [c["id"] for report in reports for c in report["conversations"]]
        print_json({"conversation_id": ids[0] if len(ids) == 1 else None, "conversation_ids": ids, "files": reports})
    return 1 if failed else SKIPPED_EXIT if skipped else 0


def _print_summary(name: str, summary) -> None:
    count = len(summary.conversations)
    line = f"{name}: imported {count} conversation{'s' * (count != 1)} ({summary.message_count} messages)"
    if summary.source != "bothy":
        line += f" from {summary.source}"
    if summary.already:
        line += f"; {summary.already} already imported before"
    print(line + ".")
    for skipped in summary.skipped:
        print(f"  skipped “{skipped.title}”: {skipped.reason}", file=sys.stderr)


def cmd_export_all(store, output: str | None) -> int:
    """Every conversation in one archive: JSON, or a zip of it when `output` ends in .zip."""
    if not output:
        raise UserFacingError("Say where to write the archive: bothy history export --all --output FILE")
    path = Path(output)
    part = path.with_name(path.name + ".part")  # a failure half way leaves no half-written archive
    try:
        if path.suffix.lower() == ".zip":
            with (
                zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive,
                archive.open("bothy-conversations.json", "w") as raw,
                io.TextIOWrapper(raw, "utf-8") as fp,
            ):
                count = store.write_bundle(fp)
        else:
            with part.open("w", encoding="utf-8") as fp:
                count = store.write_bundle(fp)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise UserFacingError(f"Could not write {output}: {exc.strerror or exc}.") from None
    print(f"Exported {count} conversation{'s' * (count != 1)} to {output}.")
    return 0
