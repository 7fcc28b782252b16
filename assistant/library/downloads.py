"""Downloading model files into the models folder: progress, pause and resume, checksums.

Each download runs in its own thread with urllib (standard library only). Bytes go to
`NAME.gguf.part` in the models folder, next to a small JSON sidecar `NAME.gguf.part.json` that
records the URL, the expected size and SHA-256 and what the server announced; so a download that
was paused, failed, or interrupted by closing the app continues where it stopped (HTTP Range), even
in a new DownloadManager. When all bytes are there the SHA-256 is checked against the catalog's or
the server's announced hash (Hugging Face sends it as X-Linked-Etag on the redirect to its CDN),
the file is moved into place with os.replace and registered through assistant.models.

The GUI polls `statuses()` (cheap snapshots) or subscribes with `subscribe(callback)`; callbacks
run on download threads, so a GUI must hand them over to its own thread. Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from assistant import paths
from assistant.library.catalog import HF_BASE, CatalogFile, learned_file
from assistant.library.download_state import (
    _RESUMABLE,
    ACTIVE_STATES,
    PART_SUFFIX,
    SIDECAR_SUFFIX,
    DownloadError,
    DownloadState,
    DownloadStatus,
    _Job,
)
from assistant.library.transfer import TransferMixin, _opt_int, _opt_sha
from assistant.library.units import format_bytes

__all__ = [
    "ACTIVE_STATES",
    "PART_SUFFIX",
    "SIDECAR_SUFFIX",
    "DownloadError",
    "DownloadManager",
    "DownloadState",
    "DownloadStatus",
]

log = logging.getLogger(__name__)

DISK_RESERVE = 256 * 1024 * 1024  # keep this much free after a download


def _safe_filename(name: str) -> str:
    name = name.strip()
    if not name or "/" in name or "\\" in name or name.startswith(".") or name in ("..",):
        raise DownloadError(f"“{name}” cannot be used as a file name.")
    if not name.lower().endswith(".gguf"):
        raise DownloadError(f"{name} is not a GGUF file.", hint="Bothy runs .gguf model files.")
    return name


class DownloadManager(TransferMixin):
    """Downloads model files into the models folder; several at once.

    base_url replaces https://huggingface.co in every address (the tests point it at 127.0.0.1).
    disk_usage, retries, backoff, timeout and clock can be replaced to test failures.
    """

    def __init__(
        self,
        *,
        models_dir: str | os.PathLike[str] | None = None,
        base_url: str = HF_BASE,
        disk_usage: Callable[[str], object] = shutil.disk_usage,
        retries: int = 4,
        backoff: float = 1.0,
        timeout: float = 30.0,
        chunk_size: int = 256 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.models_dir = Path(models_dir) if models_dir is not None else paths.models_dir()
        self.base_url = base_url.rstrip("/")
        self._disk_usage = disk_usage
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.chunk_size = chunk_size
        self._clock = clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._jobs: dict[str, _Job] = {}
        self._listeners: list[Callable[[DownloadStatus], None]] = []
        self._pick_up_partials()

    # -- public API ----------------------------------------------------------------------------------

    def start(
        self, url: str, *, filename: str | None = None, sha256: str | None = None, size: int | None = None
    ) -> str:
        """Start downloading `url` into the models folder; returns the download's id (its file name).

        Raises DownloadError when it cannot start at all (bad name, file already there, no room for a
        known size). Starting a file that is already downloading returns the same id; starting a
        paused or failed one resumes it.
        """
        if filename is None:
            filename = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
        name = _safe_filename(filename)
        sha = sha256.lower() if sha256 else None
        with self._lock:
            job = self._jobs.get(name)
            same = (
                job is not None
                and job.url == url
                and (sha is None or sha == job.expected_sha256)
                and (size is None or size == job.expected_size)
            )
            if same and (job.state in ACTIVE_STATES or (job.state in _RESUMABLE and job.resumable)):
                if job.state not in ACTIVE_STATES:
                    self._launch(job)
                return name
            if job is not None and job.state in ACTIVE_STATES:
                raise DownloadError(f"{name} is already being downloaded from another address.")
            final = self.models_dir / name
            if final.exists():
                raise DownloadError(
                    f"{name} is already in your models folder.", hint="Remove it first to download it again."
                )
            learned = learned_file(url) or {}
            expected_size = size if size is not None else learned.get("size")
            self._check_disk(expected_size or 0, 0)
            job = _Job(name, url, name, final, sha, size)
            job.total = expected_size
            self._jobs[name] = job
            with contextlib.suppress(OSError):
                job.part.unlink(missing_ok=True)  # a stray partial without a sidecar is of unknown origin
            self._save_sidecar(job)
            self._launch(job)
        return name

    def start_file(self, file: CatalogFile) -> str:
        """Start downloading a catalog file, checked against the catalog's size and SHA-256 if it has them."""
        return self.start(file.url, filename=file.file, sha256=file.sha256, size=file.size)

    def pause(self, download_id: str) -> None:
        """Stop at the next chunk, keeping the partial file for Resume."""
        with self._lock:
            job = self._jobs.get(download_id)
            if job is not None and job.state in ACTIVE_STATES:
                job.pause.set()

    def resume(self, download_id: str) -> None:
        """Continue a paused or failed download where it stopped."""
        with self._lock:
            job = self._jobs.get(download_id)
            if job is None:
                raise KeyError(download_id)
            if job.state in (DownloadState.PAUSED, DownloadState.FAILED) and not self._alive(job):
                self._launch(job)

    def cancel(self, download_id: str) -> None:
        """Stop and delete the partial file."""
        with self._lock:
            job = self._jobs.get(download_id)
            if job is None or job.state in (DownloadState.DONE, DownloadState.CANCELLED):
                return
            if self._alive(job):
                job.cancel.set()
                return
            self._discard(job)
            self._set(job, DownloadState.CANCELLED, error=None)

    def forget(self, download_id: str) -> None:
        """Drop a finished, failed or cancelled download from the list (a failed one's partial is deleted)."""
        with self._lock:
            job = self._jobs.get(download_id)
            if job is None or self._alive(job) or job.state in ACTIVE_STATES:
                return
            if job.state in (DownloadState.FAILED, DownloadState.PAUSED):
                self._discard(job)
            del self._jobs[download_id]
            self._changed.notify_all()

    def status(self, download_id: str) -> DownloadStatus:
        with self._lock:
            return self._snapshot(self._jobs[download_id])

    def statuses(self) -> list[DownloadStatus]:
        with self._lock:
            return [self._snapshot(j) for j in self._jobs.values()]

    def find(self, filename: str) -> DownloadStatus | None:
        with self._lock:
            job = self._jobs.get(filename)
            return self._snapshot(job) if job else None

    def subscribe(self, callback: Callable[[DownloadStatus], None]) -> Callable[[], None]:
        """Call `callback(status)` on every change (from download threads). Returns an unsubscribe function."""
        with self._lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def wait(self, download_id: str, timeout: float | None = None) -> DownloadStatus:
        """Block until the download is no longer active (or the timeout passes); returns its status."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                job = self._jobs[download_id]
                if job.state not in ACTIVE_STATES and not self._alive(job):
                    return self._snapshot(job)
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return self._snapshot(job)
                self._changed.wait(0.05 if left is None else min(0.05, left))

    def close(self, timeout: float = 5.0) -> None:
        """Pause every running download and wait for the threads; partial files stay for next time."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if self._alive(j)]
            for j in jobs:
                j.pause.set()
        for j in jobs:
            if j.thread is not None:
                j.thread.join(timeout)

    # -- bookkeeping ---------------------------------------------------------------------------------

    def _alive(self, job: _Job) -> bool:
        return job.thread is not None and job.thread.is_alive()

    def _launch(self, job: _Job) -> None:
        job.pause.clear()
        job.cancel.clear()
        job.error = job.hint = None
        job.resumable = False
        self._set(job, DownloadState.STARTING)
        job.thread = threading.Thread(target=self._run, args=(job,), name=f"download {job.id}", daemon=True)
        job.thread.start()

    def _snapshot(self, job: _Job) -> DownloadStatus:
        speed = self._speed(job) if job.state == DownloadState.DOWNLOADING else 0.0
        eta = None
        if speed > 0 and job.total:
            eta = max(0.0, (job.total - job.downloaded) / speed)
        return DownloadStatus(
            id=job.id,
            filename=job.filename,
            url=job.url,
            state=job.state,
            downloaded=job.downloaded,
            total=job.total,
            speed=speed,
            eta=eta,
            error=job.error,
            hint=job.hint,
            path=job.path,
            resumable=job.resumable,
        )

    def _speed(self, job: _Job) -> float:
        now = self._clock()
        recent = [(t, n) for t, n in job.samples if now - t <= 5.0]
        if len(recent) < 2:
            return 0.0
        (t0, n0), (t1, n1) = recent[0], recent[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    def _set(self, job: _Job, state: DownloadState, **fields) -> None:
        with self._lock:
            job.state = state
            for k, v in fields.items():
                setattr(job, k, v)
            self._changed.notify_all()
        self._emit(job, force=True)

    def _emit(self, job: _Job, *, force: bool = False) -> None:
        now = self._clock()
        with self._lock:
            if not force and now - job.last_emit < 0.1:
                return
            job.last_emit = now
            listeners = list(self._listeners)
            status = self._snapshot(job)
        for cb in listeners:
            try:
                cb(status)
            except Exception:
                log.exception("download listener failed")

    def _save_sidecar(self, job: _Job) -> None:
        data = {
            "url": job.url,
            "filename": job.filename,
            "sha256": job.expected_sha256,
            "size": job.expected_size,
            "announced_sha256": job.announced_sha256,
            "announced_size": job.announced_size,
            "total": job.total,
        }
        tmp = job.sidecar.with_name(job.sidecar.name + ".tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2)
            os.replace(tmp, job.sidecar)
        except OSError as e:
            raise DownloadError(
                f"Could not write to the models folder: {e.strerror or e}.", hint=str(self.models_dir)
            ) from None

    def _pick_up_partials(self) -> None:
        """Downloads left unfinished by an earlier run become paused entries that Resume continues."""
        try:
            sidecars = sorted(self.models_dir.glob("*" + SIDECAR_SUFFIX))
        except OSError:
            return
        for sc in sidecars:
            try:
                with open(sc, encoding="utf-8") as f:
                    data = json.load(f)
                url, name = data["url"], _safe_filename(data["filename"])
            except (OSError, ValueError, KeyError, TypeError, DownloadError):
                continue
            if not isinstance(url, str) or sc.name != name + SIDECAR_SUFFIX:
                continue
            sha, size = _opt_sha(data.get("sha256")), _opt_int(data.get("size"))
            job = _Job(name, url, name, self.models_dir / name, sha, size)
            if job.final.exists() and not job.part.exists():  # finished; only the note was left behind
                with contextlib.suppress(OSError):
                    sc.unlink()
                continue
            job.announced_sha256 = _opt_sha(data.get("announced_sha256"))
            job.announced_size = _opt_int(data.get("announced_size"))
            job.total = _opt_int(data.get("total")) or job.expected_size
            try:
                job.downloaded = job.part.stat().st_size
            except OSError:
                job.downloaded = 0
            job.state = DownloadState.PAUSED
            job.resumable = True
            self._jobs[name] = job

    def _discard(self, job: _Job) -> None:
        for p in (job.part, job.sidecar):
            with contextlib.suppress(OSError):
                p.unlink(missing_ok=True)
        job.hasher, job.hashed = None, 0

    def _check_disk(self, total: int, have: int) -> None:
        need = max(0, total - have)
        if need == 0:
            return
        try:
            free = self._disk_usage(str(self.models_dir)).free
        except OSError:
            return
        if need + DISK_RESERVE > free:
            raise DownloadError(
                f"Not enough disk space: the download needs {format_bytes(need)} more, "
                f"but only {format_bytes(free)} is free in {self.models_dir}.",
                hint="Free some space or choose a smaller model, then try again.",
                resumable=True,
            )
