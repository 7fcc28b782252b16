from tests.assistant.reliability.kill import run


def test_kill_minus_nine_mid_reply_loses_nothing(tmp_path):
    runs = 3
    summary = run(runs, seed=11, home=tmp_path / "home")
    assert summary["integrity_ok"] == runs
    assert summary["user_kept"] == runs
    assert summary["partial_marked"] == runs
