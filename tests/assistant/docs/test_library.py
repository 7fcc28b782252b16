"""Libraries in the real SQLite store: every file gets its state, the rest is indexed; changed files
are indexed again and deleted ones forgotten; retrieval ranks passages for English and Chinese
questions; a crash mid-way keeps what was indexed; the database passes integrity_check."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from assistant.docs.indexer import add, refresh

from .files import blank_pdf, docx, text_pdf


def folder_of_documents(root):
    root.mkdir()
    (root / "keeper.md").write_text(
        "# The keeper\n\nThe lighthouse keeper checks the lamp at dusk.\n\n"
        "The oil tank holds 40 litres and is refilled every Tuesday.\n",
        encoding="utf-8",
    )
    (root / "contract.txt").write_bytes("合同规定违约金为合同总额的百分之十。\n\n付款期限为三十天。\n".encode("gbk"))
    text_pdf(root / "storms.pdf", ["Storm procedure: close the shutters.", "After a storm, log the wind speed."])
    docx(root / "handbook.docx", ["Keepers get 25 days of holiday a year."])
    blank_pdf(root / "scan.pdf")
    (root / "empty.txt").write_text("")
    (root / "notes").mkdir()
    (root / "notes" / "loop").symlink_to(root)  # a symbolic-link loop
    (root / ".git").mkdir()
    (root / ".git" / "config.txt").write_text("hidden: never indexed")
    return root


def test_a_folder_is_indexed_file_by_file_with_a_state_each(tmp_path, store):
    root = folder_of_documents(tmp_path / "docs")
    results = {os.path.basename(r.path): r for r in add(store, [root], "Keeper")}
    assert set(results) == {"keeper.md", "contract.txt", "storms.pdf", "handbook.docx", "scan.pdf", "empty.txt"}
    assert {name for name, r in results.items() if r.state == "indexed"} == {
        "keeper.md", "contract.txt", "storms.pdf", "handbook.docx"
    }  # fmt: skip
    assert results["scan.pdf"].reason == "a scanned PDF without a text layer" and results["empty.txt"].reason == "empty"
    [library] = store.libraries()
    assert library["name"] == "Keeper" and library["documents"] == 6 and library["failed"] == 2
    assert all(r.state == "unchanged" for r in add(store, [root], "Keeper"))
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_retrieval_ranks_passages_for_english_and_chinese_questions(tmp_path, store):
    root = folder_of_documents(tmp_path / "docs")
    add(store, [root], "Keeper")
    ids = [store.library("Keeper")["id"]]
    [best, *_] = store.search_passages("How many litres does the oil tank hold?", ids)
    assert best["path"].endswith("keeper.md") and "40 litres" in best["text"] and best["line"] == 1
    [hit] = store.search_passages("违约金是多少", ids)
    assert hit["path"].endswith("contract.txt")
    [storm, *_] = store.search_passages("what to do after a storm", ids)
    assert storm["path"].endswith("storms.pdf") and storm["page"] == 1
    assert store.search_passages("?!", ids) == [] and store.search_passages("zebra", ids) == []


def test_changed_files_are_indexed_again_and_deleted_ones_forgotten(tmp_path, store):
    root = folder_of_documents(tmp_path / "docs")
    add(store, [root], "Keeper")
    (root / "keeper.md").write_text("The tank now holds 60 litres.", encoding="utf-8")
    os.utime(root / "keeper.md", (1, 1))  # a different modification time, as an edit makes
    (root / "contract.txt").unlink()
    states = {os.path.basename(r.path): r.state for r in refresh(store, "Keeper")}
    assert states["keeper.md"] == "indexed" and states["contract.txt"] == "removed"
    ids = [store.library("Keeper")["id"]]
    assert "60 litres" in store.search_passages("litres", ids)[0]["text"]
    assert store.search_passages("违约金", ids) == []


def test_a_kill_during_indexing_keeps_what_was_indexed_and_resumes(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for i in range(300):
        (root / f"note-{i:03d}.txt").write_text(f"Note {i}: the keeper logged ship number {i}.\n" * 20)
    db = tmp_path / "bothy.db"
    script = textwrap.dedent(
        f"""
        import os, sys
        from assistant.store import Store
        from assistant.docs.indexer import add
        store = Store({str(db)!r})
        count = 0
        def progress(result):
            global count
            count += 1
            if count == 120:
                os.kill(os.getpid(), 9)
        add(store, [{str(root)!r}], "Notes", progress=progress)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    from assistant.store import Store

    with Store(db) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = store.libraries()[0]["documents"]
        assert kept >= 119
        results = add(store, [root], "Notes")
        assert sum(r.state == "unchanged" for r in results) == kept
        assert store.libraries()[0]["documents"] == 300


def test_a_huge_file_a_vanishing_file_and_ten_thousand_small_files(tmp_path, store):
    root = tmp_path / "big"
    root.mkdir()
    with open(root / "huge.txt", "wb") as f:  # 1 GB, sparse: refused by its size, never read
        f.truncate(2**30)
    for i in range(10_000):
        (root / f"n{i:05d}.txt").write_text(f"Note {i}: ship {i} passed the rocks.")
    (root / "zz-vanishes.md").write_text("gone before it is read")

    def delete_the_last(result):
        if result.path.endswith("n09999.txt"):
            (root / "zz-vanishes.md").unlink()

    results = {os.path.basename(r.path): r for r in add(store, [root], "Big", progress=delete_the_last)}
    assert results["huge.txt"].state == "failed" and results["huge.txt"].reason.startswith("too large (1,024 MB")
    assert results["zz-vanishes.md"].state == "failed" and "could not be read" in results["zz-vanishes.md"].reason
    assert sum(r.state == "indexed" for r in results.values()) == 10_000
    ids = [store.library("Big")["id"]]
    assert store.search_passages("ship 4242", ids)[0]["path"].endswith("n04242.txt")
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_library_remembers_its_folders_new_files_join_and_removed_ones_stay_out(tmp_path, store):
    root = folder_of_documents(tmp_path / "docs")
    add(store, [root], "Keeper")
    library_id = store.library("Keeper")["id"]
    assert store.roots(library_id) == [str(root)]
    (root / "notes" / "tides.md").write_text("High tide today at 14:20.", encoding="utf-8")  # saved later
    new = [r for r in refresh(store, "Keeper") if r.state != "unchanged"]
    assert [(os.path.basename(r.path), r.state) for r in new] == [("tides.md", "indexed")]
    assert store.search_passages("tide", [library_id])[0]["path"].endswith("tides.md")
    # the person removes one file from the library: walking its folder again does not bring it back
    assert store.exclude_document(library_id, str(root / "keeper.md"))
    assert all(r.state == "unchanged" for r in refresh(store, "Keeper"))
    assert store.search_passages("litres", [library_id]) == []
    assert store.roots(library_id, excluded=True) == [str(root / "keeper.md")]
    add(store, [root / "keeper.md"], "Keeper")  # added again on purpose: it is back
    assert store.search_passages("litres", [library_id])[0]["path"].endswith("keeper.md")
    assert store.roots(library_id, excluded=True) == []


def test_what_to_watch_is_the_folders_then_the_files_within_a_limit(tmp_path, store):
    from assistant.docs.indexer import watched_paths

    root = folder_of_documents(tmp_path / "docs")
    add(store, [root], "Keeper")
    single = tmp_path / "single.md"
    single.write_text("One file on its own.", encoding="utf-8")
    add(store, [single], "Single")
    watched = watched_paths(store)
    assert watched[str(root)] == {"Keeper"} and watched[str(root / "notes")] == {"Keeper"}
    assert watched[str(root / "keeper.md")] == {"Keeper"} and watched[str(single)] == {"Single"}
    assert not any(".git" in path for path in watched)  # hidden folders are not watched, like not indexed
    assert list(watched_paths(store, limit=2)) == [str(root), str(root / "notes")]
    # a file added on its own goes before the many a folder may hold
    assert list(watched_paths(store, limit=3)) == [str(root), str(root / "notes"), str(single)]


def test_bothys_own_folders_are_never_indexed(tmp_path, store, bothy_home):
    """A folder that holds Bothy's own (a home folder added on macOS, where they are not hidden):
    its log and its database would otherwise be read, and the log indexed again at every line."""
    from assistant import paths

    (paths.log_dir() / "bothy.log").write_text("engine started\n" * 50)
    notes = bothy_home / "notes"
    notes.mkdir()
    (notes / "tides.md").write_text("High tide today at 14:20.", encoding="utf-8")
    results = add(store, [bothy_home], "Home")
    assert [os.path.basename(r.path) for r in results] == ["tides.md"]
