"""The HTTP side of Bothy's local API: a Starlette app with `GET /v1/models` and
`POST /v1/chat/completions`, and the checks every request passes first.

- The API key (`Authorization: Bearer KEY`): none or a wrong one is a 401 with an OpenAI-style body.
- `Host` must name the address Bothy listens on, so a web page cannot reach it by DNS rebinding.
- A browser request from another origin (an `Origin` header) is refused unless that origin is
  listed in the settings; there is never a permissive `*`.
- A body over MAX_BODY bytes is refused as it arrives (413), without reading the rest.
Nothing in a request is written anywhere, unless the person chose to keep API conversations
(`keeper`: local_models.ConversationKeeper).

A request's `model` may name the loaded model or another local one (local_models.py); that one is
loaded first when the person allowed it (`allow_loading`), else the client is told how to allow it.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import time
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from assistant.api import schema
from assistant.api.gate import EngineGate
from assistant.api.local_models import ConversationKeeper, LocalModels, names_of
from assistant.api.schema import ApiError
from assistant.api.stops import StopFilter
from assistant.engine.types import GenerationSettings, ModelRef
from assistant.errors import ContextOverflowError, UserFacingError

MAX_BODY = 4 * 1024 * 1024  # bytes: far more than any chat's text, far less than a memory problem


@dataclass
class ApiConfig:
    api_key: str
    hosts: set[str]  # "127.0.0.1:8765", "localhost:8765", …
    origins: set[str] = field(default_factory=set)  # browser origins allowed, e.g. "http://localhost:5173"
    defaults: GenerationSettings = field(default_factory=GenerationSettings)
    local_models: LocalModels | None = None  # the other local models, for /v1/models and `model`
    allow_loading: bool = False  # a request may load another local model (Settings > Local server)
    keeper: ConversationKeeper | None = None  # keeps answered requests as conversations, when chosen


def create_app(gate: EngineGate, config: ApiConfig) -> Starlette:
    async def models(request: Request) -> Response:
        _check(request, config)
        loaded = gate.engine.loaded
        data = []
        if loaded is not None:
            data.append(_model_entry(loaded.model.label, loaded.n_ctx))
        others = await asyncio.to_thread(config.local_models.all) if config.local_models else []
        for model in others:
            if loaded is None or model.ref.key != loaded.model.key:
                data.append(_model_entry(model.name, model.context_length))
        return JSONResponse({"object": "list", "data": data})

    async def chat(request: Request) -> Response:
        _check(request, config)
        body = await _read_json(request)
        parsed = schema.parse_chat(body, config.defaults)
        switch_to = await _model_to_load(parsed.model, gate.engine.loaded, config)
        generation = await gate.run(parsed.request, switch_to=switch_to)
        kind, value = await generation.events.get()  # counted first, with the engine held
        if kind == "error":
            raise _engine_error(value)
        prompt, model = value
        keep = None
        if config.keeper is not None:
            keep = functools.partial(config.keeper.keep, parsed.request, model=model)
        if parsed.stream:
            return StreamingResponse(
                _stream(generation, parsed, model.label, prompt, keep),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache"},
            )
        return JSONResponse(await _whole(generation, parsed, model.label, prompt, keep))

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(ApiError(404, f"There is no {request.url.path} here.", code="not_found"))

    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(exc)

    # Browser-based clients: only the origins the person listed get CORS headers (and preflights);
    # never "*". Other origins are refused in _check as well.
    cors = Middleware(
        CORSMiddleware,
        allow_origins=sorted(config.origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )
    return Starlette(
        routes=[Route("/v1/models", models), Route("/v1/chat/completions", chat, methods=["POST"])],
        exception_handlers={404: not_found, ApiError: api_error},
        middleware=[cors],
    )


async def _model_to_load(name: str | None, loaded, config: ApiConfig) -> ModelRef | None:
    """The local model a request names when it is not the loaded one (None: answer with the loaded
    one). ApiError when there is no such model or loading one is not allowed."""
    if not name or (loaded is not None and name in names_of(loaded.model)):
        if loaded is None:
            raise ApiError(503, "No model is loaded in Bothy.", kind="server_error", code="model_not_loaded")
        return None
    models = await asyncio.to_thread(config.local_models.all) if config.local_models else []
    found = next((model for model in models if name in names_of(model.ref)), None)
    if found is None:
        names = sorted({model.name for model in models} | ({loaded.model.label} if loaded else set()))
        listed = f" (Bothy has: {', '.join(names)})" if names else ""
        raise ApiError(404, f"There is no model “{name}” in Bothy{listed}.", code="model_not_found")
    if not config.allow_loading:
        now = f"; {loaded.model.label} is loaded" if loaded is not None else ""
        raise ApiError(
            403,
            f"Bothy may not load “{name}” for other apps{now}. To allow it, switch on "
            "“Let apps load other models” in Bothy's Settings > Local server (or start `bothy serve` with "
            "--allow-loading).",
            kind="permission_error",
            code="model_loading_not_allowed",
        )
    return found.ref


def _model_entry(name: str, n_ctx: int | None) -> dict:
    entry = {"id": name, "object": "model", "created": 0, "owned_by": "bothy"}
    if n_ctx:
        entry["context_length"] = n_ctx
    return entry


def _error(exc: ApiError) -> Response:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def _check(request: Request, config: ApiConfig) -> None:
    host = request.headers.get("host", "")
    if host not in config.hosts:
        raise ApiError(400, "This address is not Bothy's.", code="bad_host")
    origin = request.headers.get("origin")
    if origin is not None and origin not in config.origins:
        raise ApiError(403, f"Requests from {origin} are not allowed (Settings > Local server lists the allowed ones).",
                       kind="permission_error", code="origin_not_allowed")  # fmt: skip
    given = request.headers.get("authorization", "")
    key = given[7:] if given.lower().startswith("bearer ") else ""
    if not hmac.compare_digest(key.encode(), config.api_key.encode()):
        raise ApiError(401, "Incorrect or missing API key: send Bothy's key as 'Authorization: Bearer KEY'.",
                       kind="authentication_error", code="invalid_api_key")  # fmt: skip


async def _read_json(request: Request):
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
        raise ApiError(413, f"The request is larger than {MAX_BODY // 2**20} MB.", code="request_too_large")
    data = bytearray()
    async for piece in request.stream():
        data += piece
        if len(data) > MAX_BODY:
            raise ApiError(413, f"The request is larger than {MAX_BODY // 2**20} MB.", code="request_too_large")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body is not JSON.", code="invalid_json") from None


def _engine_error(exc: BaseException) -> ApiError:
    if isinstance(exc, ContextOverflowError):
        return ApiError(400, str(exc), code="context_length_exceeded")
    if isinstance(exc, UserFacingError):
        return ApiError(500, str(exc), kind="server_error")
    return ApiError(500, "Something went wrong inside Bothy (the details are in its log).", kind="server_error")


async def _events(generation, stops: StopFilter):
    """(kind, text) pieces: ("thinking", …), ("text", …), then ("done", reply)."""
    while True:
        kind, value = await generation.events.get()
        if kind == "text":
            if value.thinking:
                yield "thinking", value.text
                continue
            safe = stops.feed(value.text)
            if safe:
                yield "text", safe
            if stops.hit:
                generation.stop()
                continue
        elif kind == "done":
            rest = stops.flush()
            if rest:
                yield "text", rest
            yield "done", value
            return
        else:
            raise _engine_error(value)


async def _whole(generation, parsed, model: str, prompt: int, keep) -> dict:
    stops = StopFilter(parsed.stop)
    text, thinking, reply = [], [], None
    try:
        async for kind, value in _events(generation, stops):
            if kind == "text":
                text.append(value)
            elif kind == "thinking":
                thinking.append(value)
            else:
                reply = value
    finally:
        if reply is None:
            generation.stop()
    stats = reply.stats
    finish = "stop" if stops.hit else schema.finish_reason(stats.finish_reason if stats else "stop")
    tokens = stats.reply_tokens if stats else 0
    if keep is not None:
        await asyncio.to_thread(keep, "".join(text), reply)
    return schema.completion(
        schema.completion_id(),
        model,
        "".join(text),
        "".join(thinking),
        finish,
        stats.prompt_tokens if stats else prompt,
        tokens,
    )


async def _stream(generation, parsed, model: str, prompt: int, keep):
    cid, created = schema.completion_id(), int(time.time())
    stops = StopFilter(parsed.stop)
    finished = False
    sent = []
    try:
        yield _sse(schema.chunk(cid, model, created, {"role": "assistant", "content": ""}))
        try:
            async for kind, value in _events(generation, stops):
                if kind == "text":
                    sent.append(value)
                    yield _sse(schema.chunk(cid, model, created, {"content": value}))
                elif kind == "thinking":
                    yield _sse(schema.chunk(cid, model, created, {"reasoning_content": value}))
                else:
                    stats = value.stats
                    finish = "stop" if stops.hit else schema.finish_reason(stats.finish_reason if stats else "stop")
                    yield _sse(schema.chunk(cid, model, created, {}, finish))
                    if parsed.include_usage and stats is not None:
                        last = schema.chunk(cid, model, created, {})
                        last["choices"] = []
                        last["usage"] = schema.usage(stats.prompt_tokens, stats.reply_tokens)
                        yield _sse(last)
                    if keep is not None:
                        await asyncio.to_thread(keep, "".join(sent), value)
        except ApiError as exc:  # the reply failed after the stream began: say so in the stream
            yield _sse(exc.body())
        yield "data: [DONE]\n\n"
        finished = True
    finally:
        if not finished:
            generation.stop()  # the client went away: stop generating within a token or two


def _sse(data: dict) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
