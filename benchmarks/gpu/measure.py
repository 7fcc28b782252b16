"""Bothy's engine against llama-bench on the libraries benchmarks/gpu/run.py built (started by it,
with LLAMA_CPP_LIB_PATH pointing at them): the engine must report the GPU backend and every layer
offloaded; then, side by side, generation speed and time to first token, and the GPU memory used.
Prints one table and writes JSON."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

N_GEN = 128
PROMPT_WORDS = 250  # about 510 tokens with the Llama 3 vocabulary
REPEATS = 3
# The prompt and the reply fit, and llama.cpp attends over about as many cells as llama-bench's
# context (prompt + reply) holds: a larger KV cache costs llama.cpp speed (benchmark item 1).
N_CTX = 1024


def vram_used_mib() -> int | None:
    done = subprocess.run(
        ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"], capture_output=True, text=True
    )
    return int(float(done.stdout.splitlines()[0])) if done.returncode == 0 and done.stdout.strip() else None


def llama_bench(bench: Path, model: Path, loaded, prompt_tokens: int, gpu: bool) -> dict:
    """llama-bench's prompt processing of the prompt from an empty cache, and its generation after
    it (`-d`: at the depth Bothy's reply starts at, so both attend over as many cells)."""
    common = ["-m", str(model), "-t", str(loaded.n_threads), "-r", str(REPEATS), "-o", "json"]
    common += ["-ngl", "99" if gpu else "0", "-fa", "on" if loaded.flash_attn else "off", "-b", "512", "-ub", "512"]
    common += ["-ctk", loaded.kv_cache_type, "-ctv", loaded.kv_cache_type]
    pp = _llama_bench(bench, [*common, "-p", str(prompt_tokens), "-n", "0"])
    tg = _llama_bench(bench, [*common, "-p", "0", "-n", str(N_GEN), "-d", str(prompt_tokens)])
    return {
        "pp_tok_s": pp["avg_ts"],
        "tg_tok_s": tg["avg_ts"],
        "backends": pp.get("backends"),
        "gpu_info": pp.get("gpu_info"),
    }


def _llama_bench(bench: Path, arguments: list[str]) -> dict:
    done = subprocess.run([str(bench / "llama-bench"), *arguments], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"llama-bench failed: {done.stderr[-800:]}")
    return json.loads(done.stdout)[0]


def bothy(model: Path, gpu: bool, *, in_graph: bool = False) -> dict:
    """The engine's figures; `in_graph`: llama_decode picks the candidates (assistant/engine/sampler.py),
    asked for through the environment the engine process starts with."""
    from assistant.engine import LoadSettings, LocalEngine, ModelRef
    from assistant.engine.types import ChatRequest, GenerationSettings
    from benchmarks.engine import decode_share

    before = vram_used_mib() if gpu else None
    os.environ["BOTHY_SAMPLE_IN_GRAPH"] = "1" if in_graph else "0"
    engine = LocalEngine()
    try:
        loaded = engine.load(ModelRef.local(model), LoadSettings(n_ctx=N_CTX, n_gpu_layers=-1 if gpu else 0))
        after = vram_used_mib() if gpu else None
        runs = []
        for i in range(REPEATS + 1):  # the first warms up
            text = f"Note {i}. " + " ".join(f"word{(i * 7 + k) % 97}" for k in range(PROMPT_WORDS))
            settings = GenerationSettings(max_tokens=N_GEN, seed=1 + i, temperature=0.7)
            reply = engine.chat(ChatRequest.of([{"role": "user", "content": text}], settings))
            for _ in reply:
                pass
            if i:
                runs.append(reply.stats)
        return {
            "loaded": loaded,
            "tg_tok_s": statistics.median(s.tokens_per_s for s in runs),
            "ttft_ms": statistics.median(s.ttft_ms for s in runs),
            # of the time from the first token to the last, llama_decode's (the rest: sampling, text, the pipe)
            "decode_share": statistics.median(decode_share(s) for s in runs),
            "prompt_tokens": runs[0].prompt_tokens,
            "reply_tokens": [s.reply_tokens for s in runs],
            "vram_mib": (after - before) if gpu and after is not None and before is not None else None,
        }
    finally:
        engine.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--bench", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--gpu-name")
    parser.add_argument("--started", type=float)
    args = parser.parse_args(argv)
    gpu = args.gpu_name is not None
    import llama_cpp

    from assistant.engine.llama_model import backend_info

    backend = backend_info(llama_cpp)
    ours = bothy(args.model, gpu)
    loaded = ours.pop("loaded")
    graph = bothy(args.model, gpu, in_graph=True)
    graph.pop("loaded")
    problems = []
    if gpu and loaded.backend.backend != "CUDA":
        problems.append(f"the engine reports the {loaded.backend.backend} backend, not CUDA")
    if gpu and loaded.n_gpu_layers < loaded.n_layers:
        problems.append(f"only {loaded.n_gpu_layers} of {loaded.n_layers} layers are on the GPU")
    ref = llama_bench(args.bench, args.model, loaded, ours["prompt_tokens"], gpu)
    ref_ttft = ours["prompt_tokens"] / ref["pp_tok_s"] * 1000
    rows = [
        ("generation (tok/s)", f"{ours['tg_tok_s']:.1f}", f"{ref['tg_tok_s']:.1f}", ours["tg_tok_s"] / ref["tg_tok_s"]),
        (
            f"time to first token, {ours['prompt_tokens']}-token prompt (ms)",
            f"{ours['ttft_ms']:.1f}",
            f"{ref_ttft:.1f} (pp)",
            ref_ttft / ours["ttft_ms"],
        ),
        (
            "generation, Bothy sampling in the graph (tok/s)",
            f"{graph['tg_tok_s']:.1f}",
            f"{ref['tg_tok_s']:.1f}",
            graph["tg_tok_s"] / ref["tg_tok_s"],
        ),
    ]
    where = f"{args.gpu_name}, all {loaded.n_gpu_layers} of {loaded.n_layers} layers" if gpu else "CPU only"
    print(f"\nBothy's engine vs llama-bench: {args.model.name} on {where}; backend {loaded.backend.backend}")
    print(f"llama-cpp-python {backend.llama_cpp_python}, {loaded.n_threads} threads, n_ctx {loaded.n_ctx}\n")
    print("| | Bothy | llama-bench | ratio (≥ 1 is as fast) |\n|---|---|---|---|")
    for name, a, b, ratio in rows:
        print(f"| {name} | {a} | {b} | {ratio:.2f} |")
    print(
        f"| Bothy's time in llama_decode after the first token: sampling on the CPU; in the graph "
        f"| {ours['decode_share']:.3f}; {graph['decode_share']:.3f} | | |"
    )
    if ours["vram_mib"] is not None:
        print(f"| GPU memory used by the engine (model + {loaded.n_ctx}-token KV cache) | {ours['vram_mib']} MiB | | |")
    if args.started:
        print(f"\ntotal time, build included: {time.monotonic() - args.started:.0f} s")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    result = {
        "model": args.model.name,
        "gpu": args.gpu_name,
        "backend": loaded.backend.backend,
        "layers_on_gpu": [loaded.n_gpu_layers, loaded.n_layers],
        "bothy": ours,
        "bothy_sampling_in_graph": graph,
        "llama_bench": ref,
        "ratios": {"tg": rows[0][3], "ttft": rows[1][3], "tg_sampling_in_graph": rows[2][3]},
        "problems": problems,
        "system_info": backend.system_info,
    }
    args.out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"written to {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
