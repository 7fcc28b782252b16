import ast
from pathlib import Path

from assistant import paths


def test_bothy_home_moves_everything(bothy_home):
    for folder in (paths.data_dir(), paths.config_dir(), paths.log_dir(), paths.cache_dir(), paths.models_dir()):
        assert folder.is_relative_to(bothy_home)
        assert folder.is_dir()
    assert paths.db_path().parent == paths.data_dir()


def test_without_override_uses_platform_folders(monkeypatch, tmp_path):
    monkeypatch.delenv("BOTHY_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert paths.data_dir() == tmp_path / "xdg-data" / "Bothy"
    assert paths.config_dir() == tmp_path / "xdg-config" / "Bothy"


def test_core_never_imports_qt():
    """assistant/ is the core: the CLI and tests use it without a GUI toolkit."""
    root = Path(__file__).resolve().parents[2] / "assistant"
    offenders = []
    for file in root.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            where = file.relative_to(root).as_posix()
            offenders += [f"{where}: {n}" for n in names if n.split(".")[0] in ("PySide6", "PyQt6", "shiboken6")]
            # Only the CLI's entry may reach into ui/, lazily, to open the app when `bothy` has no subcommand.
            if where != "cli/__init__.py":
                offenders += [f"{where}: {n}" for n in names if n.split(".")[0] == "ui"]
    assert offenders == []


def test_only_the_engine_process_imports_llama_cpp():
    root = Path(__file__).resolve().parents[2] / "assistant"
    users = set()
    for file in root.rglob("*.py"):
        text = file.read_text(encoding="utf-8")
        if "import llama_cpp" in text:
            users.add(file.relative_to(root).as_posix())
    assert users == {"engine/worker.py"}


def test_only_one_module_touches_llama_cpp_pythons_private_members():
    import re

    root = Path(__file__).resolve().parents[2] / "assistant"
    private = re.compile(r"\.(_ctx|_model|_requires_eval|_batch|_sampler|input_ids|n_tokens)\b")
    users = {f.relative_to(root).as_posix() for f in root.rglob("*.py") if private.search(f.read_text("utf-8"))}
    assert users == {"engine/llama_model.py"}
