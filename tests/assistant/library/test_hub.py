"""Pasted Hugging Face addresses, and listing a repository's files (against the local server)."""

from __future__ import annotations

import socket

import pytest

from assistant.library import HFReference, HubError, RepoFile, hf_repo_files, parse_hf_reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "https://huggingface.co/bartowski/phi-4-GGUF/resolve/main/phi-4-Q4_K_M.gguf",
            HFReference("bartowski/phi-4-GGUF", "phi-4-Q4_K_M.gguf", "main"),
        ),
        (
            "https://huggingface.co/bartowski/phi-4-GGUF/blob/main/phi-4-Q4_K_M.gguf?download=true",
            HFReference("bartowski/phi-4-GGUF", "phi-4-Q4_K_M.gguf", "main"),
        ),
        (
            "huggingface.co/Qwen/Qwen3-8B-GGUF/resolve/abc123/Qwen3-8B-Q4_K_M.gguf",
            HFReference("Qwen/Qwen3-8B-GGUF", "Qwen3-8B-Q4_K_M.gguf", "abc123"),
        ),
        ("https://huggingface.co/Qwen/Qwen3-8B-GGUF", HFReference("Qwen/Qwen3-8B-GGUF")),
        ("https://huggingface.co/Qwen/Qwen3-8B-GGUF/tree/main", HFReference("Qwen/Qwen3-8B-GGUF")),
        ("  Qwen/Qwen3-8B-GGUF ", HFReference("Qwen/Qwen3-8B-GGUF")),
        ("Qwen/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf", HFReference("Qwen/Qwen3-8B-GGUF", "Qwen3-8B-Q4_K_M.gguf")),
        ("Qwen/Qwen3-8B-GGUF Qwen3-8B-Q4_K_M.gguf", HFReference("Qwen/Qwen3-8B-GGUF", "Qwen3-8B-Q4_K_M.gguf")),
    ],
)
def test_pasted_references(text, expected):
    assert parse_hf_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "Paste"),
        ("https://example.com/a/b/resolve/main/x.gguf", "not a Hugging Face address"),
        ("https://huggingface.co/a/b/resolve/main/model.safetensors", "not a GGUF file"),
        ("just some words", "neither"),
        ("https://huggingface.co/a/b/discussions/3", "does not point"),
    ],
)
def test_unusable_references_are_explained(text, why):
    with pytest.raises(HubError, match=why):
        parse_hf_reference(text)


def test_reference_url_uses_the_revision():
    ref = parse_hf_reference("https://huggingface.co/o/r/blob/v2/m.gguf")
    assert ref.url() == "https://huggingface.co/o/r/resolve/v2/m.gguf"
    assert ref.url("http://127.0.0.1:9") == "http://127.0.0.1:9/o/r/resolve/v2/m.gguf"


def test_repo_files_lists_gguf_siblings(server):
    server.api["tester/Tiny-GGUF"] = {
        "id": "tester/Tiny-GGUF",
        "siblings": [
            {"rfilename": "README.md"},
            {"rfilename": "tiny-Q8_0.gguf", "size": 2000, "lfs": {"sha256": "A" * 64, "size": 2000}},
            {"rfilename": "tiny-Q4_K_M.gguf"},
            {"rfilename": "config.json"},
        ],
    }
    files = hf_repo_files("tester/Tiny-GGUF", base_url=server.base_url)
    assert files == [RepoFile("tiny-Q4_K_M.gguf"), RepoFile("tiny-Q8_0.gguf", 2000, "a" * 64)]
    assert server.requests[0]["path"].startswith("/api/models/tester/Tiny-GGUF")


def test_repo_files_of_an_unknown_repo(server):
    with pytest.raises(HubError, match="not found or is private"):
        hf_repo_files("tester/Nope", base_url=server.base_url)


def test_repo_files_offline():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(HubError, match="Could not reach Hugging Face") as e:
        hf_repo_files("tester/Tiny-GGUF", base_url=f"http://127.0.0.1:{port}", timeout=2)
    assert "internet" in e.value.hint


def test_repo_files_needs_a_repo_name():
    with pytest.raises(HubError):
        hf_repo_files("not a repo")
