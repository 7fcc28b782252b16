"""The passages of the person's documents that go to the model with a question.

When the libraries are small enough for the budget they are given whole (every passage, in order);
otherwise the passages that best match the question (BM25, assistant/store/documents.py), best first,
as many as fit. The model gets them numbered before the question and is asked to cite them as [n];
the reply records exactly these (Source.to_dict), so a person can see what the model was given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UserFacingError

MAX_PASSAGES = 12
BUDGET_FRACTION = 0.25  # of the context, for passages
WHOLE_PASSAGES = 24  # libraries of at most this many passages are given whole, when they fit


@dataclass
class Source:
    number: int
    path: str
    page: int | None
    line: int | None
    text: str
    passage_id: int
    score: float | None = None
    terms: tuple[str, ...] = ()  # the question's terms found in the passage (highlighted when shown)

    @property
    def where(self) -> str:
        name = Path(self.path).name
        return f"{name}, page {self.page}" if self.page else f"{name}, line {self.line}"

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "path": self.path,
            "page": self.page,
            "line": self.line,
            "text": self.text,
            "passage_id": self.passage_id,
            "score": self.score,
            "terms": list(self.terms),
        }


class DocumentsStayHere(UserFacingError):
    """Passages would go to a model on a server, and the person has not allowed that."""


def documents_may_leave(store, conversation_id: int) -> bool:
    """Whether the person allowed this conversation to send passages to a model on a server."""
    return bool((store.get_conversation(conversation_id).get("settings") or {}).get("documents_to_servers"))


def conversation_libraries(store, conversation_id: int) -> tuple[str, ...]:
    """The libraries switched on for a conversation (its settings' "documents") that still exist."""
    settings = store.get_conversation(conversation_id).get("settings") or {}
    chosen = settings.get("documents") or []
    existing = {library["name"] for library in store.libraries()} if chosen else set()
    return tuple(name for name in chosen if isinstance(name, str) and name in existing)


def documents_budget(n_ctx: int) -> int:
    """Tokens of the context the passages may take (the conversation's window gives way)."""
    return int(n_ctx * BUDGET_FRACTION)


def gather(
    store,
    libraries: Sequence[str],
    question: str,
    *,
    budget: int,
    count: Callable[[str], int],
    embed: Callable[[list[str]], list[list[float]]] | None = None,
    embedding_model: str | None = None,
) -> list[Source]:
    """The passages for `question` from these libraries, within `budget` tokens. With an
    embedding model (`embed` and its `embedding_model`), full-text and vector retrieval are fused."""
    from assistant.store.documents import matched_terms, retrieval_terms

    ids = [store.library(name)["id"] for name in libraries]
    chosen: list[dict] = []
    every = []
    if store.passage_count(ids) <= WHOLE_PASSAGES:
        every = [p for library_id in ids for d in store.documents(library_id) if d["state"] == "indexed"
                 for p in store.document_passages(d["id"])]  # fmt: skip
    if every and sum(count(p["text"]) for p in every) <= budget:
        chosen = every
    else:
        used = 0
        for hit in ranked(store, ids, question, embed=embed, embedding_model=embedding_model):
            cost = count(hit["text"]) + 12
            if used + cost > budget:
                continue
            chosen.append(hit)
            used += cost
            if len(chosen) >= MAX_PASSAGES:
                break
    terms = retrieval_terms(question)
    return [
        Source(
            i + 1,
            p["path"],
            p["page"],
            p["line"],
            p["text"],
            p["id"],
            p.get("score"),
            tuple(matched_terms(terms, p["text"])),
        )
        for i, p in enumerate(chosen)
    ]


def ranked(store, ids: Sequence[int], question: str, *, embed=None, embedding_model=None) -> list[dict]:
    """Candidate passages, best first: BM25, fused with vector similarity when there are vectors."""
    from assistant.docs.vectors import fuse

    text_hits = store.search_passages(question, ids, limit=MAX_PASSAGES * 2)
    if embed is None or not embedding_model:
        return text_hits
    vector_hits = store.search_vectors(embed([question])[0], ids, embedding_model, limit=MAX_PASSAGES * 2)
    return fuse(text_hits, vector_hits) if vector_hits else text_hits


def with_passages(question: str, sources: Sequence[Source]) -> str:
    """The user's message as the model gets it: the numbered passages, then the question."""
    if not sources:
        return question
    blocks = "\n\n".join(f"[{s.number}] ({s.where})\n{s.text}" for s in sources)
    return (
        "Passages from my documents:\n\n"
        f"{blocks}\n\n"
        "Answer from these passages where they help, and cite each one you use as [1], [2], …\n\n"
        f"{question}"
    )
