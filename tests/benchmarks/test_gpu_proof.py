"""The GPU proof's pieces that run anywhere: the trimmed llama.cpp source keeps what the CUDA build
needs and drops the rest, and the synthetic model writer makes a model Bothy's engine really runs
(here with the starter model's vocabulary, in F16, so no llama-quantize is needed). The whole path
(`python -m benchmarks.gpu.run --cpu-only --size tiny`) builds llama.cpp: minutes, so not here."""

from __future__ import annotations

import tarfile

from benchmarks.gpu.prepare import trim
from benchmarks.synthetic_model import SHAPES, write_f16
from tests.starter import starter_path


def test_the_trimmed_source_keeps_the_cpu_and_cuda_build_and_two_tools(tmp_path):
    source = tmp_path / "llama.cpp"
    files = [
        "CMakeLists.txt", "src/llama.cpp", "include/llama.h", "common/common.cpp", "vendor/nlohmann/json.hpp",
        "ggml/CMakeLists.txt", "ggml/src/ggml.c", "ggml/src/ggml-cpu/ops.cpp", "ggml/src/ggml-cuda/mmq.cu",
        "ggml/src/ggml-vulkan/vk.cpp", "ggml/src/ggml-metal/m.m", "tools/CMakeLists.txt",
        "tools/llama-bench/main.cpp", "tools/quantize/main.cpp", "tools/server/server.cpp", "docs/build.md",
        "tests/test.cpp", "models/ggml-vocab-llama-bpe.gguf", "models/ggml-vocab-qwen2.gguf",
    ]  # fmt: skip
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(name)
    package = tmp_path / "llama_cpp"
    package.mkdir()
    (package / "llama.py").write_text("# the Python package")
    trim(source, package, tmp_path / "out.tar.gz")
    with tarfile.open(tmp_path / "out.tar.gz") as tar:
        names = set(tar.getnames())
        tools = tar.extractfile("llama.cpp/tools/CMakeLists.txt").read().decode()
    dropped = {"ggml/src/ggml-vulkan/vk.cpp", "ggml/src/ggml-metal/m.m", "tools/server/server.cpp", "docs/build.md"}
    dropped |= {"tests/test.cpp", "models/ggml-vocab-qwen2.gguf"}
    kept = {f"llama.cpp/{name}" for name in files if name not in dropped} | {"python/llama_cpp/llama.py"}
    assert names == kept
    assert "add_subdirectory(llama-bench)" in tools and "server" not in tools


def test_a_synthetic_model_runs_in_bothys_engine(tmp_path):
    from assistant.engine import LoadSettings, LocalEngine, ModelRef
    from assistant.engine.types import ChatRequest, GenerationSettings

    model = tmp_path / "tiny-F16.gguf"
    write_f16(model, SHAPES["tiny"], starter_path())
    engine = LocalEngine()
    try:
        loaded = engine.load(ModelRef.local(model), LoadSettings(n_ctx=512))
        assert loaded.n_layers == SHAPES["tiny"].layers and loaded.template_source == "embedded"
        reply = engine.chat(ChatRequest.of([{"role": "user", "content": "Hi"}], GenerationSettings(max_tokens=16)))
        for _ in reply:
            pass
        assert reply.stats.reply_tokens > 0 and reply.stats.finish_reason in ("length", "stop")
    finally:
        engine.close()
