import pytest

from assistant import paths


@pytest.fixture
def db_file():
    return paths.db_path()
