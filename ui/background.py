"""One way to run background work in the GUI: start, progress, cancel, result on the GUI thread.

Anything slow that the GUI starts (listing a repository, copying a model file, ...) runs as a Task:

    task = run_in_background(
        self, lambda task: slow_work(progress=task.report), name="copy-model",
        on_success=self._copied, on_error=self._show_error, on_progress=self._show_progress,
    )
    ...
    task.cancel()   # e.g. from a Cancel button; fn sees task.is_cancelled

`fn(task)` runs on a plain daemon thread named "bothy-NAME". It must not touch Qt: it returns its
result, raises, and may call `task.report(...)` and `task.check_cancelled()`. Everything the GUI
sees arrives as a signal on the thread that created the Task (normally the GUI thread), so slots
may touch widgets freely.

How the threads meet (the reason for the shape): the worker thread never emits a public signal and
never creates a QObject. It emits one private signal that is connected *queued* to the Task, and the
Task, on its own thread, updates its state and emits the public signals. Until then the Task is kept
alive by a module-level set, so a caller may drop its reference. The Task is not a Qt child of its
owner (a parent deleting it mid-run would pull the object out from under the worker thread); instead
it watches the owner's `destroyed` signal: once the owner is gone the Task cancels itself and drops
its outcome quietly, so no slot or callback ever runs against a deleted widget.

Like Textual's workers (textual/worker.py), a Task has a state and is cancelled cooperatively.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from assistant.errors import UserFacingError

__all__ = ["APOLOGY", "Cancelled", "Task", "TaskState", "run_in_background"]

log = logging.getLogger(__name__)

APOLOGY = "Something went wrong inside Bothy (the details are in the log)."
PROGRESS_INTERVAL_MS = 50  # at most ~20 progress signals a second, whatever the worker reports


class Cancelled(Exception):
    """Raised by Task.check_cancelled() inside fn once the task has been cancelled."""


class TaskState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


_FINAL = frozenset({TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED})
_running: set[Task] = set()  # started tasks, kept alive until their outcome has been delivered


class Task(QObject):
    """Runs fn(task) on a plain daemon thread; its outcome arrives on the thread that owns the Task.

    Signals (emitted on the Task's thread, normally the GUI thread; never after the owner is destroyed):
        progress(int done, int total, str text): from report(); coalesced to at most ~20 a second,
            and the latest report is always delivered (before succeeded/failed; dropped on cancel).
        succeeded(object result): fn returned `result`.
        failed(str message): fn raised. A UserFacingError gives its str(); anything else is a bug:
            it is logged with its traceback and the message is APOLOGY.
        cancelled(): cancel() was called (or the owner was destroyed) before the outcome arrived;
            whatever fn then returned or raised is dropped (a bug is still logged).
        finished(): after any of the three above.

    State (`state`): pending -> running -> succeeded | failed | cancelled; a pending task that is
    cancelled goes straight to cancelled. `result` and `error` hold the outcome once it is final.
    """

    progress = Signal(object, object, str)  # Python ints: byte counts beyond 2**31 pass unharmed
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    _outcome_ready = Signal(object)  # (state, value), emitted by the worker thread only
    _progress_ready = Signal()  # emitted by the worker thread only

    def __init__(self, fn: Callable[[Task], Any], *, name: str, owner: QObject | None = None):
        """`owner`: usually the widget that wants the result. While the task runs, its destruction
        cancels the task and silences it. The owner is not the Task's Qt parent (it could delete the
        Task under the worker's feet); the Task holds a reference to it until the outcome."""
        super().__init__()
        self.setObjectName(f"bothy-{name}")
        self.name = name
        self.state = TaskState.PENDING
        self.result: Any = None
        self.error: str | None = None
        self._fn = fn
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._owner = owner
        self._owner_gone = False
        self._lock = threading.Lock()
        self._latest: tuple[int, int, str] | None = None  # the newest report not yet delivered
        self._progress_posted = False  # a _progress_ready is on its way; reports only update _latest
        self._last_progress = 0.0
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._flush_progress)
        queued = Qt.ConnectionType.QueuedConnection
        self._outcome_ready.connect(self._deliver, queued)
        self._progress_ready.connect(self._on_progress_ready, queued)
        if owner is not None:
            owner.destroyed.connect(self._on_owner_destroyed)

    def __repr__(self) -> str:
        return f"<Task {self.name} {self.state}>"

    # -- the GUI side --------------------------------------------------------------------------------

    def start(self) -> Task:
        """Start fn on its thread; returns self. A task runs once."""
        if self.state != TaskState.PENDING:
            raise RuntimeError(f"{self!r} was already started")
        self.state = TaskState.RUNNING
        _running.add(self)
        self._thread = threading.Thread(target=self._run, name=f"bothy-{self.name}", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask fn to stop (any thread). fn notices through is_cancelled / check_cancelled(); the
        `cancelled` signal comes once fn has returned. A pending task is cancelled at once."""
        self._cancel.set()
        if self.state == TaskState.PENDING:
            self._finish(TaskState.CANCELLED, None)

    @property
    def is_running(self) -> bool:
        return self.state == TaskState.RUNNING

    @property
    def is_finished(self) -> bool:
        return self.state in _FINAL

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker thread to end (e.g. at exit, after cancel()); True if it has.

        Blocks the calling thread and delivers nothing: the signals still need the event loop."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    # -- the worker side (callable from fn, on the worker thread) -------------------------------------

    @property
    def is_cancelled(self) -> bool:
        """True once cancel() was called; fn should stop soon after."""
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        """Raise Cancelled if the task was cancelled: a convenient way for fn to stop."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        """Report progress (any thread). Cheap: only the newest report is kept until the GUI takes it."""
        with self._lock:
            self._latest = (int(done), int(total), str(text))
            if self._progress_posted:
                return
            self._progress_posted = True
        self._progress_ready.emit()

    def _run(self) -> None:
        try:
            value = self._fn(self)
        except Cancelled:
            outcome = (TaskState.CANCELLED, None)
        except UserFacingError as exc:
            outcome = (TaskState.FAILED, str(exc))
        except BaseException as exc:  # a bug (or SystemExit in fn): log it, apologise, keep the thread tidy
            log.error("Background task %r failed", self.name, exc_info=exc)
            outcome = (TaskState.FAILED, APOLOGY)
        else:
            outcome = (TaskState.SUCCEEDED, value)
        self._outcome_ready.emit(outcome)  # the worker's last touch of the Task

    # -- delivery on the Task's thread ----------------------------------------------------------------

    @Slot()
    def _on_progress_ready(self) -> None:
        if self._progress_timer.isActive() or self.state != TaskState.RUNNING:
            return  # the timer (or the outcome) delivers the newest report
        wait_ms = PROGRESS_INTERVAL_MS - (time.monotonic() - self._last_progress) * 1000
        if wait_ms > 0:
            self._progress_timer.start(int(wait_ms) + 1)
        else:
            self._flush_progress()

    @Slot()
    def _flush_progress(self) -> None:
        self._progress_timer.stop()
        with self._lock:
            latest, self._latest = self._latest, None
            self._progress_posted = False
        if latest is None or self.state != TaskState.RUNNING or self._owner_gone:
            return
        self._last_progress = time.monotonic()
        self.progress.emit(*latest)

    @Slot(object)
    def _deliver(self, outcome: tuple[TaskState, Any]) -> None:
        state, value = outcome
        if self._thread is not None:
            self._thread.join(1.0)  # it is past its last emit; wait until it is out of it entirely
        if self._cancel.is_set():
            state, value = TaskState.CANCELLED, None
        if state != TaskState.CANCELLED:
            self._flush_progress()
        self._finish(state, value)

    def _finish(self, state: TaskState, value: Any) -> None:
        self.state = state
        if state == TaskState.SUCCEEDED:
            self.result = value
        elif state == TaskState.FAILED:
            self.error = value
        self._progress_timer.stop()
        self._fn = None  # let go of whatever fn holds on to
        owner, self._owner = self._owner, None
        silent = self._owner_gone
        if owner is not None and not silent:
            owner.destroyed.disconnect(self._on_owner_destroyed)
        try:
            if silent:
                log.debug("%r: its owner is gone; the outcome is dropped", self)
            elif state == TaskState.SUCCEEDED:
                self.succeeded.emit(value)
            elif state == TaskState.FAILED:
                self.failed.emit(value)
            else:
                self.cancelled.emit()
            if not silent:
                self.finished.emit()
        finally:
            _running.discard(self)

    @Slot()
    def _on_owner_destroyed(self) -> None:
        self._owner_gone = True
        self._owner = None  # its C++ object is gone; never touch it again
        self.cancel()


def run_in_background(
    owner: QObject | None,
    fn: Callable[[Task], Any],
    *,
    name: str,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
) -> Task:
    """Create a Task owned by `owner`, connect the callbacks given, start it, and return it.

    The callbacks run on the GUI thread and never after `owner` has been destroyed."""
    task = Task(fn, name=name, owner=owner)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_error is not None:
        task.failed.connect(on_error)
    if on_progress is not None:
        task.progress.connect(on_progress)
    if on_cancelled is not None:
        task.cancelled.connect(on_cancelled)
    return task.start()
