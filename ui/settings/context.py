"""What the Settings tabs work with, passed explicitly instead of the main window.

Signals:
    settings_changed(): the settings were changed and saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from assistant.engine import ModelRef
from assistant.settings import Settings
from assistant.store import Store
from ui.conversation_actions import ConversationActions
from ui.models_controller import ModelsController


class SettingsContext(QObject):
    settings_changed = Signal()

    def __init__(
        self,
        *,
        settings: Settings,
        store: Store,
        models: ModelsController,
        conversations: ConversationActions,
        actions: SettingsActions,
        api=None,
        documents=None,
        conversation_id=lambda: None,
        use_library=lambda name: None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.settings = settings
        self.store = store
        self.models = models
        self.conversations = conversations
        self.api = api  # ui.api_controller.ApiController (Settings > Local server), when there is one
        self.documents = documents  # ui.documents_controller.DocumentsController (Settings > Documents)
        self.conversation_id = conversation_id  # () -> the chat shown, or None
        self.use_library = use_library  # (library name) -> the chat shown answers from it too
        self._actions = actions

    @classmethod
    def for_window(cls, window) -> SettingsContext:
        return cls(
            settings=window.settings,
            store=window.store,
            models=window.models,
            conversations=window.conversations,
            api=window.api,
            documents=window.documents_indexer,
            conversation_id=lambda: window.conversation_id,
            use_library=window.use_library,
            actions=SettingsActions(
                save=window.save_settings,
                load_model=window.load_model,
                set_theme=window.set_theme,
                set_language=window.set_language,
            ),
            parent=window,
        )

    def save(self) -> bool:
        """Save the settings (a failure is shown to the person); True when saved."""
        if not self._actions.save():
            return False
        self.settings_changed.emit()
        return True

    def load_model(self, model: ModelRef) -> bool:
        return self._actions.load_model(model)

    def set_theme(self, name: str) -> None:
        self._actions.set_theme(name)

    def set_language(self, language: str) -> None:
        self._actions.set_language(language)


@dataclass(frozen=True)
class SettingsActions:
    """What the app does for the Settings dialog (the main window provides these)."""

    save: Callable[[], bool]
    load_model: Callable[[ModelRef], bool]
    set_theme: Callable[[str], None]
    set_language: Callable[[str], None]
