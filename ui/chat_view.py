"""The conversation: a scrolling column of message widgets, windowed for long conversations.

All of a conversation's messages are read as plain dicts (cheap: a 5,000-message conversation reads
in about 25 ms) but widgets exist only for a window of them: the newest WINDOW when it opens, more
in BATCH steps as the user scrolls up (or down, after jumping to a search hit); far-away widgets
are dropped again so the column never holds more than MAX_WIDGETS. The scrolling, and the loading
and dropping of widgets it brings, is in ui/chat_scrolling.py (a mixin of ChatView).

Streaming: the turn controller grows the reply's row and calls `text_arrived()`, which only marks
it changed; a single-shot timer (FLUSH_MS) renders the reply at most ~30 times a second whatever
the model's speed. While the view is at the bottom it follows
the reply; scrolling up stops that, scrolling back to the bottom resumes it.

Context marks (ui/context_marker.py) are rows of the same model with role "mark", shown by a
MarkerWidget right after the last message each covers; everything that looks at messages' roles
skips them, and `set_marks` shows new ones without moving the view or touching the message widgets.

Signals:
    regenerate_requested()
    edit_requested(int message_id, str text)
    pin_requested(int message_id, bool pinned): "Keep in memory" on a message.
    remember_requested(int message_id): "Remember this" on a message.
    mark_edited(int mark_id, str text): a summary's new text, from its marker.
    mark_rewrite_requested(int mark_id): "Write again" / "Summarize them" on a marker.
    branch_requested(int message_id): show that alternative (`‹ 2/3 ›` on a message).
    fork_requested(int message_id), delete_branch_requested(int message_id): from a message's menu.

A message with alternatives (assistant/store/tree.py) has their ids in its row's "siblings";
`set_branches` updates them after a turn.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ui import markdown
from ui.chat_marks import ChatMarks
from ui.chat_scrolling import MAX_WIDGETS, ChatScrolling
from ui.context_marker import MarkerWidget, is_mark
from ui.message_widget import MessageWidget
from ui.theme import Colors

WINDOW = 50
FLUSH_MS = 30
COLUMN_WIDTH = 860
WARM_UP_MS = 1500  # after the window is up: start-up is measured, and this would slow it


class ChatView(ChatMarks, ChatScrolling, QScrollArea):
    regenerate_requested = Signal()
    edit_requested = Signal(int, str)
    pin_requested = Signal(int, bool)
    remember_requested = Signal(int)
    mark_edited = Signal(int, str)
    mark_rewrite_requested = Signal(int)
    branch_requested = Signal(int)
    fork_requested = Signal(int)
    delete_branch_requested = Signal(int)

    def __init__(self, colors: Colors, parent=None):
        super().__init__(parent)
        self.setObjectName("ChatScroll")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.colors = colors
        self.column = QWidget()
        self.column.setObjectName("ChatColumn")
        self.layout_ = QVBoxLayout(self.column)
        self.layout_.setSpacing(6)
        self.layout_.addStretch(1)  # keeps messages at the top of a short conversation
        self.setWidget(self.column)
        self.setAccessibleName(self.tr("Conversation"))
        # The first reply's Markdown would load markdown-it and pygments (60 ms): load them while
        # the person reads the window, once it is up (ui/markdown.py).
        QTimer.singleShot(WARM_UP_MS, self, self._warm_up_markdown)

        self.empty = QWidget(self.column)
        el = QVBoxLayout(self.empty)
        el.setContentsMargins(0, 80, 0, 0)
        self.empty_title = QLabel(self.empty)
        self.empty_title.setObjectName("WelcomeTitle")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text = QLabel(self.empty)
        self.empty_text.setObjectName("Muted")
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        el.addWidget(self.empty_title)
        el.addWidget(self.empty_text)
        self.layout_.insertWidget(0, self.empty)

        self.jump_button = QPushButton(self)
        self.jump_button.setObjectName("JumpToBottom")
        self.jump_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.jump_button.clicked.connect(self.scroll_to_end)
        self.jump_button.hide()

        self.conversation_id: int | None = None
        self.messages: list[dict] = []
        self.widgets: list[MessageWidget] = []  # for messages[start:stop]
        self.start = self.stop = 0
        self.stick = True
        self._anchor: tuple[QWidget, int] | None = None
        self._pending = False  # the streaming row changed since the last repaint
        self._streaming: MessageWidget | None = None
        self._highlight: MessageWidget | None = None
        self.busy = False

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._anchor_timer = QTimer(self)
        self._anchor_timer.setSingleShot(True)
        self._anchor_timer.setInterval(200)
        self._anchor_timer.timeout.connect(self._drop_anchor)
        self._edge_timer = QTimer(self)
        self._edge_timer.setSingleShot(True)
        self._edge_timer.setInterval(0)
        self._edge_timer.timeout.connect(self._check_edges)

        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._value_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.jump_button.setText(self.tr("↓  Latest"))
        self.jump_button.setAccessibleName(self.tr("Scroll to the latest message"))
        self.empty_title.setText(self.tr("How can I help?"))
        self.set_empty_hint(self.empty_text.property("hint") or "")

    def set_empty_hint(self, hint: str) -> None:
        self.empty_text.setProperty("hint", hint)
        base = self.tr("Everything stays on this computer. Ask a question, paste some text, or start from an idea.")
        self.empty_text.setText(base + ("\n\n" + hint if hint else ""))

    # -- opening -------------------------------------------------------------------------------
    def set_conversation(
        self, conversation_id: int | None, messages: list[dict], focus_message_id=None, *, live=None, highlight=True
    ) -> None:
        """Show a conversation's messages (the view model: these dicts, shared with the widgets).

        `live`: the turn in progress (ui.turn_controller.ActiveTurn) when it belongs to this
        conversation: its rows replace their stored copies, and the reply keeps streaming in.
        """
        self.flush()
        self._clear_widgets()
        self.conversation_id = conversation_id
        self.messages = list(messages)
        self._streaming = None
        if live is not None and live.conversation_id == conversation_id:
            rows = {row["id"]: row for row in (live.user, live.reply) if row is not None and row["id"] is not None}
            self.messages = [rows.get(m["id"], m) for m in self.messages]
        n = len(self.messages)
        focus = None
        if focus_message_id is not None:
            focus = next((i for i, m in enumerate(self.messages) if m["id"] == focus_message_id), None)
        if focus is None:
            self.start, self.stop = max(0, n - WINDOW), n
            self.stick = True
        else:
            self.start = max(0, focus - 5)
            self.stop = min(n, max(focus + 1, self.start + WINDOW))
            self.stick = False
        self.widgets = [self._make(m) for m in self.messages[self.start : self.stop]]
        for i, w in enumerate(self.widgets):
            self.layout_.insertWidget(i, w)
        if live is not None and self.widgets and self.widgets[-1].message is live.reply:
            self._streaming = self.widgets[-1]
        self.empty.setVisible(n == 0)
        self._update_last()
        if focus is not None:
            target = self.widgets[focus - self.start]
            if highlight:
                self._set_highlight(target)
            QTimer.singleShot(0, target, lambda: self._scroll_to_widget(target))
        else:
            QTimer.singleShot(0, self.scroll_to_end)

    def _make(self, message: dict) -> MessageWidget | MarkerWidget:
        if is_mark(message):
            marker = MarkerWidget(message, self.colors, self.column)
            marker.edit_saved.connect(self.mark_edited)
            marker.rewrite_requested.connect(self.mark_rewrite_requested)
            return marker
        w = MessageWidget(message, self.colors, self.column)
        w.regenerate_requested.connect(self.regenerate_requested)
        w.edit_submitted.connect(self._edit_submitted)
        w.pin_requested.connect(self.pin_requested)
        w.remember_requested.connect(self.remember_requested)
        w.branch_requested.connect(self.branch_requested)
        w.fork_requested.connect(self.fork_requested)
        w.delete_branch_requested.connect(self.delete_branch_requested)
        return w

    def _clear_widgets(self) -> None:
        for w in self.widgets:
            w.hide()
            w.deleteLater()
        self.widgets = []
        self.start = self.stop = 0
        self._highlight = None
        self._anchor = None  # it was one of those widgets

    def message_widget(self, message_id: int) -> MessageWidget | None:
        return next((w for w in self.widgets if w.message_id == message_id), None)

    # -- a turn --------------------------------------------------------------------------------
    def _show_tail(self) -> None:
        if self.stop < len(self.messages) or len(self.widgets) > MAX_WIDGETS:
            self.set_conversation(self.conversation_id, self.messages)

    @Slot()
    def _warm_up_markdown(self) -> None:
        markdown.warm_up_in_background(self.colors.pygments_style)

    def begin_turn(self, turn) -> None:
        """Show a turn that starts (ui.turn_controller.ActiveTurn): its rows are added as they are."""
        self._show_tail()
        if turn.kind == "regenerate":
            last_user = max((i for i, m in enumerate(self.messages) if m["role"] == "user"), default=None)
            if last_user is not None:
                self._remove_from(last_user + 1)
        elif turn.kind == "edit":
            index = next((i for i, m in enumerate(self.messages) if m["id"] == turn.replaces_from), None)
            if index is not None:
                self._remove_from(index)
        if turn.user is not None:
            self._append(turn.user)
        self._streaming = self._append(turn.reply)
        self._pending = False
        self.busy = True
        self._update_last()
        self.scroll_to_end()

    def turn_stored(self, turn) -> bool:
        """The turn's rows have their ids now (editing the new message becomes possible).

        If this conversation was opened between the send and now, it shows the stored copies of
        the turn's rows: the live rows take their place, so the reply streams in. Returns False
        when the view does not hold the turn's reply at all (opened before the store had it).
        """
        live = {row["id"]: row for row in (turn.user, turn.reply) if row is not None}
        for i, m in enumerate(self.messages):
            row = live.get(m.get("id"))
            if row is not None and m is not row:
                self.messages[i] = row
                w = self.message_widget(row["id"])
                if w is not None:
                    w.message = row
                    w.refresh()
                    if row is turn.reply:
                        self._streaming = w
        self._update_last()
        return any(m is turn.reply for m in self.messages)

    def text_arrived(self) -> None:
        """The streaming reply's row grew: repaint it soon (at most every FLUSH_MS)."""
        self._pending = True
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @Slot()
    def flush(self) -> None:
        self._flush_timer.stop()
        if self._pending and self._streaming is not None:
            self._streaming.show_streamed_text()
        self._pending = False

    def finish_turn(self, rows: list[dict]) -> None:
        """The turn ended and `rows` (the turn's own dicts) hold the store's final state: show it."""
        self.flush()
        self.busy = False
        self._streaming = None
        for w in self.widgets:
            if any(w.message is row for row in rows):
                w.refresh()
        self._update_last()

    def _append(self, message: dict) -> MessageWidget:
        self.messages.append(message)
        w = self._make(message)
        self.widgets.append(w)
        self.layout_.insertWidget(len(self.widgets) - 1, w)
        self.stop = len(self.messages)
        self.empty.hide()
        return w

    def _remove_from(self, index: int) -> None:
        del self.messages[index:]
        keep = max(0, index - self.start)
        for w in self.widgets[keep:]:
            w.hide()
            w.deleteLater()
        self.widgets = self.widgets[:keep]
        self.stop = len(self.messages)
        self.start = min(self.start, self.stop)

    def _update_last(self) -> None:
        last_assistant = None
        last = next((m for m in reversed(self.messages) if not is_mark(m)), None)
        if last is not None and last["role"] == "assistant" and self.stop == len(self.messages):
            last_assistant = next((w for w in self.widgets if w.message is last), None)
        for w in self.widgets:
            if isinstance(w, MarkerWidget):
                continue
            w.set_last_reply(w is last_assistant, not self.busy)
            if w.edit_button is not None:
                w.edit_button.setEnabled(not self.busy and w.message_id is not None)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_last()

    @Slot(int, str)
    def _edit_submitted(self, message_id: int, text: str) -> None:
        self.edit_requested.emit(message_id, text)

    def set_branches(self, branches: dict[int, list[int]]) -> None:
        """Each message's alternatives (store.branches()): update the rows and their widgets."""
        for message in self.messages:
            if is_mark(message) or message.get("id") is None:
                continue
            siblings = branches.get(message["id"])
            if siblings != message.get("siblings"):
                message["siblings"] = siblings
                w = self.message_widget(message["id"])
                if w is not None:
                    w.refresh()

    def last_with_alternatives(self) -> MessageWidget | None:
        """The newest message widget shown whose message has alternatives (for Alt+Left/Right)."""
        for w in reversed(self.widgets):
            if isinstance(w, MessageWidget) and len(w.message.get("siblings") or ()) > 1:
                return w
        return None

    # -- theme -----------------------------------------------------------------------------------
    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        for w in self.widgets:
            w.set_colors(colors)

    # -- geometry --------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        side = max(16, (self.viewport().width() - COLUMN_WIDTH) // 2)
        self.layout_.setContentsMargins(side, 16, side, 24)
        if self.jump_button.isVisible():
            self._place_jump()

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.LayoutRequest and self.stick:
            QTimer.singleShot(0, self._follow)
        return super().event(e)
