"""The quick benchmark runs end to end and every item gives a figure or says why it could not.

No timing is asserted here: the goals are for `python -m benchmarks` on a quiet machine.
"""

import json

from benchmarks.__main__ import main

ITEMS = ("1 engine", "2 memory reuse", "3 stop", "4 GUI", "5 store", "6 start-up", "7 memory", "8 long conversation")
ITEMS += ("9 trees", "10 servers", "11 local API", "12 llama-server", "13 documents")


def test_quick_benchmark_measures_every_item(tmp_path, bothy_home, capsys):
    out = tmp_path / "quick.json"
    code = main(["--quick", "--json", str(out), "--cache", str(tmp_path / "cache")])
    printed = capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    figures = data["figures"]

    errors = [f"{f['item']}: {f['note']}" for f in figures if f["status"] == "ERROR"]
    assert not errors and code == 0, errors
    assert {f["item"] for f in figures} == set(ITEMS)
    for f in figures:
        assert f["value"] is not None or f["note"].startswith("not measured: "), f
        assert f["status"] in ("met", "NOT MET", "info", "not measured"), f
        assert f["name"] in printed
    machine = data["machine"]
    assert machine["cores"] and machine["llama_cpp_python"] and machine["backend"]
    # The table goes to stdout; the benchmark's files stay under the temporary folders.
    assert not (bothy_home / "data").exists()


def test_only_runs_the_items_named(tmp_path, bothy_home, capsys):
    import pytest

    from benchmarks.__main__ import parse_args

    assert parse_args(["--only", "engine,4"]).only == {"1", "4"} and parse_args([]).only is None
    with pytest.raises(SystemExit):
        parse_args(["--only", "warp-drive"])
    assert "no item 'warp-drive'" in capsys.readouterr().err
    out = tmp_path / "stop.json"
    assert main(["--quick", "--only", "stop", "--json", str(out), "--cache", str(tmp_path / "cache")]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    assert figures and {f["item"] for f in figures} == {"3 stop"}
