"""The bridge between the engine (blocking calls) and the GUI: one worker object on one QThread.

`EngineWorker` lives on the thread named "bothy-engine" and is the only code that calls
Engine.load and iterates a Turn. The GUI asks it for work through its own signals connected with
explicit queued connections (`EngineBridge.request_load`, `request_turn`); the worker answers with
signals that Qt queues back to the GUI thread. The worker never touches a widget or a Qt model.

Stopping does not queue anything behind the generation: `EngineBridge.stop()` runs on the GUI
thread and calls Turn.stop()/Engine.stop(), which set memory shared with the engine process.

Work for a conversation's memory that the person asks for (write a summary again, start a new chat
carrying a summary) runs on the same thread, queued like a turn (`EngineBridge.rewrite_mark`,
`carry_over`); its end comes back as `memory_done(MemoryResult)`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from assistant.conversation_memory import ContextFullError
from assistant.docs.retrieval import DocumentsStayHere
from assistant.docs.vectors import model_key
from assistant.engine import Engine, GenerationSettings, LoadedModel, LoadSettings, LocalEngine, ModelRef
from assistant.engine.router import EngineRouter
from assistant.errors import UserFacingError
from assistant.session import APOLOGY, ChatSession
from assistant.store import Store

log = logging.getLogger("bothy.ui.engine")


@dataclass
class TurnRequest:
    """What the GUI asks the worker to do: kind is 'send', 'regenerate' or 'edit'."""

    request_id: int
    kind: str
    conversation_id: int
    text: str = ""
    message_id: int | None = None
    settings: GenerationSettings | None = None
    memory_policy: str = "summarize"  # what happens to messages that no longer fit (conversation_memory.py)
    embedding_model: str | None = None  # documents are also found by meaning with it (assistant/docs)


@dataclass
class TurnResult:
    """How a turn ended. `user_message_id` None: the turn never started and nothing was stored."""

    request_id: int
    conversation_id: int
    reply_message_id: int | None
    status: str  # complete, cancelled, error
    user_message_id: int | None = None
    error: str | None = None
    stats: object | None = None  # ReplyStats
    context: object | None = None  # ContextInfo
    full: dict | None = None  # the "ask" policy refused the send: needed, n_ctx, conversation_id
    documents_stay: bool = False  # the chat's documents would have gone to a server: nothing was sent


@dataclass
class MemoryRequest:
    """Memory work the person asked for: kind 'rewrite' (target: a mark's id) or 'carry_over'
    (target: the conversation to carry into a new chat)."""

    request_id: int
    kind: str
    target: int


@dataclass
class MemoryResult:
    """How memory work ended: `value` is the mark written again, or the new conversation's id."""

    request_id: int
    kind: str
    target: int
    value: object = None
    error: str | None = None


def _message(exc: BaseException) -> str:
    if isinstance(exc, UserFacingError):
        return str(exc)
    log.error("unexpected error in the engine worker", exc_info=exc)
    return APOLOGY


class EngineWorker(QObject):
    """Runs engine calls on the engine thread.

    Signals:
        load_started(object ModelRef)
        loaded(object LoadedModel)
        load_failed(object ModelRef, str message)
        turn_started(int request_id, object user_message_id, int reply_message_id)
        memory_status(int count): summarizing this many messages now; 0 when done
        memory_changed(int conversation_id): a summary was written, or messages were left out
        text(int request_id, str chunk): a piece of the reply (one per token)
        thinking(int request_id, str chunk): a piece of a reasoning model's thinking, before the reply
        context(int request_id, object ContextInfo)
        turn_finished(object TurnResult)
        memory_done(object MemoryResult): memory work asked for by the person ended
        prepared(int conversation_id, bool): the window opened it; whether its kept KV state went back
    """

    load_started = Signal(object)
    loaded = Signal(object)
    load_failed = Signal(object, str)
    turn_started = Signal(int, object, int)
    text = Signal(int, str)
    thinking = Signal(int, str)
    context = Signal(int, object)
    turn_finished = Signal(object)
    memory_status = Signal(int)
    memory_changed = Signal(int)
    memory_done = Signal(object)
    prepared = Signal(int, bool)  # a conversation opened: whether its kept KV state went back

    def __init__(self, *, engine: Engine, store: Store):
        super().__init__()
        self.engine = engine
        self.session = ChatSession(store, engine)
        self.session.memory.on_status = self.memory_status.emit
        self.turn = None  # the Turn streaming now; read by the GUI thread only to call stop()
        self.current: tuple[ModelRef, LoadSettings] | None = None  # what the engine has loaded
        self.cancelled: set[int] = set()
        self.lock = threading.Lock()
        # Held while the worker uses the engine; the local API (assistant/api/gate.py) takes it too,
        # so its replies and the window's never meet on the one engine.
        self.engine_lock = threading.Lock()

    @Slot(object, object)
    def load(self, model: ModelRef, settings: LoadSettings) -> None:
        with self.engine_lock:
            self._load(model, settings)

    def load_held(self, model: ModelRef, settings: LoadSettings) -> LoadedModel:
        """Load for the local API, which already holds `engine_lock`; the window hears of it as of
        its own loads. Raises UserFacingError when the model cannot be loaded."""
        problem = self._load(model, settings)
        if problem is not None:
            raise UserFacingError(problem)
        return self.engine.loaded

    def _load(self, model: ModelRef, settings: LoadSettings) -> str | None:
        """Load, telling the window by signals; returns why it failed, or None."""
        self.load_started.emit(model)
        if self.current == (model, settings) and self.engine.loaded is not None:
            self.loaded.emit(self.engine.loaded)  # already loaded just so: nothing to do
            return None
        try:
            loaded = self.engine.load(model, settings)
        except BaseException as exc:
            self.load_failed.emit(model, _message(exc))
            return _message(exc)
        self.current = (model, settings)
        self.loaded.emit(loaded)
        return None

    @Slot(int)
    def prepare(self, conversation_id: int) -> None:
        """The window opened a conversation: its kept KV state goes back into the engine now, unless
        the engine is busy (a reply, the local API): then the turn does it, as before."""
        if not self.engine_lock.acquire(blocking=False):
            return
        done = False
        try:
            done = self.session.prepare(conversation_id)
        except Exception as exc:  # only a head start: the turn does it anyway, and says what fails
            log.debug("preparing conversation %s: %s", conversation_id, exc)
        finally:
            self.engine_lock.release()
        self.prepared.emit(conversation_id, done)

    @Slot(object)
    def run_turn(self, req: TurnRequest) -> None:
        with self.engine_lock:
            self._run_turn(req)

    def _run_turn(self, req: TurnRequest) -> None:
        result = TurnResult(req.request_id, req.conversation_id, None, "error")
        self.session.memory.default_policy = req.memory_policy
        self.session.embedding_model = model_key(req.embedding_model) if req.embedding_model else None
        try:
            if req.kind == "send":
                turn = self.session.send(req.conversation_id, req.text, req.settings)
            elif req.kind == "regenerate":
                turn = self.session.regenerate(req.conversation_id, req.settings)
            else:
                turn = self.session.edit_and_resend(req.conversation_id, req.message_id, req.text, req.settings)
        except BaseException as exc:
            result.error = _message(exc)
            if isinstance(exc, ContextFullError):
                result.full = {"needed": exc.needed, "n_ctx": exc.n_ctx, "conversation_id": exc.conversation_id}
            result.documents_stay = isinstance(exc, DocumentsStayHere)
            self.turn_finished.emit(result)
            return
        with self.lock:
            self.turn = turn
            stop_now = req.request_id in self.cancelled
        if stop_now:
            turn.stop()
        result.reply_message_id, result.user_message_id = turn.reply_message_id, turn.user_message_id
        self.turn_started.emit(req.request_id, turn.user_message_id, turn.reply_message_id)
        if turn.context is not None:
            self.context.emit(req.request_id, turn.context)
        if turn.context is not None and turn.context.moved:
            self.memory_changed.emit(req.conversation_id)
        try:
            for event in turn.stream():  # a reasoning model's thinking comes first, apart
                (self.thinking if event.thinking else self.text).emit(req.request_id, event.text)
        except BaseException as exc:
            result.error = _message(exc)
        finally:
            with self.lock:
                self.turn = None
                self.cancelled.discard(req.request_id)
        result.status = turn.status if turn.status != "streaming" else "error"
        result.error = result.error or turn.error
        result.stats, result.context = turn.stats, turn.context
        self.turn_finished.emit(result)
        if result.status == "complete":
            self._prepare_memory(req)

    @Slot(object)
    def run_memory(self, req: MemoryRequest) -> None:
        with self.engine_lock:
            self._run_memory(req)

    def _run_memory(self, req: MemoryRequest) -> None:
        result = MemoryResult(req.request_id, req.kind, req.target)
        try:
            if self.engine.loaded is None:
                raise UserFacingError("No model is loaded.", hint="Choose a model in Settings > Models.")
            if req.kind == "rewrite":
                result.value = self.session.memory.rewrite(req.target)
            else:
                result.value = self.session.memory.carry_over(req.target)
        except BaseException as exc:
            result.error = _message(exc)
        self.memory_done.emit(result)

    def _prepare_memory(self, req: TurnRequest) -> None:
        """After a reply, while the person reads: summarize what the next message would push out."""
        try:
            if self.session.after_turn(req.conversation_id, req.settings) is not None:
                self.memory_changed.emit(req.conversation_id)
        except BaseException as exc:  # never fatal: the next turn falls back to leaving messages out
            log.warning("preparing the conversation's memory failed: %s", _message(exc))


class EngineBridge(QObject):
    """Owns the engine thread and the worker; the GUI's only way to reach the engine.

    Signals (re-emitted from the worker, delivered on the GUI thread):
        request_load(object, object), request_turn(object), request_memory(object): internal,
        queued to the worker.
    """

    request_load = Signal(object, object)
    request_turn = Signal(object)
    request_memory = Signal(object)
    request_prepare = Signal(int)

    def __init__(
        self, *, store: Store, engine: Engine | None = None, close_engine: bool = True, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.engine: Engine = engine or EngineRouter(LocalEngine())  # local files and servers' models
        self.close_engine = close_engine
        self.thread = QThread()
        self.thread.setObjectName("bothy-engine")
        self.worker = EngineWorker(engine=self.engine, store=store)
        self.worker.moveToThread(self.thread)
        queued = Qt.ConnectionType.QueuedConnection
        self.request_load.connect(self.worker.load, queued)
        self.request_turn.connect(self.worker.run_turn, queued)
        self.request_memory.connect(self.worker.run_memory, queued)
        self.request_prepare.connect(self.worker.prepare, queued)
        self.thread.start()
        self._next_id = 0
        self._closed = False

    def load(self, model: ModelRef, settings: LoadSettings) -> None:
        self.request_load.emit(model, settings)

    def prepare(self, conversation_id: int) -> None:
        """Have the engine put back the conversation's kept KV state in the background (it was opened)."""
        self.request_prepare.emit(conversation_id)

    def start_turn(self, kind: str, conversation_id: int, **kwargs) -> int:
        self._next_id += 1
        self.request_turn.emit(TurnRequest(self._next_id, kind, conversation_id, **kwargs))
        return self._next_id

    def rewrite_mark(self, mark_id: int) -> int:
        """Ask the model for a new summary of a mark's messages (a 'dropped' mark becomes a summary)."""
        return self._memory_request("rewrite", mark_id)

    def carry_over(self, conversation_id: int) -> int:
        """Start a new chat that carries a summary of this one (the result's value: its id)."""
        return self._memory_request("carry_over", conversation_id)

    def _memory_request(self, kind: str, target: int) -> int:
        self._next_id += 1
        self.request_memory.emit(MemoryRequest(self._next_id, kind, target))
        return self._next_id

    def stop_memory(self) -> None:
        """Stop the summary being written (its messages are left out instead, and the chat says so)."""
        self.worker.session.memory.stop()

    def stop(self, request_id: int | None = None) -> None:
        """Stop the reply in progress at once (GUI thread; sets shared memory, queues nothing)."""
        with self.worker.lock:
            turn = self.worker.turn
            if turn is None and request_id is not None:
                self.worker.cancelled.add(request_id)  # not started yet: stop it as soon as it is
        if turn is not None:
            turn.stop()
        else:
            self.engine.stop()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop, quit the thread, wait (bounded), then close the engine."""
        if self._closed:
            return
        self._closed = True
        self.stop()
        self.thread.quit()
        if not self.thread.wait(timeout_ms):
            # Still loading a model: the engine process is a daemon and ends with this process.
            log.warning("the engine thread did not finish in %d ms", timeout_ms)
            return
        if not self.close_engine:
            return
        try:
            self.engine.close()
        except Exception:
            log.exception("closing the engine failed")
