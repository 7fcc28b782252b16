"""Where Bothy keeps its files.

By default the per-user folders from platformdirs. The environment variable BOTHY_HOME moves
everything (database, settings, logs, models, caches) under one folder; the tests always set it.
Every function reads the environment when called, so a test can change BOTHY_HOME at any time.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from assistant import APP_NAME

_ENV = "BOTHY_HOME"


def home() -> Path | None:
    """The BOTHY_HOME override, or None when Bothy uses the platform's folders."""
    value = os.environ.get(_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def _dir(sub: str, platform_path: str) -> Path:
    root = home()
    path = root / sub if root else Path(platform_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    return _dir("data", platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return _dir("config", platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return _dir("logs", platformdirs.user_log_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    return _dir("cache", platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def models_dir() -> Path:
    root = home()
    path = root / "models" if root else data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path() -> Path:
    return data_dir() / "bothy.db"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def log_path() -> Path:
    return log_dir() / "bothy.log"


def shipped_dirs() -> list[Path]:
    """Folders that may hold what Bothy ships in models/ (the starter model, catalog.json), most
    specific first: inside the frozen app, next to its executable, then a source checkout's models/."""
    import sys

    out: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        out.append(Path(meipass) / "models")
    if getattr(sys, "frozen", False):
        out.append(Path(sys.executable).resolve().parent / "models")
    out.append(Path(__file__).resolve().parents[1] / "models")
    return out
