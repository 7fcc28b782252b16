"""Bothy's desktop app (PySide6). The core (`assistant`) never imports anything from here."""
