"""How big a quantized model is: bits per weight by llama.cpp file type, bytes per KV-cache element.

The fit estimate (fit.py) uses them to size a model's weights before its download, from the
parameter count, and its context from the KV-cache type.
"""

from __future__ import annotations

# Average bits per weight of whole files by llama.cpp file type (mixes included: a Q4_K_M file keeps
# some tensors at Q6_K). Approximate values as published with llama.cpp's quantize tool and in
# quantizers' model cards (e.g. "Q4_K_M ... uses about 4.83 bits per weight").
BITS_PER_WEIGHT: dict[str, float] = {
    "F32": 32.0,
    "F16": 16.0,
    "BF16": 16.0,
    "Q8_0": 8.5,
    "Q6_K": 6.56,
    "Q5_K_M": 5.69,
    "Q5_K_S": 5.54,
    "Q5_1": 6.0,
    "Q5_0": 5.5,
    "Q4_K_M": 4.89,
    "Q4_K_S": 4.58,
    "Q4_1": 5.0,
    "Q4_0": 4.55,
    "Q4_0_4_4": 4.55,
    "Q4_0_4_8": 4.55,
    "Q4_0_8_8": 4.55,
    "IQ4_NL": 4.5,
    "IQ4_XS": 4.25,
    "MXFP4_MOE": 4.25,
    "NVFP4": 4.5,
    "Q3_K_L": 4.27,
    "Q3_K_M": 3.91,
    "Q3_K_S": 3.5,
    "IQ3_M": 3.66,
    "IQ3_S": 3.44,
    "IQ3_XS": 3.3,
    "IQ3_XXS": 3.06,
    "Q2_K": 3.0,
    "Q2_K_S": 2.8,
    "IQ2_M": 2.7,
    "IQ2_S": 2.5,
    "IQ2_XS": 2.31,
    "IQ2_XXS": 2.06,
    "IQ1_M": 1.75,
    "IQ1_S": 1.56,
    "TQ2_0": 2.06,
    "TQ1_0": 1.69,
    "Q1_0": 1.13,
}

# Bytes per KV-cache element by LoadSettings.kv_cache_type (ggml block sizes: q8_0 34/32, q4_0 18/32).
KV_BYTES: dict[str, float] = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
