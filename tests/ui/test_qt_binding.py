"""Guards against a Qt binding that would crash the app in a long chat.

PySide6 6.12.0 dropped a reference to True on every Signal.emit(). On Python 3.11, where True is an
ordinary object, the process aborts ("bool_dealloc: deallocating True") after a few thousand
signals, and the app emits one per streamed token. pyproject.toml keeps PySide6 below 6.12;
this test tells whoever raises that bound whether the new version is safe.

True, False and None are immortal from Python 3.12 on (their reference counts never change), so
counting them would always pass there: the test counts ordinary objects that travel through the
signals instead, which are not immortal on any version.
"""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    text = Signal(int, str)
    value = Signal(object)
    bare = Signal()


class _Payload:
    """An ordinary (mortal) object: its reference count shows a binding that loses or leaks one."""


def test_emitting_signals_keeps_reference_counts(qapp):
    emitter = _Emitter()
    payload, flag, text = _Payload(), object(), "token-" + str(id(emitter))  # all mortal on every version
    emitter.text.connect(lambda i, s: None)
    emitter.value.connect(lambda o: None)
    emitter.bare.connect(lambda: None)
    for emit in (lambda: emitter.text.emit(1, text), lambda: emitter.value.emit(payload), emitter.bare.emit):
        before = (sys.getrefcount(payload), sys.getrefcount(flag), sys.getrefcount(text))
        for _ in range(200):
            emit()
        after = (sys.getrefcount(payload), sys.getrefcount(flag), sys.getrefcount(text))
        assert after == before
    if sys.version_info < (3, 12):  # where True is mortal, check it too: that is what 6.12.0 broke
        before = sys.getrefcount(True)
        for _ in range(200):
            emitter.text.emit(1, text)
        assert abs(sys.getrefcount(True) - before) < 50  # 6.12.0 lost 200 here; other threads move it by a few


def test_the_guard_sees_a_lost_reference(qapp):
    """The check above can fail: a reference dropped per emit is visible in the count."""
    emitter = _Emitter()
    payload = _Payload()
    kept = []
    emitter.value.connect(kept.append)  # keeps one reference per emit: the count must move
    before = sys.getrefcount(payload)
    for _ in range(10):
        emitter.value.emit(payload)
    assert sys.getrefcount(payload) == before + 10
