"""The main window's part that shows chat turns: sending, regenerating, editing, and what comes back.

A mixin of MainWindow (ui/main_window.py), kept apart so each file stays small enough to read in
one go. It connects the TurnController's signals to the chat view, the composer, the status bar
and the sidebar; the turn's state itself lives in the TurnController. Its strings use
QCoreApplication.translate("TurnHandling", ...): self.tr() in a mixin would look them up under the
window's class name, not the one lupdate files them under.
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from assistant.errors import UserFacingError
from ui.turn_controller import ActiveTurn


class TurnHandling:
    """Slots of MainWindow for chat turns (uses its chat, composer, status, sidebar and controllers)."""

    @Slot(str)
    def send(self, text: str) -> None:
        prompt = self.conversations.system_prompt(None) if self.conversation_id is None else None
        try:
            accepted = self.turns.send(self.conversation_id, text, new_chat_system_prompt=prompt)
        except UserFacingError as exc:  # the new conversation could not be created: the text stays
            self.show_error(str(exc))
            return
        if accepted:
            self.composer.accepted(text)

    @Slot(int)
    def _conversation_created(self, conversation_id: int) -> None:
        self.conversations.take_new_chat_prompt()
        self.conversation_id = conversation_id
        self.chat.conversation_id = conversation_id

    @Slot()
    def regenerate(self) -> None:
        if self.conversation_id is None or not any(m["role"] == "user" for m in self.chat.messages):
            return
        self.turns.regenerate(self.conversation_id)

    @Slot(int, str)
    def edit_and_resend(self, message_id: int, text: str) -> None:
        if self.conversation_id is None or self.turns.busy or not self.models.ready:
            return
        self.turns.edit(self.conversation_id, message_id, text)

    @Slot()
    def stop(self) -> None:
        self.turns.stop()

    @Slot(object)
    def _turn_started(self, turn: ActiveTurn) -> None:
        if self.chat.conversation_id == turn.conversation_id:
            self.chat.begin_turn(turn)
        self._update_composer()

    @Slot(object)
    def _turn_stored(self, turn: ActiveTurn) -> None:
        if self.chat.conversation_id == turn.conversation_id and not self.chat.turn_stored(turn):
            self.open_conversation(turn.conversation_id)  # opened before the store had the turn
        self.sidebar.reload(self.conversation_id)

    @Slot(str)
    def _turn_text(self, _chunk: str) -> None:
        turn = self.turns.turn
        if turn is not None and self.chat.conversation_id == turn.conversation_id:
            self.chat.text_arrived()

    @Slot(object)
    def _turn_context(self, info) -> None:
        turn = self.turns.turn
        if turn is not None and self.chat.conversation_id == turn.conversation_id:
            self.status.set_context(info)

    @Slot(object, object)
    def _turn_finished(self, turn: ActiveTurn, result) -> None:
        here = self.chat.conversation_id == result.conversation_id
        if here:
            if result.reply_message_id is None:
                # The turn never started (nothing was stored): show what the store holds.
                self.chat.finish_turn([])
                self.open_conversation(result.conversation_id)
            else:
                self.chat.finish_turn([row for row in (turn.user, turn.reply) if row is not None])
            if result.context is not None:
                self.status.set_context(result.context)
        if result.user_message_id is None and turn.text_sent:
            self.composer.give_back(turn.text_sent)  # nothing the person wrote is lost
        if result.stats is not None and result.stats.tokens_per_s:
            self.status.set_speed(result.stats.tokens_per_s)
        if result.documents_stay:  # the chat's documents would go to a server: the person decides
            self._ask_documents_to_server(result.conversation_id, result.error)
        elif result.full is not None:  # the "ask" policy: nothing was sent; the person chooses what now
            self._context_full(turn.text_sent, result.full)
        elif result.error and (result.reply_message_id is None or not here):
            self.show_error(result.error)
        self.chat.set_busy(False)
        self.sidebar.reload(self.conversation_id)
        self._update_composer()
        self.turn_done.emit(result)
