"""Read a GGUF file's header, metadata and tensor table without touching the weights.

A small dedicated parser rather than `gguf.GGUFReader`: that reader memory-maps the whole file and
builds numpy views of every metadata field and tensor, which is slower, needs numpy, and raises
all kinds of exceptions on damaged files. This one reads the file front to back in chunks, stops
where the tensor data begins, bounds every count and length it reads, and turns every problem
into a one-line `ModelError` naming the file.

Layout (all little-endian; https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):

    "GGUF" | version u32 | tensor_count u64 | kv_count u64
    kv_count    x (key: string, value_type u32, value)
    tensor_count x (name: string, n_dims u32, dims u64[n_dims], ggml_type u32, offset u64)
    padding to general.alignment (default 32), then the tensor data

Strings are a u64 length followed by UTF-8 bytes; arrays are an element type u32, a u64 count and
the elements. Only GGUF versions 2 and 3 are accepted (version 1 used 32-bit counts and has not been
loadable by llama.cpp for a long time).
"""

from __future__ import annotations

import os
import re
import stat
import struct
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from assistant.errors import ModelError

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
DEFAULT_ALIGNMENT = 32

# Bounds for values a damaged or hostile file might claim.
MAX_TENSORS = 1_000_000
MAX_KV = 1_000_000
MAX_ARRAY_ITEMS = 16_000_000  # the largest real vocabularies / merge lists are well under 1M
MAX_STRING = 256 * 1024 * 1024  # a single metadata string (chat templates are a few KB)
MAX_KEY = 64 * 1024  # a metadata key or tensor name
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_ARRAY_DEPTH = 3  # arrays of arrays are legal; llama.cpp itself never writes them
KEEP_ARRAY_ITEMS = 1024  # arrays up to this size are kept in ModelInfo.metadata

_CHUNK = 1 << 20

# GGUF metadata value types.
_UINT8, _INT8, _UINT16, _INT16, _UINT32, _INT32, _FLOAT32, _BOOL = range(8)
_STRING, _ARRAY, _UINT64, _INT64, _FLOAT64 = 8, 9, 10, 11, 12
_SCALAR_FORMATS: dict[int, str] = {
    _UINT8: "B",
    _INT8: "b",
    _UINT16: "H",
    _INT16: "h",
    _UINT32: "I",
    _INT32: "i",
    _FLOAT32: "f",
    _BOOL: "?",
    _UINT64: "Q",
    _INT64: "q",
    _FLOAT64: "d",
}

# ggml tensor types: id -> (name, elements per block, bytes per block). Mirrors gguf.GGMLQuantizationType
# and gguf.GGML_QUANT_SIZES (checked against them in the tests); kept here so that reading a header
# does not import numpy. Unknown ids are reported as "type N" and their size is not checked.
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    9: ("Q8_1", 32, 36),  # ggml's block_q8_1 (two halves + 32 bytes); gguf-py still says 40
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66),
    17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18),
    21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2),
    31: ("Q4_0_4_4", 32, 18),
    32: ("Q4_0_4_8", 32, 18),
    33: ("Q4_0_8_8", 32, 18),
    34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66),
    36: ("IQ4_NL_4_4", 32, 18),
    37: ("IQ4_NL_4_8", 32, 18),
    38: ("IQ4_NL_8_8", 32, 18),
    39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36),
    41: ("Q1_0", 128, 18),
}

# general.file_type (llama_ftype) -> the name people use. Mirrors gguf.LlamaFileType without "MOSTLY_".
FILE_TYPES: dict[int, str] = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    4: "Q4_1_SOME_F16",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    33: "Q4_0_4_4",
    34: "Q4_0_4_8",
    35: "Q4_0_8_8",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
    39: "NVFP4",
    40: "Q1_0",
}

# tokenizer.ggml.token_type values (llama_token_type).
TOKEN_TYPE_CONTROL = 3
TOKEN_TYPE_USER_DEFINED = 4

# Tokens that look like chat markup: <|im_start|>, <start_of_turn>, [INST], <｜User｜>, ...
_MARKER = re.compile(r"^(<[^<>\s]{1,60}>|\[/?[A-Za-z_]{1,30}\])$")


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
    label = _shown(p.name or str(p), 200)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ModelError(f"{label} was not found.", hint=f"Looked for {p}.") from None
    except PermissionError:
        raise ModelError(f"{label} cannot be read: permission denied.") from None
    except (OSError, ValueError) as e:
        raise ModelError(f"{label} cannot be read: {_os_reason(e)}.") from None
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
            info = _Parser(f, p, st.st_size).parse()
    except ModelError:
        raise
    except PermissionError:
        raise ModelError(f"{label} cannot be read: permission denied.") from None
    except OSError as e:
        raise ModelError(f"{label} cannot be read: {_os_reason(e)}.") from None
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


def format_parameter_count(n: int) -> str:
    """135M, 1.7B, 70B."""
    if n <= 0:
        return "?"
    if n < 1_000_000:
        return f"{max(1, round(n / 1000))}K"
    if n < 1_000_000_000:
        return f"{round(n / 1_000_000)}M"
    b = n / 1_000_000_000
    return f"{b:.1f}B" if b < 10 else f"{round(b)}B"


def _shown(text: str, limit: int = 80) -> str:
    """A name from a file, safe to put in a one-line message: no control characters, not too long."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _os_reason(e: BaseException) -> str:
    text = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return text[:1].lower() + text[1:] if text else "unknown error"


def _describe_magic(head: bytes) -> tuple[str, str | None]:
    """How to show the first bytes of a file that is not GGUF, and a hint if we recognise it."""
    shown = repr(head[:4])[2:-1]  # b'PK\x03\x04' -> PK\x03\x04
    hint = None
    if head[:4] in (b"lmgg", b"tjgg", b"fmgg", b"algg"):
        hint = "It looks like an old GGML model; download a GGUF version of the model instead."
    elif head[:4] == b"PK\x03\x04":
        hint = "It looks like a zip archive; extract it or download the .gguf file itself."
    elif len(head) >= 9 and head[8:9] == b"{":
        hint = "It looks like a safetensors file; Bothy needs the model in GGUF format."
    elif head[:1] in (b"<", b"{") or head[:15].lower().startswith(b"version https:"):
        hint = "It looks like a text or web page, perhaps a failed or partial download."
    return shown, hint


class _Parser:
    def __init__(self, f, path: Path, size: int):
        self.f = f
        self.path = path
        self.name = _shown(path.name or str(path), 200)
        self.size = size
        self.buf = b""
        self.base = 0  # file offset of buf[0]
        self.pos = 0  # current file offset
        self.where = "the file header"

    # -- low level ---------------------------------------------------------------------------

    def _truncated(self, end: int) -> ModelError:
        return ModelError(
            f"{self.name} is truncated: {self.where} needs bytes up to {end:,} "
            f"but the file ends at byte {self.size:,}.",
            hint="The download may be incomplete; download the model again.",
        )

    def _corrupt(self, reason: str) -> ModelError:
        return ModelError(f"{self.name} is damaged: {reason}.", hint="Download the model again.")

    def _need(self, n: int) -> int:
        """Make buf cover [pos, pos + n); return the index of pos in buf."""
        end = self.pos + n
        if end > self.size:
            raise self._truncated(end)
        buf_end = self.base + len(self.buf)
        if self.base <= self.pos and end <= buf_end:
            return self.pos - self.base
        keep = self.buf[self.pos - self.base :] if self.base <= self.pos <= buf_end else b""
        read_from = self.pos + len(keep)
        want = max(n - len(keep), _CHUNK)
        self.f.seek(read_from)
        data = self.f.read(want)
        self.buf = keep + data
        self.base = self.pos
        if len(self.buf) < n:  # the file shrank while we were reading it
            raise self._truncated(end)
        return 0

    def _unpack(self, fmt: str, n: int):
        i = self._need(n)
        self.pos += n
        return struct.unpack_from(fmt, self.buf, i)

    def u32(self) -> int:
        return self._unpack("<I", 4)[0]

    def u64(self) -> int:
        return self._unpack("<Q", 8)[0]

    def raw_string(self, limit: int) -> bytes:
        n = self.u64()
        if n > limit:
            if self.pos + n > self.size:
                raise self._truncated(self.pos + n)
            raise self._corrupt(f"{self.where} has an absurd string length ({n:,} bytes)")
        i = self._need(n)
        self.pos += n
        return self.buf[i : i + n]

    def string(self, limit: int = MAX_STRING) -> str:
        return self.raw_string(limit).decode("utf-8", errors="replace")

    def skip(self, n: int) -> None:
        if self.pos + n > self.size:
            raise self._truncated(self.pos + n)
        self.pos += n

    # -- values ------------------------------------------------------------------------------

    def value(self, vtype: int, keep: bool, depth: int = 0) -> Any:
        fmt = _SCALAR_FORMATS.get(vtype)
        if fmt is not None:
            return self._unpack("<" + fmt, struct.calcsize(fmt))[0]
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            return self.array(keep, depth + 1)
        raise self._corrupt(f"{self.where} has an unknown value type ({vtype})")

    def array(self, keep: bool | str, depth: int) -> Any:
        """keep: False (skip), True (keep if short), "all" (keep whatever the size)."""
        if depth > MAX_ARRAY_DEPTH:
            raise self._corrupt(f"{self.where} has arrays nested too deeply")
        etype = self.u32()
        count = self.u64()
        if count > MAX_ARRAY_ITEMS:
            raise self._corrupt(f"{self.where} claims an absurd number of items ({count:,})")
        fmt = _SCALAR_FORMATS.get(etype)
        if fmt is not None:
            width = struct.calcsize(fmt)
            total = width * count
            if keep == "all" or (keep and count <= KEEP_ARRAY_ITEMS):
                i = self._need(total)
                self.pos += total
                return struct.unpack_from(f"<{count}{fmt}", self.buf, i)
            self.skip(total)
            return None
        if etype == _STRING:
            if self.pos + 8 * count > self.size:
                raise self._truncated(self.pos + 8 * count)
            items = self._string_array(count, keep == "all" or (keep and count <= KEEP_ARRAY_ITEMS))
            if items is not None and keep != "all":
                return tuple(b.decode("utf-8", errors="replace") for b in items)
            return items
        if etype == _ARRAY:
            if self.pos + 12 * count > self.size:
                raise self._truncated(self.pos + 12 * count)
            out = [self.array(keep, depth + 1) for _ in range(count)]
            return tuple(out) if keep and count <= KEEP_ARRAY_ITEMS else None
        raise self._corrupt(f"{self.where} has an array of unknown type ({etype})")

    def _string_array(self, count: int, keep: bool) -> list[bytes] | None:
        """The hot loop (vocabularies and merge lists): raw bytes, bounds-checked, no decoding."""
        out: list[bytes] | None = [] if keep else None
        unpack = struct.unpack_from
        i = self._need(0)
        buf = self.buf
        blen = len(buf)
        for _ in range(count):
            if i + 8 > blen:
                self.pos = self.base + i
                i = self._need(8)
                buf, blen = self.buf, len(self.buf)
            (n,) = unpack("<Q", buf, i)
            end = i + 8 + n
            if end > blen:
                if n > MAX_STRING:
                    self.pos = self.base + i + 8
                    if self.pos + n > self.size:
                        raise self._truncated(self.pos + n)
                    raise self._corrupt(f"{self.where} has an absurd string length ({n:,} bytes)")
                self.pos = self.base + i
                i = self._need(8 + n)
                buf, blen = self.buf, len(self.buf)
                end = i + 8 + n
            if out is not None:
                out.append(buf[i + 8 : end])
            i = end
        self.pos = self.base + i
        return out

    # -- the file ----------------------------------------------------------------------------

    def parse(self) -> ModelInfo:
        head = self.f.read(24)
        self.f.seek(0)
        if len(head) < 4 or head[:4] != GGUF_MAGIC:
            if len(head) < 4 and GGUF_MAGIC.startswith(head):
                raise self._truncated(4)
            shown, hint = _describe_magic(head)
            raise ModelError(f"{self.name} is not a GGUF model file (it starts with '{shown}').", hint=hint)
        self.pos = 4
        version = self.u32()
        if version not in SUPPORTED_VERSIONS:
            swapped = int.from_bytes(version.to_bytes(4, "little"), "big")
            if swapped in SUPPORTED_VERSIONS:
                raise ModelError(
                    f"{self.name} is a big-endian GGUF file, which llama.cpp cannot load on this computer."
                )
            if version == 1:
                raise ModelError(
                    f"{self.name} uses GGUF version 1, which is too old; only versions 2 and 3 are supported.",
                    hint="Download a newer conversion of the model.",
                )
            raise ModelError(
                f"{self.name} uses GGUF version {version}, which Bothy does not support (only versions 2 and 3 are)."
            )
        tensor_count = self.u64()
        kv_count = self.u64()
        if tensor_count > MAX_TENSORS:
            raise self._corrupt(f"the header claims an absurd number of tensors ({tensor_count:,})")
        if kv_count > MAX_KV:
            raise self._corrupt(f"the header claims an absurd number of metadata entries ({kv_count:,})")
        # each metadata entry takes at least 8 + 4 + 1 bytes, each tensor entry at least 8 + 4 + 4 + 8
        min_end = self.pos + 13 * kv_count + 24 * tensor_count
        if min_end > self.size:
            self.where = f"the header ({kv_count:,} metadata entries, {tensor_count:,} tensors)"
            raise self._truncated(min_end)

        meta: dict[str, Any] = {}
        tokens: list[bytes] | None = None
        token_types: tuple[int, ...] | None = None
        for index in range(kv_count):
            self.where = f"metadata entry {index + 1} of {kv_count}"
            key = self.string(MAX_KEY)
            self.where = f"the metadata value '{_shown(key)}'"
            vtype = self.u32()
            if key == "tokenizer.ggml.tokens" and vtype == _ARRAY:
                value = self.array("all", 1)
                if isinstance(value, list) and value and isinstance(value[0], bytes):
                    tokens = value
                value = None
            elif key == "tokenizer.ggml.token_type" and vtype == _ARRAY:
                value = self.array("all", 1)
                if isinstance(value, tuple) and all(type(v) is int for v in value[:1]):
                    token_types = value
                value = None
            else:
                value = self.value(vtype, keep=True)
            if key in meta:
                raise self._corrupt(f"the metadata key '{_shown(key)}' appears twice")
            meta[key] = value

        alignment = meta.get("general.alignment", DEFAULT_ALIGNMENT)
        if type(alignment) is not int or alignment <= 0 or alignment & (alignment - 1):
            raise self._corrupt(f"general.alignment is not a power of two ({alignment!r})")

        tensors = self._tensor_infos(tensor_count, alignment)
        data_offset = -(-self.pos // alignment) * alignment
        self._check_tensor_extents(tensors, data_offset)
        return self._build(version, meta, tokens, token_types, tensors, alignment, data_offset)

    def _tensor_infos(self, count: int, alignment: int) -> list[tuple[str, int, int, int]]:
        """(name, ggml type, element count, offset) for each tensor."""
        out = []
        names: set[str] = set()
        for index in range(count):
            self.where = f"tensor {index + 1} of {count}"
            name = self.string(MAX_KEY)
            self.where = f"tensor '{_shown(name)}'"
            n_dims = self.u32()
            if n_dims > MAX_DIMS:
                raise self._corrupt(f"tensor '{_shown(name)}' has {n_dims:,} dimensions (at most {MAX_DIMS})")
            dims = self._unpack(f"<{n_dims}Q", 8 * n_dims) if n_dims else ()
            ggml_type, offset = self._unpack("<IQ", 12)
            elements = 1
            for d in dims:
                elements *= d
            if any(d >= 1 << 63 for d in dims) or elements >= 1 << 62:
                raise self._corrupt(f"tensor '{_shown(name)}' has absurd dimensions {tuple(dims)}")
            if offset % alignment:
                raise self._corrupt(f"tensor '{_shown(name)}' is not aligned to {alignment} bytes")
            if name in names:
                raise self._corrupt(f"the tensor name '{_shown(name)}' appears twice")
            names.add(name)
            out.append((name, ggml_type, elements, offset))
        return out

    def _check_tensor_extents(self, tensors, data_offset: int) -> None:
        for name, ggml_type, elements, offset in tensors:
            known = GGML_TYPES.get(ggml_type)
            if known is None:
                continue
            _, block, block_bytes = known
            if elements % block:
                raise self._corrupt(
                    f"tensor '{_shown(name)}' has {elements:,} elements, not a multiple of its block size {block}"
                )
            end = data_offset + offset + elements // block * block_bytes
            if end > self.size:
                raise ModelError(
                    f"{self.name} is truncated: the header says tensor '{_shown(name)}' ends at byte {end:,} "
                    f"but the file ends at byte {self.size:,}.",
                    hint="The download may be incomplete; download the model again.",
                )

    def _build(self, version, meta, tokens, token_types, tensors, alignment, data_offset) -> ModelInfo:
        arch = _str(meta.get("general.architecture"))

        def arch_int(suffix: str) -> int | None:
            return _int(meta.get(f"{arch}.{suffix}")) if arch else None

        type_elements: Counter[str] = Counter()
        parameters = 0
        for _, ggml_type, elements, _ in tensors:
            parameters += elements
            type_elements[_type_name(ggml_type)] += elements

        file_type = _int(meta.get("general.file_type"))
        quantization = FILE_TYPES.get(file_type) if file_type is not None else None
        if quantization is None:
            quantization = type_elements.most_common(1)[0][0] if type_elements else "unknown"

        def token_text(token_id: int | None) -> str | None:
            if token_id is None or tokens is None or not 0 <= token_id < len(tokens):
                return None
            return tokens[token_id].decode("utf-8", errors="replace")

        bos = _int(meta.get("tokenizer.ggml.bos_token_id"))
        eos = _int(meta.get("tokenizer.ggml.eos_token_id"))
        eot = _int(meta.get("tokenizer.ggml.eot_token_id"))
        template = meta.get("tokenizer.chat_template")
        add_bos = meta.get("tokenizer.ggml.add_bos_token")
        size_label = _str(meta.get("general.size_label")) or (
            format_parameter_count(parameters) if parameters else None
        )
        vocab_size = len(tokens) if tokens is not None else arch_int("vocab_size")

        return ModelInfo(
            path=self.path,
            file_size=self.size,
            gguf_version=version,
            architecture=arch,
            name=_str(meta.get("general.name")),
            size_label=size_label,
            parameter_count=parameters,
            quantization=quantization,
            file_type=file_type,
            context_length=arch_int("context_length"),
            embedding_length=arch_int("embedding_length"),
            block_count=arch_int("block_count"),
            head_count=arch_int("attention.head_count"),
            head_count_kv=arch_int("attention.head_count_kv"),
            key_length=arch_int("attention.key_length"),
            value_length=arch_int("attention.value_length"),
            vocab_size=vocab_size,
            tokenizer_model=_str(meta.get("tokenizer.ggml.model")),
            chat_template=template if isinstance(template, str) else None,
            bos_token_id=bos,
            eos_token_id=eos,
            eot_token_id=eot,
            bos_token=token_text(bos),
            eos_token=token_text(eos),
            eot_token=token_text(eot),
            add_bos_token=add_bos if isinstance(add_bos, bool) else None,
            special_tokens=_special_tokens(tokens, token_types),
            tensor_count=len(tensors),
            tensor_types=MappingProxyType(dict(type_elements.most_common())),
            alignment=alignment,
            data_offset=data_offset,
            metadata=MappingProxyType(meta),
        )


def _type_name(ggml_type: int) -> str:
    known = GGML_TYPES.get(ggml_type)
    return known[0] if known else f"type {ggml_type}"


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    """An integer metadata value; per-layer arrays (some models have them) give their maximum."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, tuple) and value and all(type(v) is int for v in value):
        return max(value)
    return None


def _special_tokens(tokens: list[bytes] | None, token_types: tuple[int, ...] | None) -> frozenset[str]:
    if not tokens:
        return frozenset()
    found: set[str] = set()
    if token_types is not None and len(token_types) == len(tokens):
        for tok, ttype in zip(tokens, token_types, strict=True):
            if ttype in (TOKEN_TYPE_CONTROL, TOKEN_TYPE_USER_DEFINED):
                found.add(tok.decode("utf-8", errors="replace"))
    for tok in tokens:
        if 2 < len(tok) <= 200 and tok[:1] in (b"<", b"[") and tok[-1:] in (b">", b"]"):
            text = tok.decode("utf-8", errors="replace")
            if _MARKER.match(text):
                found.add(text)
    return frozenset(found)
