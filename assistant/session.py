"""One chat turn, end to end, shared by the CLI and the GUI.

Store first: the user's message and an empty reply marked `streaming` are committed before the
engine sees anything, so nothing typed can be lost. The reply is saved while it streams (at least
once a second) and finalized with its status and stats at the end.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from assistant.conversation_memory import ConversationMemory, turns_of
from assistant.docs.indexer import refresh
from assistant.docs.retrieval import (
    DocumentsStayHere,
    Source,
    conversation_libraries,
    documents_budget,
    documents_may_leave,
    gather,
    with_passages,
)
from assistant.engine import ChatMessage, ChatRequest, ContextInfo, Engine, GenerationSettings, Reply, ReplyStats
from assistant.engine.pipe import TextEvent
from assistant.errors import UserFacingError
from assistant.models import cached_sha256, file_sha256
from assistant.store import Store

log = logging.getLogger("bothy.session")

SAVE_EVERY_S = 1.0
APOLOGY = "Something went wrong inside Bothy (the details are in the log). Your conversation is saved."
_hashing: set[Path] = set()


def _hash_quietly(path: Path) -> None:
    try:
        file_sha256(path)
    except OSError as exc:
        log.warning("could not hash %s: %s", path, exc)


_STORED_STATS = ("prompt_tokens", "reply_tokens", "ttft_ms", "tokens_per_s", "finish_reason")


def _with_seed(settings: GenerationSettings | None) -> GenerationSettings:
    """A copy of the settings with a concrete seed, so the stored sampling says how to repeat the reply."""
    settings = replace(settings) if settings else GenerationSettings()
    if settings.seed is None:
        settings.seed = random.randrange(2**31)
    return settings


def _raising(exc: Exception) -> Iterator:
    """The events of a reply that could not start: none, then its error."""
    raise exc
    yield  # a generator


def history_for_model(messages: list[dict]) -> list[ChatMessage]:
    """The stored messages the model may see: user and assistant turns with text, oldest first."""
    return [ChatMessage(t.role, t.content) for t in turns_of(messages)]


class Turn:
    """A reply being written into a conversation. Iterate it for the answer's text chunks, or
    `stream()` for every TextEvent, a reasoning model's thinking included.

    After iteration: `text`, `thinking` and `thinking_ms`, `status` (complete, cancelled, error),
    `stats`, `context`, `user_message_id`, `reply_message_id`. An engine failure is saved on the
    reply and then raised. The thinking is stored apart from the text (messages.thinking), so it is
    never part of what the model sees again.
    """

    def __init__(
        self,
        store: Store,
        reply: Reply,
        *,
        conversation_id: int,
        user_message_id: int | None,
        reply_message_id: int,
        context: ContextInfo | None = None,
        memory_tokens: int = 0,
        sources: list | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.sources = sources or []  # the passages of the person's documents the model was given
        self._store = store
        self._reply = reply
        self._clock = clock
        self._context = context
        self._memory_tokens = memory_tokens
        self.conversation_id = conversation_id
        self.user_message_id = user_message_id
        self.reply_message_id = reply_message_id
        self.status = "streaming"
        self.error: str | None = None

    @property
    def text(self) -> str:
        return self._reply.text

    @property
    def thinking(self) -> str:
        return self._reply.thinking

    @property
    def thinking_ms(self) -> float | None:
        return self._reply.thinking_ms

    @property
    def stats(self) -> ReplyStats | None:
        """The reply's figures; prompt_eval_tokens includes what memory processed since the last turn."""
        stats = self._reply.stats
        if stats is None or not self._memory_tokens:
            return stats
        return replace(
            stats,
            prompt_eval_tokens=stats.prompt_eval_tokens + self._memory_tokens,
            memory_tokens=self._memory_tokens,
        )

    @property
    def context(self) -> ContextInfo | None:
        """What the model sees this turn: the session's plan, with the engine's exact prompt size."""
        engine_view = self._reply.context
        if self._context is None:
            return engine_view
        if engine_view is not None:
            return replace(self._context, prompt_tokens=engine_view.prompt_tokens)
        return self._context

    def stop(self) -> None:
        self._reply.stop()

    def __iter__(self) -> Iterator[str]:
        events = self.stream()
        try:
            for event in events:
                if not event.thinking:
                    yield event.text
        finally:
            events.close()  # the caller stopped reading: stream() stops the reply and saves it

    def stream(self) -> Iterator[TextEvent]:
        """Every piece of the reply's text as it comes, the thinking ones marked (TextEvent.thinking)."""
        last_save = self._clock()
        chunks = self._reply.stream()
        try:
            for chunk in chunks:
                now = self._clock()
                if now - last_save >= SAVE_EVERY_S:
                    self._store.update_reply(
                        self.reply_message_id, self._reply.text, thinking=self._reply.thinking or None
                    )
                    last_save = now
                yield chunk
        except GeneratorExit:
            chunks.close()  # stops the reply and settles the engine
            self._finish("cancelled")
            return
        except UserFacingError as exc:
            chunks.close()  # e.g. saving failed: the engine stops too
            self._finish("error", error=str(exc))
            raise
        except BaseException:
            chunks.close()
            log.exception("a reply failed")
            self._finish("error", error=APOLOGY)  # the details are for the log, not for people
            raise
        stats = self._reply.stats
        self._finish("cancelled" if stats and stats.finish_reason == "cancelled" else "complete")

    def consume(self) -> Turn:
        for _ in self:
            pass
        return self

    def _finish(self, status: str, *, error: str | None = None) -> None:
        self.status, self.error = status, error
        stats = None
        if self._reply.stats:
            stats = {k: v for k, v in self._reply.stats.to_dict().items() if k in _STORED_STATS}
        if stats is None and status == "error":
            stats = {"finish_reason": "error"}
        self._store.finish_reply(
            self.reply_message_id,
            self._reply.text,
            status=status,
            stats=stats,
            error=error,
            thinking=self._reply.thinking or None,
            thinking_ms=self._reply.thinking_ms,
        )


class ChatSession:
    """Sends turns of stored conversations to an engine.

    Every change to the stored conversation that a turn makes (the user's message, replacing what an
    edit or a regeneration replaces, the new streaming reply) is one transaction, written only after
    the engine is known to be able to answer: a failure loses nothing. What the model sees of a long
    conversation is planned by `self.memory` (assistant/conversation_memory.py).
    """

    def __init__(self, store: Store, engine: Engine, *, memory_policy: str = "summarize"):
        self.store = store
        self.engine = engine
        self.documents: tuple[str, ...] = ()  # libraries every send() uses unless told otherwise
        self.documents_to_servers = False  # passages may go to a model on a server (the person said so)
        self.embedding_model: str | None = None  # a GGUF path: vectors join full-text retrieval
        self.memory = ConversationMemory(store, engine, default_policy=memory_policy)
        self._sent: dict[int, ChatRequest] = {}  # the last request sent, for after_turn

    def _reply_fields(self) -> dict:
        """Which engine and model write the reply; for a local file also its name, size and sha256.

        Hashing a large model takes a while, so the first replies with a new model may record no
        sha256: it is computed once in the background and cached for the replies after.
        """
        loaded = self.engine.loaded
        if loaded is None:
            raise UserFacingError("No model is loaded.", hint="Choose a model in Settings > Models.")
        if self.engine.busy:
            raise UserFacingError("A reply is still being written.", hint="Stop it first.")
        fields = {"engine": loaded.engine, "model_ref": loaded.model.key, "model_file": loaded.model.file_name}
        if loaded.model.path:
            path = Path(loaded.model.path)
            sha = cached_sha256(path)
            if sha is None and path not in _hashing:
                _hashing.add(path)
                threading.Thread(target=_hash_quietly, args=(path,), name="bothy-model-hash", daemon=True).start()
            try:
                size = path.stat().st_size
            except OSError:
                size = None
            fields.update(model_size=size, model_sha256=sha)
        return fields

    def send(
        self,
        conversation_id: int,
        text: str,
        settings: GenerationSettings | None = None,
        *,
        documents: Sequence[str] | None = None,
    ) -> Turn:
        """Store the user's message, then start the reply. `documents`: libraries whose passages
        for this message go to the model with it (assistant/docs/retrieval.py); by default the
        session's `documents`, else those switched on for the conversation."""
        if documents is None:
            documents = self._documents_for(conversation_id)
        return self._begin(conversation_id, text, settings, replace_from=None, documents=documents)

    def edit_and_resend(
        self, conversation_id: int, message_id: int, text: str, settings: GenerationSettings | None = None
    ) -> Turn:
        """Replace a user message (and everything after it) with `text`, and answer it."""
        documents = self._documents_for(conversation_id)
        return self._begin(conversation_id, text, settings, replace_from=message_id, documents=documents)

    def regenerate(self, conversation_id: int, settings: GenerationSettings | None = None) -> Turn:
        """Replace the last reply with a new one."""
        settings = _with_seed(settings)
        fields = self._reply_fields()
        messages = self.store.messages(conversation_id)
        last_user = next((m for m in reversed(messages) if m["role"] == "user"), None)
        if last_user is None:
            raise UserFacingError("There is no message to answer again.")
        later = next((m for m in messages if m["seq"] > last_user["seq"]), None)
        documents = self._documents_for(conversation_id)
        self._check_documents(conversation_id, documents)
        reply = self.store.begin_reply(
            conversation_id, replace_from=later["id"] if later else None, sampling=settings.to_dict(), **fields
        )
        return self._start(conversation_id, last_user["id"], reply["id"], settings, documents)

    def _documents_for(self, conversation_id: int) -> tuple[str, ...]:
        """The libraries a turn answers from: the session's, else those switched on for the conversation."""
        return tuple(self.documents) or conversation_libraries(self.store, conversation_id)

    def after_turn(self, conversation_id: int, settings: GenerationSettings | None = None) -> dict | None:
        """Right after a complete reply, while the person reads: prepare the conversation for the
        next message. Its memory first (a summary of what will not fit any more); then, when the
        window stays, the engine reads the conversation as the next prompt will render it, this
        reply included: a template renders a reply otherwise than it was generated (trimmed, its
        thinking left out), so the next turn would read it again before the new message. Returns
        a new mark or None."""
        mark = self.memory.after_reply(conversation_id, settings or GenerationSettings())
        sent = self._sent.pop(conversation_id, None)
        if sent is not None and mark is None:
            try:
                self._read_ahead(conversation_id, sent)
            except Exception as exc:  # only a head start: the next turn reads what it needs
                log.info("reading conversation %s ahead failed: %s", conversation_id, exc)
        return mark

    def _begin(
        self, conversation_id: int, text: str, settings, *, replace_from: int | None, documents: Sequence[str] = ()
    ) -> Turn:
        settings = _with_seed(settings)
        fields = self._reply_fields()
        self._check_documents(conversation_id, documents)
        self.memory.check_fits(conversation_id, text, settings, replace_from)
        user, reply = self.store.begin_turn(
            conversation_id, text, replace_from=replace_from, sampling=settings.to_dict(), **fields
        )
        return self._start(conversation_id, user["id"], reply["id"], settings, documents)

    def _check_documents(self, conversation_id: int, documents: Sequence[str]) -> None:
        """Passages never leave the computer unless the person said they may go to a server (for
        this session, or for the conversation)."""
        loaded = self.engine.loaded
        remote = documents and loaded is not None and loaded.model.engine != "local"
        if remote and not (self.documents_to_servers or documents_may_leave(self.store, conversation_id)):
            raise DocumentsStayHere(
                f"Passages of your documents would be sent to the server that runs {loaded.model.label}.",
                hint="Choose a model on this computer, or allow sending documents to servers.",
            )
        for name in documents:
            self.store.library(name)  # NotFoundError (a StoreError people read) for an unknown library

    def prepare(self, conversation_id: int) -> bool:
        """The person opened this conversation: the engine puts back its kept KV state now (a copy of
        tens of MB), so that their next message does not wait for it. False when there was none, or
        the engine keeps no states (a server's model)."""
        prepare = self._engine_prepare()
        if prepare is None or self.engine.loaded is None:
            return False
        return bool(prepare(self._conversation_key(conversation_id)))

    def _engine_prepare(self):
        """The engine's `prepare` (LocalEngine's), or None where it keeps no KV states (a server's)."""
        prepare = getattr(self.engine, "prepare", None)
        return prepare if prepare is not None and self.engine.capabilities().kv_snapshots else None

    def _conversation_key(self, conversation_id: int) -> str:
        """What the engine keeps the KV cache under: the conversation, and on a conversation with
        branches, the branch shown (its newest alternative), so that going back and forth between
        two branches finds each one's cache again instead of re-reading its end (kv_snapshots.py)."""
        branches = self.store.branches(conversation_id)
        return f"{conversation_id}/{max(branches)}" if branches else str(conversation_id)

    def _start(
        self,
        conversation_id: int,
        user_id: int,
        reply_id: int,
        settings: GenerationSettings,
        documents: Sequence[str] = (),
    ) -> Turn:
        sources: list[Source] = []
        try:
            extra = documents_budget(self.engine.loaded.n_ctx) if documents else 0
            planned = self.memory.plan_turn(conversation_id, settings, extra=extra)
            history = planned.plan.history
            if documents:
                for library in documents:  # changed files read again, deleted ones forgotten (stat only otherwise)
                    refresh(self.store, library)
                question = history[-1].content
                embed = getattr(self.engine, "embed", None) if self.embedding_model else None
                sources = gather(
                    self.store,
                    documents,
                    question,
                    budget=extra,
                    count=self.engine.count_text,
                    embed=(lambda texts: embed(self.embedding_model, texts)) if embed else None,
                    embedding_model=self.embedding_model,
                )
                asked = with_passages(question, sources)
                history = [*history[:-1], ChatMessage("user", asked)]
                if sources:
                    used = self.engine.count_text(asked) - self.engine.count_text(question)
                    planned.context = replace(planned.context, documents_tokens=used, passages=len(sources))
                self.store.set_sources(reply_id, [source.to_dict() for source in sources])
            request = ChatRequest(
                history,
                system_prompt=planned.plan.system,
                settings=settings,
                conversation_key=self._conversation_key(conversation_id),
            )
            reply = self.engine.chat(request)
        except Exception as exc:  # the turn is stored: it fails when read, and the reply records why
            planned, reply, request = None, Reply(_raising(exc), stop=lambda: None), None
        turn = Turn(
            self.store,
            reply,
            conversation_id=conversation_id,
            user_message_id=user_id,
            reply_message_id=reply_id,
            context=planned.context if planned else None,
            memory_tokens=self.memory.take_overhead(conversation_id),
            sources=sources,
        )
        if request is not None:
            self._sent = {conversation_id: request}  # after_turn reads ahead from it (the latest only)
        return turn

    def _read_ahead(self, conversation_id: int, request: ChatRequest) -> None:
        """The next turn's prompt, up to this reply: this turn's window of messages as the store
        gives them back (the question as typed, the reply as kept), when they line up with it."""
        prepare = self._engine_prepare()
        if prepare is None:
            return
        stored = history_for_model(self.store.messages(conversation_id))
        window = stored[-(len(request.history) + 1) :]
        if len(window) != len(request.history) + 1 or window[:-2] != request.history[:-1]:
            return  # the window moved or holds something else: the next turn reads what it needs
        if window[-1].role != "assistant":
            return
        prepare(request.conversation_key, replace(request, history=window))
