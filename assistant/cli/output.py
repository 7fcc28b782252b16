"""What the `bothy` command prints: JSON, and one-line errors."""

from __future__ import annotations

import json
import sys


def print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str) -> int:
    print(f"bothy: {message}", file=sys.stderr)
    return 1


def open_store():
    """The store, telling the person when a damaged database had to be moved aside."""
    from assistant.store import open_store as open_

    store, notice = open_()
    if notice:
        print(f"bothy: {notice}", file=sys.stderr)
    return store
