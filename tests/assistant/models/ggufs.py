"""Small synthetic GGUF files for the tests, written with gguf.GGUFWriter."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

import gguf
import numpy as np

BASE_TOKENS = ["<unk>", "<s>", "</s>", "a", "b", "c", "hello", "world"]


def make_gguf(
    path: Path,
    *,
    arch: str = "llama",
    name: str | None = "Tiny Test",
    tokens: Sequence[str] = BASE_TOKENS,
    control: Sequence[str] = ("<unk>", "<s>", "</s>"),
    template: str | None = None,
    bos: int | None = 1,
    eos: int | None = 2,
    file_type: int | None = gguf.LlamaFileType.MOSTLY_F16,
    tensors: bool = True,
    strings: Mapping[str, str] | None = None,
) -> Path:
    """A tiny but well-formed GGUF model; `control` tokens get the CONTROL token type.

    strings: more string metadata, e.g. {"general.finetune": "it", "general.basename": "gemma-3"}.
    """
    w = gguf.GGUFWriter(path, arch)
    if name is not None:
        w.add_name(name)
    for key, value in (strings or {}).items():
        w.add_string(key, value)
    w.add_context_length(2048)
    w.add_embedding_length(64)
    w.add_block_count(2)
    w.add_head_count(4)
    w.add_head_count_kv(2)
    if file_type is not None:
        w.add_file_type(int(file_type))
    w.add_tokenizer_model("llama")
    w.add_token_list(list(tokens))
    w.add_token_types([gguf.TokenType.CONTROL if t in control else gguf.TokenType.NORMAL for t in tokens])
    w.add_token_scores([0.0] * len(tokens))
    if bos is not None:
        w.add_bos_token_id(bos)
    if eos is not None:
        w.add_eos_token_id(eos)
    if template is not None:
        w.add_chat_template(template)
    if tensors:
        w.add_tensor("token_embd.weight", np.ones((len(tokens), 64), dtype=np.float16))
        w.add_tensor("output_norm.weight", np.ones((64,), dtype=np.float32))
        w.add_tensor("blk.0.attn_q.weight", np.zeros((64, 64), dtype=np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def header(version: int = 3, tensors: int = 0, kvs: int = 0, magic: bytes = b"GGUF") -> bytes:
    return magic + struct.pack("<IQQ", version, tensors, kvs)


def gguf_string(text: str | bytes) -> bytes:
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(data)) + data


def kv_string(key: str, value: str) -> bytes:
    return gguf_string(key) + struct.pack("<I", 8) + gguf_string(value)


def kv_u32(key: str, value: int) -> bytes:
    return gguf_string(key) + struct.pack("<II", 4, value)


# -- copies of a real model with other metadata --------------------------------------------------------

_SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY = 8, 9


def _skip_value(data: bytes, at: int, vtype: int) -> int:
    if vtype in _SCALAR_SIZES:
        return at + _SCALAR_SIZES[vtype]
    if vtype == _STRING:
        return at + 8 + struct.unpack_from("<Q", data, at)[0]
    if vtype == _ARRAY:
        etype, count = struct.unpack_from("<IQ", data, at)
        at += 12
        if etype in _SCALAR_SIZES:
            return at + count * _SCALAR_SIZES[etype]
        for _ in range(count):
            at = _skip_value(data, at, etype)
        return at
    raise ValueError(f"unknown GGUF value type {vtype}")


def copy_with_strings(src: Path, dst: Path, strings: Mapping[str, str | int | None]) -> Path:
    """A copy of the GGUF `src` whose metadata `strings` is set (a string, or an int as uint32; None:
    removed), fast.

    Only the header is rewritten (gguf.GGUFWriter would re-encode every tensor): the metadata, the
    tensor table as it is, padding to the file's alignment, then the tensor data copied byte for byte
    (tensor offsets count from the start of the data, so they stay right).
    """
    from assistant.models import read_info

    info = read_info(src)
    with open(src, "rb") as f:
        head = f.read(info.data_offset)
        _, version, n_tensors, n_kv = struct.unpack_from("<4sIQQ", head, 0)
        at = 24
        entries: list[tuple[str, bytes]] = []
        for _ in range(n_kv):
            start = at
            key_len = struct.unpack_from("<Q", head, at)[0]
            key = head[at + 8 : at + 8 + key_len].decode()
            vtype = struct.unpack_from("<I", head, at + 8 + key_len)[0]
            at = _skip_value(head, at + 12 + key_len, vtype)
            entries.append((key, head[start:at]))
        table_start = at
        for _ in range(n_tensors):
            n = struct.unpack_from("<Q", head, at)[0]
            n_dims = struct.unpack_from("<I", head, at + 8 + n)[0]
            at += 8 + n + 4 + 8 * n_dims + 12
        tensor_table = head[table_start:at]
        kept = [(k, raw) for k, raw in entries if k not in strings]
        kept += [
            (k, gguf_string(k) + struct.pack("<I", _STRING) + gguf_string(v) if isinstance(v, str) else kv_u32(k, v))
            for k, v in strings.items()
            if v is not None
        ]
        out = (
            struct.pack("<4sIQQ", b"GGUF", version, n_tensors, len(kept))
            + b"".join(raw for _, raw in kept)
            + tensor_table
        )
        out += b"\0" * (-len(out) % info.alignment)
        with open(dst, "wb") as g:
            g.write(out)
            f.seek(info.data_offset)
            shutil.copyfileobj(f, g, 16 << 20)
    return dst
