import pytest

from assistant.engine import LoadSettings, LocalEngine, ModelRef
from assistant.store import Store
from tests.fakes import FakeEngine
from tests.starter import starter_path


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory):
    """Before any session-scoped fixture (the shared engines) runs: Bothy's folders are temporary.

    Without it, an engine started by a session fixture wrote its log into the real user folder.
    """
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("session-home")
    mp.setenv("BOTHY_HOME", str(home))
    yield home
    mp.undo()


@pytest.fixture(autouse=True)
def bothy_home(tmp_path, monkeypatch):
    """Tests never touch the real user folders: all of Bothy's files go under tmp_path."""
    home = tmp_path / "bothy-home"
    monkeypatch.setenv("BOTHY_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def engine(session_home):
    """One engine with the starter model for the whole session: loading it again and again is slow.

    Tests that crash the engine or load other files use `fresh_engine` instead.
    """
    e = LocalEngine()
    e.load(ModelRef.local(starter_path()), LoadSettings(n_ctx=4096))
    yield e
    e.close()


@pytest.fixture
def fresh_engine(monkeypatch):
    """An engine of its own, for tests that crash it (fault injection is switched on) or load other files."""
    monkeypatch.setenv("BOTHY_TEST_FAULTS", "1")
    e = LocalEngine()
    yield e
    e.close()


@pytest.fixture
def store():
    """A Store on a real file: paths.db_path() under the test's BOTHY_HOME."""
    with Store() as s:
        yield s


@pytest.fixture
def fake(tmp_path):
    """The scripted engine (tests/fakes.py) with a model loaded, for tests of Bothy's own logic."""
    engine = FakeEngine.loaded(tmp_path)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def llama_cpp_server(session_home):
    """llama-cpp-python's own OpenAI-compatible server on 127.0.0.1, serving the starter model as
    "smollm2" (context 2,048). Yields its URL (with /v1)."""
    from tests.servers import start_llama_cpp_server

    proc, url = start_llama_cpp_server(starter_path())
    yield url
    proc.terminate()
    proc.wait(timeout=10)
