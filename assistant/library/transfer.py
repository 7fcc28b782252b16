"""The work of one download thread: HTTP with Range, retries, checksums, moving the file into place.

Mixed into DownloadManager (assistant/library/downloads.py), whose bookkeeping it uses: `_set`,
`_emit`, `_save_sidecar`, `_check_disk`, `_discard`, `_lock` and the settings `retries`, `backoff`,
`timeout`, `chunk_size`, `base_url`.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from assistant.errors import ModelError
from assistant.library.catalog import HF_BASE, record_learned
from assistant.library.download_state import (
    DownloadError,
    DownloadState,
    _Cancelled,
    _Job,
    _Paused,
    _Restart,
    _Retry,
)
from assistant.library.hub import USER_AGENT
from assistant.library.units import format_bytes
from assistant.models import add_model

log = logging.getLogger("assistant.library.downloads")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class _LinkedHeaders(urllib.request.HTTPRedirectHandler):
    """Keeps Hugging Face's X-Linked-Size / X-Linked-Etag from the redirect to the file's CDN."""

    def __init__(self) -> None:
        self.size: int | None = None
        self.sha256: str | None = None

    def take(self, headers) -> None:
        size = headers.get("X-Linked-Size")
        if size and size.strip().isdigit():
            self.size = int(size)
        sha = _sha_from_etag(headers.get("X-Linked-Etag"))
        if sha:
            self.sha256 = sha

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.take(headers)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)  # keeps the Range header
        if new is not None and _host(newurl) != _host(req.full_url):
            new.remove_header("Authorization")  # a source's token goes to that source only
        return new


def _sha_from_etag(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip()
    if v.startswith("W/"):
        v = v[2:]
    v = v.strip('"').lower()
    return v if _SHA256.match(v) else None


def token_for(url: str) -> str | None:
    from assistant.library.tokens import token_for as stored

    return stored(url)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


def _opt_sha(v) -> str | None:
    return v.lower() if isinstance(v, str) and _SHA256.match(v.lower()) else None


def _opt_int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


class TransferMixin:
    """The download thread's methods (see the module docstring)."""

    def _run(self, job: _Job) -> None:
        try:
            self._download(job)
        except _Paused:
            self._set(job, DownloadState.PAUSED, resumable=True)
        except _Cancelled:
            self._discard(job)
            self._set(job, DownloadState.CANCELLED)
        except DownloadError as e:
            if not e.resumable:
                self._discard(job)
                job.downloaded = 0
            self._set(job, DownloadState.FAILED, error=e.message, hint=e.hint, resumable=e.resumable)
        except Exception as e:  # a bug: keep the partial file, say what happened, log the traceback
            log.exception("download of %s failed", job.url)
            self._set(job, DownloadState.FAILED, error=f"The download stopped unexpectedly: {e}", resumable=True)

    def _fetch_url(self, url: str) -> str:
        if self.base_url != HF_BASE and url.startswith(HF_BASE + "/"):
            return self.base_url + url[len(HF_BASE) :]
        return url

    def _interrupted(self, job: _Job) -> None:
        if job.cancel.is_set():
            raise _Cancelled
        if job.pause.is_set():
            raise _Paused

    def _sleep(self, job: _Job, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._interrupted(job)
            job.pause.wait(min(left, 0.05))
        self._interrupted(job)

    def _download(self, job: _Job) -> None:
        attempts = 0
        while True:
            self._interrupted(job)
            have = self._part_size(job)
            if job.total and have == job.total:
                break  # every byte is already there (paused or interrupted while verifying)
            start_have = have
            try:
                self._fetch(job, have)
                break
            except _Restart:
                continue
            except _Retry as e:
                attempts = 1 if self._part_size(job) > start_have else attempts + 1
                if attempts > self.retries:
                    raise DownloadError(e.message, hint=e.hint, resumable=True) from None
                log.info("download of %s: %s; retry %d", job.url, e.message, attempts)
                self._set(job, DownloadState.STARTING)
                self._sleep(job, self.backoff * 2 ** (attempts - 1))
        self._finish(job)

    def _part_size(self, job: _Job) -> int:
        try:
            return job.part.stat().st_size
        except OSError:
            return 0

    def _restart_from_zero(self, job: _Job) -> None:
        with open(job.part, "wb"):
            pass
        job.hasher, job.hashed, job.downloaded = hashlib.sha256(), 0, 0

    def _ensure_hasher(self, job: _Job, have: int) -> None:
        """The running hash must cover exactly the bytes already in the partial file."""
        if job.hasher is not None and job.hashed == have:
            return
        h = hashlib.sha256()
        done = 0
        if have:
            self._set(job, DownloadState.VERIFYING)
            with open(job.part, "rb") as f:
                while done < have and (chunk := f.read(min(1 << 20, have - done))):
                    h.update(chunk)
                    done += len(chunk)
                    self._interrupted(job)
        job.hasher, job.hashed = h, done

    def _fetch(self, job: _Job, have: int) -> None:
        self._ensure_hasher(job, have)
        job.downloaded = have
        url = self._fetch_url(job.url)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if have:
            headers["Range"] = f"bytes={have}-"
        token = token_for(url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        linked = _LinkedHeaders()
        opener = urllib.request.build_opener(linked)
        self._set(job, DownloadState.STARTING)
        try:
            resp = opener.open(urllib.request.Request(url, headers=headers), timeout=self.timeout)
        except urllib.error.HTTPError as e:
            try:
                self._http_error(job, e, have)
            finally:
                e.close()
            return
        except urllib.error.URLError as e:
            raise _Retry(*self._unreachable(job.url, e.reason)) from None
        except (OSError, http.client.HTTPException) as e:
            raise _Retry(*self._connection_lost(job, e)) from None
        with resp:
            self._receive(job, resp, linked, have)

    def _http_error(self, job: _Job, e: urllib.error.HTTPError, have: int) -> None:
        code, host = e.code, _host(job.url)
        if code == 416 and have:
            m = re.match(r"bytes \*/(\d+)", e.headers.get("Content-Range", ""))
            if m and int(m.group(1)) == have:
                job.total = have
                return  # complete already
            self._restart_from_zero(job)
            raise _Restart
        if code in (404, 410):
            raise DownloadError(
                f"The file {job.filename} was not found on {host} (HTTP {code}).",
                hint="It may have been renamed or removed from the repository.",
            )
        if code in (401, 403):
            raise DownloadError(
                f"{host} refused the download of {job.filename} (HTTP {code}): the model needs a login "
                "or accepting its licence on the website.",
                hint="Download it in your browser, then drop the file into the models folder.",
            )
        if code == 429 or code >= 500:
            raise _Retry(
                f"{host} is busy or having trouble (HTTP {code}); {format_bytes(have)} were kept.",
                "Press Resume to try again later.",
            )
        raise DownloadError(f"{host} answered HTTP {code} ({e.reason}) for {job.filename}.")

    def _unreachable(self, url: str, reason) -> tuple[str, str]:
        host = _host(url)
        if isinstance(reason, socket.gaierror):
            why = "the name could not be looked up; you seem to be offline"
        elif isinstance(reason, ConnectionRefusedError):
            why = "the connection was refused"
        elif isinstance(reason, TimeoutError):
            why = "it did not answer in time"
        else:
            why = str(getattr(reason, "strerror", None) or reason)
        hint = "Check your internet connection, then press Resume."
        if host.endswith("huggingface.co") or host == "hf.co":
            hint += (
                " If Hugging Face cannot be reached from here (as in mainland China), download from a Hugging Face "
                "mirror or from ModelScope instead (Settings > Discover > Download from)."
            )
        return f"Could not reach {host}: {why}.", hint

    def _connection_lost(self, job: _Job, e: BaseException) -> tuple[str, str]:
        got = format_bytes(job.downloaded) + (f" of {format_bytes(job.total)}" if job.total else "")
        return (
            f"The connection to {_host(job.url)} was lost ({type(e).__name__}); {got} downloaded.",
            "Press Resume to continue where it stopped.",
        )

    def _receive(self, job: _Job, resp, linked: _LinkedHeaders, have: int) -> None:
        linked.take(resp.headers)
        status = resp.status
        length = resp.headers.get("Content-Length")
        length = int(length) if length and length.isdigit() else None
        if status == 206:
            m = re.match(r"bytes (\d+)-(\d+)/(\d+|\*)", resp.headers.get("Content-Range", ""))
            if not m or int(m.group(1)) != have:
                self._restart_from_zero(job)
                raise _Restart
            total = int(m.group(3)) if m.group(3) != "*" else None
        elif status == 200:
            if have:  # the server ignored the Range header: start over
                self._restart_from_zero(job)
                have = 0
            total = length
        else:
            raise DownloadError(f"{_host(job.url)} answered HTTP {status} for {job.filename}.")
        if "text/html" in (resp.headers.get("Content-Type") or "").lower():
            raise DownloadError(
                f"{_host(job.url)} answered {job.filename} with a web page instead of the file.",
                hint="If it is a mirror, it may not serve this file: try another download source.",
            )
        total = total or linked.size

        announced = linked.sha256
        if announced and job.expected_sha256 and announced != job.expected_sha256:
            raise DownloadError(
                f"The file {job.filename} on {_host(job.url)} is not the one in Bothy's catalog "
                "(the server announces a different checksum), so it was not downloaded.",
                hint="The model may have been updated; paste its address to download the new version.",
            )
        if job.expected_size and total and total != job.expected_size:
            raise DownloadError(
                f"The file {job.filename} on {_host(job.url)} has a different size than expected "
                f"({format_bytes(total)} instead of {format_bytes(job.expected_size)}), so it was not downloaded.",
            )
        if have and (
            (announced and job.announced_sha256 and announced != job.announced_sha256)
            or (total and job.total and total != job.total)
        ):
            log.info("%s changed on the server; starting over", job.url)
            job.announced_sha256, job.announced_size, job.total = announced, linked.size, total
            self._restart_from_zero(job)
            raise _Restart
        job.announced_sha256 = announced or job.announced_sha256
        job.announced_size = linked.size or job.announced_size
        job.total = total
        self._save_sidecar(job)
        if total:
            self._check_disk(total, have)

        self._set(job, DownloadState.DOWNLOADING)
        job.samples.clear()
        job.samples.append((self._clock(), have))
        with open(job.part, "ab" if have else "wb") as f:
            while True:
                self._interrupted(job)
                try:
                    chunk = resp.read(self.chunk_size)
                except (OSError, http.client.HTTPException) as e:
                    raise _Retry(*self._connection_lost(job, e)) from None
                if not chunk:
                    break
                f.write(chunk)
                job.hasher.update(chunk)
                job.hashed += len(chunk)
                with self._lock:
                    job.downloaded += len(chunk)
                    job.samples.append((self._clock(), job.downloaded))
                self._emit(job)
        if total and job.downloaded < total:
            raise _Retry(*self._connection_lost(job, ConnectionError("closed early")))

    def _finish(self, job: _Job) -> None:
        self._set(job, DownloadState.VERIFYING)
        size = self._part_size(job)
        self._ensure_hasher(job, size)
        digest = job.hasher.hexdigest()
        expected = job.expected_sha256 or job.announced_sha256
        if expected and digest != expected:
            raise DownloadError(
                f"The downloaded file {job.filename} is damaged: its checksum does not match "
                f"(expected {expected[:12]}…, got {digest[:12]}…). The file was deleted.",
                hint="Try downloading it again.",
            )
        if job.total and size != job.total:
            raise DownloadError(
                f"The downloaded file {job.filename} has the wrong size ({size} bytes, expected {job.total}). "
                "The file was deleted.",
                hint="Try downloading it again.",
            )
        if job.final.exists():
            raise DownloadError(f"{job.filename} appeared in the models folder meanwhile; the download was deleted.")
        try:
            os.replace(job.part, job.final)
        except OSError as e:
            why = e.strerror or e
            raise DownloadError(f"Could not move {job.filename} into place: {why}.", resumable=True) from None
        with contextlib.suppress(OSError):
            job.sidecar.unlink(missing_ok=True)
        try:
            add_model(job.final, copy=True)
        except ModelError as e:
            with contextlib.suppress(OSError):
                job.final.unlink()
            raise DownloadError(f"The downloaded file is not a usable model and was deleted: {e.message}") from None
        record_learned(job.url, size=job.announced_size or size, sha256=job.announced_sha256 or job.expected_sha256)
        self._set(job, DownloadState.DONE, downloaded=size, total=size, path=job.final)
