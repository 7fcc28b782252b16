import pytest

from tests.assistant.reliability.kill import run


@pytest.mark.parametrize("gui", [False, True], ids=["cli", "gui"])
def test_kill_minus_nine_mid_reply_loses_nothing(tmp_path, gui):
    runs = 3
    summary = run(runs, seed=11, home=tmp_path / "home", gui=gui)
    assert summary["integrity_ok"] == runs, summary
    assert summary["user_kept"] == runs, summary
    assert summary["partial_marked"] == runs, summary
