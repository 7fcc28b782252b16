"""The model engine: the Engine protocol the app talks to, and LocalEngine (llama.cpp in its own process)."""

from assistant.engine.base import Engine, Reply
from assistant.engine.local import LocalEngine
from assistant.engine.types import (
    KV_CACHE_TYPES,
    BackendInfo,
    Capabilities,
    ChatMessage,
    ChatRequest,
    ContextBlock,
    ContextInfo,
    GenerationSettings,
    LoadedModel,
    LoadSettings,
    ModelRef,
    ReplyStats,
)

__all__ = [
    "KV_CACHE_TYPES",
    "BackendInfo",
    "Capabilities",
    "ChatMessage",
    "ChatRequest",
    "ContextBlock",
    "ContextInfo",
    "Engine",
    "GenerationSettings",
    "LoadSettings",
    "LoadedModel",
    "LocalEngine",
    "ModelRef",
    "Reply",
    "ReplyStats",
]
