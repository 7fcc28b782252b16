"""kill -9 while a summary is being written: every message is there, and the summary is whole or absent.

The real CLI in JSON Lines mode at a small context, so that a summary is written after a few turns;
it is killed (with its engine process) at a random moment while the summary is being written.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

QUESTION = "Question {}: tell me two short facts about {}, please, in a couple of sentences, and why they matter."
TOPICS = ("rivers", "bees", "tea", "glass", "owls", "maps", "salt", "snow")


def test_kill_minus_nine_while_summarizing_loses_nothing(tmp_path, seed=1):
    rng = random.Random(seed)
    home = tmp_path / "home"
    env = dict(os.environ, BOTHY_HOME=str(home))
    command = [sys.executable, "-m", "assistant", "chat", "--json", "--context", "512", "--max-tokens", "40"]
    proc = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    log = home / "logs" / "bothy.log"
    answered = []
    try:
        for i in range(40):
            proc.stdin.write(QUESTION.format(i, TOPICS[i % len(TOPICS)]) + "\n")
            proc.stdin.flush()
            answered.append(json.loads(proc.stdout.readline()))
            deadline = time.monotonic() + 5  # the summary, if any, starts right after the reply
            while time.monotonic() < deadline and "writing a summary" not in log.read_text(encoding="utf-8"):
                time.sleep(0.01)
            if "writing a summary" in log.read_text(encoding="utf-8"):
                break
        else:
            pytest.fail("no summary was started")
        time.sleep(rng.uniform(0.0, 0.4))
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except BrokenPipeError:
                pass
    db = sqlite3.connect(home / "data" / "bothy.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT id, role, status, content FROM messages ORDER BY id").fetchall()
    stored = {row[0]: row for row in rows}
    for turn in answered:
        assert turn["status"] == "complete"
        assert stored[turn["user_message_id"]][1] == "user" and stored[turn["reply_message_id"]][3] == turn["reply"]
    marks = db.execute("SELECT kind, content, message_count FROM context_marks").fetchall()
    assert len(marks) <= 1 and all(kind == "dropped" or content.strip() for kind, content, _ in marks)
    db.close()
    # The chat goes on where it was: the next turn is planned from everything stored, and answered.
    cid = answered[0]["conversation_id"]
    again = subprocess.run(
        [*command, "-c", str(cid)],
        input=QUESTION.format(99, "clocks") + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    turn = json.loads(again.stdout.splitlines()[-1])
    assert turn["status"] == "complete", (turn.get("error"), again.stderr)
    assert turn["context"]["history_total"] == 2 * len(answered) + 1  # every earlier message still counts
