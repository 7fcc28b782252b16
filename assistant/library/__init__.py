"""The model library: the curated catalog, downloads, will-it-fit estimates, and the watched models folder.

Pure Python (never imports Qt). Nothing here opens a network connection until a download is started
or a repository listing is asked for.
"""

from assistant.library.catalog import (
    HF_BASE,
    Arch,
    CatalogError,
    CatalogFile,
    CatalogModel,
    hf_url,
    learned_file,
    load_catalog,
)
from assistant.library.downloads import DownloadError, DownloadManager, DownloadState, DownloadStatus
from assistant.library.fit import (
    FitEstimate,
    MemoryInfo,
    ModelShape,
    Verdict,
    estimate,
    estimate_for_catalog,
    estimate_for_file,
    system_memory,
)
from assistant.library.hub import HFReference, HubError, RepoFile, hf_repo_files, parse_hf_reference
from assistant.library.units import format_bytes, format_duration
from assistant.library.watch import FolderChange, FolderSnapshot, FolderWatcher

__all__ = [
    "HF_BASE",
    "Arch",
    "CatalogError",
    "CatalogFile",
    "CatalogModel",
    "DownloadError",
    "DownloadManager",
    "DownloadState",
    "DownloadStatus",
    "FitEstimate",
    "FolderChange",
    "FolderSnapshot",
    "FolderWatcher",
    "HFReference",
    "HubError",
    "MemoryInfo",
    "ModelShape",
    "RepoFile",
    "Verdict",
    "estimate",
    "estimate_for_catalog",
    "estimate_for_file",
    "format_bytes",
    "format_duration",
    "hf_repo_files",
    "hf_url",
    "learned_file",
    "load_catalog",
    "parse_hf_reference",
    "system_memory",
]
