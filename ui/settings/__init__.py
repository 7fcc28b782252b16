"""The Settings dialog, one module per tab; the tabs get a SettingsContext, never the main window."""

from ui.settings.context import SettingsActions, SettingsContext
from ui.settings.dialog import SettingsDialog

__all__ = ["SettingsActions", "SettingsContext", "SettingsDialog"]
