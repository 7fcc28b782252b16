"""The desktop app's entry point: `ui.app.main(self_test)`, called by `bothy` (assistant/cli.py).

The window is shown first; the model loads afterwards on the engine thread. Heavy imports
(markdown-it, pygments, the settings dialog) happen on first use.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

log = logging.getLogger("bothy.ui")

SELF_TEST_TIMEOUT_S = 120
SELF_TEST_PROMPT = "Say hello in one short sentence."


def _headless_if_needed(self_test: bool) -> None:
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if (
        self_test
        and sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _qt_messages_to_log() -> None:
    """Qt's own warnings go to Bothy's log, like llama.cpp's (a windowed app has no console)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    qt_log = logging.getLogger("qt")

    def handler(kind, context, message):
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def create_app(argv: list[str] | None = None):
    """The QApplication, named and styled (reused when one exists, e.g. in tests)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Bothy")
    app.setApplicationDisplayName("Bothy")
    app.setOrganizationName("Bothy")
    app.setDesktopFileName("bothy")
    app.setStyle("Fusion")
    return app


def create_window(app, *, store=None, settings=None, bridge=None):
    """Translations, theme, store (recovering interrupted replies) and the main window."""
    from assistant.settings import Settings
    from assistant.store import open_store
    from ui import i18n, theme
    from ui.main_window import MainWindow

    settings = settings or Settings.load()
    i18n.install(app, settings.language)
    theme.apply(app, settings.theme)
    notice = None
    if store is None:
        store, notice = open_store()  # a damaged database is moved aside, and the person told
    recovered = store.recover_interrupted()
    if recovered:
        log.info("marked %d unfinished replies as interrupted", recovered)
    window = MainWindow(store=store, settings=settings, bridge=bridge)
    window.startup_notice = notice
    return window


def _install_excepthook(window) -> None:
    def hook(kind, value, tb):
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        try:
            from PySide6.QtCore import QCoreApplication

            window.show_error(
                QCoreApplication.translate(
                    "MainWindow", "Something went wrong inside Bothy (the details are in the log)."
                )
            )
        except Exception:
            pass

    sys.excepthook = hook


def _exit_when_shown(app, window) -> None:
    """Print "BOTHY_SHOWN <unix time> <visible>" at the first turn of the event loop, then quit."""
    import time

    from PySide6.QtCore import QTimer

    def shown():
        print(f"BOTHY_SHOWN {time.time():.6f} {window.isVisible()}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)


def main(self_test: bool = False) -> int:
    _headless_if_needed(self_test)
    _qt_messages_to_log()
    app = create_app()
    from PySide6.QtWidgets import QMessageBox

    from assistant.errors import UserFacingError
    from ui.single_instance import SingleInstance

    instance = SingleInstance(app)
    if not self_test:  # a self-test runs beside a running Bothy, and never takes its place
        if instance.another_is_running():
            log.info("Bothy is already running for this data folder: brought it to the front")
            return 0
        instance.listen()

    try:
        window = create_window(app)
    except UserFacingError as exc:
        if self_test:
            print(f"self-test FAILED: {exc}")
            return 1
        QMessageBox.critical(None, "Bothy", str(exc))
        return 1
    _install_excepthook(window)
    instance.activated.connect(window.bring_to_front)
    window.show()
    window.start()
    if os.environ.get("BOTHY_EXIT_WHEN_SHOWN"):  # start-up timing (benchmarks, packaging)
        _exit_when_shown(app, window)
    runner = None
    if self_test:
        from ui.self_test import SelfTest

        custom = os.environ.get("BOTHY_SELF_TEST_PROMPT")  # the kill tests ask for a long reply
        runner = SelfTest(
            window,
            timeout_s=SELF_TEST_TIMEOUT_S,
            prompt=custom or SELF_TEST_PROMPT,
            **({"max_tokens": None} if custom else {}),
        )
    code = app.exec()
    if runner is not None:
        code = runner.code
        print(runner.result)
    window.close()
    window.store.close()
    return code
