"""PyInstaller runtime hook: give the frozen app valid standard streams.

A windowed app has no console. On Windows and when started from a desktop launcher or Finder,
sys.stdout and sys.stderr may be None, and file descriptors 0-2 may not be open at all. Then a
print() or a library writing to sys.stderr fails, faulthandler cannot be enabled, and, worse, the
next file opened (the log, the SQLite database) gets descriptor 1 or 2, so whatever native code
(Qt, llama.cpp) writes to "stderr" would land inside that file. This hook runs before any of
Bothy's code, in the app and in every engine process, and points whatever is missing at the null
device. The engine process then sends descriptors 1 and 2 to Bothy's log (assistant/engine/worker.py).
"""

import os
import sys


def _fix_standard_streams() -> None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                continue
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name, None) is None:
            try:
                setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 - for the whole run
            except OSError:
                pass


_fix_standard_streams()
del _fix_standard_streams
