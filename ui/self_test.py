"""`bothy --self-test`: the real window, the default model, one message through the real UI path."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

SELF_TEST_MAX_TOKENS = 48


class SelfTest(QObject):
    def __init__(self, window, *, timeout_s: float, prompt: str, max_tokens: int | None = SELF_TEST_MAX_TOKENS):
        super().__init__(window)
        self.window = window
        self.prompt = prompt
        self.code = 1
        self.result = "self-test FAILED: did not finish"
        if max_tokens is not None:  # a short reply keeps the self-test quick
            gen = window.settings.generation
            window.settings.generation = dataclasses.replace(gen, max_tokens=min(gen.max_tokens or 1024, max_tokens))
        window.model_loaded.connect(self._loaded)
        window.model_failed.connect(self._failed)
        window.turn_done.connect(self._done)
        QTimer.singleShot(int(timeout_s * 1000), self._timeout)
        QTimer.singleShot(500, self._check_model)

    @Slot()
    def _check_model(self) -> None:
        if self.window.models.current is None and self.window.models.pending is None:
            self._finish(1, "self-test FAILED: no model found (the starter model is not installed)")

    @Slot(object)
    def _loaded(self, _loaded) -> None:
        self.window.new_chat()
        self.window.composer.set_text(self.prompt)
        self.window.composer.send()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._finish(1, f"self-test FAILED: the model did not load: {message}")

    @Slot(object)
    def _done(self, result) -> None:
        store = self.window.store
        messages = store.messages(result.conversation_id)
        reply = next((m for m in reversed(messages) if m["role"] == "assistant"), None)
        if reply is None:
            self._finish(1, f"self-test FAILED: no reply was stored ({result.error or 'no error'})")
        elif reply["status"] != "complete" or not reply["content"].strip():
            self._finish(
                1,
                f"self-test FAILED: reply {reply['status']}, {len(reply['content'])} characters, "
                f"error: {reply['error'] or result.error}",
            )
        else:
            speed = f"{reply['tokens_per_s']:.1f} tokens/s" if reply["tokens_per_s"] else "?"
            loaded = self.window.models.current
            model = loaded.model.path or loaded.model.key if loaded else "?"
            self._finish(
                0,
                f"self-test OK: {reply['reply_tokens']} tokens at {speed} from {model}, "
                f"stored in conversation {result.conversation_id}",
            )

    @Slot()
    def _timeout(self) -> None:
        self.window.turns.stop()
        self._finish(1, "self-test FAILED: no complete reply within the time limit")

    def _finish(self, code: int, result: str) -> None:
        if self.code == 0 or self.result != "self-test FAILED: did not finish":
            return
        self.code, self.result = code, result
        QTimer.singleShot(0, self.window.close)
        QTimer.singleShot(0, QApplication.instance().quit)
