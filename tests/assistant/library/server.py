"""A small HTTP server on 127.0.0.1 that serves files the way Hugging Face does, for the tests.

GET /OWNER/REPO/resolve/REV/FILE answers 302 to /cdn/OWNER/REPO/FILE with X-Linked-Size and
X-Linked-Etag (the file's SHA-256), like huggingface.co for LFS files; /cdn/... serves the bytes with
Range support. /api/models/OWNER/REPO answers a canned JSON listing. Faults can be injected: a
connection dropped after N bytes, slow sending, a wrong announced hash, Range ignored.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant.library.catalog import hf_url


class FileServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}  # "OWNER/REPO/FILE" -> bytes
        self.announced: dict[str, str | None] = {}  # what X-Linked-Etag says (default: the real hash)
        self.api: dict[str, object] = {}  # "OWNER/REPO" -> JSON
        self.drops: dict[str, list[int]] = {}  # key -> body bytes to send before dropping, one per request
        self.errors: dict[str, list[int]] = {}  # key -> HTTP status to answer instead, one per request
        self.delay = 0.0  # seconds between chunks
        self.chunk = 16 * 1024
        self.ranges = True
        self.requests: list[dict] = []
        self.body_bytes_sent = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                with server._lock:
                    server.requests.append({"path": self.path, "range": self.headers.get("Range")})
                try:
                    server._handle(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, repo: str, name: str, data: bytes, *, announce: str | None | bool = True) -> str:
        """Serve `data` as REPO/NAME; returns its (huggingface.co) URL. announce: True = the real hash."""
        key = f"{repo}/{name}"
        self.files[key] = data
        self.announced[key] = hashlib.sha256(data).hexdigest() if announce is True else (announce or None)
        return hf_url(repo, name)

    def range_requests(self, name: str) -> list[str | None]:
        return [r["range"] for r in self.requests if r["path"].startswith("/cdn/") and r["path"].endswith(name)]

    def __enter__(self) -> FileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    # -- answers -------------------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        if m := re.match(r"^/api/models/([^/]+/[^/]+)$", path):
            body = self.api.get(m.group(1))
            if body is None:
                return self._plain(h, 404, b'{"error":"Repository not found"}')
            return self._plain(h, 200, json.dumps(body).encode(), "application/json")
        if m := re.match(r"^/([^/]+/[^/]+)/resolve/[^/]+/(.+)$", path):
            key = f"{m.group(1)}/{m.group(2)}"
            with self._lock:
                errors = self.errors.get(key)
                error = errors.pop(0) if errors else None
            if error:
                return self._plain(h, error, b"error")
            if key not in self.files:
                return self._plain(h, 404, b"Entry not found")
            h.send_response(302)
            h.send_header("Location", f"/cdn/{key}")
            h.send_header("X-Linked-Size", str(len(self.files[key])))
            if self.announced.get(key):
                h.send_header("X-Linked-Etag", f'"{self.announced[key]}"')
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        if path.startswith("/cdn/") and (key := path[len("/cdn/") :]) in self.files:
            return self._serve(h, key)
        return self._plain(h, 404, b"not found")

    def _plain(self, h, code: int, body: bytes, ctype: str = "text/plain") -> None:
        h.send_response(code)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _serve(self, h, key: str) -> None:
        data = self.files[key]
        start = 0
        rng = h.headers.get("Range")
        m = re.match(r"bytes=(\d+)-$", rng or "")
        if self.ranges and m:
            start = int(m.group(1))
            if start >= len(data):
                h.send_response(416)
                h.send_header("Content-Range", f"bytes */{len(data)}")
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            h.send_response(206)
            h.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(len(data) - start))
        h.end_headers()
        with self._lock:
            drops = self.drops.get(key)
            limit = drops.pop(0) if drops else None
        sent, pos = 0, start
        while pos < len(data):
            n = self.chunk if limit is None else min(self.chunk, limit - sent)
            if n <= 0:
                h.wfile.flush()
                h.connection.shutdown(socket.SHUT_RDWR)  # drop the connection mid-file
                return
            piece = data[pos : pos + n]
            h.wfile.write(piece)
            pos += len(piece)
            sent += len(piece)
            with self._lock:
                self.body_bytes_sent += len(piece)
            if self.delay:
                h.wfile.flush()
                threading.Event().wait(self.delay)
