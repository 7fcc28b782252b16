"""llama.cpp's own `llama-bench`, built on demand from the llama.cpp source that the installed
llama-cpp-python was built from (its sdist's vendor/llama.cpp), with the app's cmake flags.

The build lives in the benchmark cache folder (never in the repository) and is reused.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

# The flags ./bothy.sh builds llama-cpp-python with on x86-64 (when CMAKE_ARGS is not set).
X86_FLAGS = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"


def app_cmake_flags() -> list[str]:
    args = os.environ.get("CMAKE_ARGS") or (X86_FLAGS if platform.machine() in ("x86_64", "AMD64") else "")
    return shlex.split(args)


def binary_path(cache_dir: Path) -> Path:
    return cache_dir / f"llama.cpp-{version('llama_cpp_python')}" / "build" / "bin" / "llama-bench"


def ensure_source(cache_dir: Path, log, out=None) -> tuple[Path | None, str]:
    """The vendored llama.cpp source of the installed llama-cpp-python's sdist, downloaded and
    unpacked into the cache when needed: (the folder, "") or (None, why not)."""
    ver = version("llama_cpp_python")
    root = cache_dir / f"llama.cpp-{ver}"
    source = root / f"llama_cpp_python-{ver}" / "vendor" / "llama.cpp"
    if source.is_dir():
        return source, ""
    sdist_dir = cache_dir / "sdist"
    sdists = sorted(sdist_dir.glob(f"llama_cpp_python-{ver}.tar.gz"))
    if not sdists:
        log(f"downloading the llama-cpp-python {ver} source (sdist)...")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        cmd += [f"llama-cpp-python=={ver}", "-d", str(sdist_dir)]
        if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT if out else None).returncode != 0:
            return None, f"could not download the llama-cpp-python {ver} source"
        sdists = sorted(sdist_dir.glob(f"llama_cpp_python-{ver}.tar.gz"))
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdists[0]) as tar:
        tar.extractall(root, filter="data")
    return source, ""


def ensure_built(cache_dir: Path, log) -> tuple[Path | None, str]:
    """The llama-bench binary, built now if needed: (path, "") or (None, why not)."""
    binary = binary_path(cache_dir)
    if binary.is_file():
        return binary, ""
    if not shutil.which("cmake") or not (shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")):
        return None, "no C++ compiler or cmake to build llama-bench"
    root = binary.parents[2]
    build_log = root / "build.log"
    root.mkdir(parents=True, exist_ok=True)
    with open(build_log, "w") as out:
        source, why = ensure_source(cache_dir, log, out)
        if source is None:
            return None, f"{why} (see {build_log})"
        log(f"building llama-bench (about 10 minutes on 2 cores; log: {build_log})...")
        build = root / "build"
        configure = ["cmake", "-S", str(source), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF"]
        configure += ["-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF"]
        for cmd in (configure + app_cmake_flags(), ["cmake", "--build", str(build), "--target", "llama-bench", "-j2"]):
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                return None, f"the llama-bench build failed (see {build_log})"
    return (binary, "") if binary.is_file() else (None, f"the build made no llama-bench (see {build_log})")


def tg(binary: Path, model: Path, loaded, load, *, n_gen: int, depth: int, repetitions: int = 1) -> float:
    """llama-bench's text-generation speed (tok/s) with the engine's settings, after `depth` tokens."""
    cmd = [str(binary), "-m", str(model), "-p", "0", "-n", str(n_gen), "-d", str(depth)]
    cmd += ["-t", str(loaded.n_threads), "-r", str(repetitions), "-o", "json"]
    cmd += ["-fa", "on" if load.flash_attn else "off", "-ctk", loaded.kv_cache_type, "-ctv", loaded.kv_cache_type]
    cmd += ["-ngl", str(loaded.n_gpu_layers if loaded.n_gpu_layers < loaded.n_layers else 99)]
    cmd += ["-b", str(load.n_batch), "-ub", str(load.n_batch)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"llama-bench failed: {done.stderr[-500:]}")
    results = json.loads(done.stdout)
    return float(results[0]["avg_ts"])


def ensure_tools(cache_dir: Path, targets: list[str], *, flags: list[str], name: str, log) -> tuple[Path | None, str]:
    """Other llama.cpp programs (llama-server, rpc-server, …) built from the same source into
    `<cache>/llama.cpp-VER/<name>` with extra cmake `flags`: (the bin folder, "") or (None, why not).
    The source is the one ensure_built() unpacks (it downloads it when needed)."""
    ver = version("llama_cpp_python")
    root = cache_dir / f"llama.cpp-{ver}"
    bin_dir = root / name / "bin"
    if all((bin_dir / target).is_file() for target in targets):
        return bin_dir, ""
    source, why = ensure_source(cache_dir, log)
    if source is None:
        return None, why
    build_log = root / f"{name}.log"
    log(f"building {', '.join(targets)} (log: {build_log})...")
    configure = ["cmake", "-S", str(source), "-B", str(root / name), "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF"]
    configure += ["-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", *flags]
    with open(build_log, "w") as out:
        for cmd in (configure + app_cmake_flags(), ["cmake", "--build", str(root / name), "--target", *targets, "-j2"]):
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                return None, f"the build failed (see {build_log})"
    missing = [t for t in targets if not (bin_dir / t).is_file()]
    return (None, f"the build made no {', '.join(missing)} (see {build_log})") if missing else (bin_dir, "")
