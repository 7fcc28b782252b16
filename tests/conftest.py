import pytest

from assistant.engine import Engine, LoadSettings
from tests.starter import starter_path


@pytest.fixture(autouse=True)
def bothy_home(tmp_path, monkeypatch):
    """Tests never touch the real user folders: all of Bothy's files go under tmp_path."""
    home = tmp_path / "bothy-home"
    monkeypatch.setenv("BOTHY_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    """One engine with the starter model for the whole session: loading it again and again is slow.

    Tests that crash the engine or load other files use `fresh_engine` instead.
    """
    mp = pytest.MonkeyPatch()
    mp.setenv("BOTHY_HOME", str(tmp_path_factory.mktemp("engine-home")))
    e = Engine()
    e.load(starter_path(), LoadSettings(n_ctx=4096))
    yield e
    e.close()
    mp.undo()


@pytest.fixture
def fresh_engine():
    """An engine of its own, for tests that crash it or load other files."""
    e = Engine()
    yield e
    e.close()
