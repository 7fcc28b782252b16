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
from assistant.engine.protocol import KV_CACHE_TYPES, GenerationSettings, LoadSettings

log = logging.getLogger("bothy.settings")

DEFAULT_SYSTEM_PROMPT = "You are Bothy, a helpful assistant running privately on this computer."
THEMES = ("system", "light", "dark")
LANGUAGES = ("system", "en", "zh_CN")


@dataclass
class Settings:
    default_model: str | None = None
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    model_load: dict[str, LoadSettings] = field(default_factory=dict)  # keyed by model path
    theme: str = "system"
    language: str = "system"
    problem: str | None = field(default=None, compare=False)  # set when the file could not be used

    def load_settings_for(self, model_path: str | os.PathLike) -> LoadSettings:
        return self.model_load.get(str(model_path)) or LoadSettings()

    def set_load_settings(self, model_path: str | os.PathLike, settings: LoadSettings) -> None:
        self.model_load[str(model_path)] = settings

    # -- validation ------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ValueError naming the first option that is out of range."""
        g = self.generation
        checks = [
            (0.0 <= g.temperature <= 5.0, "temperature must be between 0 and 5"),
            (0.0 < g.top_p <= 1.0, "top-p must be above 0 and at most 1"),
            (0 <= g.top_k <= 1000, "top-k must be between 0 and 1000"),
            (0.0 <= g.min_p <= 1.0, "min-p must be between 0 and 1"),
            (0.5 <= g.repeat_penalty <= 2.5, "repeat penalty must be between 0.5 and 2.5"),
            (g.max_tokens is None or 1 <= g.max_tokens <= 1_000_000, "maximum reply length must be positive"),
            (g.seed is None or 0 <= g.seed < 2**31, "seed must be between 0 and 2147483647"),
            (self.theme in THEMES, f"theme must be one of {', '.join(THEMES)}"),
            (self.language in LANGUAGES, f"language must be one of {', '.join(LANGUAGES)}"),
        ]
        for path, ls in self.model_load.items():
            checks += [
                (ls.n_ctx is None or 256 <= ls.n_ctx <= 1_048_576, f"context length for {path} is out of range"),
                (ls.n_gpu_layers is None or ls.n_gpu_layers >= -1, f"GPU layers for {path} must be -1 or more"),
                (ls.n_threads is None or 1 <= ls.n_threads <= 512, f"threads for {path} is out of range"),
                (32 <= ls.n_batch <= 8192, f"batch size for {path} is out of range"),
                (ls.kv_cache_type in KV_CACHE_TYPES, f"KV-cache type for {path} is unknown"),
            ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

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
