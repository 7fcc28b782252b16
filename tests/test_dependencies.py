"""Every package the app imports is declared in pyproject.toml (jinja2 once was not: it came in by
chance with another package, and an install without that one would have failed to render templates)."""

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# distribution name -> the module it provides, where they differ
MODULES = {
    "llama-cpp-python": "llama_cpp",
    "pyside6-essentials": "PySide6",
    "sqlite-utils": "sqlite_utils",
    "markdown-it-py": "markdown_it",
}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for requirement in project["dependencies"]:
        name = requirement.split(";")[0].split("[")[0]
        for mark in "<>=!~ ":
            name = name.split(mark)[0]
        name = name.strip().lower()
        names.add(MODULES.get(name, name.replace("-", "_")))
    return names


def _imported(package: str) -> set[str]:
    found = set()
    for file in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_everything_the_app_imports_is_declared():
    third_party = (_imported("assistant") | _imported("ui")) - set(sys.stdlib_module_names) - {"assistant", "ui"}
    undeclared = {m for m in third_party if m.lower() not in {d.lower() for d in _declared()}}
    assert undeclared == set()
