import json

import pytest

from assistant import paths
from assistant.engine import GenerationSettings, LoadSettings
from assistant.settings import Settings


def test_defaults_when_no_file():
    s = Settings.load()
    assert s.problem is None
    assert s.generation == GenerationSettings()


def test_round_trip(tmp_path):
    s = Settings(theme="dark", language="zh_CN", system_prompt="你好 🙂")
    s.generation.temperature = 0.2
    s.set_load_settings("/m/a.gguf", LoadSettings(n_ctx=4096, flash_attn=True, kv_cache_type="q8_0"))
    s.save()
    again = Settings.load()
    assert again == s
    assert again.load_settings_for("/m/a.gguf").n_ctx == 4096
    assert again.load_settings_for("/m/other.gguf") == LoadSettings()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        json.dumps({"theme": "purple"}),
        json.dumps({"generation": {"temperature": -3}}),
        "\x00\x01",
    ],
)
def test_corrupt_file_gives_defaults_and_says_so(content):
    path = paths.settings_path()
    path.write_text(content, encoding="utf-8")
    s = Settings.load()
    assert s == Settings()
    assert "could not be read" in s.problem
    assert path.with_name("settings.json.bad").read_text(encoding="utf-8") == content


def test_invalid_values_are_refused_on_save():
    s = Settings()
    s.generation.top_p = 0
    with pytest.raises(ValueError, match="top-p"):
        s.save()
    assert not paths.settings_path().exists()


def test_save_is_atomic(monkeypatch):
    Settings(theme="light").save()
    before = paths.settings_path().read_bytes()

    def broken_dump(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError):
        Settings(theme="dark").save()
    assert paths.settings_path().read_bytes() == before
    assert [p.name for p in paths.config_dir().iterdir()] == ["settings.json"]
