"""Bothy makes no network connection unless the user starts a download."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _offline_prefix() -> list[str]:
    """Run in a network namespace with no network at all, where this machine allows it (root)."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


OFFLINE = _offline_prefix()


def bothy(*args, env):
    return subprocess.run(
        [*OFFLINE, sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_a_whole_chat_session_tries_no_network(tmp_path, bothy_home):
    """Every Python process refuses and records connections; where possible, there is no network at all."""
    log = tmp_path / "net.log"
    env = dict(os.environ, BOTHY_NET_LOG=str(log), PYTHONPATH=f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    first = bothy("chat", "-p", "Hello, who are you?", "--max-tokens", "12", "--json", env=env)
    assert first.returncode == 0, first.stderr
    for args in (
        ("chat", "-c", "1", "-p", "Go on.", "--max-tokens", "8"),
        ("history", "list"),
        ("history", "search", "who"),
        ("history", "export", "1", "--format", "json"),
        ("models", "list"),
    ):
        result = bothy(*args, env=env)
        assert result.returncode == 0, (args, result.stderr)
    lines = log.read_text(encoding="utf-8").splitlines()
    guarded_pids = {line.split()[0] for line in lines if line.endswith("guard-installed")}
    assert len(guarded_pids) >= 8  # the CLI processes and the engine processes they started
    attempts = [line for line in lines if not line.endswith("guard-installed")]
    assert attempts == []
