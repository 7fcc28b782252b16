"""A small HTTP server on 127.0.0.1 that serves files the way Hugging Face does, for the tests.

GET /OWNER/REPO/resolve/REV/FILE answers 302 to /cdn/OWNER/REPO/FILE with X-Linked-Size and
X-Linked-Etag (the file's SHA-256), like huggingface.co for LFS files; /cdn/... serves the bytes with
Range support. /api/models/OWNER/REPO answers a canned JSON listing, /api/models?search=Q the
repositories in `search` whose name holds Q. ModelScope's layout too: PUT /api/v1/dolphin/models
(search), GET /api/v1/models/OWNER/REPO/repo/files (listing, from the files served) and
/api/v1/models/OWNER/REPO/repo?FilePath=FILE (the bytes). Faults can be injected: a connection
dropped after N bytes, slow sending, a wrong announced hash, Range ignored, a web page (`html`).
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant.library.catalog import hf_url


class FileServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}  # "OWNER/REPO/FILE" -> bytes
        self.announced: dict[str, str | None] = {}  # what X-Linked-Etag says (default: the real hash)
        self.api: dict[str, object] = {}  # "OWNER/REPO" -> JSON
        self.search: list[dict] = []  # the Hub's search results: {"id", "downloads"}
        self.sizes: dict[str, int] = {}  # "OWNER/REPO/FILE" -> the size ModelScope's listing announces
        self.gated: dict[str, str] = {}  # "OWNER/REPO" -> the token its files need (a gated model)
        self.cdn_host: str | None = None  # redirect files to this host name (e.g. "localhost") instead
        self.html = False  # answer everything with a web page (a "mirror" that is not one)
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
                    auth = self.headers.get("Authorization")
                    server.requests.append({"path": self.path, "range": self.headers.get("Range"), "auth": auth})
                try:
                    server._handle(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_PUT(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests.append({"path": self.path, "body": body})
                server._modelscope_search(self, body)

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

    def _modelscope_search(self, h, body: dict) -> None:
        query = str(body.get("Name", "")).lower()
        models = [
            {"Path": r["id"].split("/")[0], "Name": r["id"].split("/")[1], "Downloads": r.get("downloads", 0)}
            for r in self.search
            if query in r["id"].lower()
        ]
        answer = {"Code": 200, "Data": {"Model": {"Models": models, "TotalCount": len(models)}}}
        self._plain(h, 200, json.dumps(answer).encode(), "application/json")

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        if self.html:
            return self._plain(h, 200, b"<html><body>Welcome</body></html>", "text/html; charset=utf-8")
        path, _, query = h.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        if path == "/api/models":
            wanted = params.get("search", "").lower()
            found = [r for r in self.search if wanted in r["id"].lower()]
            return self._plain(h, 200, json.dumps(found).encode(), "application/json")
        if m := re.match(r"^/api/v1/models/([^/]+/[^/]+)/repo/files$", path):
            files = [
                {"Path": key[len(m.group(1)) + 1 :], "Size": self.sizes.get(key, len(data)), "Type": "blob",
                 "Sha256": hashlib.sha256(data).hexdigest()}
                for key, data in self.files.items() if key.startswith(m.group(1) + "/")
            ]  # fmt: skip
            if not files and m.group(1) not in self.api:
                return self._plain(h, 404, b'{"Code":10010205001,"Message":"model not found"}', "application/json")
            return self._plain(h, 200, json.dumps({"Code": 200, "Data": {"Files": files}}).encode(), "application/json")
        if m := re.match(r"^/api/v1/models/([^/]+/[^/]+)/repo$", path):
            key = f"{m.group(1)}/{params.get('FilePath', '')}"
            if key not in self.files:
                return self._plain(h, 404, b"not found")
            return self._serve(h, key)
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
            needed = self.gated.get(m.group(1))
            if needed and h.headers.get("Authorization") != f"Bearer {needed}":
                return self._plain(h, 401, b'{"error":"Access to this model is restricted."}', "application/json")
            h.send_response(302)
            where = f"http://{self.cdn_host}:{self.httpd.server_address[1]}" if self.cdn_host else ""
            h.send_header("Location", f"{where}/cdn/{key}")
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
