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
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from assistant.engine import ChatMessage, ChatRequest, ContextInfo, Engine, GenerationSettings, Reply, ReplyStats
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


# Replies that carry no words for the model to see again.
_SKIP_IN_HISTORY = {"error"}
_STORED_STATS = ("prompt_tokens", "reply_tokens", "ttft_ms", "tokens_per_s", "finish_reason")


def _with_seed(settings: GenerationSettings | None) -> GenerationSettings:
    """A copy of the settings with a concrete seed, so the stored sampling says how to repeat the reply."""
    settings = replace(settings) if settings else GenerationSettings()
    if settings.seed is None:
        settings.seed = random.randrange(2**31)
    return settings


def history_for_model(messages: list[dict]) -> list[ChatMessage]:
    """The stored messages the model sees: user and assistant turns with text, oldest first."""
    out = []
    for m in messages:
        if m["role"] not in ("user", "assistant"):
            continue
        if m["role"] == "assistant" and (m["status"] in _SKIP_IN_HISTORY or not m["content"]):
            continue
        out.append(ChatMessage(m["role"], m["content"]))
    return out


class Turn:
    """A reply being written into a conversation. Iterate it for text chunks.

    After iteration: `text`, `status` (complete, cancelled, error), `stats`, `context`,
    `user_message_id`, `reply_message_id`. An engine failure is saved on the reply and then raised.
    """

    def __init__(
        self,
        store: Store,
        reply: Reply,
        *,
        conversation_id: int,
        user_message_id: int | None,
        reply_message_id: int,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._store = store
        self._reply = reply
        self._clock = clock
        self.conversation_id = conversation_id
        self.user_message_id = user_message_id
        self.reply_message_id = reply_message_id
        self.status = "streaming"
        self.error: str | None = None

    @property
    def text(self) -> str:
        return self._reply.text

    @property
    def stats(self) -> ReplyStats | None:
        return self._reply.stats

    @property
    def context(self) -> ContextInfo | None:
        return self._reply.context

    def stop(self) -> None:
        self._reply.stop()

    def __iter__(self) -> Iterator[str]:
        last_save = self._clock()
        chunks = iter(self._reply)
        try:
            for chunk in chunks:
                now = self._clock()
                if now - last_save >= SAVE_EVERY_S:
                    self._store.update_reply(self.reply_message_id, self._reply.text)
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
        self._store.finish_reply(self.reply_message_id, self._reply.text, status=status, stats=stats, error=error)


class ChatSession:
    """Sends turns of stored conversations to an engine.

    Every change to the stored conversation that a turn makes (the user's message, replacing what an
    edit or a regeneration replaces, the new streaming reply) is one transaction, written only after
    the engine is known to be able to answer: a failure loses nothing.
    """

    def __init__(self, store: Store, engine: Engine):
        self.store = store
        self.engine = engine

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

    def send(self, conversation_id: int, text: str, settings: GenerationSettings | None = None) -> Turn:
        """Store the user's message, then start the reply."""
        return self._begin(conversation_id, text, settings, replace_from=None)

    def edit_and_resend(
        self, conversation_id: int, message_id: int, text: str, settings: GenerationSettings | None = None
    ) -> Turn:
        """Replace a user message (and everything after it) with `text`, and answer it."""
        return self._begin(conversation_id, text, settings, replace_from=message_id)

    def regenerate(self, conversation_id: int, settings: GenerationSettings | None = None) -> Turn:
        """Replace the last reply with a new one."""
        settings = _with_seed(settings)
        fields = self._reply_fields()
        messages = self.store.messages(conversation_id)
        last_user = next((m for m in reversed(messages) if m["role"] == "user"), None)
        if last_user is None:
            raise UserFacingError("There is no message to answer again.")
        later = next((m for m in messages if m["seq"] > last_user["seq"]), None)
        reply = self.store.begin_reply(
            conversation_id, replace_from=later["id"] if later else None, sampling=settings.to_dict(), **fields
        )
        return self._start(conversation_id, last_user["id"], reply["id"], settings)

    def _begin(self, conversation_id: int, text: str, settings, *, replace_from: int | None) -> Turn:
        settings = _with_seed(settings)
        fields = self._reply_fields()
        user, reply = self.store.begin_turn(
            conversation_id, text, replace_from=replace_from, sampling=settings.to_dict(), **fields
        )
        return self._start(conversation_id, user["id"], reply["id"], settings)

    def _start(self, conversation_id: int, user_id: int, reply_id: int, settings: GenerationSettings) -> Turn:
        try:
            conversation = self.store.get_conversation(conversation_id)
            request = ChatRequest(
                history_for_model(self.store.messages(conversation_id)),
                system_prompt=conversation.get("system_prompt"),
                settings=settings,
                conversation_key=str(conversation_id),
            )
            reply = self.engine.chat(request)
        except BaseException as exc:
            if not isinstance(exc, UserFacingError):
                log.exception("a reply could not start")
            error = str(exc) if isinstance(exc, UserFacingError) else APOLOGY
            self.store.finish_reply(reply_id, "", status="error", stats={"finish_reason": "error"}, error=error)
            raise
        return Turn(
            self.store, reply, conversation_id=conversation_id, user_message_id=user_id, reply_message_id=reply_id
        )
