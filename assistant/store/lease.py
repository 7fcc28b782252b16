"""Writer leases: which streaming replies still have a live writer.

A Store that starts streaming a reply records its writer id on the row (messages.writer) and holds
a lease for as long as it is open: the file `<database folder>/leases/<writer id>.lock`, locked
with flock(LOCK_EX | LOCK_NB) on POSIX and msvcrt.locking on Windows. Both locks belong to one
open file (one open file description, one handle): another process cannot take it while it is
held, nor can another Store in the same process, because each opens the file anew. The operating
system drops the lock when the process ends, however it ends (kill -9 included), so a lease file
that anyone can lock belongs to a writer that is gone; a missing one too (its Store was closed,
or a later recovery cleaned it up).

Writer ids are never reused (a fresh uuid per Store), so a writer found dead stays dead.

On POSIX the file is created and locked under a temporary name and only then renamed into place,
so no one ever sees a lease file that is not yet locked (and cleans it up by mistake).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

FOLDER = "leases"
SUFFIX = ".lock"

if os.name == "nt":  # pragma: no cover - not run on the test machines
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # OSError when another handle holds it

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError when held elsewhere

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def folder_for(db_path: Path) -> Path:
    """The folder that holds the leases of writers to the database at `db_path`."""
    return db_path.parent / FOLDER


def _path(folder: Path, writer: str) -> Path:
    return folder / f"{writer}{SUFFIX}"


class Lease:
    """A held lease. `writer` is the id written on the rows; release() gives the lease up.

    A Lease dropped without release() (a Store that was never closed) releases itself when it is
    garbage collected.
    """

    def __init__(self, folder: Path, writer: str, fd: int):
        self.folder = folder
        self.writer = writer
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, folder: Path) -> Lease:
        """Create and lock a new lease file. Raises OSError when the folder cannot be written."""
        folder.mkdir(parents=True, exist_ok=True)
        writer = f"{os.getpid()}-{uuid.uuid4().hex}"
        final = _path(folder, writer)
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        if os.name == "nt":  # pragma: no cover - an open file cannot be renamed there
            fd = os.open(final, flags, 0o600)
            where = final
        else:
            where = folder / f".{writer}.new"
            fd = os.open(where, flags, 0o600)
        try:
            _lock(fd)
            if where != final:
                os.replace(where, final)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                where.unlink()
            raise
        return cls(folder, writer, fd)

    def release(self) -> None:
        """Give the lease up and delete its file. Safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)
        with contextlib.suppress(OSError):
            _path(self.folder, self.writer).unlink()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.release()


def _probe(path: Path) -> bool | None:
    """True when someone holds the lease at `path`, False when no one does (the file is then deleted),
    None when it cannot be told (taken as held: a row is never taken from a writer that may be alive)."""
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return False
    except OSError:
        return None
    try:
        try:
            _lock(fd)
        except OSError:
            return True
        with contextlib.suppress(OSError):
            _unlock(fd)
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        path.unlink()
    return False


def is_live(folder: Path, writer: str) -> bool:
    """Whether the writer `writer` still holds its lease (a dead writer's lease file is deleted)."""
    return _probe(_path(folder, writer)) is not False


def clean_up(folder: Path) -> int:
    """Delete the lease files no one holds (writers that were killed). Returns how many."""
    try:
        paths = list(folder.glob(f"*{SUFFIX}"))
    except OSError:
        return 0
    return sum(_probe(path) is False for path in paths)
