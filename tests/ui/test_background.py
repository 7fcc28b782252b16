"""ui.background: tasks on worker threads whose outcome, progress and cancellation reach the GUI thread."""

from __future__ import annotations

import gc
import logging
import threading
import time

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication

from assistant.errors import UserFacingError
from ui import background
from ui.background import APOLOGY, Task, TaskState, run_in_background

WAIT_MS = 10_000


class Recorder:
    """Collects every signal of a task, with whether it arrived on the GUI thread."""

    def __init__(self, task: Task):
        self.events: list[tuple] = []
        self.off_gui_thread = 0
        for name in ("progress", "succeeded", "failed", "cancelled", "finished"):
            getattr(task, name).connect(lambda *args, name=name: self._record(name, *args))

    def _record(self, name: str, *args) -> None:
        if QThread.currentThread() is not QApplication.instance().thread():
            self.off_gui_thread += 1
        self.events.append((name, *args))

    def names(self, *, progress: bool = False) -> list[str]:
        return [e[0] for e in self.events if progress or e[0] != "progress"]


@pytest.fixture(autouse=True)
def no_leftover_tasks(qtbot):
    yield
    qtbot.waitUntil(lambda: not background._running, timeout=WAIT_MS)


def test_success_arrives_on_the_gui_thread(qtbot):
    seen = {}

    def work(task: Task) -> int:
        me = threading.current_thread()
        seen.update(name=me.name, daemon=me.daemon, main=me is threading.main_thread())
        return 42

    task = Task(work, name="answer")
    rec = Recorder(task)
    assert task.state == TaskState.PENDING == "pending"
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        assert task.start() is task
        assert task.state == TaskState.RUNNING and task.is_running
    assert seen == {"name": "bothy-answer", "daemon": True, "main": False}
    assert rec.events == [("succeeded", 42), ("finished",)] and rec.off_gui_thread == 0
    assert task.state == TaskState.SUCCEEDED and task.result == 42 and task.error is None and task.is_finished
    with pytest.raises(RuntimeError, match="already started"):
        task.start()


def test_a_task_nobody_holds_on_to_still_delivers(qtbot):
    got = []
    done = threading.Event()

    def work(task: Task) -> str:
        done.wait(5)
        return "kept alive"

    run_in_background(None, work, name="orphan", on_success=got.append)
    gc.collect()
    done.set()
    qtbot.waitUntil(lambda: got == ["kept alive"], timeout=WAIT_MS)


def test_a_user_facing_error_is_shown_as_it_is(qtbot, caplog):
    def work(task: Task):
        raise UserFacingError("The disk is full.", hint="Free some space.")

    errors = []
    task = run_in_background(None, work, name="full-disk", on_error=errors.append)
    rec = Recorder(task)
    qtbot.waitUntil(lambda: task.is_finished, timeout=WAIT_MS)
    assert errors == ["The disk is full. Free some space."]
    assert rec.names() == ["failed", "finished"] and rec.off_gui_thread == 0
    assert task.state == TaskState.FAILED and task.error == errors[0] and task.result is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_bug_is_logged_with_its_traceback_and_people_get_an_apology(qtbot, caplog):
    def work(task: Task):
        return {}["missing"]

    task = Task(work, name="buggy")
    with qtbot.waitSignal(task.failed, timeout=WAIT_MS) as blocker:
        task.start()
    assert blocker.args == [APOLOGY] == ["Something went wrong inside Bothy (the details are in the log)."]
    assert task.state == TaskState.FAILED
    [record] = [r for r in caplog.records if r.name == "ui.background"]
    assert record.levelno == logging.ERROR and "buggy" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_cancel_stops_a_running_task(qtbot):
    started = threading.Event()
    saw_cancel = threading.Event()

    def work(task: Task):
        started.set()
        while True:
            if task.is_cancelled:
                saw_cancel.set()
            task.check_cancelled()
            time.sleep(0.01)

    task = Task(work, name="endless").start()
    rec = Recorder(task)
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=WAIT_MS):
        task.cancel()
        assert task.state == TaskState.RUNNING  # until fn has noticed and returned
    qtbot.waitUntil(lambda: rec.names() == ["cancelled", "finished"], timeout=WAIT_MS)
    assert saw_cancel.is_set() and task.state == TaskState.CANCELLED and task.join(1)


def test_after_cancel_a_result_or_error_is_dropped(qtbot, caplog):
    for outcome in ("return", "user error", "bug"):
        gate = threading.Event()

        def work(task: Task, outcome=outcome, gate=gate):
            gate.wait(5)
            if outcome == "user error":
                raise UserFacingError("too late")
            if outcome == "bug":
                raise RuntimeError("still a bug")
            return "too late"

        task = Task(work, name=f"late-{outcome}").start()
        rec = Recorder(task)
        task.cancel()
        gate.set()
        qtbot.waitUntil(lambda task=task: task.is_finished, timeout=WAIT_MS)
        assert rec.names() == ["cancelled", "finished"], outcome
        assert task.state == TaskState.CANCELLED and task.result is None and task.error is None
    # a bug is a bug even when nobody waits for the result any more
    assert [r.exc_info[0] for r in caplog.records if r.name == "ui.background"] == [RuntimeError]


def test_cancelling_a_pending_task_never_runs_it(qtbot):
    ran = []
    task = Task(lambda t: ran.append(1), name="never")
    rec = Recorder(task)
    task.cancel()
    assert task.state == TaskState.CANCELLED and rec.names() == ["cancelled", "finished"]
    qtbot.wait(50)
    assert ran == [] and task.join(0)


def test_progress_is_coalesced_and_the_last_report_always_arrives(qtbot):
    n = 200_000
    started = []

    def work(task: Task) -> str:
        started.append(time.monotonic())
        for i in range(1, n + 1):
            task.report(i, n, f"step {i}")
            if i % 20_000 == 0:
                time.sleep(0.03)  # stretch the loop over a few coalescing intervals
        return "done"

    task = Task(work, name="busy")
    rec = Recorder(task)
    with qtbot.waitSignal(task.finished, timeout=30_000):
        task.start()
    elapsed = time.monotonic() - started[0]
    progress = [e[1:] for e in rec.events if e[0] == "progress"]
    assert 1 <= len(progress) <= elapsed * 20 + 2, (len(progress), elapsed)
    assert progress[-1] == (n, n, f"step {n}")
    assert [p[0] for p in progress] == sorted(p[0] for p in progress)
    assert rec.names(progress=True)[-2:] == ["succeeded", "finished"] and rec.off_gui_thread == 0


def test_the_last_report_arrives_even_when_the_worker_then_goes_quiet(qtbot):
    gate = threading.Event()

    def work(task: Task) -> None:
        for i in range(1, 1001):
            task.report(i, 1000)
        gate.wait(5)  # no more reports for a while: the last one must not wait for the outcome

    task = Task(work, name="then-quiet")
    rec = Recorder(task)
    task.start()
    qtbot.waitUntil(lambda: rec.events[-1:] == [("progress", 1000, 1000, "")], timeout=WAIT_MS)
    assert task.is_running
    gate.set()
    qtbot.waitUntil(lambda: task.is_finished, timeout=WAIT_MS)


def test_big_byte_counts_pass_through_progress(qtbot):
    big = 7 * 2**33  # a 56 GiB model: more than a C int holds

    task = Task(lambda t: t.report(big, big, "copying"), name="big")
    with qtbot.waitSignal(task.progress, timeout=WAIT_MS) as blocker:
        task.start()
    assert blocker.args == [big, big, "copying"]


def test_nothing_reaches_an_owner_deleted_mid_run(qtbot, caplog):
    owner = QObject()
    gate = threading.Event()
    noticed = threading.Event()
    calls = []

    def work(task: Task) -> str:
        gate.wait(5)
        if task.is_cancelled:
            noticed.set()
        task.report(1, 1)
        return "for nobody"

    task = run_in_background(
        owner,
        work,
        name="owner-gone",
        on_success=lambda r: calls.append(("succeeded", r)),
        on_error=lambda m: calls.append(("failed", m)),
        on_progress=lambda *a: calls.append(("progress", *a)),
        on_cancelled=lambda: calls.append(("cancelled",)),
    )
    task.finished.connect(lambda: calls.append(("finished",)))
    shiboken6.delete(owner)  # the widget goes away while its task still runs
    assert not shiboken6.isValid(owner)
    gate.set()
    assert task.join(5)  # the thread still ends
    qtbot.waitUntil(lambda: task.is_finished, timeout=WAIT_MS)
    qtbot.wait(100)
    assert noticed.is_set()  # the task was cancelled for it
    assert calls == [] and task.state == TaskState.CANCELLED
    assert task not in background._running
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_owner_that_outlives_its_task_is_left_alone(qtbot):
    owner = QObject()
    task = Task(lambda t: "ok", name="short", owner=owner)
    with qtbot.waitSignal(task.succeeded, timeout=WAIT_MS):
        task.start()
    shiboken6.delete(owner)  # the task no longer listens: nothing happens
    assert task.state == TaskState.SUCCEEDED and task.result == "ok"


def test_no_qt_warnings(qtbot, qtlog):
    def work(task: Task) -> int:
        for i in range(100):
            task.report(i, 100)
        return 1

    owner = QObject()
    tasks = [run_in_background(owner, work, name=f"quiet-{i}") for i in range(5)]
    qtbot.waitUntil(lambda: all(t.is_finished for t in tasks), timeout=WAIT_MS)
    messages = [r.message for r in qtlog.records]
    assert not [m for m in messages if "Cannot create children" in m], messages
    assert messages == []
