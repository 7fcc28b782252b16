"""Item 13: the person's documents. Indexing 1,000 pages (about 10 MB of English and Chinese text,
one file per page, written here) into a library with full-text retrieval, timed end to end (reading,
cutting into passages, writing them and their index); then retrieval over 100,000 passages (written
through the same store method, put_document) for English and Chinese questions, median of the
questions. Goals: at most 30 s, at most 50 ms. And the embedding throughput (passages per second)
of the starter model in llama.cpp's embedding mode, for information."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure

ITEM = "13 documents"
DOMAIN = [
    "keeper",
    "lamp",
    "storm",
    "ship",
    "harbour",
    "oil",
    "tank",
    "shutters",
    "wind",
    "fog",
    "horn",
    "lens",
    "wick",
    "tide",
    "beacon",
]
DOMAIN_HANZI = "灯塔看守油箱风暴港口潮汐信号雾号合同违约金付款期限"
QUESTIONS = ["how much oil does the tank hold", "what to do when the fog horn fails", "违约金是多少", "港口的潮汐信号"]


class Corpus:
    """Text with a natural spread of words: a vocabulary of 5,000 made-up words and 3,000 Chinese
    characters drawn with Zipf frequencies (a few common, most rare), the questions' words among them."""

    def __init__(self, rng: random.Random):
        syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
        made_up = {"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(6000)}
        words = sorted(made_up)[:5000]
        rng.shuffle(words)
        self.words = words[:40] + DOMAIN + words[40:]  # the domain words common, not the commonest
        hanzi = [chr(0x4E00 + i) for i in range(3000)]
        rng.shuffle(hanzi)
        self.hanzi = hanzi[:60] + list(DOMAIN_HANZI) + hanzi[60:]
        self.word_weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.hanzi_weights = [1 / (rank + 1) for rank in range(len(self.hanzi))]
        self.rng = rng

    def page(self, chinese: bool, paragraphs: int = 16) -> str:
        rng = self.rng
        out = []
        for _ in range(paragraphs):
            if chinese:
                chars = rng.choices(self.hanzi, self.hanzi_weights, k=rng.randint(150, 260))
                out.append("".join("".join(chars[i : i + 20]) + "。" for i in range(0, len(chars), 20)))
            else:
                words = rng.choices(self.words, self.word_weights, k=rng.randint(90, 140))
                out.append(" ".join(words).capitalize() + ".")
        return "\n\n".join(out)


def _embedding_rate(corpus: Corpus, count: int) -> tuple[float, str, int]:
    """Passages per second embedded by the starter model (the model the suite can count on)."""
    from assistant.engine import LocalEngine
    from assistant.models import starter_model_path

    model = starter_model_path()
    texts = [corpus.page(chinese=i % 3 == 2, paragraphs=1)[:800] for i in range(count)]
    engine = LocalEngine()
    try:
        engine.embed(str(model), texts[:2])  # the embedding model loads once
        started = time.perf_counter()
        for i in range(0, count, 32):
            engine.embed(str(model), texts[i : i + 32])
        seconds = time.perf_counter() - started
    finally:
        engine.close()
    return count / seconds, Path(model).name, count


VECTOR_DIMS = 1024  # Qwen3 Embedding 0.6B's


def _vector_search(store, library: int) -> tuple[float, list[float]]:
    """Vectors for every passage of the library (random unit vectors: the speed does not depend on
    what they mean), then questions by meaning: (ms of the first, which reads them; ms of the rest)."""
    import numpy as np

    rng = np.random.default_rng(7)
    ids = [row[0] for row in store.db.execute(
        "SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.library_id = ?", [library]
    ).fetchall()]  # fmt: skip
    for start in range(0, len(ids), 5_000):
        block = rng.standard_normal((len(ids[start : start + 5_000]), VECTOR_DIMS), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        store.put_vectors("random", list(zip(ids[start : start + 5_000], block, strict=True)))
    times = []
    for _ in range(16):
        question = rng.standard_normal(VECTOR_DIMS, dtype=np.float32)
        started = time.perf_counter()
        store.search_vectors(question / np.linalg.norm(question), [library], "random", limit=12)
        times.append((time.perf_counter() - started) * 1000)
    return times[0], times[1:]


def run(*, quick: bool) -> list[Figure]:
    from assistant.docs.indexer import add
    from assistant.store import Store

    pages, passages = (100, 5_000) if quick else (1_000, 100_000)
    corpus = Corpus(random.Random(7))
    with tempfile.TemporaryDirectory(prefix="bothy-docs-") as tmp:
        root = Path(tmp) / "pages"
        root.mkdir()
        size = 0
        for i in range(pages):
            text = corpus.page(chinese=i % 3 == 2)
            (root / f"page-{i:04d}.md").write_text(text, encoding="utf-8")
            size += len(text.encode("utf-8"))
        with Store(Path(tmp) / "docs.db") as store:
            started = time.perf_counter()
            results = add(store, [root], "Pages")
            index_s = time.perf_counter() - started
            indexed = sum(r.passages for r in results)
            library = store.library("Big", create=True)["id"]
            per_document = 1_000
            texts = [corpus.page(chinese=i % 3 == 2, paragraphs=1)[:1200] for i in range(500)]
            started = time.perf_counter()
            for d in range(passages // per_document):
                rows = [(texts[(d * 7 + k) % len(texts)], None, k + 1) for k in range(per_document)]
                store.put_document(library, f"/generated/doc-{d}.txt", size=0, mtime=0.0, passages=rows)
            write_s = time.perf_counter() - started
            samples = []
            for _ in range(3):
                for question in QUESTIONS:
                    started = time.perf_counter()
                    store.search_passages(question, [library], limit=12)
                    samples.append((time.perf_counter() - started) * 1000)
            first_ms, vector_samples = _vector_search(store, library)
    mb = size / 2**20
    embedded = _embedding_rate(corpus, 4 if quick else 64)
    return [
        Figure(
            ITEM,
            f"index {pages:,} pages ({mb:.1f} MB, a third Chinese) with full-text retrieval",
            index_s,
            "s",
            30 if not quick else None,
            note=f"{len(results)} files, {indexed:,} passages; {indexed / index_s:,.0f} passages/s",
        ),
        Figure(
            ITEM,
            f"retrieve the best 12 of {passages:,} passages (English and Chinese questions)",
            statistics.median(samples),
            "ms",
            50,
            note=f"max {max(samples):.1f} ms over {len(samples)} searches; writing them took {write_s:.1f} s",
            samples=samples,
        ),
        Figure(
            ITEM,
            f"search by meaning over {passages:,} passages' vectors ({VECTOR_DIMS} dims), after the first question",
            statistics.median(vector_samples),
            "ms",
            50,
            note=f"the first question reads the vectors: {first_ms:.0f} ms; max after it {max(vector_samples):.1f} ms",
            samples=vector_samples,
        ),
        Figure(
            ITEM,
            "embedding throughput (passages of up to 800 characters per second)",
            embedded[0],
            "passages/s",
            note=f"{embedded[1]}, llama.cpp's embedding mode in the engine process, {embedded[2]} passages",
        ),
    ]
