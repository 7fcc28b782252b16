"""llama.cpp's own log lines, routed into Python logging (and so into Bothy's log file)."""

from __future__ import annotations

import ctypes
import logging


class LlamaLog:
    """Installs a llama.cpp log callback that logs whole lines, and keeps the recent error lines."""

    LEVELS = {1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}  # ggml_log_level; 5 continues

    def __init__(self, llama_cpp):
        self._buffer = ""
        self._level = logging.INFO
        self._logger = logging.getLogger("llama.cpp")
        self.errors: list[str] = []  # llama.cpp's recent error lines, to explain a failed load

        @llama_cpp.llama_log_callback
        def callback(level, text, user_data):
            try:
                self.write(level, text.decode("utf-8", errors="replace"))
            except Exception:  # a log callback must never raise into C
                pass

        self._callback = callback  # kept alive as long as llama.cpp may call it
        llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))

    def write(self, level: int, text: str) -> None:
        if level != 5:  # 5 continues the previous line
            self._level = self.LEVELS.get(level, logging.INFO)
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip() and self._level > logging.DEBUG:
                self._logger.log(self._level, line)
                if self._level >= logging.ERROR:
                    self.errors = [*self.errors[-4:], line.strip()]


def explain(errors: list[str], exc: Exception) -> str:
    """The most telling of llama.cpp's own error lines, for people."""
    for line in reversed(errors):
        _, _, reason = line.partition(": ")
        reason = (reason or line).strip().rstrip(".")
        reason = reason.removeprefix("error loading model: ").removeprefix("error loading model architecture: ")
        if reason and "failed to load model" not in reason.lower():
            return reason
    return str(exc).rstrip(".") or type(exc).__name__
