"""Small synthetic GGUF files for the tests, written with gguf.GGUFWriter."""

from __future__ import annotations

import struct
from collections.abc import Sequence
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
) -> Path:
    """A tiny but well-formed GGUF model; `control` tokens get the CONTROL token type."""
    w = gguf.GGUFWriter(path, arch)
    if name is not None:
        w.add_name(name)
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
