"""The chat view's context marks: the markers between messages, refreshed in place.

A mixin of ChatView (ui/chat_view.py), kept apart so each file stays small enough to read in one go.
Marks are rows of the view model with role "mark" (ui/context_marker.py); their state (open, busy,
an error) lives in the row, so a marker made again looks as it did.
"""

from __future__ import annotations

from ui.context_marker import MarkerWidget, is_mark, with_marks


class ChatMarks:
    """Methods of ChatView for context marks (uses its messages, widgets, window and layout)."""

    def marker_widget(self, mark_id: int) -> MarkerWidget | None:
        return next((w for w in self.widgets if isinstance(w, MarkerWidget) and w.mark_id == mark_id), None)

    def mark_row(self, mark_id: int) -> dict | None:
        return next((m for m in self.messages if is_mark(m) and m["mark"]["id"] == mark_id), None)

    def update_mark(self, mark_id: int, mark: dict | None = None, **state) -> None:
        """A mark changed (`mark`: the store's new copy) or its state did (busy, error, expanded)."""
        row = self.mark_row(mark_id)
        if row is None:
            return
        if mark is not None:
            row["mark"] = mark
        row.update(state)
        w = self.marker_widget(mark_id)
        if w is not None:
            if mark is not None:
                w.cancel_edit()
            w.refresh()

    def set_marks(self, marks: list[dict]) -> None:
        """Show the conversation's marks as they are now, keeping the view where it is: the message
        widgets (the streaming one too) stay, markers are made anew, each keeping its state."""
        previous = {m["mark"]["id"]: m for m in self.messages if is_mark(m)}
        rows = with_marks(self.messages, marks)
        for i, row in enumerate(rows):
            old = previous.get(row["mark"]["id"]) if is_mark(row) else None
            if old is not None:
                old["mark"] = row["mark"]
                rows[i] = old
        shown = [w.message for w in self.widgets if not isinstance(w, MarkerWidget)]
        at_end = self.stop == len(self.messages)
        anchor = None if self.stick else self._message_anchor()
        kept = {id(w.message): w for w in self.widgets if not isinstance(w, MarkerWidget)}
        for w in self.widgets:
            if isinstance(w, MarkerWidget):
                w.hide()
                self.layout_.removeWidget(w)
                w.deleteLater()
        self.messages = rows
        if shown:
            index = {id(r): i for i, r in enumerate(rows)}
            start = index[id(shown[0])]
            stop = len(rows) if at_end else index[id(shown[-1])] + 1
            while stop < len(rows) and is_mark(rows[stop]):
                stop += 1
        else:
            start, stop = 0, len(rows)
        self.widgets = [kept.get(id(r)) or self._make(r) for r in rows[start:stop]]
        for i, w in enumerate(self.widgets):
            if isinstance(w, MarkerWidget):
                self.layout_.insertWidget(i, w)
        self.start, self.stop = start, stop
        self._update_last()
        if anchor is not None:
            self._anchor = anchor
            self._anchor_timer.start()

    def _message_anchor(self):
        value = self.verticalScrollBar().value()
        for w in self.widgets:
            if not isinstance(w, MarkerWidget) and w.y() + w.height() > value:
                return (w, w.y() - value)
        return None
