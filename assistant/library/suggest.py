"""The first models to suggest after the starter: one or two catalog models that fit this computer
comfortably (its RAM and, where known, GPU memory), the largest first; a Chinese-capable one (Qwen)
first when the person reads Chinese; with the download's size and a time estimate."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.library.catalog import CatalogFile, CatalogModel
from assistant.library.fit import Verdict, estimate_for_catalog
from assistant.library.machine_memory import MemoryInfo

ASSUMED_SPEED = 20 * 2**20  # bytes a second, for "about N minutes"; said where it is shown
MAX_PARAMETERS = 9_000_000_000  # a first model people can try today on a laptop: no 14B first
CHINESE_FAMILIES = ("Qwen",)


@dataclass(frozen=True)
class Suggestion:
    model: CatalogModel
    file: CatalogFile
    size: int

    @property
    def minutes(self) -> int:
        return max(1, round(self.size / ASSUMED_SPEED / 60))


def _preferred_file(model: CatalogModel) -> CatalogFile:
    return next((f for f in model.files if f.quantization == "Q4_K_M"), model.files[0])


def suggest(
    catalog: list[CatalogModel], memory: MemoryInfo | None, gpu_memory_bytes: int | None = None, *,
    chinese: bool = False, limit: int = 2,
) -> list[Suggestion]:  # fmt: skip
    fitting = []
    for model in catalog:
        if model.parameters > MAX_PARAMETERS or model.kind != "chat":
            continue
        file = _preferred_file(model)
        estimate = estimate_for_catalog(
            model, file, memory=memory, gpu_memory_bytes=gpu_memory_bytes, read_machine=False
        )
        if estimate.verdict == Verdict.FITS:
            size = file.known_size or int(model.parameters * 4.8 / 8)
            fitting.append(Suggestion(model, file, size))
    ranked = sorted(fitting, key=lambda s: (not (chinese and s.model.family in CHINESE_FAMILIES), -s.model.parameters))
    chosen: list[Suggestion] = []
    for suggestion in ranked:  # one per family: two different choices
        if all(s.model.family != suggestion.model.family for s in chosen):
            chosen.append(suggestion)
        if len(chosen) == limit:
            break
    return chosen
