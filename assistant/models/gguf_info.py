"""Read a GGUF file's header, metadata and tensor table without touching the weights.

A small dedicated parser rather than `gguf.GGUFReader`: that reader memory-maps the whole file and
builds numpy views of every metadata field and tensor, which is slower, needs numpy, and raises
all kinds of exceptions on damaged files. This one reads the file front to back in chunks, stops
where the tensor data begins, bounds every count and length it reads, and turns every problem
into a one-line `ModelError` naming the file.

Only GGUF versions 2 and 3 are accepted (version 1 used 32-bit counts and has not been loadable by
llama.cpp for a long time). The format's numbers are in gguf_format.py, the parser in gguf_parser.py,
and whether a model looks like a base model in base_model.py.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ModelError
from assistant.models.base_model import base_model_note
from assistant.models.gguf_format import FILE_TYPES, GGML_TYPES  # noqa: F401 - part of this module's interface
from assistant.models.gguf_parser import (  # format_parameter_count: part of this module's interface
    HeaderParser,
    format_parameter_count,  # noqa: F401
    os_reason,
    shown_name,
    str_value,
)


@dataclass(frozen=True)
class ModelInfo:
    """What Bothy needs to know about a GGUF model, read from its header only."""

    path: Path
    file_size: int
    gguf_version: int
    architecture: str | None
    name: str | None
    size_label: str | None  # general.size_label ("135M", "8x7B") or derived from parameter_count
    parameter_count: int  # elements summed over the tensor table
    quantization: str  # "Q4_1", "Q4_K_M", "F16"... or "unknown"
    file_type: int | None  # general.file_type as stored
    context_length: int | None
    embedding_length: int | None
    block_count: int | None
    head_count: int | None  # per-layer arrays are reduced to their maximum
    head_count_kv: int | None
    key_length: int | None
    value_length: int | None
    vocab_size: int | None
    tokenizer_model: str | None  # "gpt2", "llama", ...
    chat_template: str | None
    bos_token_id: int | None
    eos_token_id: int | None
    eot_token_id: int | None
    bos_token: str | None
    eos_token: str | None
    eot_token: str | None
    add_bos_token: bool | None
    special_tokens: frozenset[str]  # control / user-defined / markup-looking tokens in the vocabulary
    tensor_count: int
    tensor_types: Mapping[str, int] = field(compare=False)  # ggml type name -> elements of that type
    alignment: int
    data_offset: int  # where the tensor data starts
    # Every metadata key: scalars as read, arrays of up to KEEP_ARRAY_ITEMS items as tuples, longer
    # arrays (the vocabulary, merges, scores) as None.
    metadata: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template and self.chat_template.strip())

    @property
    def display_name(self) -> str:
        return self.name or self.path.stem

    @property
    def finetune(self) -> str | None:
        """general.finetune: what the model was tuned for ("Instruct", "it", "chat"...); None for most base models."""
        return str_value(self.metadata.get("general.finetune"))

    @property
    def basename(self) -> str | None:
        """general.basename: the model family ("gemma-3", "Llama-3.1")."""
        return str_value(self.metadata.get("general.basename"))

    @property
    def model_type(self) -> str | None:
        """general.type: "model" for a model, "adapter" for a LoRA."""
        return str_value(self.metadata.get("general.type"))

    @property
    def base_model_note(self) -> str | None:
        """One sentence for people when this looks like a base model (pre-trained, not tuned to chat).

        None for chat models and whenever in doubt: it takes a base word in the names ("base", "pt",
        "pretrained"), or a file with no chat template whose names say nothing of tuning while its
        metadata is recent enough to say so (general.basename: converters that write it also write
        general.finetune, "Instruct" or "it", and the chat template for a tuned model).
        """
        return base_model_note(self)

    @property
    def head_dim(self) -> int | None:
        """Per-head key width: attention.key_length, else embedding_length / head_count."""
        if self.key_length:
            return self.key_length
        if self.embedding_length and self.head_count:
            return self.embedding_length // self.head_count
        return None

    def kv_cache_bytes_per_token(self, bytes_per_element: float = 2.0) -> int | None:
        """Rough KV-cache size per token of context (F16 cache by default); None if unknown.

        Uses the largest per-layer head counts, so it errs on the high side for models that vary them.
        """
        k = self.head_dim
        v = self.value_length or k
        kv_heads = self.head_count_kv or self.head_count
        if not (self.block_count and kv_heads and k and v):
            return None
        return int(self.block_count * kv_heads * (k + v) * bytes_per_element)

    def get(self, key: str, default: Any = None) -> Any:
        """A metadata value by its full key, or `{arch}.`-relative key such as ".rope.freq_base"."""
        if key.startswith(".") and self.architecture:
            key = self.architecture + key
        return self.metadata.get(key, default)


def read_info(path: str | os.PathLike[str]) -> ModelInfo:
    """Read a model's header. Raises ModelError (and nothing else) for any problem with the file.

    Results are cached in memory keyed by path, size, modification/change times and inode.
    """
    p = Path(path)
    label = shown_name(p.name or str(p), 200)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ModelError(f"{label} was not found.", hint=f"Looked for {p}.") from None
    except PermissionError:
        raise ModelError(f"{label} cannot be read: permission denied.") from None
    except (OSError, ValueError) as e:
        raise ModelError(f"{label} cannot be read: {os_reason(e)}.") from None
    if stat.S_ISDIR(st.st_mode):
        raise ModelError(f"{label} is a folder, not a model file.")
    if not stat.S_ISREG(st.st_mode):
        raise ModelError(f"{label} is not a regular file.")
    if st.st_size == 0:
        raise ModelError(f"{label} is empty (0 bytes), so it is not a model file.")

    key = (str(p.absolute()), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached

    try:
        with open(p, "rb") as f:
            info = ModelInfo(**HeaderParser(f, p, st.st_size).parse())
    except ModelError:
        raise
    except PermissionError:
        raise ModelError(f"{label} cannot be read: permission denied.") from None
    except OSError as e:
        raise ModelError(f"{label} cannot be read: {os_reason(e)}.") from None
    except (MemoryError, RecursionError):
        raise ModelError(f"{label} is damaged: its header cannot be read.") from None

    with _cache_lock:
        if len(_cache) >= 64:
            _cache.pop(next(iter(_cache)))
        _cache[key] = info
    return info


_cache: dict[tuple[str, int, int, int, int], ModelInfo] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
