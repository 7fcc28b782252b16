"""An import in a process of its own, so the window never waits for it.

Reading a big export is mostly json.loads(), which holds Python's GIL for as long as it parses: a
50 MB ChatGPT export held it for 1.3 s at a time in a thread of the app's process (the window would
freeze that long; measured with a 1 ms timer). In a child process the window's process only reads
progress messages from a pipe. The child writes to the database on its own connection (WAL: the
window keeps reading), each file in one transaction; cancelling rolls the current file back.

    outcomes = run_import(paths, db_path, progress=report, cancelled=lambda: task.is_cancelled)
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import StoreError

log = logging.getLogger("bothy.import")

POLL_SECONDS = 0.1


@dataclass
class ImportOutcome:
    """What came of one file: a summary (assistant.store.imports.ImportSummary) or an error."""

    file_name: str
    summary: object | None = None
    error: str | None = None


class ImportStopped(StoreError):
    """The person cancelled the import: nothing of the file being imported was kept."""


def run_import(
    paths: list[str],
    db_path: Path | str,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ImportOutcome]:
    """Import `paths` into the database at `db_path` in a child process; blocks until it is done.

    `progress(done, total, file_name)` is called as conversations are written. ImportStopped when
    `cancelled()` turned true (the files finished before stay imported); StoreError when the child
    failed or died."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    cancel = context.Event()
    child = context.Process(
        target=_child, args=(list(paths), str(db_path), send, cancel), name="bothy-import", daemon=True
    )
    child.start()
    send.close()
    outcomes: list[ImportOutcome] = []
    try:
        while True:
            if cancelled is not None and cancelled():
                cancel.set()
            if not receive.poll(POLL_SECONDS):
                if not child.is_alive() and not receive.poll(0):
                    raise StoreError("The import stopped unexpectedly: nothing of the file being imported was kept.")
                continue
            try:
                message = receive.recv()
            except EOFError:
                raise StoreError(
                    "The import stopped unexpectedly: nothing of the file being imported was kept."
                ) from None
            kind = message[0]
            if kind == "progress" and progress is not None:
                progress(*message[1:])
            elif kind == "outcome":
                outcomes.append(_outcome(message[1]))
            elif kind == "cancelled":
                raise ImportStopped("The import was cancelled: nothing of the file being imported was kept.")
            elif kind == "failed":
                raise StoreError(message[1])
            elif kind == "done":
                return outcomes
    finally:
        receive.close()
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


def _outcome(data: dict) -> ImportOutcome:
    from assistant.importers.types import Skipped
    from assistant.store.imports import ImportSummary

    if data.get("error"):
        return ImportOutcome(data["file"], error=data["error"])
    summary = ImportSummary(
        data["file"],
        data["source"],
        conversations=data["conversations"],
        skipped=[Skipped(s["title"], s["reason"]) for s in data["skipped"]],
        already=data["already_imported"],
    )
    return ImportOutcome(data["file"], summary=summary)


def _child(paths: list[str], db_path: str, send, cancel) -> None:
    """The child process: import each file and say how it went."""
    from assistant.errors import UserFacingError
    from assistant.importers.reader import read_path
    from assistant.importers.types import ImportFormatError
    from assistant.store import Store
    from assistant.store.imports import ImportCancelled

    try:
        with Store(db_path) as store:
            for path in paths:
                name = Path(path).name or path
                if cancel.is_set():
                    send.send(("cancelled",))
                    return
                send.send(("progress", 0, 0, name))
                try:
                    result = read_path(path)
                    summary = store.import_result(
                        result,
                        progress=lambda done, total, n=name: send.send(("progress", done, total, n)),
                        cancelled=cancel.is_set,
                    )
                except ImportCancelled:
                    send.send(("cancelled",))
                    return
                except ImportFormatError as exc:
                    send.send(("outcome", {"file": name, "error": str(exc)}))
                    continue
                send.send(("outcome", {**summary.to_json(), "file": name}))
        send.send(("done",))
    except UserFacingError as exc:  # a full disk, a locked database: said as the store says it
        send.send(("failed", str(exc)))
    except Exception:
        log.exception("the import failed")
        send.send(("failed", "Something went wrong inside Bothy while importing (the details are in the log)."))
    finally:
        send.close()
