"""The GPU proof: Bothy's engine and llama.cpp's llama-bench side by side on an NVIDIA GPU (see README.md)."""
