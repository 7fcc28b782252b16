"""The main window's part for the first run: while the starter model is loaded (and the person
has not said "Not now"), the empty chat shows ui/first_run.py's suggestions; Download starts the
file in the app's download manager and opens Settings > Discover, where it shows.

A mixin of MainWindow (ui/main_window.py).
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from ui.first_run import FirstRunCard


class FirstRunHandling:
    first_run_card: FirstRunCard | None = None

    def _show_first_run(self, loaded) -> None:
        from assistant.models import starter_model_path

        starter = starter_model_path()
        on_starter = loaded is not None and starter is not None and loaded.model.path == str(starter)
        if not on_starter or self.settings.first_run_dismissed:
            self._hide_first_run()
            return
        if self.first_run_card is not None:
            return
        suggestions = self._suggestions()
        if not suggestions:
            return
        card = FirstRunCard(suggestions, self.chat.empty)
        card.download_requested.connect(self._download_suggestion)
        card.dismissed.connect(self._dismiss_first_run)
        self.chat.empty.layout().addWidget(card)
        card.show()  # added after the window was shown
        self.first_run_card = card

    def _suggestions(self):
        from assistant.library import load_catalog, system_memory
        from assistant.library.suggest import suggest
        from ui import i18n

        try:
            catalog = load_catalog()
        except Exception:  # a damaged catalog: no suggestions, Discover says why
            return []
        chinese = i18n.wanted_language(self.settings.language) == "zh_CN"
        return suggest(catalog, system_memory(), chinese=chinese)

    @Slot(object)
    def _download_suggestion(self, suggestion) -> None:
        from assistant.errors import UserFacingError

        try:
            self.models.download_manager().start_file(suggestion.file)
        except UserFacingError as exc:
            self.show_error(str(exc))
            return
        dialog = self.open_settings()
        dialog.tabs.setCurrentWidget(dialog.discover_holder)

    @Slot()
    def _dismiss_first_run(self) -> None:
        self.settings.first_run_dismissed = True
        self.save_settings()
        self._hide_first_run()

    def _hide_first_run(self) -> None:
        if self.first_run_card is not None:
            self.first_run_card.hide()
            self.first_run_card.deleteLater()
            self.first_run_card = None
