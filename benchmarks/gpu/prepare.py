"""Here, with the network: put into `.gpu/` (git-ignored) what the GPU machine, which can download
nothing, needs besides the working tree (64 MiB in all):

- `llama.cpp.tar.gz`: the installed llama-cpp-python's sdist, trimmed: its Python package and the
  vendored llama.cpp source with the CPU and CUDA backends, the two tools (llama-bench,
  llama-quantize) and Llama 3's test vocabulary for the synthetic model; no docs, tests, other
  backends or model files;
- `wheels/`: the pure-Python packages that machine lacks (gguf, diskcache, platformdirs).

    .venv/bin/python -m benchmarks.gpu.prepare      # then the device run in README.md
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

from benchmarks.__main__ import default_cache, log
from benchmarks.llama_bench import ensure_source

OUT = Path(__file__).resolve().parents[2] / ".gpu"
WHEELS = ("gguf", "diskcache", "platformdirs")
KEEP_TOP = ("CMakeLists.txt", "cmake", "include", "src", "common", "ggml", "vendor", "licenses", "LICENSE")
KEEP_BACKENDS = ("ggml-cpu", "ggml-cuda", "ggml-blas")
VOCAB = "models/ggml-vocab-llama-bpe.gguf"
TOOLS = ("llama-bench", "quantize")
# The tools' CMakeLists.txt, cut down to the two tools the GPU proof builds.
TOOLS_CMAKE = "find_package(Threads REQUIRED)\nllama_add_compile_flags()\n" + "".join(
    f"add_subdirectory({tool})\n" for tool in TOOLS
)


def wanted(relative: Path) -> bool:
    """Whether a path of the vendored llama.cpp goes into the trimmed source."""
    parts = relative.parts
    if not parts:
        return True
    if relative.as_posix() == VOCAB or parts == ("models",):
        return True
    if parts[0] == "tools":
        return len(parts) == 1 or parts[1] in TOOLS
    if parts[0] not in KEEP_TOP:
        return False
    if parts[:2] == ("ggml", "src") and len(parts) > 2 and parts[2].startswith("ggml-"):
        return (Path(*parts[:3]).suffix != "") or parts[2] in KEEP_BACKENDS
    return True


def trim(source: Path, package: Path, target: Path) -> int:
    """Write the trimmed tarball; returns its size in bytes."""
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if path.is_file() and all(wanted(Path(*relative.parts[:n])) for n in range(1, len(relative.parts) + 1)):
                tar.add(path, arcname=f"llama.cpp/{relative.as_posix()}", recursive=False)
        data = TOOLS_CMAKE.encode()
        info = tarfile.TarInfo("llama.cpp/tools/CMakeLists.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for path in sorted(package.rglob("*.py")):
            tar.add(path, arcname=f"python/llama_cpp/{path.relative_to(package).as_posix()}", recursive=False)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu.prepare", description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    source, why = ensure_source(args.cache, log)
    if source is None:
        print(why, file=sys.stderr)
        return 1
    package = source.parents[1] / "llama_cpp"
    args.out.mkdir(parents=True, exist_ok=True)
    tarball = args.out / "llama.cpp.tar.gz"
    size = trim(source, package, tarball)
    log(f"{tarball}: {size / 2**20:.1f} MiB (llama-cpp-python {version('llama_cpp_python')})")
    wheels = args.out / "wheels"
    wheels.mkdir(exist_ok=True)
    for name in WHEELS:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "-d", str(wheels)]
        if subprocess.run([*cmd, f"{name}=={version(name)}"]).returncode != 0:
            print(f"could not download the {name} wheel", file=sys.stderr)
            return 1
    log(f"{wheels}: {', '.join(sorted(p.name for p in wheels.glob('*.whl')))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
