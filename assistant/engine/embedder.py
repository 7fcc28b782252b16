"""An embedding model in the engine process, beside the chat model: llama-cpp-python in its
embedding mode, every layer on the GPU where the build can offload, normalized vectors (one per
text, cut at EMBED_CONTEXT tokens), pooled as the model says (its GGUF `pooling_type`: CLS for
BGE-M3, the last token for Qwen3 Embedding) or, for a model that says nothing (a chat model),
mean-pooled. Used for the person's documents (assistant/docs): passages and questions become
vectors, compared by cosine similarity."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import ModelError

EMBED_CONTEXT = 1024


class Embedder:
    def __init__(self, llama_cpp, path: str):
        if not Path(path).is_file():
            raise ModelError(f"The embedding model {path} is not there.")
        self.path = path
        try:
            from assistant.models import read_info

            own = read_info(path).get(".pooling_type")
        except ModelError:
            own = None  # llama.cpp says what is wrong below
        pooling = llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED if own else llama_cpp.LLAMA_POOLING_TYPE_MEAN
        try:
            self.llm = llama_cpp.Llama(
                model_path=path,
                embedding=True,
                n_ctx=EMBED_CONTEXT,
                n_batch=EMBED_CONTEXT,
                n_ubatch=EMBED_CONTEXT,
                pooling_type=pooling,
                n_gpu_layers=-1 if llama_cpp.llama_supports_gpu_offload() else 0,  # on the GPU where there is one
                verbose=True,  # to the engine's log
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"The embedding model {Path(path).name} could not be loaded ({exc}).") from None

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(map(float, v)) for v in self.llm.embed(texts, normalize=True, truncate=True)]

    def close(self) -> None:
        self.llm.close()
