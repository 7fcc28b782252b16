"""The engine's vocabulary: model references, requests, settings, and what comes back.

Plain, picklable dataclasses: the same objects are used by every engine and travel over the pipe to
the local engine process (see pipe.py).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Literal

KV_CACHE_TYPES = ("f16", "q8_0", "q4_0")
DEFAULT_MAX_CONTEXT = 8192


@dataclass
class LoadSettings:
    """How a model is loaded. None means: choose for this model and machine."""

    n_ctx: int | None = None  # None: the model's trained context, capped at 8192
    n_gpu_layers: int | None = None  # None: all when the build can offload to a GPU, else 0; -1: all
    n_threads: int | None = None  # None: llama.cpp's default (the physical cores)
    n_batch: int = 512
    flash_attn: bool = False
    kv_cache_type: str = "f16"
    chat_template: str | None = None  # a name from assistant.models.templates.KNOWN_TEMPLATES

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> LoadSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})


@dataclass
class GenerationSettings:
    """How a reply is sampled. `seed=None` picks a random seed, which is then recorded."""

    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int | None = 1024
    seed: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> GenerationSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})


@dataclass(frozen=True)
class ModelRef:
    """Which model, run by which engine: a GGUF file here today, a model on a server tomorrow.

    `key` is the stable text form stored with replies and in settings ("local:/path/to/model.gguf").
    """

    engine: str = "local"  # "local": llama.cpp on this computer
    path: str | None = None  # a local GGUF file
    name: str | None = None  # a model's name where the engine serves several (a server)

    @classmethod
    def local(cls, path: str | os.PathLike) -> ModelRef:
        return cls(engine="local", path=str(Path(path)))

    @classmethod
    def parse(cls, key: str) -> ModelRef:
        """The reference for a stored `key`; a bare path (older settings files) means a local file."""
        engine, sep, rest = key.partition(":")
        if not sep or not rest or len(engine) < 2 or not engine.isidentifier():  # a path, maybe C:\\...
            return cls.local(key)
        return cls.local(rest) if engine == "local" else cls(engine=engine, name=rest)

    @property
    def key(self) -> str:
        return f"{self.engine}:{self.path if self.engine == 'local' else self.name}"

    @property
    def label(self) -> str:
        """A short name for people: the file's name without .gguf, or the model's name."""
        if self.path:
            return Path(self.path).stem
        return self.name or self.engine

    @property
    def file_name(self) -> str | None:
        return Path(self.path).name if self.path else None

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class ContextBlock:
    """Extra text for the model beyond the conversation (memory notes, summaries, documents: later)."""

    kind: str
    text: str


@dataclass
class ChatRequest:
    """One reply to ask for: the conversation so far (oldest first, ending with the user's message)."""

    history: list[ChatMessage]
    system_prompt: str | None = None
    settings: GenerationSettings = field(default_factory=GenerationSettings)
    conversation_key: str | None = None  # lets an engine keep this conversation's state (KV cache)
    context_blocks: list[ContextBlock] = field(default_factory=list)

    @classmethod
    def of(cls, history, settings: GenerationSettings | None = None, **kwargs) -> ChatRequest:
        """From dicts or ChatMessages with role and content (a convenience for callers and tests)."""
        messages = [m if isinstance(m, ChatMessage) else ChatMessage(m["role"], m["content"]) for m in history]
        return cls(messages, settings=settings or GenerationSettings(), **kwargs)


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do beyond streaming a reply."""

    tokenize: bool = False  # count tokens exactly (else callers estimate)
    kv_snapshots: bool = False  # keeps conversations' KV state, so coming back costs nothing
    gpu_layers: bool = False  # the person can choose how many layers run on a GPU
    embeddings: bool = False


@dataclass
class BackendInfo:
    """What the installed llama.cpp build can do on this machine."""

    backend: str  # "CPU", "CUDA", "Metal", "Vulkan", ...
    gpu_offload: bool
    llama_cpp_python: str
    system_info: str = ""
    devices: list[str] = field(default_factory=list)


@dataclass
class LoadedModel:
    """A model the engine has loaded, and how it runs."""

    model: ModelRef
    engine: str  # which engine runs it, for people and for the replies' record: "llama.cpp"
    n_ctx: int
    n_ctx_train: int
    n_gpu_layers: int
    n_layers: int
    n_threads: int
    flash_attn: bool
    kv_cache_type: str
    template_name: str
    template_source: str  # "embedded", "guessed" or "user"
    template_reason: str
    load_seconds: float
    backend: BackendInfo
    base_model_note: str | None = None  # set when the model looks like a base (not a chat) model
    link_ms: float | None = None  # a server's model: how long the server took to list its models

    @property
    def name(self) -> str:
        return self.model.label


@dataclass
class ReplyStats:
    """Figures for one reply."""

    prompt_tokens: int = 0  # tokens in the whole prompt
    prompt_eval_tokens: int = 0  # of those, how many had to be processed (the rest came from the KV cache)
    reply_tokens: int = 0
    generated_tokens: int = 0  # tokens the model generated: the reply's and an end-of-generation token
    ttft_ms: float = 0.0  # time to first token, from the request to the first text
    tokens_per_s: float = 0.0  # generated tokens per second after the first one (llama.cpp's measure)
    total_ms: float = 0.0
    finish_reason: str = "stop"  # stop, length, cancelled, error
    seed: int | None = None
    memory_tokens: int = 0  # of prompt_eval_tokens, those processed for memory (summaries) since the last turn
    decode_ms: float = 0.0  # local engine: of the time after the first token, how much llama_decode took

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ContextInfo:
    """How much of the conversation the model sees this turn, and what fills its context.

    Messages are counted among those the model could see (user messages and replies with text).
    Those before the window are either summarized (a summary stands for them), dropped (left out
    with no summary) or, when pinned, sent anyway in the system message.
    """

    n_ctx: int
    prompt_tokens: int
    reserve: int  # kept free for the reply
    history_total: int
    history_in_context: int  # in the window of recent messages
    summarized: int = 0
    dropped: int = 0
    pinned: int = 0  # pinned messages from before the window, sent in the system message
    notes: int = 0  # memory notes sent
    system_tokens: int = 0  # the system prompt and the memory notes
    summary_tokens: int = 0
    pinned_tokens: int = 0
    documents_tokens: int = 0  # passages of the person's documents given with the question
    passages: int = 0
    moved: bool = False  # the window moved forward on this turn (a new summary, or messages left out)

    @property
    def recent_tokens(self) -> int:
        """The window of recent messages (with the chat template's markup)."""
        parts = self.system_tokens + self.summary_tokens + self.pinned_tokens + self.documents_tokens
        return max(0, self.prompt_tokens - parts)

    @property
    def fill(self) -> float:
        return self.prompt_tokens / self.n_ctx if self.n_ctx else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "recent_tokens": self.recent_tokens}
