"""Guards against a Qt binding that would crash the app in a long chat.

PySide6 6.12.0 dropped a reference to True on every Signal.emit(). On Python 3.11, where True is an
ordinary object, the process aborts ("bool_dealloc: deallocating True") after a few thousand
signals, and the app emits one per streamed token. pyproject.toml keeps PySide6 below 6.12;
this test tells whoever raises that bound whether the new version is safe.
"""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    text = Signal(int, str)
    value = Signal(object)
    bare = Signal()


def test_emitting_signals_keeps_reference_counts(qapp):
    emitter = _Emitter()
    emitter.text.connect(lambda i, s: None)
    emitter.value.connect(lambda o: None)
    emitter.bare.connect(lambda: None)
    for emit in (lambda: emitter.text.emit(1, "token"), lambda: emitter.value.emit(None), emitter.bare.emit):
        before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
        for _ in range(200):
            emit()
        after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
        assert after == before
