"""Turning SQLite's failures into messages for people.

Only failures that are about the user's machine (full disk, read-only file, another program holding
the database, a damaged file) become StoreError. Anything else (a constraint violated by a bug, a
misuse of the API) propagates unchanged, because it is a bug and belongs in the log with a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.errors import StoreError

# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class NotFoundError(StoreError, KeyError):
    """A conversation or message id that is not in the database.

    It is a StoreError (so the GUI can show it like any other store problem) and a KeyError (so code
    that looks things up can catch the usual exception).
    """


class DamagedDatabaseError(StoreError):
    """The database file is not an SQLite database, or is corrupt."""


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    for needle, value in (
        ("database or disk is full", SQLITE_FULL),
        ("readonly database", SQLITE_READONLY),
        ("database is locked", SQLITE_BUSY),
        ("database table is locked", SQLITE_LOCKED),
        ("disk i/o error", SQLITE_IOERR),
        ("malformed", SQLITE_CORRUPT),
        ("file is not a database", SQLITE_NOTADB),
        ("unable to open database", SQLITE_CANTOPEN),
    ):
        if needle in text:
            return value
    return None


def damaged(path: Path | str, detail: str | None = None) -> StoreError:
    """The error for a file that is not an SQLite database, or one that is corrupt."""
    message = f"The conversation database at {path} is damaged or is not a Bothy database"
    message += f" ({detail})." if detail else "."
    return DamagedDatabaseError(
        message,
        hint="Bothy has not changed the file. Move it somewhere else to start with an empty history, "
        "or restore it from a backup.",
    )


def translate(exc: BaseException, action: str, path: Path | str) -> StoreError | None:
    """A StoreError that explains `exc` to a person, or None when `exc` is a bug, not a condition.

    `action` is a verb phrase that completes "Bothy could not ...", e.g. "save your message".
    """
    if not isinstance(exc, sqlite3.Error) or isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError
    ):
        return None
    code = _primary_code(exc)
    if code == SQLITE_FULL:
        return StoreError(f"The disk is full: Bothy could not {action}.", hint="Free some space and try again.")
    if code == SQLITE_READONLY:
        return StoreError(
            f"Bothy could not {action}: the conversation database at {path} is read-only.",
            hint="Check that you are allowed to change the file and its folder, then try again.",
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreError(
            f"Bothy could not {action}: the conversation database is in use by another program.",
            hint="Close any other copy of Bothy (or any program that has the database open) and try again.",
        )
    if code == SQLITE_IOERR:
        return StoreError(
            f"Bothy could not {action}: the disk reported an error while using {path}.",
            hint="Check that the disk is connected and healthy, then try again.",
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(path, str(exc))
    if code == SQLITE_CANTOPEN:
        return StoreError(
            f"Bothy could not {action}: it cannot open the conversation database at {path}.",
            hint="Check that the folder exists and that you are allowed to write to it.",
        )
    return None
