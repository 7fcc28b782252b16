"""A corpus of bad model files: each gives one clear error, and the model loaded before keeps working."""

import os

import pytest

from assistant.engine import ChatRequest, GenerationSettings, LoadSettings, ModelRef
from assistant.errors import ModelError
from tests.assistant.models.ggufs import header, make_gguf
from tests.starter import starter_path


def _truncated(tmp_path, size):
    path = tmp_path / f"cut-{size}.gguf"
    with open(starter_path(), "rb") as src:
        path.write_bytes(src.read(size))
    return path


CORPUS = {
    "zero bytes": lambda t: _write(t / "empty.gguf", b""),
    "truncated in the header": lambda t: _truncated(t, 300),
    "truncated in the metadata": lambda t: _truncated(t, 200_000),
    "truncated in the weights": lambda t: _truncated(t, 50_000_000),
    "random bytes": lambda t: _write(t / "random.gguf", os.urandom(100_000)),
    "wrong magic": lambda t: _write(t / "magic.gguf", b"GGML" + os.urandom(1000)),
    "unsupported version": lambda t: _write(t / "v99.gguf", header(version=99) + b"\x00" * 64),
    "absurd tensor count": lambda t: _write(t / "tensors.gguf", header(tensors=2**62) + b"\x00" * 64),
    "absurd metadata count": lambda t: _write(t / "kvs.gguf", header(kvs=2**40) + b"\x00" * 64),
    "a directory": lambda t: _mkdir(t / "folder.gguf"),
    "unknown architecture": lambda t: make_gguf(t / "frob.gguf", arch="frobnicator"),
    "llama without its weights": lambda t: make_gguf(t / "hollow.gguf"),
}


def _write(path, data):
    path.write_bytes(data)
    return path


def _mkdir(path):
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def loaded_engine(tmp_path_factory):
    from assistant.engine import LocalEngine

    engine = LocalEngine()
    engine.load(ModelRef.local(starter_path()), LoadSettings(n_ctx=512))
    yield engine
    engine.close()


@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_file_is_refused_clearly(loaded_engine, tmp_path, case):
    bad = CORPUS[case](tmp_path)
    with pytest.raises(ModelError) as err:
        loaded_engine.load(ModelRef.local(bad), LoadSettings(n_ctx=512))
    message = str(err.value)
    assert bad.name in message
    assert "\n" not in message and "Traceback" not in message
    assert loaded_engine.loaded.model == ModelRef.local(starter_path())


def test_previous_model_still_answers_after_the_corpus(loaded_engine):
    reply = loaded_engine.chat(
        ChatRequest.of([{"role": "user", "content": "Hi!"}], GenerationSettings(max_tokens=6, seed=1))
    )
    assert reply.consume().text


def test_llama_cpp_reason_is_given(loaded_engine, tmp_path):
    bad = make_gguf(tmp_path / "frob.gguf", arch="frobnicator")
    with pytest.raises(ModelError, match="unknown model architecture: 'frobnicator'"):
        loaded_engine.load(ModelRef.local(bad))
