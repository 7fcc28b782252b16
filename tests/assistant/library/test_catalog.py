"""The shipped catalog's schema, and the catalog reader's strictness."""

from __future__ import annotations

import copy
import json
import re

import pytest

from assistant.library import CatalogError, learned_file, load_catalog
from assistant.library.catalog import KNOWN_QUANTIZATIONS, catalog_path, parse_catalog, record_learned
from assistant.models.gguf_info import FILE_TYPES

SHIPPED = json.loads(catalog_path().read_text(encoding="utf-8"))
MODEL_KEYS = {"id", "name", "family", "parameters", "context_length", "license", "description", "arch", "files"}
FILE_KEYS = {"repo", "file", "url", "quantization", "size", "sha256", "source", "confirmed"}


def test_the_shipped_catalog_loads_and_is_curated():
    models = load_catalog()
    assert 12 <= len(models) <= 30
    assert {"Qwen", "Llama", "Gemma", "Phi", "Mistral"} <= {m.family for m in models}
    params = sorted(m.parameters for m in models)
    assert params[0] >= 400_000_000 and params[-1] <= 15_000_000_000  # about 0.5B to 14B
    assert len({m.id for m in models}) == len(models)


def test_every_entry_has_exactly_the_schema_fields():
    assert set(SHIPPED) == {"version", "about", "models"}
    for m in SHIPPED["models"]:
        assert set(m) - {"modelscope", "kind"} == MODEL_KEYS | {"architecture", "description_zh"}, m["id"]
        assert m["arch"] is None or set(m["arch"]) == {"layers", "kv_heads", "head_dim"}
        for f in m["files"]:
            assert set(f) == FILE_KEYS, f["file"]


def test_every_url_matches_repository_and_file():
    for m in SHIPPED["models"]:
        for f in m["files"]:
            assert f["url"] == f"https://huggingface.co/{f['repo']}/resolve/main/{f['file']}"
            assert f["file"].endswith(".gguf") and "/" not in f["file"]
            assert re.fullmatch(r"[\w.-]+/[\w.-]+", f["repo"])


def test_every_quantization_is_a_gguf_type_name():
    names = set(FILE_TYPES.values())
    for m in SHIPPED["models"]:
        for f in m["files"]:
            assert f["quantization"] in names, f["quantization"]
            # and the file name says the same quantization
            assert f["quantization"].lower() in f["file"].lower(), f["file"]


def test_sizes_and_checksums_only_with_a_cited_source_and_confirmation_recorded():
    for m in SHIPPED["models"]:
        for f in m["files"]:
            if f["size"] is not None or f["sha256"] is not None:
                assert f["source"], f["file"]
            if f["sha256"] is not None:
                assert re.fullmatch(r"[0-9a-f]{64}", f["sha256"])
            assert len(f["confirmed"]) > 20, f["file"]


def test_descriptions_are_one_line_in_english_and_in_chinese():
    for m in SHIPPED["models"]:
        assert "\n" not in m["description"] and len(m["description"]) <= 120, m["id"]
        assert "\n" not in m["description_zh"] and len(m["description_zh"]) <= 60, m["id"]
        assert re.search(r"[\u4e00-\u9fff]", m["description_zh"]), m["id"]
    qwen = next(m for m in load_catalog() if m.id == "qwen3-8b")
    shipped = next(m for m in SHIPPED["models"] if m["id"] == "qwen3-8b")
    assert qwen.description_for("zh_CN") == shipped["description_zh"]
    assert qwen.description_for("en") == qwen.description
    assert [m.id for m in load_catalog() if m.matches("编程")] == ["qwen2.5-coder-7b-instruct"]


def test_search_matches_words_in_any_field():
    models = load_catalog()
    hits = [m.id for m in models if m.matches("qwen coder")]
    assert hits == ["qwen2.5-coder-7b-instruct"]
    assert any(m.matches("MIT") for m in models)
    assert all(m.matches("") for m in models)


def _bad(mutate) -> dict:
    data = copy.deepcopy(SHIPPED)
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda d: d["models"][0].update(rating=5), "unknown fields"),
        (lambda d: d["models"][0]["files"][0].update(mirror="x"), "unknown fields"),
        (lambda d: d["models"][0]["files"][0].update(url="https://example.com/x.gguf"), "url does not match"),
        (lambda d: d["models"][0]["files"][0].update(quantization="Q4_K_XXL"), "unknown quantization"),
        (lambda d: d["models"][0]["files"][0].update(sha256="a" * 64, source=None), "needs a 'source'"),
        (lambda d: d["models"][0]["files"][0].update(sha256="xyz", source="s"), "64 lowercase hex"),
        (lambda d: d["models"][0].update(parameters=-1), "positive integer"),
        (lambda d: d["models"][1].update(id=d["models"][0]["id"]), "duplicate id"),
        (lambda d: d["models"][0]["files"][0].update(file="x.bin"), "bad file name"),
        (lambda d: d["models"][0].pop("license"), "missing"),
        (lambda d: d["models"][0].update(description_zh=""), "'description_zh' must be"),
    ],
)
def test_malformed_catalogs_are_refused_with_a_reason(mutate, why):
    with pytest.raises(CatalogError, match=re.escape(why)):
        parse_catalog(_bad(mutate))


def test_missing_catalog_file(tmp_path):
    with pytest.raises(CatalogError, match="missing"):
        load_catalog(tmp_path / "nope.json")


def test_learned_sizes_live_in_the_cache_not_the_catalog(bothy_home):
    models = load_catalog()
    i, f = next((i, m.files[0]) for i, m in enumerate(models) if m.files[0].size is None)
    assert f.known_size is None and learned_file(f.url) is None
    before = catalog_path().read_bytes()
    record_learned(f.url, size=123, sha256="b" * 64)
    assert learned_file(f.url) == {"size": 123, "sha256": "b" * 64}
    assert load_catalog()[i].files[0].known_size == 123
    assert catalog_path().read_bytes() == before
    assert (bothy_home / "cache" / "learned-files.json").is_file()


def test_quantization_names_come_from_llama_cpp_file_types():
    assert {"Q4_K_M", "Q8_0", "Q6_K", "IQ4_XS", "F16"} <= KNOWN_QUANTIZATIONS


def test_every_catalog_architecture_is_one_the_installed_llama_cpp_can_load():
    """llama.cpp names its architectures in a table of strings in libllama (LLM_ARCH_NAMES): every
    catalog model's GGUF architecture must be among them in the build Bothy runs. The linker may
    store a name as the end of a longer one ("qwen2" inside "rwkv6qwen2"), so a name followed by
    its terminating NUL is enough."""
    from pathlib import Path

    import llama_cpp

    from assistant.library.catalog import load_catalog

    libraries = sorted((Path(llama_cpp.__file__).parent / "lib").glob("libllama*"))
    assert libraries, "llama-cpp-python ships libllama in its lib folder"
    data = libraries[0].read_bytes()

    def known(name: str) -> bool:
        return name.encode() + b"\0" in data

    assert known("llama") and not known("no-such-architecture")
    catalog = load_catalog()
    assert all(model.architecture for model in catalog)
    unknown = sorted({model.architecture for model in catalog if not known(model.architecture)})
    assert unknown == []


def test_suggestions_fit_the_computer_and_put_qwen_first_for_chinese_readers():
    from assistant.library import MemoryInfo, load_catalog
    from assistant.library.suggest import suggest

    catalog = load_catalog()
    gib = 2**30
    small = suggest(catalog, MemoryInfo(8 * gib, 4 * gib))
    big = suggest(catalog, MemoryInfo(32 * gib, 24 * gib))
    assert len(small) == len(big) == 2 and len({s.model.family for s in big}) == 2
    assert max(s.model.parameters for s in small) < min(s.model.parameters for s in big)
    assert all(s.size > 0 and s.minutes >= 1 and s.model.kind == "chat" for s in small + big)
    assert suggest(catalog, MemoryInfo(1 * gib, gib // 2)) == []  # nothing fits: nothing suggested
    chinese = suggest(catalog, MemoryInfo(8 * gib, 4 * gib), chinese=True)
    assert chinese[0].model.family == "Qwen"


def test_the_catalog_offers_a_multilingual_embedding_model_for_documents():
    from assistant.library.catalog import load_catalog

    embedding = [m for m in load_catalog() if m.kind == "embedding"]
    assert embedding and all(f.sha256 and f.size for m in embedding for f in m.files)
    assert all("documents" in m.description for m in embedding)
