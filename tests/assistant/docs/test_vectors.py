"""Search by meaning: the passages' vectors from an embedding model run in the engine process (here
the starter chat model in llama.cpp's embedding mode: its vectors are good enough to test the
mechanism, not to judge retrieval quality), kept in the same database, fused with full-text ranking."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from assistant.docs.indexer import add
from assistant.docs.vectors import embed_library, fuse, model_key
from assistant.engine import LocalEngine
from tests.starter import starter_path

PASSAGES = {
    "oil.md": "The oil tank holds 40 litres and is refilled every Tuesday by the supply boat.",
    "fog.md": "In fog, sound the horn twice a minute until the sea is clear again.",
    "cat.md": "The keeper's cat sleeps on the warm lens housing every afternoon.",
}


@pytest.fixture
def library(tmp_path, store):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in PASSAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    add(store, [folder], "Keeper")
    return folder


@pytest.fixture(scope="module")
def embedder():
    engine = LocalEngine()
    yield engine
    engine.close()


def test_vectors_are_kept_once_per_passage_and_found_by_meaning(store, library, embedder):
    model = model_key(str(starter_path()))
    embed = lambda texts: embedder.embed(model, texts)  # noqa: E731
    count, seconds = embed_library(store, embed, "Keeper", model)
    assert count == 3 and seconds > 0
    assert embed_library(store, embed, "Keeper", model)[0] == 0  # nothing new to embed
    [vector] = embed(["a question"])
    assert math.isclose(sum(x * x for x in vector), 1.0, rel_tol=1e-3)  # normalized
    ids = [store.library("Keeper")["id"]]
    [best, *rest] = store.search_vectors(embed([PASSAGES["fog.md"]])[0], ids, model, limit=3)
    assert best["path"].endswith("fog.md") and best["score"] > 0.99 and len(rest) == 2
    assert store.search_vectors(vector, ids, "another model") == []
    store.remove_document(ids[0], best["path"])  # its vector goes with it
    assert store.db.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == 2


def test_rank_fusion_puts_what_both_rankings_agree_on_first():
    text = [{"id": 1}, {"id": 2}, {"id": 3}]
    meaning = [{"id": 3}, {"id": 1}, {"id": 4}]
    assert [hit["id"] for hit in fuse(text, meaning)] == [1, 3, 2, 4]


def test_the_cli_embeds_and_searches_by_meaning_too(library):
    model = str(starter_path())
    run = [sys.executable, "-m", "assistant", "docs"]
    done = subprocess.run(
        [*run, "embed", "--library", "Keeper", "--model", model, "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["embedded"] == 3
    query = "Where does the cat sleep?"
    done = subprocess.run([*run, "search", query, "--embedding-model", model, "--json"], capture_output=True, text=True)
    hits = json.loads(done.stdout)
    assert hits[0]["path"].endswith("cat.md") and len(hits) >= 1


def test_vectors_are_read_once_and_again_after_any_change(tmp_path, store, library):
    """Searching by meaning keeps the library's vectors in memory between questions; a write from
    this connection or another one (the window indexes on its own connection) reads them again."""
    from assistant.store import Store

    ids = [store.library("Keeper")["id"]]
    store.put_vectors("m", [(p["id"], [1.0, 0.0]) for p in store.search_passages("oil fog cat", ids, limit=9)])
    [first, *_] = store.search_vectors([1.0, 0.0], ids, "m", limit=3)
    read = store._vectors_read
    store.search_vectors([0.0, 1.0], ids, "m")
    assert store._vectors_read is read  # the second question reused them
    with Store(store.path) as other:
        other.put_vectors("m", [(first["id"], [0.0, 1.0])])
    [best] = store.search_vectors([0.0, 1.0], ids, "m", limit=1)
    assert best["id"] == first["id"] and store._vectors_read is not read


def test_an_embedding_model_is_pooled_as_its_file_says(tmp_path):
    """BGE-M3 says CLS and Qwen3 Embedding the last token in their GGUF: llama.cpp pools as the file
    says; a model that says nothing (the starter chat model) is mean-pooled."""
    import llama_cpp

    from assistant.engine.embedder import Embedder
    from tests.assistant.models.ggufs import copy_with_strings

    last = copy_with_strings(starter_path(), tmp_path / "last.gguf", {"llama.pooling_type": 3})
    plain, pooled = Embedder(llama_cpp, str(starter_path())), Embedder(llama_cpp, str(last))
    try:
        assert plain.llm.pooling_type() == llama_cpp.LLAMA_POOLING_TYPE_MEAN
        assert pooled.llm.pooling_type() == llama_cpp.LLAMA_POOLING_TYPE_LAST
        [a], [b] = plain.embed(["The lamp is lit at dusk."]), pooled.embed(["The lamp is lit at dusk."])
        assert math.isclose(sum(x * x for x in b), 1.0, rel_tol=1e-3) and a != b
    finally:
        plain.close()
        pooled.close()
