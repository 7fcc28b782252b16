"""The engine process's start: logging to Bothy's log, dying with the app, then the worker loop.

`main` is the target of the spawned process (LocalEngine starts it). It never returns an error to a
caller: a worker that cannot start says so over the pipe, and the process ends.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import time
import traceback

from assistant.engine import pipe

log = logging.getLogger("bothy.engine")


def _setup_logging(log_file: str | None) -> None:
    """Send everything the process writes, native llama.cpp output included, to Bothy's log."""
    if not log_file:
        return
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s engine[%(process)d] %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # Native code and stray prints go to the same file (a windowed app has no console).
    fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for target in (1, 2):
        try:
            os.dup2(fd, target)
        except OSError:
            pass
    os.close(fd)
    stream = open(log_file, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr = stream
    faulthandler.enable(stream)  # a native crash leaves its Python stack in the log


def _die_with_parent() -> None:
    """End this process soon after the app dies, even by kill -9 in the middle of a long prompt.

    A thread watches the parent's pid (PR_SET_PDEATHSIG would tie the engine's life to the thread
    that started it, not to the app).
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(conn, stop_flag, log_file: str | None) -> None:
    """Entry point of the engine process (multiprocessing, spawn)."""
    _die_with_parent()
    _setup_logging(log_file)
    # llama.cpp's OpenMP threads spin while they wait by default. On a desktop the cores are shared
    # (a browser, the app's own GUI): spinning threads then fight each other, and measured here on
    # a busy 2-core machine generation fell from 46 to 1 token/s with 2 threads. Passive waiting
    # costs little when the machine is idle. Read by libgomp when llama_cpp is first imported.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        from assistant.engine.worker import Worker

        worker = Worker(conn, stop_flag, faults_allowed=os.environ.get("BOTHY_TEST_FAULTS") == "1")
    except Exception as exc:
        log.error("engine could not start:\n%s", traceback.format_exc())
        conn.send(pipe.ErrorEvent("UserFacingError", f"The model engine could not start ({exc})."))
        return
    conn.send(pipe.Ready(pipe.PROTOCOL_VERSION))
    worker.serve()
