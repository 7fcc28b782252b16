"""Servers on 127.0.0.1 for the remote-engine tests.

- `start_llama_cpp_server()`: llama-cpp-python's own OpenAI-compatible server (`llama_cpp.server`,
  the package's `server` extra) serving the real starter model, in a process of its own.
- `FaultServer`: a tiny HTTP server that misbehaves on purpose (refusing keys, unknown models, 429,
  500, never answering, cutting a stream, malformed SSE, a non-JSON body), to inject the faults a
  real server shows only now and then. Its well-behaved mode streams a fixed reply.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_llama_cpp_server(model: Path, *, alias: str = "smollm2", n_ctx: int = 2048) -> tuple[subprocess.Popen, str]:
    """Start the server and wait until it lists its model. Returns (process, base URL with /v1)."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias]
    command += ["--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", "1", "--verbose", "False"]
    return _started(command, port, "llama_cpp.server")


def llama_server_binary() -> Path | None:
    """llama.cpp's own llama-server, where it is built (benchmarks/llama_server.py; `./bothy.sh test`
    builds it once) or named by BOTHY_LLAMA_SERVER; None otherwise."""
    from benchmarks.llama_server import find

    return find()


def start_llama_server(
    binary: Path, model: Path, *, n_ctx: int = 2048, threads: int = 1, batch: int = 512
) -> tuple[subprocess.Popen, str]:
    """Start llama.cpp's llama-server and wait until it lists its model: (process, URL with /v1)."""
    port = free_port()
    command = [str(binary), "-m", str(model), "-c", str(n_ctx), "--host", "127.0.0.1", "--port", str(port)]
    command += ["-t", str(threads), "-tb", str(threads), "-b", str(batch), "-ub", str(batch), "--alias", "bench"]
    return _started(command, port, "llama-server")


def _started(command: list[str], port: int, name: str) -> tuple[subprocess.Popen, str]:
    """Start a server and wait until it lists its models: (process, URL with /v1)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{name} did not start within 60 s")


WORDS = ["Hello", " there", ",", " walker", ".", " The", " glen", " is", " quiet", " today", "."]


class _Handler(BaseHTTPRequestHandler):
    server: FaultServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path in self.server.routes:
            self._json(200, self.server.routes[self.path])
        elif self.path.endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self._json(404, {"error": {"message": "not here"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(body)
        mode = self.server.mode
        if self.path in self.server.routes:
            self._json(200, self.server.routes[self.path])
        elif not self.path.endswith("/chat/completions"):
            self._json(404, {"error": {"message": "not here"}})
        elif mode == "unauthorized":
            self._json(401, {"error": {"message": "Invalid API key provided", "type": "invalid_request_error"}})
        elif mode == "unknown-model":
            self._json(404, {"error": {"message": f"The model `{body.get('model')}` does not exist."}})
        elif mode == "rate-limited":
            self._json(429, {"error": {"message": "Rate limit reached: 3 requests per minute."}})
        elif mode == "server-error":
            self._json(500, {"error": {"message": "CUDA out of memory while loading the model"}})
        elif mode == "silent":
            time.sleep(self.server.silence)
        elif mode == "html":
            data = b"<html><body>Welcome to nginx!</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self._stream(mode)

    def _stream(self, mode: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = WORDS if mode != "slow" else WORDS * 40
        for i, word in enumerate(words):
            if mode == "cut" and i == 4:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if mode == "malformed" and i == 3:
                self.wfile.write(b"data: {this is not json\n\n")
                self.wfile.flush()
                return
            chunk = {"choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            if mode == "slow":
                time.sleep(0.02)
        done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        usage = {"choices": [], "usage": {"prompt_tokens": 21, "completion_tokens": len(words)}}
        self.wfile.write(f"data: {json.dumps(done)}\n\ndata: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()


class FaultServer(ThreadingHTTPServer):
    """`mode`: "ok", "slow", "unauthorized", "unknown-model", "rate-limited", "server-error",
    "silent" (accepts, never answers), "html", "cut" (the stream ends mid-reply), "malformed".
    `routes`: more paths (GET or POST) and the JSON they answer, e.g. a serving engine's own
    endpoints in its documented shape ("/api/version" for Ollama), or another "/v1/models"."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.silence = 5.0
        self.routes: dict[str, object] = {}
        self.requests: list[dict] = []
        self.thread = threading.Thread(target=self.serve_forever, name="fault-server", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def close(self) -> None:
        self.shutdown()
        self.server_close()
