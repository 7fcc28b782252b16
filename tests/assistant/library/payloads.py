"""Small real GGUF files to serve in the download tests."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np


def make_model(path: Path, *, seed: int = 1, rows: int = 512) -> bytes:
    """A small but real GGUF model (about rows x 2 KB of random F16 weights); returns its bytes."""
    w = gguf.GGUFWriter(path, "llama")
    w.add_name(f"Test Model {seed}")
    w.add_context_length(4096)
    w.add_embedding_length(1024)
    w.add_block_count(2)
    w.add_head_count(8)
    w.add_head_count_kv(2)
    w.add_file_type(int(gguf.LlamaFileType.MOSTLY_F16))
    w.add_tokenizer_model("llama")
    tokens = ["<unk>", "<s>", "</s>", "a", "b"]
    w.add_token_list(tokens)
    w.add_token_types([gguf.TokenType.CONTROL] * 3 + [gguf.TokenType.NORMAL] * 2)
    w.add_token_scores([0.0] * len(tokens))
    rng = np.random.default_rng(seed)
    w.add_tensor("token_embd.weight", rng.standard_normal((rows, 1024)).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path.read_bytes()
