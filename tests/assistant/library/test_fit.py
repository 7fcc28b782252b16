"""Fit estimates: the real starter model's header, catalog entries, and synthetic numbers."""

from __future__ import annotations

import sys

import pytest

from assistant.engine.types import LoadSettings
from assistant.library import (
    MemoryInfo,
    ModelShape,
    Verdict,
    estimate,
    estimate_for_catalog,
    estimate_for_file,
    machine_memory,
)
from assistant.library import fit as fitmod
from assistant.library.catalog import load_catalog, record_learned
from assistant.models import STARTER_SIZE, read_info
from tests.starter import starter_path

GB = 10**9
PLENTY = MemoryInfo(total=64 * GB, available=48 * GB)


def shape(weights=4 * GB, layers=32, kv=128 * 1024, ctx=32768, vocab=32000) -> ModelShape:
    return ModelShape("Synthetic", weights, layers, kv, ctx, vocab)


def test_starter_model_from_its_header():
    info = read_info(starter_path())
    e = estimate_for_file(starter_path(), LoadSettings(n_ctx=2048), memory=MemoryInfo(16 * GB, 8 * GB))
    assert e.verdict == Verdict.FITS
    assert e.weights_bytes == STARTER_SIZE
    assert e.kv_bytes == info.kv_cache_bytes_per_token() * 2048
    assert e.n_ctx == 2048 and e.n_gpu_layers == 0 and e.gpu_needed == 0
    assert e.ram_needed > e.weights_bytes + e.kv_bytes
    assert "2,048 tokens" in e.message and e.message.endswith("It fits.")
    assert "about" not in e.message.split("needs")[1][:8]  # the weights are measured, not guessed
    assert e.suggested_n_ctx == info.context_length  # the whole trained context fits in 8 GB


def test_default_context_is_the_trained_one_capped_like_the_engine():
    e = estimate_for_file(starter_path(), memory=PLENTY)
    assert e.n_ctx == min(read_info(starter_path()).context_length, 8192)


def test_quantized_kv_cache_is_smaller():
    f16 = estimate(shape(), n_ctx=8192, memory=PLENTY)
    q8 = estimate(shape(), n_ctx=8192, kv_cache_type="q8_0", memory=PLENTY)
    q4 = estimate(shape(), n_ctx=8192, kv_cache_type="q4_0", memory=PLENTY)
    assert f16.kv_bytes == 128 * 1024 * 8192
    assert q8.kv_bytes == int(f16.kv_bytes * 34 / 64) and q4.kv_bytes == int(f16.kv_bytes * 18 / 64)
    assert "Q8_0 cache" in q8.message
    with pytest.raises(ValueError):
        estimate(shape(), kv_cache_type="q2")


def test_wont_fit_says_so_and_suggests_nothing_when_even_the_weights_do_not_fit():
    e = estimate(shape(weights=8 * GB), memory=MemoryInfo(8 * GB, 4 * GB))
    assert e.verdict == Verdict.WONT_FIT and e.suggested_n_ctx is None
    assert "won't fit" in e.message and "smaller model or quantization" in e.message
    assert "4.0 GB of memory free" in e.message


def test_suggests_the_largest_context_that_fits():
    s = shape(weights=2 * GB, kv=1024 * 1024, ctx=131072)
    mem = MemoryInfo(16 * GB, 8 * GB)
    e = estimate(s, n_ctx=131072, memory=mem)
    assert e.verdict == Verdict.WONT_FIT
    best = e.suggested_n_ctx
    assert best is not None and best < 131072
    assert estimate(s, n_ctx=best, memory=mem).verdict == Verdict.FITS
    bigger = min(c for c in fitmod.CONTEXT_STEPS if c > best)
    assert estimate(s, n_ctx=bigger, memory=mem).verdict != Verdict.FITS
    assert f"{best:,} tokens" in e.message


def test_tight_between_comfortable_and_full():
    s = shape(weights=3 * GB, kv=1024, ctx=2048)
    need = estimate(s, memory=PLENTY).ram_needed
    e = estimate(s, memory=MemoryInfo(16 * GB, int(need / 0.9)))
    assert e.verdict == Verdict.TIGHT and "close other programs" in e.message


def test_gpu_layers_split_memory_and_the_largest_layer_count_is_suggested():
    s = shape(weights=6 * GB, layers=32)
    gpu = 4 * GB
    all_layers = estimate(s, n_gpu_layers=-1, memory=PLENTY, gpu_memory_bytes=gpu)
    assert all_layers.n_gpu_layers == 32 and all_layers.verdict == Verdict.WONT_FIT
    assert all_layers.gpu_needed > gpu and "on the GPU (32 layers)" in all_layers.message
    best = all_layers.suggested_n_gpu_layers
    assert 0 < best < 32
    partial = estimate(s, n_gpu_layers=best, n_ctx=2048, memory=PLENTY, gpu_memory_bytes=gpu)
    assert partial.gpu_needed <= gpu * fitmod.FITS_GPU and partial.verdict == Verdict.FITS
    assert partial.ram_needed < all_layers.ram_needed + all_layers.gpu_needed
    # LoadSettings' None ("all layers if possible") uses the GPU when its memory is known
    assert estimate(s, n_gpu_layers=None, memory=PLENTY, gpu_memory_bytes=gpu).n_gpu_layers == 32
    assert estimate(s, n_gpu_layers=None, memory=PLENTY).n_gpu_layers == 0


def test_unknown_gpu_memory_counts_everything_against_ram():
    s = shape(weights=6 * GB)
    e = estimate(s, n_gpu_layers=-1, memory=PLENTY)
    assert e.gpu_needed == 0 and e.suggested_n_gpu_layers is None
    assert e.ram_needed == estimate(s, memory=PLENTY).ram_needed


def test_unknown_memory_is_tight_and_says_why():
    e = estimate(shape(), memory=None, read_machine=False)
    assert e.verdict == Verdict.TIGHT and "could not read" in e.message and e.ram_available is None


def test_catalog_estimate_before_download():
    model = next(m for m in load_catalog() if m.id == "qwen2.5-7b-instruct")
    f = model.files[0]
    e = estimate_for_catalog(model, f, memory=MemoryInfo(16 * GB, 12 * GB))
    assert e.weights_bytes == int(model.parameters * fitmod.BITS_PER_WEIGHT["Q4_K_M"] / 8)
    assert e.kv_bytes == 28 * 4 * 128 * 2 * 2 * 8192
    assert e.verdict == Verdict.FITS and "about" in e.message and "(Q4_K_M)" in e.message
    small = estimate_for_catalog(model, f, memory=MemoryInfo(8 * GB, 3 * GB))
    assert small.verdict == Verdict.WONT_FIT
    record_learned(f.url, size=4_683_074_240, sha256=None)  # once the server told us
    assert estimate_for_catalog(model, f, memory=PLENTY).weights_bytes == 4_683_074_240


def test_linux_meminfo_is_parsed(tmp_path):
    p = tmp_path / "meminfo"
    p.write_text("MemTotal:       16318784 kB\nMemFree:         1000000 kB\nMemAvailable:    9876543 kB\n")
    assert machine_memory._linux_memory(p) == MemoryInfo(16318784 * 1024, 9876543 * 1024)
    p.write_text("MemTotal: 1000 kB\nMemFree: 100 kB\nCached: 200 kB\nBuffers: 50 kB\n")
    assert machine_memory._linux_memory(p) == MemoryInfo(1000 * 1024, 350 * 1024)


@pytest.mark.skipif(sys.platform not in ("linux", "darwin", "win32"), reason="no reader for this platform")
def test_this_machine_memory_is_read():
    m = fitmod.system_memory()
    assert m is not None and 0 < m.available <= m.total
