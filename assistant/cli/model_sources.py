"""`bothy models search` and `bothy models download`: models from Hugging Face, a mirror of it, or
ModelScope (assistant/library/sources.py), with a progress bar, resumable (run it again)."""

from __future__ import annotations

import sys
import time

from assistant.cli.output import print_json


def _source(args):
    from assistant.library.sources import Source
    from assistant.settings import Settings

    settings = Settings.load()
    kind = args.source or settings.download_source
    endpoint = args.endpoint or (settings.download_endpoint if kind == settings.download_source else None)
    return Source.choose(kind, endpoint)


def cmd_search(args) -> int:
    from assistant.library.sources import SourceError

    source = _source(args)
    repos = source.search(args.query)
    found = []
    for repo in repos:
        entry = {"repo": repo.name, "downloads": repo.downloads, "updated": repo.updated}
        if args.files:
            try:
                listed = source.files(repo.name)
                entry["files"] = [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in listed]
            except SourceError as exc:  # one repository that cannot be listed does not end the search
                entry["files"], entry["error"] = [], str(exc)
        found.append(entry)
    if args.json:
        print_json({"source": source.kind, "endpoint": source.endpoint, "repositories": found})
        return 0
    if not found:
        print(f"No repositories with GGUF files match “{args.query}” on {source.label}.")
    for entry in found:
        print(f"{entry['repo']}  ({entry['downloads']:,} downloads)")
        if entry.get("error"):
            print(f"    {entry['error']}")
        for f in entry.get("files", []):
            size = f"{f['size'] / 2**30:.2f} GiB" if f["size"] else "size unknown"
            print(f"    {f['name']}  {size}")
    return 0


def cmd_token(args) -> int:
    """Keep the token for the source (from standard input, or typed without echo at a terminal)."""
    from assistant.library.tokens import set_token

    source = _source(args)
    if args.remove:
        set_token(source.endpoint, None)
        print(f"Forgot the access token for {source.label}.")
        return 0
    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass(f"Access token for {source.label}: ")
    else:
        token = sys.stdin.readline()
    if not token.strip():
        print("bothy: no token given", file=sys.stderr)
        return 2
    where = set_token(source.endpoint, token)
    place = "the system keychain" if where == "keychain" else "a file only you can read"
    print(f"Kept the access token for {source.label} in {place}; it is sent to {source.endpoint} only.")
    return 0


def cmd_download(args) -> int:
    from assistant.library import DownloadManager
    from assistant.library.download_state import DownloadState
    from assistant.library.sources import pick_files

    source = _source(args)
    files = pick_files(source.files(args.repo), args.file_or_quant)
    manager = DownloadManager()
    try:
        for file in files:
            name = file.name.rsplit("/", 1)[-1]
            download_id = manager.start(
                source.file_url(args.repo, file.name), filename=name, sha256=file.sha256, size=file.size
            )
            status = manager.status(download_id)
            while status.active:
                _bar(status)
                time.sleep(0.2)
                status = manager.status(download_id)
            _bar(status, end=True)
            if status.state != DownloadState.DONE:
                hint = f" {status.hint}" if status.hint else ""
                print(f"bothy: {status.error or 'the download stopped'}{hint}", file=sys.stderr)
                return 1
            print(f"{name}: downloaded from {source.label} to {status.path}")
    finally:
        manager.close()
    return 0


def _bar(status, *, end: bool = False) -> None:
    if not sys.stderr.isatty() and not end:
        return
    total = status.total or 0
    done = status.downloaded
    share = done / total if total else 0.0
    filled = int(share * 30)
    speed = f"{status.speed / 2**20:.1f} MiB/s" if status.speed else ""
    line = f"\r{status.filename} [{'#' * filled}{'.' * (30 - filled)}] {share:5.1%} {speed}"
    print(line, end="\n" if end else "", file=sys.stderr, flush=True)
