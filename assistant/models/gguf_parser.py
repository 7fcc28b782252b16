"""The GGUF header parser behind read_info (gguf_info.py): bounded, chunked, and every problem one ModelError.

It reads the file front to back in chunks, stops where the tensor data begins, bounds every count
and length it reads (gguf_format.py), and names the file in each error.
"""

from __future__ import annotations

import re
import struct
from collections import Counter
from pathlib import Path
from types import MappingProxyType
from typing import Any

from assistant.errors import ModelError
from assistant.models.gguf_format import (
    _ARRAY,
    _CHUNK,
    _SCALAR_FORMATS,
    _STRING,
    DEFAULT_ALIGNMENT,
    FILE_TYPES,
    GGML_TYPES,
    GGUF_MAGIC,
    KEEP_ARRAY_ITEMS,
    MAX_ARRAY_DEPTH,
    MAX_ARRAY_ITEMS,
    MAX_DIMS,
    MAX_KEY,
    MAX_KV,
    MAX_STRING,
    MAX_TENSORS,
    SUPPORTED_VERSIONS,
    TOKEN_TYPE_CONTROL,
    TOKEN_TYPE_USER_DEFINED,
)

# Tokens that look like chat markup: <|im_start|>, <start_of_turn>, [INST], <｜User｜>, ...
_MARKER = re.compile(r"^(<[^<>\s]{1,60}>|\[/?[A-Za-z_]{1,30}\])$")


def shown_name(text: str, limit: int = 80) -> str:
    """A name from a file, safe to put in a one-line message: no control characters, not too long."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def os_reason(e: BaseException) -> str:
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


class HeaderParser:
    def __init__(self, f, path: Path, size: int):
        self.f = f
        self.path = path
        self.name = shown_name(path.name or str(path), 200)
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

    def parse(self) -> dict[str, Any]:
        """The fields of a ModelInfo (gguf_info.py) read from the header."""
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
            self.where = f"the metadata value '{shown_name(key)}'"
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
                raise self._corrupt(f"the metadata key '{shown_name(key)}' appears twice")
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
            self.where = f"tensor '{shown_name(name)}'"
            n_dims = self.u32()
            if n_dims > MAX_DIMS:
                raise self._corrupt(f"tensor '{shown_name(name)}' has {n_dims:,} dimensions (at most {MAX_DIMS})")
            dims = self._unpack(f"<{n_dims}Q", 8 * n_dims) if n_dims else ()
            ggml_type, offset = self._unpack("<IQ", 12)
            elements = 1
            for d in dims:
                elements *= d
            if any(d >= 1 << 63 for d in dims) or elements >= 1 << 62:
                raise self._corrupt(f"tensor '{shown_name(name)}' has absurd dimensions {tuple(dims)}")
            if offset % alignment:
                raise self._corrupt(f"tensor '{shown_name(name)}' is not aligned to {alignment} bytes")
            if name in names:
                raise self._corrupt(f"the tensor name '{shown_name(name)}' appears twice")
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
                    f"tensor '{shown_name(name)}' has {elements:,} elements, not a multiple of its block size {block}"
                )
            end = data_offset + offset + elements // block * block_bytes
            if end > self.size:
                raise ModelError(
                    f"{self.name} is truncated: the header says tensor '{shown_name(name)}' ends at byte {end:,} "
                    f"but the file ends at byte {self.size:,}.",
                    hint="The download may be incomplete; download the model again.",
                )

    def _build(self, version, meta, tokens, token_types, tensors, alignment, data_offset) -> dict[str, Any]:
        arch = str_value(meta.get("general.architecture"))

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
        size_label = str_value(meta.get("general.size_label")) or (
            format_parameter_count(parameters) if parameters else None
        )
        vocab_size = len(tokens) if tokens is not None else arch_int("vocab_size")

        return dict(
            path=self.path,
            file_size=self.size,
            gguf_version=version,
            architecture=arch,
            name=str_value(meta.get("general.name")),
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
            tokenizer_model=str_value(meta.get("tokenizer.ggml.model")),
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


def str_value(value: Any) -> str | None:
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
