"""The window's size, position and sidebar width, kept between runs (window.ini in the config folder)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from assistant import paths

DEFAULT_SIZE = (1180, 780)


def _file() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def restore(window: QMainWindow, splitter: QSplitter) -> None:
    s = _file()
    geometry = s.value("geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    state = s.value("splitter")
    if state is not None:
        splitter.restoreState(state)


def save(window: QMainWindow, splitter: QSplitter) -> None:
    s = _file()
    s.setValue("geometry", window.saveGeometry())
    s.setValue("splitter", splitter.saveState())
    s.sync()
