"""RemoteEngine: a model served elsewhere, through the OpenAI-compatible chat completions API.

The second implementation of the Engine protocol (base.py), so the session, memory, branches, the
CLI and the window use a server's model exactly as a local one. It streams
`POST {url}/chat/completions` with `stream: true` (Server-Sent Events), asks for usage at the end
(`stream_options.include_usage`), and turns the chunks into the same events LocalEngine sends:
the answer's text, a reasoning model's thinking (`reasoning_content`, or `reasoning`), and the
figures at the end. Stop closes the stream (the server stops generating when the client goes) and
keeps what came.

Counting tokens uses the server's tokenizer where it has one (llama-server, llama-cpp-python's
server), else a careful overestimate (token_estimate.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

import httpx

from assistant.engine import server_probe
from assistant.engine.base import Reply
from assistant.engine.pipe import ContextEvent, DoneEvent, ReplyEvent, TextEvent
from assistant.engine.server_probe import ServerError, ServerInfo, where
from assistant.engine.token_estimate import PER_MESSAGE, estimate_request, estimate_text
from assistant.engine.types import (
    BackendInfo,
    Capabilities,
    ChatRequest,
    ContextInfo,
    LoadedModel,
    LoadSettings,
    ModelRef,
    ReplyStats,
)
from assistant.errors import UserFacingError
from assistant.servers import Server

log = logging.getLogger("bothy.remote")

DEFAULT_CONTEXT = 4096  # when neither the server nor the person says
MAX_REPLY_CHARS = 4_000_000  # a reply longer than this is cut: a runaway server must not fill the disk


def remote_ref(server: str, model: str) -> ModelRef:
    """The reference of `model` on the server called `server`: key "server:NAME/MODEL"."""
    return ModelRef(engine="server", name=f"{server}/{model}")


def split_ref(model: ModelRef) -> tuple[str, str]:
    server, _, name = (model.name or "").partition("/")
    return server, name


class RemoteEngine:
    name = "server"

    def __init__(self, server: Server, api_key: str | None = None):
        self.server = server
        self.loaded: LoadedModel | None = None
        self.info: ServerInfo | None = None
        self._client = server_probe.client_for(server, api_key)
        self._active: Reply | None = None
        self._response: httpx.Response | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    # -- what it is ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._active is not None and not self._active.done

    def capabilities(self) -> Capabilities:
        return Capabilities(tokenize=bool(self.info and self.info.tokenize))

    def backend(self) -> BackendInfo:
        kind = self.info.kind if self.info else "OpenAI-compatible"
        return BackendInfo(backend=f"{kind} at {self.server.url}", gpu_offload=False, llama_cpp_python="")

    def probe(self) -> ServerInfo:
        self.info = server_probe.probe(self.server, self._client)
        return self.info

    # -- loading -------------------------------------------------------------------------------
    def load(self, model: ModelRef, settings: LoadSettings | None = None) -> LoadedModel:
        """Check the server serves `model` and learn its context length. Nothing is loaded here:
        the server has the model; the previous choice stays when this fails."""
        if self.busy:
            raise UserFacingError("A reply is still being written.", hint="Stop it first.")
        _, name = split_ref(model)
        started = time.monotonic()
        info = self.probe()
        if info.models and name not in {m.id for m in info.models}:
            known = ", ".join(m.id for m in info.models[:8])
            raise ServerError(f"{where(self.server)} does not serve “{name}” (it serves: {known}).")
        n_ctx = info.context_of(name) or self.server.context or DEFAULT_CONTEXT
        if settings is not None and settings.n_ctx:
            n_ctx = min(n_ctx, settings.n_ctx) if info.context_of(name) else settings.n_ctx
        self.loaded = LoadedModel(
            model=model,
            engine=f"{info.kind} ({self.server.name})",
            n_ctx=n_ctx,
            n_ctx_train=n_ctx,
            n_gpu_layers=0,
            n_layers=0,
            n_threads=0,
            flash_attn=False,
            kv_cache_type="",
            template_name="the server's",
            template_source="server",
            template_reason=f"{self.server.name} applies its own chat template",
            load_seconds=time.monotonic() - started,
            backend=self.backend(),
            link_ms=info.link_ms,
        )
        return self.loaded

    # -- counting ------------------------------------------------------------------------------
    def count_text(self, text: str) -> int:
        if self.info is not None and self.info.tokenize and text:
            try:
                response = self._client.post(self.info.tokenize, json={self.info.tokenize_field: text}, timeout=10.0)
                response.raise_for_status()
                return len(response.json()["tokens"])
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                log.info("tokenizing on %s failed (%s): estimating", self.server.name, type(exc).__name__)
        return estimate_text(text)

    def count_tokens(self, request: ChatRequest) -> int:
        if not (self.info and self.info.tokenize):
            return estimate_request(request)
        texts = [request.system_prompt or "", *(m.content for m in request.history)]
        joined = "\n".join(texts)
        return self.count_text(joined) + PER_MESSAGE * (len(texts) + 1)

    # -- chatting ------------------------------------------------------------------------------
    def chat(self, request: ChatRequest) -> Reply:
        if self.busy:
            raise UserFacingError("A reply is still being written.", hint="Stop it first.")
        if self.loaded is None:
            raise UserFacingError("No model is chosen.", hint="Choose a model in Settings > Models.")
        self._stopping.clear()
        reply = Reply(self._events(request), stop=self.stop)
        self._active = reply
        return reply

    def stop(self) -> None:
        """Stop the reply: closing the stream stops the server generating. Safe from any thread."""
        self._stopping.set()
        with self._lock:
            response = self._response
        if response is not None:
            try:
                response.close()
            except Exception:  # closing from another thread while it reads: the reader sees it
                pass

    def close(self) -> None:
        self.stop()
        self._client.close()

    def _body(self, request: ChatRequest) -> dict:
        _, model = split_ref(self.loaded.model)
        messages = [{"role": "system", "content": request.system_prompt}] if request.system_prompt else []
        messages += [{"role": m.role, "content": m.content} for m in request.history]
        gen = request.settings
        body = {
            "model": model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "temperature": gen.temperature,
            "top_p": gen.top_p,
        }
        if gen.max_tokens:
            body["max_tokens"] = gen.max_tokens
        if gen.seed is not None:
            body["seed"] = gen.seed
        return body

    def _events(self, request: ChatRequest) -> Iterator[ReplyEvent]:
        started = time.monotonic()
        prompt_estimate = self.count_tokens(request)
        yield ContextEvent(
            ContextInfo(
                n_ctx=self.loaded.n_ctx,
                prompt_tokens=prompt_estimate,
                reserve=0,
                history_total=len(request.history),
                history_in_context=len(request.history),
            )
        )
        stats = ReplyStats(prompt_tokens=prompt_estimate, prompt_eval_tokens=prompt_estimate)
        stats.seed = request.settings.seed
        first_at: float | None = None
        chunks = 0
        chars = 0
        finish = "stop"
        usage = None
        _, model = split_ref(self.loaded.model)
        try:
            url = f"{self.server.url}/chat/completions"
            with self._client.stream("POST", url, json=self._body(request)) as response:
                with self._lock:
                    self._response = response
                if response.status_code >= 400:
                    error = httpx.HTTPStatusError("", request=response.request, response=response)
                    raise server_probe.explain(self.server, error, model=model)
                for data in _chunks(response, self.server, self._stopping):
                    if data.get("error"):
                        said = data["error"].get("message") if isinstance(data["error"], dict) else data["error"]
                        raise ServerError(f"{where(self.server)} stopped with an error: “{said}”.")
                    usage = data.get("usage") or usage
                    for choice in data.get("choices") or ():
                        delta = choice.get("delta") or {}
                        thinking = delta.get("reasoning_content") or delta.get("reasoning")
                        text = delta.get("content")
                        for piece, is_thinking in ((thinking, True), (text, False)):
                            if isinstance(piece, str) and piece:
                                if first_at is None:
                                    first_at = time.monotonic()
                                chunks += 1
                                chars += len(piece)
                                yield TextEvent(piece, thinking=is_thinking)
                        if choice.get("finish_reason"):
                            finish = "length" if choice["finish_reason"] == "length" else "stop"
                    if chars > MAX_REPLY_CHARS:
                        finish = "length"
                        break
        except GeneratorExit:
            finish = "cancelled"
            raise
        except (httpx.HTTPError, OSError) as exc:
            if self._stopping.is_set():
                finish = "cancelled"
            else:
                raise server_probe.explain(self.server, exc, model=model) from None
        finally:
            with self._lock:
                self._response = None
        if self._stopping.is_set():
            finish = "cancelled"
        ended = time.monotonic()
        if isinstance(usage, dict):
            stats.prompt_tokens = _count(usage.get("prompt_tokens")) or stats.prompt_tokens
            stats.prompt_eval_tokens = stats.prompt_tokens
            stats.reply_tokens = _count(usage.get("completion_tokens")) or chunks
        else:
            stats.reply_tokens = chunks
        stats.ttft_ms = ((first_at or ended) - started) * 1000
        if first_at is not None and ended > first_at and stats.reply_tokens > 1:
            stats.tokens_per_s = (stats.reply_tokens - 1) / (ended - first_at)
        stats.total_ms = (ended - started) * 1000
        stats.finish_reason = finish
        yield DoneEvent(stats)


def _chunks(response: httpx.Response, server: Server, stopping: threading.Event) -> Iterator[dict]:
    """The reply's chunks: an SSE stream's, or the one whole answer of a server that ignored
    `stream: true` (JSON). Anything else is a ServerError saying so."""
    kind = response.headers.get("content-type", "")
    if "application/json" in kind:
        try:
            data = json.loads(response.read())
            message = data["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ServerError(f"{where(server)} did not answer with a chat reply.") from None
        yield {"choices": [{"delta": message, "finish_reason": data["choices"][0].get("finish_reason")}]}
        yield {"usage": data.get("usage")}
        return
    if "text/event-stream" not in kind:
        raise ServerError(f"{where(server)} did not answer with a chat reply (it sent {kind or 'no type'}).")
    for data in _sse_data(response.iter_lines(), server):
        if stopping.is_set():
            return
        yield data


def _sse_data(lines: Iterator[str], server: Server) -> Iterator[dict]:
    """The JSON objects of an SSE stream's `data:` lines, until `[DONE]`. A line that is not JSON
    ends the reply with a ServerError saying so (what came before it is kept by the caller)."""
    finished = False
    for line in lines:
        if not line or line.startswith(":") or not line.startswith("data:"):
            continue  # keep-alives, comments, event names
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            data = json.loads(payload)
        except ValueError:
            raise ServerError(
                f"{where(server)} sent something that is not part of a chat reply: “{payload[:80]}”."
            ) from None
        if not isinstance(data, dict):
            raise ServerError(f"{where(server)} sent something that is not part of a chat reply.")
        finished = finished or any(c.get("finish_reason") for c in data.get("choices") or () if isinstance(c, dict))
        yield data
    if not finished:  # neither [DONE] nor a finish reason: the connection ended mid-reply
        raise ServerError(f"{where(server)} closed the connection in the middle of its answer.")


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
