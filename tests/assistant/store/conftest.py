import pytest

from assistant import paths
from assistant.store import Store


@pytest.fixture
def store():
    """A Store on a real file: paths.db_path() under the test's BOTHY_HOME."""
    with Store() as s:
        yield s


@pytest.fixture
def db_file():
    return paths.db_path()
