"""The status bar: the model and how it runs, live speed, and how full the context is."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar


class StatusBar(QStatusBar):
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
        self.speed_label = QLabel(self)
        self.dropped_label = QLabel(self)
        self.dropped_label.setObjectName("DroppedLabel")
        self.dropped_label.hide()
        self.context_label = QLabel(self)
        self.meter = QProgressBar(self)
        self.meter.setObjectName("ContextMeter")
        self.meter.setRange(0, 1000)
        self.meter.setValue(0)
        self.meter.setTextVisible(False)
        self.meter.setFixedWidth(110)
        self.addWidget(self.model_label, 1)
        self.addWidget(self.busy_bar)
        self.addPermanentWidget(self.speed_label)
        self.addPermanentWidget(self.dropped_label)
        self.addPermanentWidget(self.context_label)
        self.addPermanentWidget(self.meter)
        self._loaded = None
        self._context = None
        self._loading = None  # the ModelRef being loaded
        self.retranslate()

    def retranslate(self) -> None:
        self.meter.setAccessibleName(self.tr("Context used"))
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
        if m.backend and m.backend.gpu_offload:
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
        tip = self.tr("Template: %1 (%2)").replace("%1", m.template_name).replace("%2", m.template_reason)
        self.model_label.setToolTip(f"{m.base_model_note}\n\n{tip}" if m.base_model_note else tip)

    def set_speed(self, tokens_per_s: float | None) -> None:
        self.speed_label.setText(self.tr("%1 tokens/s").replace("%1", f"{tokens_per_s:.1f}") if tokens_per_s else "")

    def set_context(self, info) -> None:
        self._context = info
        if info is None:
            self.meter.setValue(0)
            self.context_label.setText("")
            self.meter.setToolTip(self.tr("How much of the model's context this conversation uses"))
            self.dropped_label.hide()
            return
        fill = max(0.0, min(1.0, info.fill))
        self.meter.setValue(int(fill * 1000))
        percent = "<1" if 0 < fill < 0.01 else f"{fill * 100:.0f}"
        self.context_label.setText(self.tr("Context %1%").replace("%1", percent))
        self.meter.setToolTip(
            self.tr("%1 of %2 tokens of context used")
            .replace("%1", f"{info.prompt_tokens:,}")
            .replace("%2", f"{info.n_ctx:,}")
        )
        full = info.dropped > 0
        self.meter.setProperty("full", full)
        self.meter.style().unpolish(self.meter)
        self.meter.style().polish(self.meter)
        if full:
            self.dropped_label.setText(self.tr("⚠ %n older message(s) no longer fit", "", info.dropped))
            self.dropped_label.setToolTip(
                self.tr(
                    "The model no longer sees the oldest messages of this conversation: start a new chat or "
                    "raise the context length in Settings > Models."
                )
            )
        self.dropped_label.setVisible(full)
