"""Items 1 and 12 on a model of realistic size: the synthetic Llama model with Llama 3.2 1B's
shapes (benchmarks/synthetic_model.py), written from random weights and quantized to Q4_K_M with
llama.cpp's own llama-quantize, cached in the benchmark folder. On the 135M and 270M models,
attention and Python overhead weigh far more than in the 1-8B models people run; this shows the
overhead where it matters. Fewer rounds and shorter replies than on the starter (a 1B model
generates about a tenth as fast on 2 cores)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import engine as engine_items
from benchmarks import llama_bench, versus_server
from benchmarks.report import Figure, not_measured

LABEL = "synthetic 1B (Q4_K_M)"


def model_path(cache: Path, log) -> tuple[Path | None, str]:
    from benchmarks.synthetic_model import ensure_model

    source, why = llama_bench.ensure_source(cache, log)
    if source is None:
        return None, why
    bin_dir, why = llama_bench.ensure_tools(cache, ["llama-quantize"], flags=[], name="build", log=log)
    if bin_dir is None:
        return None, f"llama-quantize: {why}"
    vocab = source / "models" / "ggml-vocab-llama-bpe.gguf"
    return ensure_model(cache / "models", "1b", vocab, bin_dir / "llama-quantize", log=log), ""


def engine(load, cache: Path, binary: Path | None, log) -> list[Figure]:
    """Item 1 on the 1B model: Bothy over raw llama-cpp-python and over llama-bench."""
    model, why = model_path(cache, log)
    if model is None:
        return [not_measured("1 engine", f"{LABEL}: Bothy tg / raw tg", "ratio", why, 0.97, ">=")]
    return engine_items.overhead_on(model, load, binary, model_label=LABEL, rounds=3, max_tokens=64)


def versus(load, cache: Path, log) -> list[Figure]:
    """Item 12 on the 1B model: 10 turns of 24-token replies."""
    model, why = model_path(cache, log)
    if model is None:
        return [not_measured(versus_server.ITEM, f"{LABEL}: time to first token", "ratio", why, 1.0)]
    return versus_server.run(model, load, quick=False, turns=10, max_tokens=24, model_label=LABEL)
