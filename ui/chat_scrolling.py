"""The chat view's scrolling: following the newest message, the jump button, and loading more as you scroll.

A mixin of ChatView (ui/chat_view.py), kept apart so each file stays small enough to read in one go.
Near the top or bottom edge (EDGE_PX) BATCH more message widgets are made and, past MAX_WIDGETS,
far-away ones dropped, while the message in view stays put (the anchor). Within STICK_PX of the
bottom the view follows the newest text. A search hit is scrolled to and highlighted for a moment.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QWidget

from ui.message_widget import MessageWidget

BATCH = 30
MAX_WIDGETS = 160
EDGE_PX = 300
STICK_PX = 32


class ChatScrolling:
    """Slots and helpers of ChatView for scrolling (uses its messages, widgets, window and timers)."""

    @Slot()
    def scroll_to_end(self) -> None:
        if self.stop < len(self.messages):
            self.set_conversation(self.conversation_id, self.messages)
            return
        self.stick = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.jump_button.hide()

    def _scroll_to_widget(self, w: QWidget) -> None:
        if w in self.widgets:
            self.verticalScrollBar().setValue(max(0, w.y() - 40))
            self._anchor = (w, w.y() - self.verticalScrollBar().value())
            self._anchor_timer.start()

    def _set_highlight(self, w: MessageWidget) -> None:
        w.setStyleSheet(f"MessageWidget {{ border-left: 3px solid {self.colors.accent}; }}")
        w.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._highlight = w
        # w as the timer's context: if the widget is gone by then (another conversation was opened),
        # Qt drops the timer instead of calling into a deleted object.
        QTimer.singleShot(2500, w, lambda: self._clear_highlight(w))

    def _clear_highlight(self, w: MessageWidget) -> None:
        if self._highlight is w:
            self._highlight = None
            w.setStyleSheet("")

    @Slot(int, int)
    def _range_changed(self, _minimum: int, maximum: int) -> None:
        bar = self.verticalScrollBar()
        if self._anchor is not None:
            w, offset = self._anchor
            bar.setValue(w.y() - offset)
        elif self.stick:
            bar.setValue(maximum)
        self._update_jump()

    @Slot(int)
    def _value_changed(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if self._anchor is None:
            self.stick = value >= bar.maximum() - STICK_PX and self.stop == len(self.messages)
        self._update_jump()
        self._edge_timer.start()

    def _update_jump(self) -> None:
        bar = self.verticalScrollBar()
        below = bar.value() < bar.maximum() - STICK_PX or self.stop < len(self.messages)
        self.jump_button.setVisible(below and bool(self.messages))
        if self.jump_button.isVisible():
            self._place_jump()

    def _place_jump(self) -> None:
        self.jump_button.adjustSize()
        vp = self.viewport().geometry()
        self.jump_button.move(
            vp.center().x() - self.jump_button.width() // 2, vp.bottom() - self.jump_button.height() - 12
        )
        self.jump_button.raise_()

    @Slot()
    def _drop_anchor(self) -> None:
        self._anchor = None

    def _visible_anchor(self) -> tuple[QWidget, int] | None:
        value = self.verticalScrollBar().value()
        for w in self.widgets:
            if w.y() + w.height() > value:
                return (w, w.y() - value)
        return None

    @Slot()
    def _check_edges(self) -> None:
        bar = self.verticalScrollBar()
        if bar.value() < EDGE_PX and self.start > 0:
            self.load_older()
        elif bar.value() > bar.maximum() - EDGE_PX and self.stop < len(self.messages):
            self.load_newer()

    def load_older(self) -> None:
        if self.start == 0:
            return
        self._anchor = self._visible_anchor()
        new_start = max(0, self.start - BATCH)
        created = [self._make(m) for m in self.messages[new_start : self.start]]
        for i, w in enumerate(created):
            self.layout_.insertWidget(i, w)
        self.widgets = created + self.widgets
        self.start = new_start
        if len(self.widgets) > MAX_WIDGETS and self._streaming is None:
            drop = len(self.widgets) - MAX_WIDGETS
            for w in self.widgets[-drop:]:
                w.hide()
                w.deleteLater()
            self.widgets = self.widgets[:-drop]
            self.stop -= drop
        self._update_last()
        self._anchor_timer.start()

    def load_newer(self) -> None:
        if self.stop >= len(self.messages):
            return
        self._anchor = self._visible_anchor()
        new_stop = min(len(self.messages), self.stop + BATCH)
        for m in self.messages[self.stop : new_stop]:
            w = self._make(m)
            self.widgets.append(w)
            self.layout_.insertWidget(len(self.widgets) - 1, w)
        self.stop = new_stop
        if len(self.widgets) > MAX_WIDGETS:
            drop = len(self.widgets) - MAX_WIDGETS
            if self._anchor is not None and self._anchor[0] in self.widgets[:drop]:
                self._anchor = None
            for w in self.widgets[:drop]:
                w.hide()
                w.deleteLater()
                self.layout_.removeWidget(w)
            self.widgets = self.widgets[drop:]
            self.start += drop
        self._update_last()
        self._anchor_timer.start()

    def _follow(self) -> None:
        if self.stick and self._anchor is None:
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())
