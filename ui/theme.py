"""Light and dark themes: palettes, the few colours the app paints itself, and the style sheet.

The system's colour scheme (QStyleHints.colorScheme) is followed when the setting is "system";
"light" and "dark" force one. Everything is drawn with the Fusion style so both look the same on
every platform.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette


@dataclass(frozen=True)
class Colors:
    dark: bool
    window: str
    base: str  # the chat background
    sidebar: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    user_bubble: str
    code_bg: str
    code_head: str
    inline_code_bg: str
    error_bg: str
    error_text: str
    warn_text: str
    selection: str
    pygments_style: str
    # The context meter's parts (ui/context_meter.py): system prompt and notes, summary, pinned
    # messages, recent messages (the accent), room kept for the reply.
    ctx_system: str = "#7b61a8"
    ctx_summary: str = "#c98a2b"
    ctx_pinned: str = "#c0507a"
    ctx_documents: str = "#2f8f6f"
    ctx_reserve: str = "#9fb3c8"


LIGHT = Colors(
    dark=False,
    window="#f4f4f6",
    base="#ffffff",
    sidebar="#f4f4f6",
    text="#1d1d1f",
    muted="#6e6e76",
    border="#dcdce0",
    accent="#2f6f5e",
    accent_text="#ffffff",
    user_bubble="#eaf2ef",
    code_bg="#f6f8fa",
    code_head="#e9edf1",
    inline_code_bg="#eef0f3",
    error_bg="#fdecec",
    error_text="#a4262c",
    warn_text="#9a5b00",
    selection="#b9d7cd",
    pygments_style="default",
)

DARK = Colors(
    dark=True,
    window="#1e1f22",
    base="#26272b",
    sidebar="#1e1f22",
    text="#e6e6e9",
    muted="#9a9aa3",
    border="#3a3b40",
    accent="#5fb49c",
    accent_text="#0f1412",
    user_bubble="#2f3a37",
    code_bg="#1b1c1f",
    code_head="#2d2e33",
    inline_code_bg="#35363b",
    error_bg="#45262a",
    error_text="#ff9a9f",
    warn_text="#f0b35a",
    selection="#3d6b5e",
    pygments_style="one-dark",
    ctx_system="#a48ad6",
    ctx_summary="#e0a850",
    ctx_pinned="#e0779c",
    ctx_documents="#5cc49d",
    ctx_reserve="#5d7189",
)


def system_is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def for_widget(widget) -> Colors:
    """The theme's colours for a widget that paints itself: dark or light as its palette is."""
    return DARK if widget.palette().color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT


def resolve(choice: str) -> Colors:
    """The colours for a theme setting: 'system', 'light' or 'dark'."""
    if choice == "dark":
        return DARK
    if choice == "light":
        return LIGHT
    return DARK if system_is_dark() else LIGHT


def palette(c: Colors) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.window),
        (role.Text, c.text),
        (role.Button, c.base if not c.dark else "#303136"),
        (role.ButtonText, c.text),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Highlight, c.selection),
        (role.HighlightedText, c.text),
        (role.Link, c.accent),
        (role.LinkVisited, c.accent),
        (role.BrightText, c.error_text),
        (role.Mid, c.border),
        (role.Midlight, c.border),
    ):
        p.setColor(r, QColor(value))
    disabled = QColor(c.muted)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return p


def style_sheet(c: Colors) -> str:
    """The application style sheet: only what the palette cannot say."""
    return f"""
QWidget#Sidebar {{ background: {c.sidebar}; border-right: 1px solid {c.border}; }}
QWidget#ChatPage, QScrollArea#ChatScroll, QWidget#ChatColumn {{ background: {c.base}; }}
QListView#ConversationList {{ background: transparent; border: none; outline: 0; }}
QListView#ConversationList::item {{ padding: 0px; }}
QLineEdit#SearchField {{
    border: 1px solid {c.border}; border-radius: 8px; padding: 6px 8px; background: {c.base};
}}
QPushButton#NewChat {{
    border: 1px solid {c.border}; border-radius: 8px; padding: 7px 10px; background: {c.base};
    text-align: left; font-weight: 600;
}}
QPushButton#NewChat:hover {{ border-color: {c.accent}; }}
QFrame#ComposerFrame {{
    border: 1px solid {c.border}; border-radius: 14px; background: {c.base};
}}
QFrame#ComposerFrame[focused="true"] {{ border-color: {c.accent}; }}
QPlainTextEdit#ComposerEdit {{ border: none; background: transparent; }}
QPushButton#SendButton, QPushButton#PrimaryButton {{
    background: {c.accent}; color: {c.accent_text}; border: none; border-radius: 8px;
    padding: 7px 16px; font-weight: 600;
}}
QPushButton#SendButton:disabled {{ background: {c.border}; color: {c.muted}; }}
QPushButton#StopButton {{
    background: {c.text}; color: {c.base}; border: none; border-radius: 8px; padding: 7px 16px;
    font-weight: 600;
}}
QFrame#UserBubble {{ background: {c.user_bubble}; border-radius: 14px; }}
QLabel#RoleLabel {{ font-weight: 700; }}
QLabel#Muted, QLabel#StatsLabel {{ color: {c.muted}; }}
QLabel#StatusNote {{ color: {c.warn_text}; }}
QLabel#ErrorNote {{
    color: {c.error_text}; background: {c.error_bg}; border-radius: 8px; padding: 8px 10px;
}}
QToolButton#MessageAction {{
    border: none; color: {c.muted}; padding: 2px 6px; border-radius: 6px;
}}
QToolButton#MessageAction:hover {{ background: {c.inline_code_bg}; color: {c.text}; }}
QToolButton#ThinkingToggle {{ border: none; color: {c.muted}; padding: 2px 4px; border-radius: 6px; }}
QToolButton#ThinkingToggle:hover {{ background: {c.inline_code_bg}; color: {c.text}; }}
QTextBrowser#ThinkingText {{ color: {c.muted}; border-left: 2px solid {c.border}; padding-left: 10px; }}
QFrame#Banner {{ background: {c.error_bg}; border-bottom: 1px solid {c.border}; }}
QFrame#Banner[kind="info"] {{ background: {c.user_bubble}; }}
QLabel#BannerText {{ color: {c.text}; }}
QFrame#NoModel {{ border: 1px dashed {c.border}; border-radius: 10px; }}
QStatusBar {{ border-top: 1px solid {c.border}; }}
QStatusBar QLabel {{ color: {c.muted}; padding: 0 4px; }}
QStatusBar QLabel#DroppedLabel {{ color: {c.warn_text}; }}
QFrame#MarkerCard, QFrame#ChoiceCard {{
    background: {c.window}; border: 1px solid {c.border}; border-radius: 10px;
}}
QFrame#MarkerRule {{ color: {c.border}; }}
QToolButton#MarkerToggle {{ border: none; color: {c.muted}; padding: 2px 6px; border-radius: 6px; }}
QToolButton#MarkerToggle:hover {{ background: {c.inline_code_bg}; color: {c.text}; }}
QToolButton#MarkerToggle[kind="dropped"] {{ color: {c.warn_text}; }}
QToolButton#PinMark {{ border: none; color: {c.accent}; padding: 2px 6px; border-radius: 6px; }}
QToolButton#PinMark:hover {{ background: {c.inline_code_bg}; }}
QToolButton#MessageAction::menu-indicator {{ image: none; width: 0px; }}
QStatusBar QLabel#DroppedLabel[kind="info"] {{ color: {c.muted}; }}
QStatusBar QLabel#MemoryLabel {{ color: {c.accent}; }}
QToolButton#StatusStop {{
    border: 1px solid {c.border}; border-radius: 6px; padding: 0px 8px; color: {c.text};
}}
QToolButton#StatusStop:hover {{ border-color: {c.accent}; }}
QFrame#ContextPopup {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 8px; }}
QFrame#ContextPopup QLabel {{ color: {c.text}; padding: 0px; }}
QFrame#ContextPopup QLabel#Muted {{ color: {c.muted}; }}
QFrame#ContextPopup QLabel#StatusNote {{ color: {c.warn_text}; }}
QLabel#SectionTitle {{ font-weight: 700; }}
QPushButton#JumpToBottom {{
    border: 1px solid {c.border}; border-radius: 14px; background: {c.base}; padding: 0px 14px;
    min-height: 28px; max-height: 28px;
}}
QPushButton#JumpToBottom:hover {{ border-color: {c.accent}; }}
QLabel#WelcomeTitle {{ font-size: 22pt; font-weight: 700; }}
"""


def apply(app, choice: str) -> Colors:
    """Apply a theme setting to the whole application and return its colours."""
    c = resolve(choice)
    app.setPalette(palette(c))
    app.setStyleSheet(style_sheet(c))
    return c
