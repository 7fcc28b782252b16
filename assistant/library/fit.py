"""Will this model fit this computer? A memory estimate before download and before load.

The estimate adds up the weights (the file size, or parameters x bits per weight before download),
the KV cache (layers x KV heads x head width x 2 (keys and values) x bytes per element x context)
and a compute-buffer allowance (mostly the logits of one batch), splits them between the GPU and
RAM by the number of offloaded layers, and compares them with the free memory. It is an estimate:
llama.cpp's real use differs by some percent, which is why "tight" exists.

GPU memory comes in as `gpu_memory_bytes` (the engine will report llama.cpp's devices later); when
it is unknown, everything is counted against RAM, which is also right for Apple's unified memory.
The sizes per weight and per KV-cache element are in quant_sizes.py; the RAM is read by machine_memory.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from assistant.engine.types import DEFAULT_MAX_CONTEXT, LoadSettings
from assistant.library.catalog import CatalogFile, CatalogModel
from assistant.library.machine_memory import MemoryInfo, system_memory
from assistant.library.quant_sizes import BITS_PER_WEIGHT, KV_BYTES
from assistant.library.units import format_bytes
from assistant.models.gguf_info import ModelInfo, read_info

FITS_RAM = 0.80  # share of free RAM a model may use and still "fit" comfortably
FITS_GPU = 0.90  # GPU memory is not shared with other programs as much
ENGINE_OVERHEAD = 300 * 1024 * 1024  # the engine process itself (Python, llama.cpp, buffers)
DEFAULT_VOCAB = 128_000
CONTEXT_STEPS = (131072, 65536, 32768, 16384, 8192, 4096, 2048, 1024, 512)


class Verdict(StrEnum):
    FITS = "fits"
    TIGHT = "tight"
    WONT_FIT = "won't fit"


@dataclass(frozen=True)
class ModelShape:
    """What the estimate needs to know about a model."""

    name: str
    weights_bytes: int
    layers: int | None
    kv_bytes_per_token: int  # at F16, for one token of context, all layers
    context_length: int | None
    vocab_size: int | None = None
    exact: bool = False  # weights measured from a real file rather than estimated

    @classmethod
    def from_info(cls, info: ModelInfo) -> ModelShape:
        kv = info.kv_cache_bytes_per_token(2.0)
        if kv is None:
            kv = _kv_guess(info.parameter_count)
        return cls(
            name=info.display_name,
            weights_bytes=info.file_size,
            layers=info.block_count,
            kv_bytes_per_token=kv,
            context_length=info.context_length,
            vocab_size=info.vocab_size,
            exact=True,
        )

    @classmethod
    def from_catalog(cls, model: CatalogModel, file: CatalogFile) -> ModelShape:
        size = file.known_size
        if size is None:
            bits = BITS_PER_WEIGHT.get(file.quantization, 5.0)
            size = int(model.parameters * bits / 8)
        if model.arch is not None:
            a = model.arch
            kv = a.layers * a.kv_heads * a.head_dim * 2 * 2
            layers = a.layers
        else:
            kv, layers = _kv_guess(model.parameters), None
        return cls(
            name=f"{model.name} ({file.quantization})",
            weights_bytes=size,
            layers=layers,
            kv_bytes_per_token=kv,
            context_length=model.context_length,
            exact=file.known_size is not None,
        )


def _kv_guess(parameters: int) -> int:
    """A cautious KV size per token when the architecture is unknown (~20 KB per billion parameters)."""
    return max(8192, int(parameters * 2e-5))


@dataclass(frozen=True)
class FitEstimate:
    """The estimate, its verdict, and what would fit better."""

    verdict: Verdict
    n_ctx: int
    n_gpu_layers: int
    kv_cache_type: str
    weights_bytes: int
    kv_bytes: int
    compute_bytes: int
    ram_needed: int
    gpu_needed: int
    ram_available: int | None
    gpu_available: int | None
    suggested_n_ctx: int | None  # the largest context that fits (None: not even the smallest)
    suggested_n_gpu_layers: int | None  # the most GPU layers that fit (None: GPU memory unknown)
    message: str  # all of it in English (the window says it in its language: ui/fit_message.py)
    name: str = ""  # the model (and quantization) it is for
    exact: bool = True  # False: the model's shape was guessed from its size, so the figures are "about"

    @property
    def total_bytes(self) -> int:
        return self.ram_needed + self.gpu_needed


# -- the estimate ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Need:
    ram: int
    gpu: int
    kv: int
    compute: int


def _need(shape: ModelShape, n_ctx: int, gpu_layers: int, kv_type: str, n_batch: int, gpu_known: bool) -> _Need:
    layers = shape.layers or 1
    share = min(1.0, gpu_layers / layers) if shape.layers else (1.0 if gpu_layers else 0.0)
    kv = int(shape.kv_bytes_per_token * n_ctx * KV_BYTES.get(kv_type, 2.0) / 2.0)
    compute = n_batch * (shape.vocab_size or DEFAULT_VOCAB) * 4 + 64 * 1024 * 1024 + n_ctx * 1024
    gpu = int((shape.weights_bytes + kv) * share) + (compute if gpu_layers else 0)
    ram = shape.weights_bytes + kv + compute + ENGINE_OVERHEAD - gpu
    if gpu_layers and not gpu_known:  # nothing known about the GPU: count all of it against RAM
        ram, gpu = ram + gpu, 0
    return _Need(ram, gpu, kv, compute)


def _verdict(need: _Need, ram: int | None, gpu: int | None) -> Verdict:
    verdicts = []
    if ram is None:
        verdicts.append(Verdict.TIGHT)
    else:
        verdicts.append(_grade(need.ram, ram, FITS_RAM))
    if need.gpu:
        verdicts.append(_grade(need.gpu, gpu, FITS_GPU) if gpu is not None else Verdict.TIGHT)
    order = [Verdict.FITS, Verdict.TIGHT, Verdict.WONT_FIT]
    return max(verdicts, key=order.index)


def _grade(needed: int, available: int, comfortable: float) -> Verdict:
    if needed <= available * comfortable:
        return Verdict.FITS
    if needed <= available:
        return Verdict.TIGHT
    return Verdict.WONT_FIT


def estimate(
    shape: ModelShape,
    *,
    n_ctx: int | None = None,
    kv_cache_type: str = "f16",
    n_gpu_layers: int | None = 0,
    n_batch: int = 512,
    memory: MemoryInfo | None = None,
    gpu_memory_bytes: int | None = None,
    read_machine: bool = True,
) -> FitEstimate:
    """Estimate memory for `shape` at a context length, KV-cache type and GPU layer count.

    n_ctx None: the trained context capped at 8,192 (as the engine does). n_gpu_layers -1 or None:
    all layers (None only when GPU memory is known, else 0). memory None: read this machine's RAM
    (read_machine=False: treat it as unknown).
    """
    if kv_cache_type not in KV_BYTES:
        raise ValueError(f"unknown KV-cache type {kv_cache_type!r}")
    trained = shape.context_length or 4096
    ctx = max(1, n_ctx if n_ctx else min(trained, DEFAULT_MAX_CONTEXT))
    layers = shape.layers or 0
    if n_gpu_layers is None:
        n_gpu_layers = -1 if gpu_memory_bytes else 0
    if layers:
        gl = layers if n_gpu_layers < 0 else min(n_gpu_layers, layers)
    else:  # layer count unknown: offloading means "the model", as far as the estimate can tell
        gl = 0 if n_gpu_layers == 0 else 1
    if memory is None and read_machine:
        memory = system_memory()
    ram = memory.available if memory else None
    gpu_known = gpu_memory_bytes is not None

    need = _need(shape, ctx, gl, kv_cache_type, n_batch, gpu_known)
    verdict = _verdict(need, ram, gpu_memory_bytes)

    # Suggestions: the most GPU layers that fit, then the longest context that fits with them.
    best_gl: int | None = None
    if gpu_known and layers:
        best_gl = 0
        for g in range(layers, -1, -1):
            n = _need(shape, min(ctx, 2048), g, kv_cache_type, n_batch, True)
            if n.gpu <= gpu_memory_bytes * FITS_GPU:
                best_gl = g
                break
    best_ctx: int | None = None
    if ram is not None:
        use_gl = best_gl if best_gl is not None else gl
        steps = [c for c in (trained, *CONTEXT_STEPS) if c <= trained]
        for want in (Verdict.FITS, Verdict.TIGHT):
            for c in sorted(set(steps), reverse=True):
                n = _need(shape, c, use_gl, kv_cache_type, n_batch, gpu_known)
                if _verdict(n, ram, gpu_memory_bytes) == want:
                    best_ctx = c
                    break
            if best_ctx is not None:
                break

    message = _message(shape, verdict, ctx, need, ram, gpu_memory_bytes, best_ctx, gl, kv_cache_type)
    return FitEstimate(
        verdict=verdict,
        n_ctx=ctx,
        n_gpu_layers=gl,
        kv_cache_type=kv_cache_type,
        weights_bytes=shape.weights_bytes,
        kv_bytes=need.kv,
        compute_bytes=need.compute,
        ram_needed=need.ram,
        gpu_needed=need.gpu,
        ram_available=ram,
        gpu_available=gpu_memory_bytes,
        suggested_n_ctx=best_ctx,
        suggested_n_gpu_layers=best_gl,
        message=message,
        name=shape.name,
        exact=shape.exact,
    )


def _message(shape, verdict, ctx, need: _Need, ram, gpu, best_ctx, gl, kv_type) -> str:
    total = need.ram + need.gpu
    about = "" if shape.exact else "about "
    parts = (
        f"{shape.name} needs {about}{format_bytes(total)} with {ctx:,} tokens of context "
        f"({format_bytes(shape.weights_bytes)} for the weights, {format_bytes(need.kv)} for the context "
        f"({kv_type.upper()} cache), {format_bytes(need.compute)} of working memory and "
        f"{format_bytes(ENGINE_OVERHEAD)} for the engine itself)"
    )
    if need.gpu:
        parts += f", {format_bytes(need.gpu)} of it on the GPU ({gl} layers)"
    if ram is None:
        return parts + ". Bothy could not read how much memory this computer has, so it may or may not fit."
    have = f"; this computer has {format_bytes(ram)} of memory free"
    if gpu is not None:
        have += f" and {format_bytes(gpu)} of GPU memory"
    sentence = parts + have + "."
    if verdict == Verdict.FITS:
        return sentence + " It fits."
    if verdict == Verdict.TIGHT:
        tail = " It should just fit; close other programs first"
        if best_ctx and best_ctx < ctx:
            tail += f", or use a context of {best_ctx:,} tokens"
        return sentence + tail + "."
    if best_ctx and best_ctx < ctx:
        return sentence + f" It won't fit; it would with a context of {best_ctx:,} tokens."
    return sentence + " It won't fit: choose a smaller model or quantization."


def estimate_for_catalog(
    model: CatalogModel,
    file: CatalogFile,
    *,
    n_ctx: int | None = None,
    kv_cache_type: str = "f16",
    n_gpu_layers: int | None = 0,
    memory: MemoryInfo | None = None,
    gpu_memory_bytes: int | None = None,
    read_machine: bool = True,
) -> FitEstimate:
    """Before download: from the catalog's parameters, quantization, context and architecture."""
    return estimate(
        ModelShape.from_catalog(model, file),
        n_ctx=n_ctx,
        kv_cache_type=kv_cache_type,
        n_gpu_layers=n_gpu_layers,
        memory=memory,
        gpu_memory_bytes=gpu_memory_bytes,
        read_machine=read_machine,
    )


def estimate_for_size(
    name: str,
    file_size: int,
    *,
    memory: MemoryInfo | None = None,
    gpu_memory_bytes: int | None = None,
    read_machine: bool = True,
) -> FitEstimate:
    """Before download, knowing only a file's size (a search result): the weights are the file,
    the KV cache guessed from the parameters that size suggests (about 4.8 bits a weight)."""
    parameters = int(file_size * 8 / 4.8)
    shape = ModelShape(name, file_size, None, _kv_guess(parameters), None)
    return estimate(shape, memory=memory, gpu_memory_bytes=gpu_memory_bytes, read_machine=read_machine)


def estimate_for_file(
    path: str | os.PathLike[str],
    settings: LoadSettings | None = None,
    *,
    memory: MemoryInfo | None = None,
    gpu_memory_bytes: int | None = None,
    read_machine: bool = True,
) -> FitEstimate:
    """Before load: from the GGUF header (raises ModelError for a bad file) and the load settings."""
    s = settings or LoadSettings()
    return estimate(
        ModelShape.from_info(read_info(Path(path))),
        n_ctx=s.n_ctx,
        kv_cache_type=s.kv_cache_type,
        n_gpu_layers=s.n_gpu_layers,
        n_batch=s.n_batch,
        memory=memory,
        gpu_memory_bytes=gpu_memory_bytes,
        read_machine=read_machine,
    )
