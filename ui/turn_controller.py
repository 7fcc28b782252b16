"""The turn controller: everything about the reply being written, on the GUI thread.

It owns the engine bridge and the one turn in progress (send, regenerate, edit, stop), and the live
view-model rows of that turn: the chat view shows those same dicts, so the streamed text lives in one
place (the reply row here) until the store's final row replaces its contents.

Signals:
    conversation_created(int conversation_id): a send in a new chat created its conversation.
    started(object ActiveTurn): a turn was accepted; the controller is busy until finished.
    stored(object ActiveTurn): the store holds the turn's rows (their ids are set).
    text(str chunk): more reply text (already added to turn.reply["content"]).
    thinking(str chunk): more of a reasoning model's thinking, before the reply text (already added
        to turn.reply["thinking"]; turn.reply["thinking_ms"] is set when the reply text starts).
    context(object ContextInfo): how much of the conversation the model sees this turn.
    speed(float tokens_per_s): live generation speed.
    finished(object ActiveTurn, object TurnResult): the store has the reply's final state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal, Slot

from assistant.errors import UserFacingError
from assistant.settings import Settings
from assistant.store import Store
from ui.engine_bridge import EngineBridge, TurnResult


@dataclass
class ActiveTurn:
    """The turn in progress. `user` and `reply` are the view-model rows the chat view shows."""

    request_id: int
    kind: str  # send, regenerate, edit
    conversation_id: int
    reply: dict
    user: dict | None = None  # the new user message (send, edit); None for regenerate
    replaces_from: int | None = None  # the edited message: it and what followed are replaced
    text_sent: str = ""
    first_token_at: float | None = None
    thinking_since: float | None = None  # while a reasoning model thinks: when it started
    tokens: int = 0
    result: TurnResult | None = field(default=None, repr=False)


def _row(role: str, content: str, status: str) -> dict:
    return {"id": None, "role": role, "content": content, "status": status}


class TurnController(QObject):
    conversation_created = Signal(int)
    started = Signal(object)
    stored = Signal(object)
    text = Signal(str)
    thinking = Signal(str)
    context = Signal(object)
    speed = Signal(float)
    finished = Signal(object, object)

    def __init__(self, *, store: Store, settings: Settings, bridge: EngineBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.bridge = bridge
        self.turn: ActiveTurn | None = None
        self.can_start = lambda: True  # the window says whether a model is ready
        w = bridge.worker
        q = Qt.ConnectionType.QueuedConnection
        w.turn_started.connect(self._stored, q)
        w.text.connect(self._text, q)
        w.thinking.connect(self._thinking, q)
        w.context.connect(self._context, q)
        w.turn_finished.connect(self._finished, q)

    @property
    def busy(self) -> bool:
        return self.turn is not None

    # -- starting a turn -----------------------------------------------------------------------
    def send(self, conversation_id: int | None, text: str, *, new_chat_system_prompt: str | None = None) -> bool:
        """Start a reply to `text`. In a new chat (no conversation yet) the conversation is created first.

        Returns False, and changes nothing, when the turn cannot start (raises UserFacingError when
        creating the conversation failed: the caller keeps the text).
        """
        if self.busy or not self.can_start():
            return False
        if conversation_id is None:
            loaded = self.bridge.engine.loaded
            conversation = self.store.create_conversation(
                system_prompt=new_chat_system_prompt or None, model=loaded.model.file_name if loaded else None
            )
            conversation_id = conversation["id"]
            self.conversation_created.emit(conversation_id)
        self._start("send", conversation_id, user=_row("user", text, "complete"), text=text)
        return True

    def regenerate(self, conversation_id: int) -> bool:
        if self.busy or not self.can_start():
            return False
        self._start("regenerate", conversation_id)
        return True

    def edit(self, conversation_id: int, message_id: int, text: str) -> bool:
        if self.busy or not self.can_start():
            return False
        self._start("edit", conversation_id, user=_row("user", text, "complete"), text=text, message_id=message_id)
        return True

    def _start(self, kind: str, conversation_id: int, *, user=None, text: str = "", message_id=None) -> None:
        request_id = self.bridge.start_turn(
            kind,
            conversation_id,
            text=text,
            message_id=message_id,
            settings=self.settings.generation,
            memory_policy=self.settings.memory_policy,
            embedding_model=self.settings.embedding_model,
        )
        self.turn = ActiveTurn(
            request_id,
            kind,
            conversation_id,
            reply=_row("assistant", "", "streaming"),
            user=user,
            replaces_from=message_id,
            text_sent=text,
        )
        self.started.emit(self.turn)

    @Slot()
    def stop(self) -> None:
        if self.turn is not None:
            self.bridge.stop(self.turn.request_id)

    # -- events from the engine thread ----------------------------------------------------------
    def _current(self, request_id: int) -> ActiveTurn | None:
        return self.turn if self.turn is not None and self.turn.request_id == request_id else None

    @Slot(int, object, int)
    def _stored(self, request_id: int, user_message_id, reply_message_id: int) -> None:
        turn = self._current(request_id)
        if turn is None:
            return
        turn.reply["id"] = reply_message_id
        if turn.user is not None:
            turn.user["id"] = user_message_id
        self.stored.emit(turn)

    @Slot(int, str)
    def _text(self, request_id: int, chunk: str) -> None:
        turn = self._current(request_id)
        if turn is None:
            return
        now = time.monotonic()
        if turn.thinking_since is not None:  # the thinking is over: the reply text starts
            turn.reply["thinking_ms"] = (now - turn.thinking_since) * 1000
            turn.thinking_since = None
        turn.reply["content"] += chunk
        self.text.emit(chunk)
        self._count_token(turn, now)

    @Slot(int, str)
    def _thinking(self, request_id: int, chunk: str) -> None:
        turn = self._current(request_id)
        if turn is None:
            return
        now = time.monotonic()
        if turn.thinking_since is None and not turn.reply.get("content"):
            turn.thinking_since = now
            turn.reply["thinking_ms"] = None
        turn.reply["thinking"] = (turn.reply.get("thinking") or "") + chunk
        self.thinking.emit(chunk)
        self._count_token(turn, now)

    def _count_token(self, turn: ActiveTurn, now: float) -> None:
        """Live speed, counting every token: the thinking's and the reply's."""
        if turn.first_token_at is None:
            turn.first_token_at = now
        turn.tokens += 1
        elapsed = now - turn.first_token_at
        if elapsed > 0.25 and turn.tokens % 4 == 0:
            self.speed.emit((turn.tokens - 1) / elapsed)

    @Slot(int, object)
    def _context(self, request_id: int, info) -> None:
        if self._current(request_id) is not None:
            self.context.emit(info)

    @Slot(object)
    def _finished(self, result: TurnResult) -> None:
        turn = self._current(result.request_id)
        if turn is None:
            return
        self.turn = None
        turn.result = result
        for row, message_id in ((turn.reply, result.reply_message_id), (turn.user, result.user_message_id)):
            if row is None or message_id is None:
                continue
            try:
                stored = self.store.message(message_id)
            except UserFacingError:
                continue  # the window shows the turn's error; the rows keep what streamed
            siblings = row.get("siblings")  # the view's own key (ui/window_branches.py), not the store's
            row.clear()
            row.update(stored)  # in place: the chat view shows this very dict
            if siblings:
                row["siblings"] = siblings
        self.finished.emit(turn, result)
