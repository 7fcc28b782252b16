"""What the local API offers beyond the loaded model: the other local GGUF models (for
`GET /v1/models` and for a request whose `model` names one of them), and keeping answered requests
as conversations when the person chose that.

A model is named by its file's name without .gguf (as /v1/models lists it), by its file name, or by
its key ("local:/path/to/model.gguf").
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.engine.types import ChatRequest, ModelRef

log = logging.getLogger("bothy.api")

KEPT_STATS = ("prompt_tokens", "reply_tokens", "ttft_ms", "tokens_per_s")


@dataclass(frozen=True)
class LocalModel:
    name: str  # the id clients see
    ref: ModelRef
    context_length: int | None  # what the model was trained for (its header); None when unknown


def names_of(ref: ModelRef) -> set[str]:
    """Every name a request may use for this model."""
    return {name for name in (ref.label, ref.file_name, ref.key, ref.path) if name}


class LocalModels:
    """The models folder's GGUF models, their headers read once per file version."""

    def __init__(self, lister=None):
        self._lister = lister  # () -> [ModelEntry]; the app's listing by default
        self._lengths: dict[tuple[str, int, int], int | None] = {}
        self._lock = threading.Lock()

    def all(self) -> list[LocalModel]:
        if self._lister is None:
            from assistant.models import list_models

            entries = list_models()
        else:
            entries = self._lister()
        found = []
        for entry in entries:
            if entry.exists:
                ref = ModelRef.local(entry.path)
                found.append(LocalModel(ref.label, ref, self._context_length(entry)))
        return found

    def find(self, name: str) -> LocalModel | None:
        return next((model for model in self.all() if name in names_of(model.ref)), None)

    def _context_length(self, entry) -> int | None:
        try:
            stat = os.stat(entry.path)
        except OSError:
            return None
        key = (str(entry.path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key not in self._lengths:
                info = entry.info  # None for a file that cannot be read
                self._lengths[key] = info.context_length if info is not None else None
            return self._lengths[key]


class ConversationKeeper:
    """Writes each answered API request into the store (store/api_records.py), on its own connection."""

    def __init__(self, db_path: str | os.PathLike | None = None, on_kept=None):
        self.db_path = Path(db_path) if db_path is not None else None
        self.on_kept = on_kept  # (conversation id) -> None: e.g. the window refreshes its sidebar
        self._store = None
        self._lock = threading.Lock()

    def keep(self, request: ChatRequest, text: str, reply, model: ModelRef) -> int | None:
        """Keep the exchange; a failure is logged, never the client's problem. Returns the conversation id."""
        from assistant.store import Store

        stats = reply.stats.to_dict() if reply is not None and reply.stats else {}
        stats = {key: stats[key] for key in KEPT_STATS if key in stats}
        try:
            with self._lock:
                if self._store is None:
                    self._store = Store(self.db_path)
                conversation_id = self._store.record_api_exchange(
                    system=request.system_prompt,
                    history=[(message.role, message.content) for message in request.history],
                    reply=text,
                    model_ref=model.key,
                    engine="llama.cpp" if model.engine == "local" else model.engine,
                    stats=stats,
                )
        except Exception:
            log.exception("an API conversation could not be kept")
            return None
        if self.on_kept is not None:
            self.on_kept(conversation_id)
        return conversation_id

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
