"""The sidebar: New chat, the search field and the list of conversations (or of search hits).

Signals:
    new_chat(): the user wants a new, empty conversation.
    open_conversation(int conversation_id, object message_id): open it (at a message, from search).
    delete_requested(int conversation_id)
    pin_requested(int conversation_id, bool pinned)
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from assistant.errors import UserFacingError
from assistant.store import Store
from ui.conversation_model import ConversationModel, IdRole, IsHeaderRole, PinnedRole, SearchResultsModel

SEARCH_DELAY_MS = 150
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


class SidebarDelegate(QStyledItemDelegate):
    """Draws group headers, conversation rows and search hits (title + highlighted snippet)."""

    def sizeHint(self, option, index):
        fm = option.fontMetrics
        if index.data(IsHeaderRole):
            return QSize(100, fm.height() + 16)
        if index.data(SearchResultsModel.SnippetRole) is not None:
            return QSize(100, fm.height() + fm.lineSpacing() * 2 + 20)
        return QSize(100, fm.height() + 16)

    def paint(self, painter, option, index):
        painter.save()
        pal = option.palette
        rect = option.rect.adjusted(6, 1, -6, -1)
        if index.data(IsHeaderRole):
            font = option.font
            font.setPointSizeF(font.pointSizeF() * 0.85)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                rect.adjusted(8, 6, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, index.data()
            )
            painter.restore()
            return
        selected = option.state & QStyle.StateFlag.State_Selected
        hover = option.state & QStyle.StateFlag.State_MouseOver
        if selected or hover:
            painter.setRenderHint(painter.RenderHint.Antialiasing)
            color = pal.color(QPalette.ColorRole.Highlight)
            if not selected:
                color.setAlpha(90)
            painter.setBrush(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(rect, 7, 7)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        text_rect = rect.adjusted(10, 0, -8, 0)
        snippet = index.data(SearchResultsModel.SnippetRole)
        if snippet is None:
            title = index.data()
            if index.data(PinnedRole):
                title = "📌 " + title
            elided = option.fontMetrics.elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width())
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
        else:
            fm = option.fontMetrics
            title_font = QFont(option.font)
            title_font.setBold(True)
            painter.setFont(title_font)
            title_rect = QRect(text_rect.left(), text_rect.top() + 6, text_rect.width(), fm.height())
            title = QFontMetrics(title_font).elidedText(index.data(), Qt.TextElideMode.ElideRight, text_rect.width())
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft, title)
            doc = QTextDocument()
            doc.setDefaultFont(option.font)
            doc.setDocumentMargin(0)
            doc.setTextWidth(text_rect.width())
            muted = pal.color(QPalette.ColorRole.PlaceholderText).name()
            strong = pal.color(QPalette.ColorRole.Link).name()
            text = html.escape(" ".join(snippet.split()))
            text = text.replace(MARK_OPEN, f'<b style="color:{strong}">').replace(MARK_CLOSE, "</b>")
            doc.setHtml(f'<span style="color:{muted}">{text}</span>')
            painter.translate(text_rect.left(), title_rect.bottom() + 3)
            painter.setClipRect(QRect(0, 0, text_rect.width(), fm.lineSpacing() * 2))
            doc.drawContents(painter)
        painter.restore()


class ConversationList(QListView):
    """The list view; F2 or double-click renames in place, Delete deletes (with undo).

    Signals:
        delete_pressed()
    """

    delete_pressed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ConversationList")
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Delete and self.state() != QAbstractItemView.State.EditingState:
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class Sidebar(QWidget):
    new_chat = Signal()
    open_conversation = Signal(int, object)
    delete_requested = Signal(int)
    pin_requested = Signal(int, bool)
    error = Signal(str)

    def __init__(self, *, store: Store, parent=None):
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._store = store
        self.model = ConversationModel(store=store, parent=self)
        self.model.error.connect(self.error)
        self.search_model = SearchResultsModel(self)

        self.new_button = QPushButton(self)
        self.new_button.setObjectName("NewChat")
        self.new_button.clicked.connect(self.new_chat)
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("SearchField")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self._search_later)
        self.search_field.returnPressed.connect(self._open_first_hit)
        self.list = ConversationList(self)
        self.list.setItemDelegate(SidebarDelegate(self.list))
        self.list.setModel(self.model)
        self.list.clicked.connect(self._activated)
        self.list.activated.connect(self._activated)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 6, 8)
        layout.setSpacing(8)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search_field)
        layout.addWidget(self.list, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)

        self.rename_action = QAction(self)
        self.rename_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.rename_action.triggered.connect(self.rename_current)
        self.list.addAction(self.rename_action)
        self.list.delete_pressed.connect(self._delete_current)
        self.retranslate()
        self.model.reload()

    def retranslate(self) -> None:
        self.new_button.setText("＋  " + self.tr("New chat"))
        self.new_button.setToolTip(self.tr("Start a new conversation (Ctrl+N)"))
        self.new_button.setAccessibleName(self.tr("New chat"))
        self.search_field.setPlaceholderText(self.tr("Search all chats (Ctrl+K)"))
        self.search_field.setAccessibleName(self.tr("Search conversations"))
        self.list.setAccessibleName(self.tr("Conversations"))
        self.rename_action.setText(self.tr("Rename"))

    # -- selection -----------------------------------------------------------------------------
    def searching(self) -> bool:
        return self.list.model() is self.search_model

    def select_conversation(self, conversation_id: int | None) -> None:
        if self.searching():
            return
        row = self.model.row_of(conversation_id) if conversation_id is not None else -1
        if row < 0:
            self.list.clearSelection()
            self.list.setCurrentIndex(self.model.index(-1, 0))
            return
        index = self.model.index(row, 0)
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)

    def reload(self, current: int | None = None) -> None:
        self.model.reload()
        self.select_conversation(current)

    @Slot()
    def _activated(self, index) -> None:
        if not index.isValid() or index.data(IsHeaderRole):
            return
        message_id = index.data(SearchResultsModel.MessageIdRole) if self.searching() else None
        self.open_conversation.emit(index.data(IdRole), message_id)

    # -- search ----------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    @Slot()
    def _search_later(self) -> None:
        self._search_timer.start()

    @Slot()
    def run_search(self) -> None:
        self._search_timer.stop()
        query = self.search_field.text().strip()
        if not query:
            if self.searching():
                self.list.setModel(self.model)
            return
        try:
            hits = self._store.search(query, limit=100, markers=(MARK_OPEN, MARK_CLOSE))
        except UserFacingError as exc:
            self.error.emit(str(exc))
            hits = []
        self.search_model.set_hits(hits)
        if not self.searching():
            self.list.setModel(self.search_model)

    @Slot()
    def _open_first_hit(self) -> None:
        self.run_search()
        if self.searching() and self.search_model.rowCount() > 0:
            self._activated(self.search_model.index(0, 0))

    def clear_search(self) -> None:
        self.search_field.clear()
        self.run_search()

    # -- rename, pin, delete --------------------------------------------------------------------
    def _current_id(self) -> int | None:
        index = self.list.currentIndex()
        if not index.isValid() or index.data(IsHeaderRole):
            return None
        return index.data(IdRole)

    @Slot()
    def rename_current(self) -> None:
        if self.searching():
            return
        index = self.list.currentIndex()
        if index.isValid() and not index.data(IsHeaderRole):
            self.list.edit(index)

    def rename(self, conversation_id: int) -> None:
        if self.searching():
            self.clear_search()
        row = self.model.row_of(conversation_id)
        if row >= 0:
            index = self.model.index(row, 0)
            self.list.setCurrentIndex(index)
            self.list.edit(index)

    @Slot()
    def _delete_current(self) -> None:
        cid = self._current_id()
        if cid is not None:
            self.delete_requested.emit(cid)

    @Slot()
    def _menu(self, pos) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid() or index.data(IsHeaderRole):
            return
        cid = index.data(IdRole)
        menu = QMenu(self)
        if not self.searching():
            menu.addAction(self.tr("Rename"), lambda: self.rename(cid))
            pinned = bool(index.data(PinnedRole))
            menu.addAction(
                self.tr("Unpin") if pinned else self.tr("Pin"), lambda: self.pin_requested.emit(cid, not pinned)
            )
        menu.addAction(self.tr("Delete"), lambda: self.delete_requested.emit(cid))
        menu.popup(self.list.viewport().mapToGlobal(pos))
