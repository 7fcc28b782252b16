"""llama.cpp's own `llama-server`, built once from the llama.cpp source the installed
llama-cpp-python was built from (as llama-bench is: benchmarks/llama_bench.py), into the benchmark
cache. The remote-engine tests and benchmark item 10 run it.

    python -m benchmarks.llama_server    # builds it when it is not there (about 12 minutes on 2 cores)

`./bothy.sh test` runs that before the tests, so CI builds it once and reuses the cache; where it
cannot be built (no cmake or compiler, no network for the source), it says why, and the tests that
need it skip with that reason.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import version
from pathlib import Path

from benchmarks.__main__ import default_cache
from benchmarks.llama_bench import ensure_tools

BUILDS = ("server-build", "rpc-build")  # its own build, or benchmarks/rpc_split.py's (which has it too)


def find(cache_dir: Path | None = None) -> Path | None:
    """The built llama-server (or the one BOTHY_LLAMA_SERVER names), or None."""
    if os.environ.get("BOTHY_LLAMA_SERVER"):
        return Path(os.environ["BOTHY_LLAMA_SERVER"])
    root = (cache_dir or default_cache()) / f"llama.cpp-{version('llama_cpp_python')}"
    built = [root / build / "bin" / "llama-server" for build in BUILDS]
    return next((binary for binary in built if binary.is_file()), None)


def ensure(cache_dir: Path | None = None, log=print) -> tuple[Path | None, str]:
    found = find(cache_dir)
    if found is not None:
        return found, ""
    log("building llama.cpp's llama-server for the tests (once: about 12 minutes on 2 cores; then cached)...")
    bin_dir, why = ensure_tools(cache_dir or default_cache(), ["llama-server"], flags=[], name="server-build", log=log)
    return (bin_dir / "llama-server", "") if bin_dir is not None else (None, why)


def main() -> int:
    binary, why = ensure(log=lambda message: print(message, file=sys.stderr, flush=True))
    print(binary if binary is not None else f"llama-server is not built: {why}")
    return 0  # never fails the caller: the tests that need it skip with the reason


if __name__ == "__main__":
    raise SystemExit(main())
