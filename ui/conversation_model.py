"""The sidebar's list: conversations grouped by when they were last active, pinned ones on top.

A flat list model in which group headers ("Pinned", "Today", "Yesterday", "Previous 7 days",
"Older", and "API" last: conversations kept from the local API) are rows of their own that cannot
be selected. Renaming a conversation in place goes
through setData(), which writes the store.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal

from assistant.errors import UserFacingError
from assistant.store import Store

log = logging.getLogger("bothy.ui.sidebar")

IdRole = Qt.ItemDataRole.UserRole + 1
IsHeaderRole = Qt.ItemDataRole.UserRole + 2
PinnedRole = Qt.ItemDataRole.UserRole + 3
UpdatedRole = Qt.ItemDataRole.UserRole + 4


def untitled() -> str:
    return QCoreApplication.translate("ConversationModel", "New chat")


def parse_time(stamp: str) -> datetime:
    """A store timestamp ("...Z", UTC) as an aware datetime in local time."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()


def group_of(conversation: dict, now: datetime) -> str:
    if conversation["pinned"]:
        return "pinned"
    if conversation.get("import_source") == "api":
        return "api"
    when = parse_time(conversation["updated"])
    today = now.date()
    day = when.date()
    if day >= today:
        return "today"
    if day == today - timedelta(days=1):
        return "yesterday"
    if day >= today - timedelta(days=7):
        return "week"
    return "older"


def group_title(group: str) -> str:
    if group == "pinned":
        return QCoreApplication.translate("ConversationModel", "Pinned")
    if group == "today":
        return QCoreApplication.translate("ConversationModel", "Today")
    if group == "yesterday":
        return QCoreApplication.translate("ConversationModel", "Yesterday")
    if group == "week":
        return QCoreApplication.translate("ConversationModel", "Previous 7 days")
    if group == "api":
        return QCoreApplication.translate("ConversationModel", "API")
    return QCoreApplication.translate("ConversationModel", "Older")


class ConversationModel(QAbstractListModel):
    """Conversations for the sidebar, newest first, with group headers.

    Signals:
        error(str): a store failure people should see (e.g. while renaming).
    """

    error = Signal(str)

    def __init__(self, *, store: Store, parent=None):
        super().__init__(parent)
        self._store = store
        self._rows: list[tuple[str, object]] = []  # ("header", group) or ("conversation", dict)

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            conversations = self._store.list_conversations()
        except UserFacingError as exc:
            self.error.emit(str(exc))
            conversations = []
        now = datetime.now().astimezone()
        rows: list[tuple[str, object]] = []
        last = None
        grouped = [(group_of(c, now), c) for c in conversations]
        grouped.sort(key=lambda item: item[0] == "api")  # stable: the API group last, newest first
        for g, c in grouped:
            if g != last:
                rows.append(("header", g))
                last = g
            rows.append(("conversation", c))
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_of(self, conversation_id: int) -> int:
        for i, (kind, value) in enumerate(self._rows):
            if kind == "conversation" and value["id"] == conversation_id:
                return i
        return -1

    def conversation(self, row: int) -> dict | None:
        if 0 <= row < len(self._rows) and self._rows[row][0] == "conversation":
            return self._rows[row][1]
        return None

    def conversation_ids(self) -> list[int]:
        return [value["id"] for kind, value in self._rows if kind == "conversation"]

    def update_conversation(self, conversation: dict) -> None:
        """Refresh one row in place (a rename); a change of order needs reload()."""
        row = self.row_of(conversation["id"])
        if row >= 0:
            self._rows[row] = ("conversation", conversation)
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        kind, value = self._rows[index.row()]
        if kind == "header":
            if role == Qt.ItemDataRole.DisplayRole:
                return group_title(value)
            if role == IsHeaderRole:
                return True
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return group_title(value)
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return value["title"] or untitled()
        if role == Qt.ItemDataRole.EditRole:
            return value["title"] or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return value["title"] or untitled()
        if role == IdRole:
            return value["id"]
        if role == IsHeaderRole:
            return False
        if role == PinnedRole:
            return bool(value["pinned"])
        if role == UpdatedRole:
            return value["updated"]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()][0] == "header":
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        conversation = self.conversation(index.row())
        if conversation is None or not isinstance(value, str):
            return False
        try:
            updated = self._store.rename_conversation(conversation["id"], value.strip() or None)
        except UserFacingError as exc:
            self.error.emit(str(exc))
            return False
        self._rows[index.row()] = ("conversation", updated)
        self.dataChanged.emit(index, index)
        return True


class SearchResultsModel(QAbstractListModel):
    """Full-text search hits (newest first): title, snippet, and where each one leads."""

    MessageIdRole = Qt.ItemDataRole.UserRole + 10
    SnippetRole = Qt.ItemDataRole.UserRole + 11

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[dict] = []

    def set_hits(self, hits: list[dict]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> dict | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        title = hit["conversation_title"] or untitled()
        snippet = hit["snippet"].replace("\x02", "").replace("\x03", "")
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{title}: {snippet}"
        if role == self.SnippetRole:
            return hit["snippet"]
        if role == IdRole:
            return hit["conversation_id"]
        if role == self.MessageIdRole:
            return hit["message_id"]
        if role == IsHeaderRole:
            return False
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
