"""A Llama-architecture model of realistic size, made from random weights, for speed measurements.

Generation speed does not depend on what the weights are, only on their shapes and types, so a
model with Llama 3.2 1B's shapes (1.24 B parameters) and random weights runs exactly as fast as the
real one, and needs no download. The tokenizer comes from llama.cpp's own test vocabulary
(`models/ggml-vocab-llama-bpe.gguf`, Llama 3's, in the vendored source). The model is written in
F16 with the `gguf` package and quantized to Q4_K_M with llama.cpp's own `llama-quantize`; both
files are cached by their shape.

    path = ensure_model(cache_dir, "1b", vocab_gguf, quantize_binary, log=print)
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

# A Llama 3 chat template (written here, not copied): what Bothy's engine renders prompts with.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
    "{{ m['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    ffn: int

    @property
    def name(self) -> str:
        return f"llama-h{self.hidden}-l{self.layers}-a{self.heads}-kv{self.kv_heads}-f{self.ffn}"


SHAPES = {
    "1b": Shape(hidden=2048, layers=16, heads=32, kv_heads=8, ffn=8192),  # Llama 3.2 1B's
    "tiny": Shape(hidden=256, layers=2, heads=4, kv_heads=2, ffn=512),  # for checking the path quickly
}


def write_f16(path: Path, shape: Shape, vocab_gguf: Path, *, seed: int = 0) -> None:
    """Write the model in F16 (norms in F32), with the vocabulary of `vocab_gguf`."""
    import gguf
    import numpy as np

    vocab = _vocabulary(vocab_gguf)
    n_vocab = len(vocab["tokens"])
    rng = np.random.default_rng(seed)

    def weights(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols), dtype=np.float32) * 0.02).astype(np.float16)

    def ones(n: int) -> np.ndarray:
        return np.ones(n, dtype=np.float32)

    head_dim = shape.hidden // shape.heads
    kv_dim = head_dim * shape.kv_heads
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(f"synthetic {shape.name}")
    writer.add_context_length(131072)
    writer.add_embedding_length(shape.hidden)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(shape.ffn)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(500000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_tokenizer_model(vocab["model"])
    writer.add_tokenizer_pre(vocab["pre"])
    writer.add_token_list(vocab["tokens"])
    writer.add_token_types(vocab["types"])
    writer.add_token_merges(vocab["merges"])
    writer.add_bos_token_id(vocab["bos"])
    writer.add_eos_token_id(vocab["eos"])
    writer.add_chat_template(CHAT_TEMPLATE)
    writer.add_tensor("token_embd.weight", weights(n_vocab, shape.hidden))  # tied: no output.weight
    writer.add_tensor("output_norm.weight", ones(shape.hidden))
    for i in range(shape.layers):
        blk = f"blk.{i}"
        writer.add_tensor(f"{blk}.attn_norm.weight", ones(shape.hidden))
        writer.add_tensor(f"{blk}.attn_q.weight", weights(shape.hidden, shape.hidden))
        writer.add_tensor(f"{blk}.attn_k.weight", weights(kv_dim, shape.hidden))
        writer.add_tensor(f"{blk}.attn_v.weight", weights(kv_dim, shape.hidden))
        writer.add_tensor(f"{blk}.attn_output.weight", weights(shape.hidden, shape.hidden))
        writer.add_tensor(f"{blk}.ffn_norm.weight", ones(shape.hidden))
        writer.add_tensor(f"{blk}.ffn_gate.weight", weights(shape.ffn, shape.hidden))
        writer.add_tensor(f"{blk}.ffn_up.weight", weights(shape.ffn, shape.hidden))
        writer.add_tensor(f"{blk}.ffn_down.weight", weights(shape.hidden, shape.ffn))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _vocabulary(vocab_gguf: Path) -> dict:
    from gguf import GGUFReader

    fields = GGUFReader(str(vocab_gguf)).fields

    def value(key: str):
        return fields[key].contents()

    return {
        "model": value("tokenizer.ggml.model"),
        "pre": value("tokenizer.ggml.pre"),
        "tokens": value("tokenizer.ggml.tokens"),
        "types": value("tokenizer.ggml.token_type"),
        "merges": value("tokenizer.ggml.merges"),
        "bos": value("tokenizer.ggml.bos_token_id"),
        "eos": value("tokenizer.ggml.eos_token_id"),
    }


def ensure_model(cache_dir: Path, size: str, vocab_gguf: Path, quantize: Path, *, log=print, threads: int = 0) -> Path:
    """The Q4_K_M model of `size` ("1b" or "tiny"), made once into `cache_dir`."""
    shape = SHAPES[size]
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = cache_dir / f"{shape.name}-Q4_K_M.gguf"
    if final.is_file():
        return final
    f16 = cache_dir / f"{shape.name}-F16.gguf"
    if not f16.is_file():
        log(f"writing the synthetic {size} model ({shape.name}, F16)...")
        partial = f16.with_suffix(".partial")
        write_f16(partial, shape, vocab_gguf)
        partial.replace(f16)
    log("quantizing it to Q4_K_M with llama-quantize...")
    partial = final.with_suffix(".partial")
    command = [str(quantize), str(f16), str(partial), "Q4_K_M"] + ([str(threads)] if threads else [])
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"llama-quantize failed: {done.stderr[-800:]}")
    partial.replace(final)
    f16.unlink()
    return final
