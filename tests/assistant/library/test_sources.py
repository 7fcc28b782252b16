"""Models from Hugging Face, a mirror of it, or ModelScope: search, a repository's GGUF files with
their sizes, downloads of a file or a quantization (a split model's parts as one set), and each
fault said clearly. Against tests/assistant/library/server.py on 127.0.0.1, which serves both
layouts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant import paths
from assistant.library.hub import RepoFile
from assistant.library.sources import Source, SourceError, pick_files


@pytest.fixture
def hub(server, model_bytes):
    server.search = [
        {"id": "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "downloads": 5000},
        {"id": "someone/qwen-tiny-GGUF", "downloads": 90},
        {"id": "other/llama-GGUF", "downloads": 10_000},
    ]
    server.add("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", model_bytes)
    server.add("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q8_0.gguf", model_bytes[:-1] + b"\x01")
    server.api["Qwen/Qwen2.5-0.5B-Instruct-GGUF"] = {
        "siblings": [{"rfilename": name.split("/", 2)[2], "size": len(data)} for name, data in server.files.items()]
    }
    return server


@pytest.mark.parametrize("kind", ["mirror", "modelscope"])
def test_search_lists_gguf_repositories_most_downloaded_first(hub, kind):
    source = Source.choose(kind, hub.base_url)
    assert [r.name for r in source.search("qwen")] == ["Qwen/Qwen2.5-0.5B-Instruct-GGUF", "someone/qwen-tiny-GGUF"]
    assert source.search("nothing-like-this") == []
    files = source.files("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
    assert [f.name for f in files] == ["qwen2.5-0.5b-instruct-q4_k_m.gguf", "qwen2.5-0.5b-instruct-q8_0.gguf"]
    assert all(f.size for f in files)


def test_the_cli_downloads_a_quantization_from_modelscope(hub, model_bytes):
    env = dict(os.environ)
    run = [sys.executable, "-m", "assistant", "models"]
    found = subprocess.run(
        [*run, "search", "qwen", "--source", "modelscope", "--endpoint", hub.base_url, "--files", "--json"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert data["source"] == "modelscope" and data["repositories"][0]["repo"] == "Qwen/Qwen2.5-0.5B-Instruct-GGUF"
    assert data["repositories"][0]["files"][0]["sha256"]
    got = subprocess.run(
        [*run, "download", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "Q4_K_M", "--source", "modelscope",
         "--endpoint", hub.base_url],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    target = paths.models_dir() / "qwen2.5-0.5b-instruct-q4_k_m.gguf"
    assert target.read_bytes() == model_bytes and "downloaded from ModelScope" in got.stdout
    assert any("FilePath=qwen2.5-0.5b-instruct-q4_k_m.gguf" in r["path"] for r in hub.requests)


def test_faults_are_said_clearly(hub):
    with pytest.raises(SourceError, match="A mirror needs its address"):
        Source.choose("mirror")
    with pytest.raises(SourceError, match="not a web address"):
        Source.choose("mirror", "hf-mirror.com")
    with pytest.raises(SourceError, match="could not reach") as unreachable:
        Source.choose("hf", "http://127.0.0.1:9").search("qwen")
    assert "ModelScope" in unreachable.value.hint  # the other sources are offered
    with pytest.raises(SourceError, match="has no nobody/nothing"):
        Source.choose("modelscope", hub.base_url).files("nobody/nothing")
    hub.html = True
    with pytest.raises(SourceError, match="web page instead of data"):
        Source.choose("mirror", hub.base_url).search("qwen")


def test_gated_files_say_what_to_do(hub):
    hub.errors["Qwen/Qwen2.5-0.5B-Instruct-GGUF"] = [403]
    hub.api.pop("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
    with pytest.raises(SourceError) as gated:
        Source.choose("mirror", hub.base_url).files("Qwen/Qwen2.5-0.5B-Instruct-GGUF")
    assert "not found or is private" in str(gated.value) or "gated" in str(gated.value)


def test_quantizations_and_split_sets_are_picked_as_wholes():
    files = [RepoFile(n, 10) for n in (
        "m-Q4_K_M.gguf", "m-Q8_0-00001-of-00002.gguf", "m-Q8_0-00002-of-00002.gguf",
        "big-Q2_K-00001-of-00003.gguf", "big-Q2_K-00003-of-00003.gguf",
    )]  # fmt: skip
    assert [f.name for f in pick_files(files, "Q4_K_M")] == ["m-Q4_K_M.gguf"]
    assert [f.name for f in pick_files(files, "q8_0")] == ["m-Q8_0-00001-of-00002.gguf", "m-Q8_0-00002-of-00002.gguf"]
    assert len(pick_files(files, "m-Q8_0-00002-of-00002.gguf")) == 2  # a part named: the whole set
    with pytest.raises(SourceError, match="missing parts"):
        pick_files(files, "Q2_K")
    with pytest.raises(SourceError, match="No GGUF file matches"):
        pick_files(files, "Q6_K")


def test_a_mirror_that_answers_a_file_with_a_web_page_leaves_nothing(hub, tmp_path):
    from assistant.library import DownloadManager, DownloadState

    source = Source.choose("mirror", hub.base_url)
    hub.html = True
    manager = DownloadManager(models_dir=tmp_path, retries=0)
    try:
        url = source.file_url("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf")
        status = manager.wait(manager.start(url), timeout=20)
    finally:
        manager.close()
    assert status.state == DownloadState.FAILED and "a web page instead of the file" in status.error
    assert not list(tmp_path.glob("*.gguf"))


def test_a_gated_file_downloads_with_the_sources_token_which_goes_nowhere_else(hub, model_bytes, tmp_path, monkeypatch):
    from assistant.library import DownloadManager, DownloadState
    from assistant.library.tokens import set_token, token_for

    monkeypatch.setenv("BOTHY_NO_KEYRING", "1")  # the 0600 file, never this machine's real keychain
    repo, name = "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf"
    hub.gated[repo] = "hf_secret_token"
    hub.cdn_host = "localhost"  # the file itself comes from another host, as the Hub's CDN
    source = Source.choose("mirror", hub.base_url)
    manager = DownloadManager(models_dir=tmp_path, retries=0)
    try:
        refused = manager.wait(manager.start(source.file_url(repo, name)), timeout=20)
        assert refused.state == DownloadState.FAILED and "401" in refused.error
        manager.forget(refused.id)
        env = dict(os.environ)
        kept = subprocess.run(
            [sys.executable, "-m", "assistant", "models", "token", "--source", "mirror", "--endpoint", hub.base_url],
            input="hf_secret_token\n", env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert kept.returncode == 0 and "sent to " + hub.base_url + " only" in kept.stdout
        assert token_for(source.file_url(repo, name)) == "hf_secret_token"
        assert token_for("http://localhost:1/x") is None
        done = manager.wait(manager.start(source.file_url(repo, name)), timeout=20)
        assert done.state == DownloadState.DONE and (tmp_path / name).read_bytes() == model_bytes
    finally:
        manager.close()
        set_token(hub.base_url, None)
    file_requests = [r for r in hub.requests if "/cdn/" in r["path"]]
    assert file_requests and all(r["auth"] is None for r in file_requests)  # never sent to the CDN host
    assert any(r["auth"] == "Bearer hf_secret_token" for r in hub.requests if "/resolve/" in r["path"])
    from assistant.servers import Servers

    keys = Servers().keys_path
    assert keys.exists() and oct(keys.stat().st_mode & 0o777) == "0o600"  # the token lived only there
    assert "hf_secret_token" not in keys.read_text()  # and is forgotten now


def test_hugging_face_out_of_reach_offers_the_other_sources(tmp_path):
    import socket

    from assistant.library import DownloadManager

    manager = DownloadManager(models_dir=tmp_path)
    try:
        message, hint = manager._unreachable("https://huggingface.co/o/r/resolve/main/m.gguf", socket.gaierror())
        assert message.startswith("Could not reach huggingface.co") and "mirror or from ModelScope" in hint
        _, other = manager._unreachable("https://modelscope.cn/api/v1/models/o/r/repo", TimeoutError())
        assert "ModelScope instead" not in other
    finally:
        manager.close()
