"""The model engine: llama.cpp in its own process, and the client the CLI and GUI use."""

from assistant.engine.client import Engine, Reply
from assistant.engine.protocol import (
    KV_CACHE_TYPES,
    BackendInfo,
    ContextInfo,
    GenerationSettings,
    LoadedModel,
    LoadSettings,
    ReplyStats,
)

__all__ = [
    "KV_CACHE_TYPES",
    "BackendInfo",
    "ContextInfo",
    "Engine",
    "GenerationSettings",
    "LoadSettings",
    "LoadedModel",
    "Reply",
    "ReplyStats",
]
