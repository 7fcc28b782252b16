import threading

import pytest

from tests.assistant.library.payloads import make_model
from tests.assistant.library.server import FileServer


@pytest.fixture(scope="session")
def model_bytes(tmp_path_factory) -> bytes:
    return make_model(tmp_path_factory.mktemp("gguf") / "m.gguf", seed=1)


@pytest.fixture(scope="session")
def other_model_bytes(tmp_path_factory) -> bytes:
    return make_model(tmp_path_factory.mktemp("gguf") / "n.gguf", seed=2)


@pytest.fixture
def server():
    with FileServer() as s:
        yield s


@pytest.fixture
def no_leftover_threads():
    before = set(threading.enumerate())
    yield
    for t in set(threading.enumerate()) - before:
        if t.name.startswith("download "):
            t.join(5)
            assert not t.is_alive(), t.name
