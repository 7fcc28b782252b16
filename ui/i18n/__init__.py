"""Translations: Simplified Chinese (bothy_zh_CN.qm, compiled from bothy_zh_CN.ts with pyside6-lrelease).

Loaded when Settings.language is 'zh_CN', or when it is 'system' and the system's locale is Chinese.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("bothy.ui.i18n")
HERE = Path(__file__).resolve().parent
_installed: list[QTranslator] = []
_language = ["en"]  # the language install() chose last


def language() -> str:
    """The window's language now: 'en' or 'zh_CN'."""
    return _language[0]


def wanted_language(setting: str) -> str:
    if setting and setting != "system":
        return setting
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def install(app, setting: str) -> str:
    """Install the translators for `setting` ('system', 'en' or 'zh_CN'); returns the language used."""
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    language = wanted_language(setting)
    _language[0] = "zh_CN" if language == "zh_CN" else "en"
    if language != "zh_CN":
        return "en"
    ours = QTranslator(app)
    if ours.load(str(HERE / "bothy_zh_CN.qm")):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("the Chinese translation file is missing")
    qt = QTranslator(app)
    if qt.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China),
        "qtbase",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(qt)
        _installed.append(qt)
    return language


def plural(text: str, n: int) -> str:
    """English plurals for a tr("… %n message(s) …", "", n) that no translation changed: "message" for
    one, "messages" for more (a translation, which has no "(s)", is left as it is)."""
    return text.replace("(s)", "" if n == 1 else "s")
