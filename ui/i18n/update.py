"""Refresh the Chinese translation after changing the UI's strings: `python -m ui.i18n.update`.

1. pyside6-lupdate collects every tr() string of ui/ (all subfolders) into bothy_zh_CN.ts.
2. A string that moved to another class keeps its translation: an unfinished entry takes the
   translation of the same source text from anywhere in the file (lupdate's own heuristic only
   looks at obsolete entries); obsolete entries are then dropped.
3. pyside6-lrelease compiles bothy_zh_CN.qm.

Whatever is still untranslated is listed; translate it in the .ts file (or Qt Linguist) and run
this again. tests/ui/test_app.py fails while anything is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI = HERE.parent
TS = HERE / "bothy_zh_CN.ts"


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        raise SystemExit(f"{name} not found: install the dev dependencies (./bothy.sh test sets them up)")
    return found


def _carry_over(tree: ET.ElementTree) -> list[str]:
    """Fill unfinished entries from translated ones with the same source (obsolete ones too: a string
    that moved to another class left its translation behind as obsolete); then drop obsolete ones."""
    known: dict[str, ET.Element] = {}
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        if translation.get("type") != "unfinished" and "".join(translation.itertext()).strip():
            known.setdefault(message.findtext("source"), translation)
    missing = []
    for context in tree.getroot().iter("context"):
        for message in list(context.iter("message")):
            translation = message.find("translation")
            kind = translation.get("type")
            if kind in ("obsolete", "vanished"):
                context.remove(message)
            elif kind == "unfinished":
                source = message.findtext("source")
                if source in known:
                    message.remove(translation)
                    message.append(_copy(known[source]))
                else:
                    missing.append(f"{context.findtext('name')}: {source}")
    return missing


def _copy(element: ET.Element) -> ET.Element:
    """A finished copy of a translation (one taken from an obsolete entry loses that mark)."""
    copy = ET.fromstring(ET.tostring(element))
    copy.attrib.pop("type", None)
    copy.tail = element.tail
    return copy


def main() -> int:
    sources = sorted(str(p.relative_to(UI.parent)) for p in UI.rglob("*.py") if p.parent != HERE)
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(TS)], check=True, cwd=UI.parent)
    tree = ET.parse(TS)
    missing = _carry_over(tree)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)
    for line in missing:
        print("untranslated:", line)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
