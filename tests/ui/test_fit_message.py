"""The memory estimate in the window's language: the same sentence as the core's English message
(for every verdict, with and without a known GPU), and in Chinese when the window is in Chinese."""

from __future__ import annotations

import pytest

from assistant.library import load_catalog
from assistant.library.fit import Verdict, estimate_for_catalog
from assistant.library.machine_memory import MemoryInfo
from ui import i18n
from ui.fit_message import fit_message

GB = 2**30


def estimates():
    catalog = {m.id: m for m in load_catalog()}
    small, big = catalog["qwen2.5-0.5b-instruct"], catalog["qwen3-14b"]
    for model, free, gpu in ((small, 16, None), (big, 10, None), (big, 4, None), (big, 64, 8), (small, None, None)):
        memory = MemoryInfo(total=64 * GB, available=free * GB) if free else None
        yield estimate_for_catalog(
            model,
            model.files[0],
            n_ctx=32768,
            n_gpu_layers=-1 if gpu else 0,
            memory=memory,
            gpu_memory_bytes=gpu and gpu * GB,
            read_machine=False,
        )


@pytest.mark.parametrize("estimate", list(estimates()), ids=lambda e: f"{e.name}-{e.verdict}-{e.ram_available}")
def test_in_english_it_says_what_the_core_says(qapp, estimate):
    assert fit_message(estimate) == estimate.message


def test_in_chinese_every_verdict_is_translated(qapp):
    i18n.install(qapp, "zh_CN")
    try:
        said = {e.verdict: fit_message(e) for e in estimates()}
    finally:
        i18n.install(qapp, "en")
    assert set(said) == set(Verdict)
    assert said[Verdict.FITS].endswith("放得下。") and "词元的上下文下" in said[Verdict.FITS]
    assert said[Verdict.WONT_FIT].startswith("Qwen3 14B (Q4_K_M)") and "放不下" in said[Verdict.WONT_FIT]
    assert all("needs" not in text for text in said.values())
