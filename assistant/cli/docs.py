"""`bothy docs`: the person's document libraries (assistant/docs) from the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.cli.output import open_store, print_json

STATE_WORDS = {"indexed": "indexed", "unchanged": "unchanged", "failed": "failed", "removed": "removed"}


def cmd_docs(args) -> int:
    store = open_store()
    try:
        return COMMANDS[args.docs_command](store, args)
    finally:
        store.close()


def _add(store, args) -> int:
    from assistant.docs.indexer import add

    missing = [str(p) for p in args.paths if not p.exists()]
    for path in missing:
        print(f"bothy: {path}: no such file or folder", file=sys.stderr)

    def show(result) -> None:
        if not args.json:
            print(_line(result.to_dict()), flush=True)

    results = add(store, [p for p in args.paths if p.exists()], args.library, progress=show)
    summary = _summary(results)
    if args.json:
        print_json({"library": args.library, "files": [r.to_dict() for r in results], **summary})
    else:
        print(
            f"{args.library}: {summary['indexed']} indexed ({summary['passages']} passages), "
            f"{summary['unchanged']} unchanged, {summary['failed']} failed"
        )
    return 1 if missing or (results and summary["failed"] == len(results)) else 0


def _refresh(store, args) -> int:
    from assistant.docs.indexer import refresh

    results = refresh(store, args.library, progress=None if args.json else lambda r: print(_line(r.to_dict())))
    if args.json:
        print_json({"library": args.library, "files": [r.to_dict() for r in results], **_summary(results)})
    return 0


def _list(store, args) -> int:
    if args.library is None:
        libraries = store.libraries()
        if args.json:
            print_json(libraries)
        elif not libraries:
            print("No document libraries yet: `bothy docs add PATH` makes one.")
        for library in libraries:
            failed = f", {library['failed']} failed" if library["failed"] else ""
            print(f"{library['name']}: {library['documents']} documents, {library['passages']} passages{failed}")
        return 0
    documents = store.documents(store.library(args.library)["id"])
    if args.json:
        print_json(documents)
    for document in documents:
        print(_line(document))
    return 0


def _search(store, args) -> int:
    from assistant.docs.retrieval import ranked
    from assistant.docs.vectors import model_key

    model = model_key(args.embedding_model) if args.embedding_model else None
    names = args.library or [library["name"] for library in store.libraries()]
    ids = [store.library(name)["id"] for name in names]
    engine = _embedder() if model else None
    try:
        embed = (lambda texts: engine.embed(model, texts)) if engine else None
        hits = ranked(store, ids, args.query, embed=embed, embedding_model=model)[: args.limit]
    finally:
        if engine is not None:
            engine.close()
    if args.json:
        print_json(hits)
        return 0
    if not hits:
        print("Nothing in your documents matches that.")
    for number, hit in enumerate(hits, 1):
        where = f"page {hit['page']}" if hit["page"] else f"line {hit['line']}"
        text = " ".join(hit["text"].split())
        print(f"[{number}] {Path(hit['path']).name}, {where} (score {hit['score']:.2f})\n    {text[:300]}")
    return 0


def _embed(store, args) -> int:
    from assistant.docs.vectors import embed_library, model_key
    from assistant.settings import Settings

    model = args.model or Settings.load().embedding_model
    if not model:
        print("bothy: name an embedding model (--model PATH.gguf), or choose one in the settings", file=sys.stderr)
        return 2
    model = model_key(model)
    engine = _embedder()
    try:
        count, seconds = embed_library(store, lambda texts: engine.embed(model, texts), args.library, model)
    finally:
        engine.close()
    rate = count / seconds if seconds > 0 else 0.0
    if args.json:
        print_json({"library": args.library, "model": model, "embedded": count, "passages_per_s": rate})
    else:
        print(f"{args.library}: {count} passages embedded with {Path(model).name} ({rate:.1f} passages/s)")
    return 0


def _embedder():
    """An engine process for embedding only (no chat model is loaded)."""
    from assistant.engine import LocalEngine

    return LocalEngine()


def _remove(store, args) -> int:
    if not args.paths:
        count = store.delete_library(args.library)
        print(f"Removed the library {args.library} ({count} documents; the files stay).")
        return 0
    library_id = store.library(args.library)["id"]
    code = 0
    for path in args.paths:
        if store.exclude_document(library_id, str(Path(path).expanduser().absolute())):
            print(f"removed  {path}")
        else:
            print(f"bothy: {path} is not in {args.library}", file=sys.stderr)
            code = 1
    return code


def _line(result: dict) -> str:
    state = result["state"]
    if state == "indexed":
        return f"indexed    {result['path']} ({result['passages']} passages)"
    if state == "failed":
        return f"failed     {result['path']}: {result['reason']}"
    return f"{state:<10} {result['path']}"


def _summary(results) -> dict:
    count = {state: sum(1 for r in results if r.state == state) for state in STATE_WORDS}
    return {**count, "passages": sum(r.passages for r in results)}


COMMANDS = {"add": _add, "refresh": _refresh, "list": _list, "search": _search, "embed": _embed, "remove": _remove}
