"""User settings: declarative options with defaults, validation and atomic saves.

The file is JSON in the user config folder. A corrupt or unreadable file is reported (the
`problem` attribute says what happened) and replaced by defaults, never a crash; the damaged
file is kept beside it as settings.json.bad.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from assistant import paths
from assistant.engine.types import KV_CACHE_TYPES, GenerationSettings, LoadSettings

log = logging.getLogger("bothy.settings")

DEFAULT_SYSTEM_PROMPT = "You are Bothy, a helpful assistant running privately on this computer."
THEMES = ("system", "light", "dark")
LANGUAGES = ("system", "en", "zh_CN")
MEMORY_POLICIES = ("summarize", "window", "ask")  # see assistant/conversation_memory.py


@dataclass(frozen=True)
class Range:
    """The allowed values of a number option: validation and the Settings widgets both read it.

    `optional`: None is allowed too (shown as "Automatic", "No limit", "Random"...).
    `above_low`: the low end itself is not allowed (0 < top-p).
    """

    low: float
    high: float
    step: float = 1
    decimals: int = 0
    optional: bool = False
    above_low: bool = False

    def allows(self, value) -> bool:
        if value is None:
            return self.optional
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return (self.low < value if self.above_low else self.low <= value) and value <= self.high

    def describe(self) -> str:
        low, high = (f"{x:g}" if self.decimals else f"{int(x)}" for x in (self.low, self.high))
        return f"above {low} and at most {high}" if self.above_low else f"between {low} and {high}"


GENERATION_RANGES: dict[str, tuple[str, Range]] = {
    "temperature": ("temperature", Range(0.0, 5.0, 0.05, 2)),
    "top_p": ("top-p", Range(0.0, 1.0, 0.01, 2, above_low=True)),
    "top_k": ("top-k", Range(0, 1000)),
    "min_p": ("min-p", Range(0.0, 1.0, 0.01, 2)),
    "repeat_penalty": ("repeat penalty", Range(0.5, 2.5, 0.05, 2)),
    "max_tokens": ("maximum reply length", Range(1, 1_000_000, optional=True)),
    "seed": ("seed", Range(0, 2**31 - 1, optional=True)),
}
LOAD_RANGES: dict[str, tuple[str, Range]] = {
    "n_ctx": ("context length", Range(256, 1_048_576, 1024, optional=True)),
    "n_gpu_layers": ("GPU layers", Range(-1, 100_000, optional=True)),
    "n_threads": ("threads", Range(1, 512, optional=True)),
    "n_batch": ("batch size", Range(32, 8192, 32)),
}


@dataclass
class Settings:
    default_model: str | None = None
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    model_load: dict[str, LoadSettings] = field(default_factory=dict)  # keyed by model path
    theme: str = "system"
    language: str = "system"
    memory_policy: str = "summarize"  # when a conversation outgrows the context; a chat may override it
    api_key: str | None = None  # the local API's key (assistant/api), made when it is first switched on
    api_port: int | None = None  # the local API's port (None: 8765)
    api_enabled: bool = False  # serve the loaded model to other apps (off until the person switches it on)
    api_lan: bool = False  # listen on the local network too (the key is still needed)
    api_origins: list[str] = field(default_factory=list)  # browser origins allowed to call it
    api_allow_loading: bool = False  # a request naming another local model may load it
    api_keep_conversations: bool = False  # keep API conversations (the sidebar's "API" group)
    first_run_dismissed: bool = False  # "Not now" on the starter model's suggestions (ui/first_run.py)
    download_source: str = "hf"  # where models come from: "hf", "mirror" or "modelscope" (library/sources.py)
    download_endpoint: str | None = None  # the mirror's (or another source's) address
    embedding_model: str | None = None  # a GGUF path: documents are also found by meaning (assistant/docs)
    problem: str | None = field(default=None, compare=False)  # set when the file could not be used

    def load_settings_for(self, model_path: str | os.PathLike) -> LoadSettings:
        return self.model_load.get(str(model_path)) or LoadSettings()

    def set_load_settings(self, model_path: str | os.PathLike, settings: LoadSettings) -> None:
        self.model_load[str(model_path)] = settings

    # -- validation ------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ValueError naming the first option that is out of range."""
        for name, (label, allowed) in GENERATION_RANGES.items():
            if not allowed.allows(getattr(self.generation, name)):
                raise ValueError(f"{label} must be {allowed.describe()}")
        for path, ls in self.model_load.items():
            for name, (label, allowed) in LOAD_RANGES.items():
                if not allowed.allows(getattr(ls, name)):
                    raise ValueError(f"{label} for {path} must be {allowed.describe()}")
            if ls.kv_cache_type not in KV_CACHE_TYPES:
                raise ValueError(f"KV-cache type for {path} is unknown")
        if self.theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        if self.memory_policy not in MEMORY_POLICIES:
            raise ValueError(f"memory policy must be one of {', '.join(MEMORY_POLICIES)}")
        if self.api_port is not None and not (isinstance(self.api_port, int) and 1024 <= self.api_port <= 65535):
            raise ValueError("the local server's port must be between 1024 and 65535")
        if not isinstance(self.api_origins, list) or not all(isinstance(o, str) for o in self.api_origins):
            raise ValueError("the local server's allowed origins must be a list of addresses")

    # -- files -----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "problem"}
        data["generation"] = asdict(self.generation)
        data["model_load"] = {k: asdict(v) for k, v in self.model_load.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Settings:
        if not isinstance(data, dict):
            raise ValueError("the file does not hold a JSON object")
        known = {f.name for f in fields(cls)} - {"problem", "generation", "model_load"}
        s = cls(**{k: v for k, v in data.items() if k in known})
        s.generation = GenerationSettings.from_dict(data.get("generation"))
        s.model_load = {str(k): LoadSettings.from_dict(v) for k, v in (data.get("model_load") or {}).items()}
        s.validate()
        return s

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or paths.settings_path()
        if not path.exists():
            return cls()
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            bad = path.with_name(path.name + ".bad")
            try:
                os.replace(path, bad)
                where = f" The old file was kept as {bad}."
            except OSError:
                where = ""
            log.warning("settings file %s unusable: %s", path, exc)
            s = cls()
            s.problem = f"Your settings could not be read ({exc}), so the defaults are used.{where}"
            return s

    def save(self, path: Path | None = None) -> None:
        """Write atomically: a crash mid-save leaves the previous file intact."""
        self.validate()
        path = path or paths.settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.to_dict(), f, indent=2, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
