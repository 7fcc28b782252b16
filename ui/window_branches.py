"""The main window's part for conversations as trees: `‹ 2/3 ›` on messages with alternatives,
flipping between them (also Alt+Left / Alt+Right), forking a chat from a message, deleting a branch
with Undo, and opening a search hit on the branch where it matched.

A mixin of MainWindow (ui/main_window.py), kept apart so each file stays small enough to read in
one go. The tree itself is in assistant/store/tree.py; store errors become messages in
ConversationActions. Its strings use QCoreApplication.translate("BranchHandling", ...) (see
ui/window_turns.py for why).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Slot

from ui.context_marker import with_marks


class BranchHandling:
    """Slots of MainWindow for branches (uses its chat, banner and ConversationActions)."""

    def _connect_branches(self) -> None:
        self.chat.branch_requested.connect(self.show_branch)
        self.chat.fork_requested.connect(self.fork_from)
        self.chat.delete_branch_requested.connect(self.delete_branch)
        self.conversations.branch_changed.connect(self._branch_changed)
        self.turns.stored.connect(self._branches_after_turn)
        self.window_actions.previous_version.triggered.connect(lambda: self.flip(-1))
        self.window_actions.next_version.triggered.connect(lambda: self.flip(1))

    def _rows(self, conversation_id: int, message_id: int | None) -> list[dict]:
        """The rows the chat shows: the active path (through `message_id`, a search hit, when it is
        on another branch), each message with its alternatives, and the summary markers."""
        if message_id is not None:
            on_path = any(m["id"] == message_id for m in self.store.messages(conversation_id))
            if not on_path and self.conversations.select_branch(conversation_id, message_id) is None:
                message_id = None
        messages = self.store.messages(conversation_id)
        branches = self.conversations.branches(conversation_id, messages)
        for message in messages:
            if message["id"] in branches:
                message["siblings"] = branches[message["id"]]
        return with_marks(messages, self.store.context_marks(conversation_id))

    @Slot(int)
    def show_branch(self, message_id: int) -> None:
        """Show the alternative `message_id` and make its branch the active path."""
        conversation_id = self.chat.conversation_id
        if conversation_id is None or self.conversations.select_branch(conversation_id, message_id) is None:
            return
        self.open_conversation(conversation_id, message_id, highlight=False)

    def flip(self, step: int) -> None:
        """The previous (-1) or next (+1) version of the newest message that has alternatives."""
        widget = self.chat.last_with_alternatives()
        if widget is not None:
            widget.branch_switcher.step(step)

    @Slot(int)
    def fork_from(self, message_id: int) -> None:
        conversation = self.conversations.fork(message_id)
        if conversation is None:
            return
        self.open_conversation(conversation["id"])
        text = QCoreApplication.translate("BranchHandling", "Forked into a new chat: “%1”.")
        self.banner.show_message(text.replace("%1", conversation["title"]), kind="info", timeout_ms=6000)

    @Slot(int)
    def delete_branch(self, message_id: int) -> None:
        if self.chat.conversation_id is not None:
            self.conversations.delete_branch(self.chat.conversation_id, message_id)

    @Slot(int)
    def _branch_changed(self, conversation_id: int) -> None:
        if conversation_id == self.chat.conversation_id:
            self.open_conversation(conversation_id)
        self.sidebar.reload(self.conversation_id)

    @Slot(object)
    def _branches_after_turn(self, turn) -> None:
        """A regeneration or an edit added an alternative: show `‹ n/n ›` on it."""
        if turn.conversation_id == self.chat.conversation_id:
            self.chat.set_branches(self.conversations.branches(turn.conversation_id))
