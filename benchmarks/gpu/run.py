"""The GPU proof, on a Linux machine with an NVIDIA GPU and the CUDA toolkit (nvcc), without network.

From the trimmed llama-cpp-python sdist that `benchmarks.gpu.prepare` put into `.gpu/`:
1. build llama.cpp with CUDA for this machine's GPU architecture only, on all cores: the shared
   libraries llama-cpp-python loads (its own Python package from the same sdist is pointed at them
   with LLAMA_CPP_LIB_PATH: one build serves both), llama-bench and llama-quantize;
2. write a synthetic Llama model of realistic size (benchmarks/synthetic_model.py; 1B by default)
   and quantize it to Q4_K_M;
3. measure (benchmarks/gpu/measure.py, in a process of its own that loads those libraries) Bothy's
   engine and llama-bench side by side with every layer on the GPU, and print one table.

    python3 -m benchmarks.gpu.run                    # on the GPU machine
    python -m benchmarks.gpu.run --cpu-only --size tiny   # the same path without a GPU (a check)

Everything is built under --work (default /tmp/bothy-gpu) and reused when run again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PREPARED = REPO / ".gpu"
TARGETS = ("llama", "llama-bench", "llama-quantize")
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[gpu {time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def gpu_facts() -> dict | None:
    """The first NVIDIA GPU's name, compute capability and memory, or None without one."""
    if not shutil.which("nvidia-smi"):
        return None
    query = "name,compute_cap,memory.total,driver_version"
    done = subprocess.run(
        ["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader,nounits"], capture_output=True, text=True
    )
    if done.returncode != 0 or not done.stdout.strip():
        return None
    name, cap, total, driver = [part.strip() for part in done.stdout.splitlines()[0].split(",")]
    return {"name": name, "arch": cap.replace(".", ""), "memory_mib": int(float(total)), "driver": driver}


def unpack(work: Path) -> Path:
    source = work / "llama.cpp"
    if not (source / "CMakeLists.txt").is_file():
        tarball = PREPARED / "llama.cpp.tar.gz"
        if not tarball.is_file():
            raise SystemExit(f"{tarball} is missing: run `python -m benchmarks.gpu.prepare` where there is network")
        with tarfile.open(tarball) as tar:
            tar.extractall(work, filter="data")
    return source


def install_wheels(work: Path) -> Path:
    """The pure-Python packages the machine lacks, from .gpu/wheels (pip, without the network)."""
    site = work / "site"
    wheels = sorted((PREPARED / "wheels").glob("*.whl"))
    missing = [w for w in wheels if not (site / w.name.split("-")[0]).exists()]
    if missing:
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile"]
        subprocess.run([*cmd, "--target", str(site), *map(str, missing)], check=True)
    return site


def build(source: Path, work: Path, gpu: dict | None, jobs: int) -> Path:
    """Configure and build; returns the folder with the libraries and the two tools."""
    build_dir = work / ("build-cuda" if gpu else "build-cpu")
    flags = ["-DCMAKE_BUILD_TYPE=Release", "-DBUILD_SHARED_LIBS=ON", "-DGGML_NATIVE=ON"]
    flags += ["-DLLAMA_CURL=OFF", "-DLLAMA_OPENSSL=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF"]
    flags += ["-DLLAMA_BUILD_SERVER=OFF", "-DLLAMA_BUILD_APP=OFF", "-DLLAMA_BUILD_TOOLS=ON"]
    if gpu:
        flags += ["-DGGML_CUDA=ON", f"-DCMAKE_CUDA_ARCHITECTURES={gpu['arch']}"]
    if shutil.which("ninja"):
        flags += ["-G", "Ninja"]
    build_log = work / f"{build_dir.name}.log"
    with open(build_log, "a") as out:
        if not (build_dir / "CMakeCache.txt").is_file():
            log(f"configuring ({'CUDA sm_' + gpu['arch'] if gpu else 'CPU only'}; log: {build_log})...")
            configure = ["cmake", "-S", str(source), "-B", str(build_dir), *flags]
            subprocess.run(configure, stdout=out, stderr=out, check=True)
        log(f"building {', '.join(TARGETS)} with {jobs} jobs...")
        command = ["cmake", "--build", str(build_dir), "--target", *TARGETS, "-j", str(jobs)]
        if subprocess.run(command, stdout=out, stderr=out).returncode != 0:
            raise SystemExit(f"the build failed: see {build_log}")
    libraries = next(build_dir.rglob("libllama.so*"), None)
    if libraries is None:
        raise SystemExit(f"the build made no libllama.so: see {build_log}")
    return libraries.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu.run", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("1b", "tiny"), default="1b", help="the synthetic model (default 1b)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bothy-gpu"))
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", "benchmarks/results")))
    parser.add_argument("--cpu-only", action="store_true", help="without a GPU: the same path on the CPU")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    gpu = None if args.cpu_only else gpu_facts()
    if gpu is None and not args.cpu_only:
        raise SystemExit("No NVIDIA GPU here (nvidia-smi found none). Use --cpu-only to check the path.")
    if gpu and not shutil.which("nvcc") and not Path("/usr/local/cuda/bin/nvcc").is_file():
        raise SystemExit("The CUDA toolkit's nvcc is missing: it is needed to build llama.cpp for the GPU.")
    if gpu and not shutil.which("nvcc"):
        os.environ["PATH"] = "/usr/local/cuda/bin" + os.pathsep + os.environ["PATH"]
    args.work.mkdir(parents=True, exist_ok=True)
    log(f"GPU: {gpu['name']} (sm_{gpu['arch']}, {gpu['memory_mib']} MiB)" if gpu else "CPU only")
    source = unpack(args.work)
    site = install_wheels(args.work)
    sys.path[:0] = [str(site)]
    libs = build(source, args.work, gpu, args.jobs)
    log(f"built in {time.monotonic() - STARTED:.0f} s: {libs}")
    from benchmarks.synthetic_model import ensure_model

    model = ensure_model(
        args.work / "models", args.size, source / "models/ggml-vocab-llama-bpe.gguf", libs / "llama-quantize",
        log=log, threads=args.jobs,
    )  # fmt: skip
    log(f"model: {model.name} ({model.stat().st_size / 2**20:.0f} MiB)")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(args.work / "python"), str(site), str(REPO), env.get("PYTHONPATH", "")])
    env["LLAMA_CPP_LIB_PATH"] = str(libs)
    env["LD_LIBRARY_PATH"] = os.pathsep.join([str(libs), env.get("LD_LIBRARY_PATH", "")])
    env["BOTHY_HOME"] = str(args.work / "home")
    args.out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "benchmarks.gpu.measure", "--model", str(model), "--bench", str(libs)]
    command += ["--out", str(args.out / "gpu.json"), "--started", str(STARTED)]
    if gpu:
        command += ["--gpu-name", gpu["name"]]
    return subprocess.run(command, env=env, cwd=REPO).returncode


if __name__ == "__main__":
    raise SystemExit(main())
