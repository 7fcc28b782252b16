"""The model library: the curated catalog, downloads, will-it-fit estimates, and the watched models folder.

Pure Python (never imports Qt). Nothing here opens a network connection until a download is started
or a repository listing is asked for.

Names are imported on first use (PEP 562): the app's models-folder watcher runs on the GUI thread
and should not pay for importing the download and catalog code it does not use.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "catalog": ["HF_BASE", "Arch", "CatalogError", "CatalogFile", "CatalogModel", "hf_url", "learned_file",
                "load_catalog"],
    "downloads": ["DownloadError", "DownloadManager", "DownloadState", "DownloadStatus"],
    "fit": ["FitEstimate", "MemoryInfo", "ModelShape", "Verdict", "estimate", "estimate_for_catalog",
            "estimate_for_file", "system_memory"],
    "hub": ["HFReference", "HubError", "RepoFile", "hf_repo_files", "parse_hf_reference"],
    "units": ["format_bytes", "format_duration"],
    "watch": ["FolderChange", "FolderSnapshot", "FolderWatcher"],
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
