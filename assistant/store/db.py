"""Opening the database file, and the transaction and error guards every Store call goes through.

The connection is opened by us (not by sqlite-utils) in driver autocommit mode (isolation_level=None)
so that transactions are exactly the BEGIN IMMEDIATE ... COMMIT blocks written here, whatever the
sqlite-utils version (3.38+ and 4.x handle implicit transactions differently). sqlite-utils'
Database wraps that connection for queries.

Settings: WAL journal (readers never block the writer, and the GUI reads while a reply streams),
synchronous=NORMAL (safe against crashes of Bothy; the last commits can be lost on power loss, which
is the usual trade for WAL), foreign keys on (deleting a conversation deletes its messages), and a
busy timeout so a second copy of Bothy waits for the first instead of failing at once.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from assistant.errors import StoreError
from assistant.store import migrations
from assistant.store.errors import damaged, translate

DEFAULT_TIMEOUT = 5.0


def _connect(path: Path, timeout: float) -> Database:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Bothy could not create the folder for its conversation database ({path.parent}): {exc.strerror or exc}.",
            hint="Check that you are allowed to write there.",
        ) from exc
    try:
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        error = translate(exc, "open the conversation database", path)
        if error is None:
            raise
        raise error from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        return Database(conn)
    except BaseException:
        conn.close()
        raise


def open_database(path: Path, timeout: float = DEFAULT_TIMEOUT) -> Database:
    """Open, check and migrate the database at `path`. Raises StoreError for what people can fix.

    Nothing is written to a file that is refused (not a database, damaged, written by a newer
    Bothy, someone else's SQLite database): every check runs before the first write.
    """
    db = _connect(path, timeout)
    try:
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            error = translate(exc, "open the conversation database", path) or damaged(path, str(exc))
            raise error from exc
        try:
            migrations.check(db, path)
            if db.journal_mode != "wal":
                db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            migrations.migrate(db, path)
        except sqlite3.Error as exc:
            error = translate(exc, "open the conversation database", path)
            if error is None:
                raise
            raise error from exc
    except BaseException:
        db.close()
        raise
    return db


class Connection:
    """One open database plus a lock: each Store call runs under the lock, so a Store can be shared
    by the GUI thread and a worker thread that streams replies."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT):
        self.path = path
        self.db = open_database(path, timeout)
        self._lock = threading.RLock()
        self._closed = False

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Run a read: turn SQLite failures people can fix into StoreError."""
        with self._lock:
            if self._closed:
                raise RuntimeError("This Store has been closed.")
            try:
                yield
            except sqlite3.Error as exc:
                error = translate(exc, action, self.path)
                if error is None:
                    raise
                raise error from exc

    @contextlib.contextmanager
    def _write(self, action: str) -> Iterator[None]:
        """Run a block of writes as one transaction (BEGIN IMMEDIATE, so a busy database waits up to
        the busy timeout at the start, never half way). Any exception rolls everything back; SQLite
        failures people can fix become StoreError("... Bothy could not <action> ...").
        Nested use joins the outer transaction."""
        with self._guard(action):
            conn = self.db.conn
            if conn.in_transaction:
                yield
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        """The number of migrations applied to the database (PRAGMA user_version)."""
        with self._guard("read the conversation database"):
            return migrations.schema_version(self.db)

    def close(self) -> None:
        """Close the database. Safe to call twice; the Store cannot be used afterwards."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with contextlib.suppress(sqlite3.Error):
                # Keeps the query planner's statistics fresh; the limit keeps it quick on a big file.
                self.db.execute("PRAGMA analysis_limit = 400")
                self.db.execute("PRAGMA optimize")
            self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
