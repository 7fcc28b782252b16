"""The GGUF header parser behind read_info (gguf_info.py): bounded, chunked, and every problem one ModelError.

It reads the file front to back in chunks, stops where the tensor data begins, bounds every count
and length it reads (gguf_format.py), and names the file in each error. The reading of numbers,
strings and metadata values is in gguf_reader.py; here are the header, the tensor table, and the
fields of a ModelInfo built from them.
"""

from __future__ import annotations

import re
from collections import Counter
from types import MappingProxyType
from typing import Any

from assistant.errors import ModelError
from assistant.models.gguf_format import (
    _ARRAY,
    DEFAULT_ALIGNMENT,
    FILE_TYPES,
    GGML_TYPES,
    GGUF_MAGIC,
    MAX_DIMS,
    MAX_KEY,
    MAX_KV,
    MAX_TENSORS,
    SUPPORTED_VERSIONS,
    TOKEN_TYPE_CONTROL,
    TOKEN_TYPE_USER_DEFINED,
)
from assistant.models.gguf_reader import ChunkedReader, shown_name

# Tokens that look like chat markup: <|im_start|>, <start_of_turn>, [INST], <｜User｜>, ...
_MARKER = re.compile(r"^(<[^<>\s]{1,60}>|\[/?[A-Za-z_]{1,30}\])$")


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


class HeaderParser(ChunkedReader):
    """The header of one open GGUF file: its start, metadata and tensor table, as the fields of a ModelInfo."""

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
