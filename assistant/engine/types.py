"""What travels between the engine client and the engine process: plain, picklable data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

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

    path: str
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


@dataclass
class ReplyStats:
    """Figures for one reply."""

    prompt_tokens: int = 0  # tokens in the whole prompt
    prompt_eval_tokens: int = 0  # of those, how many had to be processed (the rest came from the KV cache)
    reply_tokens: int = 0
    ttft_ms: float = 0.0  # time to first token, from the request to the first text
    tokens_per_s: float = 0.0  # reply tokens per second after the first token
    total_ms: float = 0.0
    finish_reason: str = "stop"  # stop, length, cancelled, error
    seed: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ContextInfo:
    """How much of the conversation the model sees this turn."""

    n_ctx: int
    prompt_tokens: int
    reserve: int
    history_total: int
    history_in_context: int

    @property
    def dropped(self) -> int:
        return self.history_total - self.history_in_context

    @property
    def fill(self) -> float:
        return self.prompt_tokens / self.n_ctx if self.n_ctx else 0.0
