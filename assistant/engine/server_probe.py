"""What an OpenAI-compatible server is and what it serves: "Test connection", and what RemoteEngine
learns before its first chat.

Every such server lists its models at `GET /v1/models`. Beyond that each says more in its own way:
- llama.cpp's llama-server: `GET /props` (its context length, `n_ctx`), `POST /tokenize`;
- llama-cpp-python's server: `POST /extras/tokenize`;
- vLLM: `max_model_len` on each model of `/v1/models`;
- Ollama: `GET /api/version`, and the context length in `POST /api/show`'s model_info;
- LM Studio: `GET /api/v0/models` with `max_context_length` (and `loaded_context_length`).
What a server does not say, the person's setting (Server.context) fills in.

Errors become ServerError with the server's name and what happened, in words: refused, not found
by DNS, a certificate problem, a timeout, a wrong key (401/403), an unknown model (404), too many
requests (429), or the server's own message for a 5xx.
"""

from __future__ import annotations

import json
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from assistant.errors import UserFacingError
from assistant.servers import Server


class ServerError(UserFacingError):
    """A server could not be used: the message names it and says what happened."""


@dataclass
class ServedModel:
    id: str
    n_ctx: int | None = None


@dataclass
class ServerInfo:
    kind: str  # "llama-server", "llama-cpp-python", "vLLM", "Ollama", "LM Studio", or "OpenAI-compatible"
    models: list[ServedModel] = field(default_factory=list)
    link_ms: float | None = None  # how long `GET /models` took: the link's round trip, near enough
    tokenize: str | None = None  # the path of a tokenize endpoint, when there is one
    tokenize_field: str = "content"  # its request's text field

    def context_of(self, model_id: str) -> int | None:
        return next((m.n_ctx for m in self.models if m.id == model_id), None)


def root_of(url: str) -> str:
    """The server's root, where its own endpoints live (/props, /api/...): the URL without /v1."""
    return url[: -len("/v1")] if url.endswith("/v1") else url


def where(server: Server) -> str:
    return f"The server “{server.name}” ({server.url})"


def client_for(server: Server, api_key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    timeout = httpx.Timeout(connect=server.connect_timeout, read=server.first_token_timeout, write=30.0, pool=10.0)
    verify = ssl.create_default_context(cafile=server.verify) if isinstance(server.verify, str) else server.verify
    return httpx.Client(headers=headers, timeout=timeout, verify=verify, trust_env=False)


def explain(server: Server, exc: BaseException, *, model: str | None = None) -> ServerError:
    """A failure talking to `server`, in words, naming the server."""
    place = where(server)
    if isinstance(exc, httpx.HTTPStatusError):
        return _status_error(place, exc.response, model)
    if isinstance(exc, httpx.ConnectTimeout):
        return ServerError(f"{place} did not accept the connection within {server.connect_timeout:g} s.")
    if isinstance(exc, httpx.ReadTimeout):
        return ServerError(
            f"{place} accepted the request but sent nothing for {server.first_token_timeout:g} s.",
            hint="It may be busy or stuck; the waiting time is in the server's settings.",
        )
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
            return ServerError(
                f"{place} has a TLS certificate this computer does not trust ({_short(text)}).",
                hint="If it is your own server's certificate, trust that certificate file in the server's settings.",
            )
        if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
            return ServerError(f"{place} could not be found: its name does not resolve (DNS).")
        if "refused" in text.lower():
            return ServerError(f"{place} refused the connection: nothing is listening there.", hint="Is it running?")
        return ServerError(f"{place} could not be reached ({_short(text)}).")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return ServerError(f"{place} closed the connection in the middle of its answer.")
    if isinstance(exc, httpx.HTTPError):
        return ServerError(f"{place} failed: {_short(str(exc)) or type(exc).__name__}.")
    return ServerError(f"{place} failed: {type(exc).__name__}.")


def _status_error(where: str, response: httpx.Response, model: str | None) -> ServerError:
    status = response.status_code
    said = server_message(response)
    said_part = f": “{said}”" if said else ""
    if status in (401, 403):
        return ServerError(f"{where} refused the API key ({status}){said_part}.", hint="Check the key in Settings.")
    if status == 404:
        what = f"does not know the model “{model}”" if model else "has no such endpoint"
        return ServerError(f"{where} {what} (404){said_part}.")
    if status == 429:
        return ServerError(f"{where} says there are too many requests (429){said_part}.", hint="Wait and try again.")
    if status >= 500:
        return ServerError(f"{where} had an error ({status}){said_part}.")
    return ServerError(f"{where} refused the request ({status}){said_part}.")


def server_message(response: httpx.Response) -> str:
    """The server's own error message, from its JSON body (or its text)."""
    try:
        response.read()
        body = response.json()
    except (ValueError, httpx.HTTPError, json.JSONDecodeError):
        try:
            return _short(response.text)
        except Exception:
            return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return _short(str(error.get("message") or error))
    if isinstance(error, str):
        return _short(error)
    if isinstance(body, dict) and body.get("detail"):
        return _short(str(body["detail"]))
    return ""


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def probe(server: Server, client: httpx.Client) -> ServerInfo:
    """Ask the server what it is and what it serves. Raises ServerError when its model list fails."""
    try:
        started = time.monotonic()
        response = client.get(f"{server.url}/models")
        link_ms = (time.monotonic() - started) * 1000
        response.raise_for_status()
        listed = response.json()
    except httpx.HTTPError as exc:
        raise explain(server, exc) from None
    except ValueError:
        raise ServerError(f"The server “{server.name}” ({server.url}) did not answer with JSON.") from None
    models = [
        ServedModel(str(item["id"]), _int(item.get("max_model_len")))
        for item in (listed.get("data") or [] if isinstance(listed, dict) else [])
        if isinstance(item, dict) and item.get("id")
    ]
    info = ServerInfo("OpenAI-compatible", models, link_ms=link_ms)
    root = root_of(server.url)
    props = _get_json(client, f"{root}/props")
    if isinstance(props, dict) and ("default_generation_settings" in props or "n_ctx" in props):
        info.kind = "llama-server"
        n_ctx = _int(props.get("n_ctx")) or _int((props.get("default_generation_settings") or {}).get("n_ctx"))
        for model in info.models:
            model.n_ctx = model.n_ctx or n_ctx
        info.tokenize = f"{root}/tokenize"
    elif any(m.n_ctx for m in info.models):
        info.kind = "vLLM"
    elif isinstance(_get_json(client, f"{root}/api/version"), dict):
        info.kind = "Ollama"
        for model in info.models:
            model.n_ctx = _ollama_context(client, root, model.id)
    else:
        lm = _get_json(client, f"{root}/api/v0/models")
        if isinstance(lm, dict) and isinstance(lm.get("data"), list):
            info.kind = "LM Studio"
            contexts = {
                d.get("id"): _int(d.get("loaded_context_length") or d.get("max_context_length"))
                for d in lm["data"]
                if isinstance(d, dict)
            }
            for model in info.models:
                model.n_ctx = contexts.get(model.id)
        elif _post_ok(client, f"{root}/extras/tokenize", {"input": "hi"}):
            info.kind = "llama-cpp-python"
            info.tokenize, info.tokenize_field = f"{root}/extras/tokenize", "input"
    return info


def _get_json(client: httpx.Client, url: str) -> Any:
    try:
        response = client.get(url, timeout=5.0)
        return response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


def _post_ok(client: httpx.Client, url: str, body: dict) -> bool:
    try:
        return client.post(url, json=body, timeout=5.0).status_code == 200
    except httpx.HTTPError:
        return False


def _ollama_context(client: httpx.Client, root: str, model: str) -> int | None:
    try:
        info = client.post(f"{root}/api/show", json={"model": model}, timeout=5.0).json().get("model_info") or {}
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return next((_int(v) for k, v in info.items() if k.endswith(".context_length")), None)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
