"""The first run: while the starter model is loaded, the empty chat says it is a tiny demo and
suggests models that suit this computer, one click away; "Not now" hides that for good; nothing
downloads without the click."""

from __future__ import annotations

from tests.ui.conftest import test_settings


def test_the_starter_model_comes_with_suggestions_one_click_away(qtbot, windows, monkeypatch):
    window = windows.open(settings=test_settings())
    card = window.first_run_card
    assert card is not None and card.isVisibleTo(window) and 1 <= len(card.suggestions) <= 2
    assert "tiny demo" in card.text.text()
    started = []  # the real download manager, its start recorded instead of reaching the network
    monkeypatch.setattr(window.models.download_manager(), "start_file", started.append)
    card.buttons[0].click()
    assert started == [card.suggestions[0].file] and not card.buttons[0].isEnabled()
    assert window._settings_dialog.tabs.currentWidget() is window._settings_dialog.discover_holder
    window._settings_dialog.close()
    card.not_now.click()
    assert window.first_run_card is None and window.settings.first_run_dismissed


def test_not_now_is_remembered(qtbot, windows):
    window = windows.open(settings=test_settings(first_run_dismissed=True))
    assert window.first_run_card is None


def test_the_suggestions_follow_the_language(qtbot, windows):
    window = windows.open(settings=test_settings())
    window.set_language("zh_CN")
    try:
        assert "入门模型" in window.first_run_card.text.text()
    finally:
        window.set_language("en")
    assert "starter model" in window.first_run_card.text.text()
