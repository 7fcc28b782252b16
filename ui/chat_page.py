"""The right-hand page of the window: the message strip, the conversation, and the composer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.banner import Banner
from ui.chat_view import ChatView
from ui.composer import Composer
from ui.theme import Colors


class ChatPage(QWidget):
    def __init__(self, colors: Colors, parent=None):
        super().__init__(parent)
        self.setObjectName("ChatPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.banner = Banner()
        self.chat = ChatView(colors)
        self.composer = Composer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.chat, 1)
        self.composer_holder = QWidget()
        holder = QVBoxLayout(self.composer_holder)
        holder.setContentsMargins(16, 0, 16, 0)
        holder.addWidget(self.composer)
        layout.addWidget(self.composer_holder)
