"""Bothy's log file (the windowed app has no console)."""

from __future__ import annotations

import logging
import logging.handlers

from assistant import paths

_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def setup_logging(level: int = logging.INFO) -> None:
    """Log to bothy.log in the log folder, rotating at 5 MB; safe to call more than once."""
    root = logging.getLogger()
    target = str(paths.log_path())
    for h in root.handlers:
        if getattr(h, "baseFilename", None) == target:
            return
    handler = logging.handlers.RotatingFileHandler(target, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
