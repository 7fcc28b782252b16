"""The memory estimate (assistant/library/fit.py) in the window's language: what a model needs with
a context, what this computer has free, and the verdict with what would fit better. The core's
FitEstimate.message says the same in English for the terminal. (Each string is a literal in a
translate() call, for pyside6-lupdate.)"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from assistant.library import format_bytes
from assistant.library.fit import ENGINE_OVERHEAD, FitEstimate, Verdict


def _fill(text: str, *values) -> str:
    for i, value in reversed(list(enumerate(values, start=1))):  # %10 before %1
        text = text.replace(f"%{i}", str(value))
    return text


def fit_message(e: FitEstimate) -> str:
    if e.exact:
        needs = QCoreApplication.translate(
            "FitMessage",
            "%1 needs %2 with %3 tokens of context (%4 for the weights, %5 for the context (%6 cache), "
            "%7 of working memory and %8 for the engine itself)",
        )
    else:
        needs = QCoreApplication.translate(
            "FitMessage",
            "%1 needs about %2 with %3 tokens of context (%4 for the weights, %5 for the context (%6 cache), "
            "%7 of working memory and %8 for the engine itself)",
        )
    text = _fill(
        needs,
        e.name,
        format_bytes(e.total_bytes),
        f"{e.n_ctx:,}",
        format_bytes(e.weights_bytes),
        format_bytes(e.kv_bytes),
        e.kv_cache_type.upper(),
        format_bytes(e.compute_bytes),
        format_bytes(ENGINE_OVERHEAD),
    )
    if e.gpu_needed:
        text += _fill(
            QCoreApplication.translate("FitMessage", ", %1 of it on the GPU (%2 layers)"),
            format_bytes(e.gpu_needed),
            e.n_gpu_layers,
        )
    if e.ram_available is None:
        return text + QCoreApplication.translate(
            "FitMessage", ". Bothy could not read how much memory this computer has, so it may or may not fit."
        )
    if e.gpu_available is not None:
        text += _fill(
            QCoreApplication.translate("FitMessage", "; this computer has %1 of memory free and %2 of GPU memory."),
            format_bytes(e.ram_available),
            format_bytes(e.gpu_available),
        )
    else:
        text += _fill(
            QCoreApplication.translate("FitMessage", "; this computer has %1 of memory free."),
            format_bytes(e.ram_available),
        )
    smaller = f"{e.suggested_n_ctx:,}" if e.suggested_n_ctx is not None and e.suggested_n_ctx < e.n_ctx else None
    if e.verdict == Verdict.FITS:
        verdict = QCoreApplication.translate("FitMessage", " It fits.")
    elif e.verdict == Verdict.TIGHT and smaller:
        verdict = _fill(
            QCoreApplication.translate(
                "FitMessage", " It should just fit; close other programs first, or use a context of %1 tokens."
            ),
            smaller,
        )
    elif e.verdict == Verdict.TIGHT:
        verdict = QCoreApplication.translate("FitMessage", " It should just fit; close other programs first.")
    elif smaller:
        verdict = _fill(
            QCoreApplication.translate("FitMessage", " It won't fit; it would with a context of %1 tokens."), smaller
        )
    else:
        verdict = QCoreApplication.translate("FitMessage", " It won't fit: choose a smaller model or quantization.")
    return text + verdict  # each verdict brings its own space (none in Chinese)
