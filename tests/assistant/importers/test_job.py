"""The import in a process of its own (assistant/importers/job.py), as the window runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import StoreError
from assistant.importers.job import ImportStopped, run_import
from assistant.store import Store
from benchmarks.big_export import write

FIXTURES = Path(__file__).parent / "fixtures"


def test_files_are_imported_in_order_with_progress(tmp_path):
    db = tmp_path / "bothy.db"
    seen = []
    bad = tmp_path / "notes.json"
    bad.write_text("not json", encoding="utf-8")
    files = [str(FIXTURES / "chatgpt" / "branches.json"), str(bad), str(FIXTURES / "lm_studio")]
    outcomes = run_import(files, db, progress=lambda *report: seen.append(report))
    assert [o.file_name for o in outcomes] == ["branches.json", "notes.json", "lm_studio"]
    assert outcomes[0].summary.source == "chatgpt" and outcomes[0].summary.conversations
    assert outcomes[1].error == "notes.json: it is not JSON (line 1)"
    lm_studio = outcomes[2].summary  # LM Studio's conversations folder: every chat file in it
    assert lm_studio.source == "lm-studio" and lm_studio.conversations and lm_studio.skipped
    assert seen and seen[-1][2] == "lm_studio"
    with Store(db) as store:
        assert store.count_conversations() == len(outcomes[0].summary.conversations) + len(lm_studio.conversations)


def test_cancelling_keeps_nothing_of_the_file(tmp_path):
    db = tmp_path / "bothy.db"
    big = write(tmp_path / "conversations.json", 400, 20)
    reports = []
    with pytest.raises(ImportStopped):
        run_import([str(big)], db, progress=lambda *r: reports.append(r), cancelled=lambda: len(reports) > 2)
    with Store(db) as store:
        assert store.count_conversations() == 0


def test_a_database_that_cannot_be_opened_is_said_plainly(tmp_path):
    folder = tmp_path / "not-a-database"
    folder.mkdir()
    with pytest.raises(StoreError) as info:
        run_import([str(FIXTURES / "chatgpt" / "simple.json")], folder)
    assert "Traceback" not in str(info.value) and str(info.value)
