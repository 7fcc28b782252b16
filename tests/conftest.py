import pytest


@pytest.fixture(autouse=True)
def bothy_home(tmp_path, monkeypatch):
    """Tests never touch the real user folders: all of Bothy's files go under tmp_path."""
    home = tmp_path / "bothy-home"
    monkeypatch.setenv("BOTHY_HOME", str(home))
    return home
