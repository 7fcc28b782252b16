"""Vectors for a library's passages from an embedding model (the engine embeds, the store keeps
them), and rank fusion of the two retrievals: reciprocal rank fusion (each list gives a passage
1 / (60 + its rank); the sums decide), which needs no tuning between BM25 scores and cosines."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

RRF_K = 60
BATCH = 32


def model_key(path: str) -> str:
    """How an embedding model is named on the vectors it made: its absolute path."""
    return str(Path(path).expanduser().absolute())


def embed_library(store, embed: Callable[[list[str]], list[list[float]]], library: str, model: str,
                  *, progress: Callable[[int], None] | None = None) -> tuple[int, float]:  # fmt: skip
    """Embed the library's passages that have no vector from `model` yet. Returns (how many, seconds)."""
    library_id = store.library(library)["id"]
    done, started = 0, time.perf_counter()
    while rows := store.passages_without_vectors(library_id, model, limit=BATCH):
        vectors = embed([text for _, text in rows])
        store.put_vectors(model, [(pid, vector) for (pid, _), vector in zip(rows, vectors, strict=True)])
        done += len(rows)
        if progress is not None:
            progress(done)
    return done, time.perf_counter() - started


def fuse(*rankings: Sequence[dict]) -> list[dict]:
    """One list from several rankings of passages (dicts with "id"), best first."""
    scores: dict[int, float] = {}
    first: dict[int, dict] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit["id"]] = scores.get(hit["id"], 0.0) + 1.0 / (RRF_K + rank + 1)
            first.setdefault(hit["id"], hit)
    return [dict(first[pid], score=score) for pid, score in sorted(scores.items(), key=lambda kv: -kv[1])]
