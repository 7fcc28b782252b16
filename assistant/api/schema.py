"""The OpenAI chat completions API's shapes: reading a request, writing a response, errors.

A request body is checked strictly (types, roles, ranges) and turned into Bothy's ChatRequest; any
problem is an ApiError that becomes an OpenAI-style error body, `{"error": {"message", "type",
"param", "code"}}`, with the right HTTP status. Responses follow the schema the official `openai`
client reads: `chat.completion` and `chat.completion.chunk` objects, `usage`, and a reasoning
model's thinking in `reasoning_content` (as llama.cpp's llama-server sends it).
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.types import ChatMessage, ChatRequest, GenerationSettings

ROLES = ("system", "developer", "user", "assistant")
MAX_STOP = 4


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error", param: str | None = None,
                 code: str | None = None, headers: dict | None = None):  # fmt: skip
        super().__init__(message)
        self.status, self.message, self.kind, self.param, self.code = status, message, kind, param, code
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}}


@dataclass
class Parsed:
    model: str | None
    request: ChatRequest
    stream: bool = False
    include_usage: bool = False
    stop: list[str] = field(default_factory=list)


def _bad(message: str, param: str) -> ApiError:
    return ApiError(400, message, param=param)


def _number(body: dict, name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(f"'{name}' must be a number.", name)
    if not low <= value <= high:
        raise _bad(f"'{name}' must be between {low:g} and {high:g}.", name)
    return float(value)


def _integer(body: dict, name: str, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"'{name}' must be an integer.", name)
    if not low <= value <= high:
        raise _bad(f"'{name}' must be between {low} and {high}.", name)
    return value


def _content(value: Any, index: int) -> str:
    """A message's text: a string, or a list of text parts (other parts are refused)."""
    param = f"messages[{index}].content"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = []
        for part in value:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise _bad("Only text content parts are supported.", param)
            texts.append(part["text"])
        return "".join(texts)
    if value is None:
        return ""
    raise _bad("'content' must be a string or a list of text parts.", param)


def parse_chat(body: Any, defaults: GenerationSettings) -> Parsed:
    """A chat completions request body, checked. Raises ApiError (400) saying what is wrong."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.", None)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _bad("'messages' must be a non-empty list.", "messages")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise _bad("'model' must be a string.", "model")
    system_parts, history = [], []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise _bad("Each message must be an object.", f"messages[{index}]")
        role = message.get("role")
        if role not in ROLES:
            raise _bad(f"Unknown role {role!r}: use system, user or assistant.", f"messages[{index}].role")
        text = _content(message.get("content"), index)
        if role in ("system", "developer"):
            system_parts.append(text)
        else:
            history.append(ChatMessage(role, text))
    if not history or history[-1].role != "user":
        raise _bad("The last message must be the user's.", "messages")
    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    if stop is None:
        stop = []
    if not isinstance(stop, list) or len(stop) > MAX_STOP or not all(isinstance(s, str) and s for s in stop):
        raise _bad(f"'stop' must be a string or a list of up to {MAX_STOP} strings.", "stop")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _bad("'stream' must be true or false.", "stream")
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise _bad("'stream_options' must be an object.", "stream_options")
    max_tokens = _integer(body, "max_completion_tokens", 1, 1_000_000) or _integer(body, "max_tokens", 1, 1_000_000)
    temperature = _number(body, "temperature", 0.0, 2.0)
    top_p = _number(body, "top_p", 0.0, 1.0)
    seed = _integer(body, "seed", -(2**63), 2**63 - 1)
    settings = GenerationSettings(
        temperature=defaults.temperature if temperature is None else temperature,
        top_p=defaults.top_p if top_p is None else top_p,
        top_k=defaults.top_k,
        min_p=defaults.min_p,
        repeat_penalty=defaults.repeat_penalty,
        max_tokens=max_tokens or defaults.max_tokens,
        seed=None if seed is None else seed % 2**31,
    )
    request = ChatRequest(history, system_prompt="\n\n".join(system_parts) or None, settings=settings)
    return Parsed(model, request, stream, bool(options.get("include_usage")), stop)


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def chunk(cid: str, model: str, created: int, delta: dict, finish: str | None = None) -> dict:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def completion(cid: str, model: str, text: str, thinking: str, finish: str, prompt: int, reply: int) -> dict:
    message: dict = {"role": "assistant", "content": text}
    if thinking:
        message["reasoning_content"] = thinking
    return {
        "id": cid,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": usage(prompt, reply),
    }


def finish_reason(engine_reason: str) -> str:
    return "length" if engine_reason == "length" else "stop"
