"""The status bar: the model and how it runs, a summary being written, live speed, and what fills the context.

Signals:
    memory_requested(): the context meter's popup asked for the memory panel.
    stop_memory_requested(): Stop next to "Summarizing N earlier messages…".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from ui.context_meter import ContextMeter
from ui.i18n import plural


class StatusBar(QStatusBar):
    memory_requested = Signal()
    stop_memory_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizeGripEnabled(True)
        self.model_label = QLabel(self)
        self.model_label.setObjectName("ModelLabel")
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(90)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.memory_label = QLabel(self)
        self.memory_label.setObjectName("MemoryLabel")
        self.memory_stop = QToolButton(self)
        self.memory_stop.setObjectName("StatusStop")
        self.memory_stop.setCursor(Qt.CursorShape.PointingHandCursor)
        self.memory_stop.clicked.connect(self.stop_memory_requested)
        self.memory_label.hide()
        self.memory_stop.hide()
        self.documents_label = QLabel(self)  # "Indexing 3 of 10: thesis.pdf" (ui/window_documents.py)
        self.documents_label.setObjectName("Muted")
        self.documents_label.hide()
        self.speed_label = QLabel(self)
        self.api_label = QLabel(self)  # "Local server on · 3 answered" (ui/api_controller.py)
        self.api_label.setObjectName("Muted")
        self.api_label.hide()
        self.dropped_label = QLabel(self)
        self.dropped_label.setObjectName("DroppedLabel")
        self.dropped_label.hide()
        self.context_label = QLabel(self)
        self.meter = ContextMeter(self)
        self.meter.memory_requested.connect(self.memory_requested)
        self.addWidget(self.model_label, 1)
        self.addWidget(self.busy_bar)
        self.addPermanentWidget(self.memory_label)
        self.addPermanentWidget(self.memory_stop)
        self.addPermanentWidget(self.documents_label)
        self.addPermanentWidget(self.api_label)
        self.addPermanentWidget(self.speed_label)
        self.addPermanentWidget(self.dropped_label)
        self.addPermanentWidget(self.context_label)
        self.addPermanentWidget(self.meter)
        self._loaded = None
        self._context = None
        self._loading = None  # the ModelRef being loaded
        self._summarizing = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.meter.setAccessibleName(self.tr("Context used"))
        self.memory_stop.setText(self.tr("Stop"))
        self.memory_stop.setAccessibleName(self.tr("Stop summarizing"))
        self.memory_stop.setToolTip(self.tr("Stop writing the summary: the earlier messages are then left out instead"))
        self.set_summarizing(self._summarizing)
        self.model_label.setAccessibleName(self.tr("Model"))
        self._show_model()
        self.set_context(self._context)

    def set_loading(self, model) -> None:
        self._loading = model
        self.busy_bar.setVisible(model is not None)
        self._show_model()

    def set_model(self, loaded) -> None:
        self._loaded = loaded
        self._loading = None
        self.busy_bar.hide()
        self._show_model()

    def _show_model(self) -> None:
        if self._loading:
            self.model_label.setText(self.tr("Loading %1…").replace("%1", self._loading.label))
            return
        m = self._loaded
        if m is None:
            self.model_label.setText(self.tr("No model loaded"))
            self.model_label.setToolTip("")
            return
        parts = [m.name]
        if m.base_model_note:
            parts[0] = "⚠ " + parts[0] + " " + self.tr("(base model)")
        if m.model.engine == "server":  # a server's model: say where it runs
            parts.append(self.tr("on %1").replace("%1", m.engine))
            link = self.tr("the server answered in %1 ms").replace("%1", f"{m.link_ms:.0f}") if m.link_ms else ""
            self.model_label.setToolTip(f"{m.backend.backend}\n{link}".strip())
        elif m.backend and m.backend.gpu_offload:
            parts.append(m.backend.backend)
            if m.n_gpu_layers:
                shown = m.n_layers if m.n_gpu_layers < 0 else min(m.n_gpu_layers, m.n_layers)
                parts.append(self.tr("%1/%2 layers on GPU").replace("%1", str(shown)).replace("%2", str(m.n_layers)))
            else:
                parts.append(self.tr("no layers on GPU"))
        else:
            parts.append(self.tr("CPU only"))
        parts.append(self.tr("%1 context").replace("%1", f"{m.n_ctx:,}"))
        self.model_label.setText("  ·  ".join(parts))
        if m.model.engine == "server":
            return
        tip = self.tr("Template: %1 (%2)").replace("%1", m.template_name).replace("%2", m.template_reason)
        self.model_label.setToolTip(f"{m.base_model_note}\n\n{tip}" if m.base_model_note else tip)

    def set_api(self, running: bool, answered: int, port: int) -> None:
        """The local API's state: on (and how many requests it answered), or hidden when off."""
        self.api_label.setVisible(running)
        if running:
            self.api_label.setText(self.tr("Local server on · %n answered", "", answered))
            tip = self.tr("Other apps can use the model at http://127.0.0.1:%1/v1").replace("%1", str(port))
            self.api_label.setToolTip(tip)

    def set_documents(self, text: str) -> None:
        """What indexing documents is doing ("" when nothing)."""
        self.documents_label.setText(text)
        self.documents_label.setVisible(bool(text))

    def clear_documents(self, text: str) -> None:
        """Take a documents notice away, unless something newer replaced it."""
        if self.documents_label.text() == text:
            self.set_documents("")

    def set_speed(self, tokens_per_s: float | None) -> None:
        self.speed_label.setText(self.tr("%1 tokens/s").replace("%1", f"{tokens_per_s:.1f}") if tokens_per_s else "")

    def set_summarizing(self, count: int) -> None:
        """The model is summarizing `count` earlier messages (0: done)."""
        self._summarizing = count
        if count:
            self.memory_label.setText(plural(self.tr("Summarizing %n earlier message(s)…", "", count), count))
        self.memory_label.setVisible(bool(count))
        self.memory_stop.setVisible(bool(count))

    def set_context(self, info) -> None:
        """What fills the model's context this turn (a ContextInfo), or None: not known yet."""
        self._context = info
        self.meter.set_info(info)
        if info is None:
            self.context_label.setText("")
            self.dropped_label.hide()
            return
        fill = max(0.0, min(1.0, info.fill))
        percent = "<1" if 0 < fill < 0.01 else f"{fill * 100:.0f}"
        self.context_label.setText(self.tr("Context %1%").replace("%1", percent))
        dropped, summarized = info.dropped, info.summarized
        if dropped:
            kind = "warning"
            self.dropped_label.setText("⚠ " + plural(self.tr("%n earlier message(s) left out", "", dropped), dropped))
            self.dropped_label.setToolTip(
                self.tr(
                    "The model no longer sees these messages, and no summary stands for them. Summarize them "
                    "from their marker in the chat, or raise the context length in Settings > Models."
                )
            )
        elif summarized:
            kind = "info"
            self.dropped_label.setText(plural(self.tr("%n earlier message(s) summarized", "", summarized), summarized))
            self.dropped_label.setToolTip(
                self.tr("The model reads a summary of these messages instead; open it from its marker in the chat.")
            )
        else:
            kind = ""
        self.dropped_label.setProperty("kind", kind)
        self.dropped_label.style().unpolish(self.dropped_label)
        self.dropped_label.style().polish(self.dropped_label)
        self.dropped_label.setVisible(bool(kind))
