"""Settings > Generation: the default system prompt, how replies are sampled, and what happens when a
chat outgrows the model's context (the default memory policy; a chat may choose its own in Memory…).

Each number's range comes from assistant.settings.GENERATION_RANGES, the same table that validates
the settings file, so the widgets can never offer a value that saving would refuse.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from assistant.engine import GenerationSettings
from assistant.settings import DEFAULT_SYSTEM_PROMPT, GENERATION_RANGES, MEMORY_POLICIES
from ui.settings.context import SettingsContext

FIELD_WIDTH = 220


def number_field(parent: QWidget, option: str, special: str = "") -> QSpinBox | QDoubleSpinBox:
    """A spin box for a generation option, with its range from the schema.

    An optional value (None) is shown as `special` one step below the lowest allowed value.
    """
    allowed = GENERATION_RANGES[option][1]
    box = QDoubleSpinBox(parent) if allowed.decimals else QSpinBox(parent)
    low = allowed.low + allowed.step if allowed.above_low else allowed.low
    if allowed.optional:
        low -= allowed.step
        box.setSpecialValueText(special)
    if allowed.decimals:
        box.setDecimals(allowed.decimals)
        box.setRange(low, allowed.high)
        box.setSingleStep(allowed.step)
    else:
        box.setRange(int(low), int(allowed.high))
        box.setSingleStep(int(allowed.step))
    box.setMaximumWidth(FIELD_WIDTH)
    return box


class GenerationTab(QWidget):
    """Signals:
    changed(): a value was edited (the dialog saves a moment later).
    """

    changed = Signal()

    def __init__(self, context: SettingsContext, parent=None):
        super().__init__(parent)
        self.context = context
        form = QFormLayout(self)
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setAccessibleName(self.tr("Default system prompt"))
        self.system_prompt.setMaximumHeight(110)
        form.addRow(self.tr("Default system prompt:"), self.system_prompt)
        note = QLabel(
            self.tr("Used by new chats. Change one chat's prompt with Chat > System prompt for this chat."), self
        )
        note.setObjectName("Muted")
        note.setWordWrap(True)
        note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        form.addRow("", note)

        def field(option: str, name: str, label: str | None = None, special: str = ""):
            box = number_field(self, option, special)
            box.setAccessibleName(name)
            form.addRow(label or name + ":", box)
            return box

        self.temperature = field("temperature", self.tr("Temperature"))
        self.top_p = field("top_p", self.tr("Top-p"))
        self.top_k = field("top_k", self.tr("Top-k"))
        self.min_p = field("min_p", self.tr("Min-p"))
        self.repeat_penalty = field("repeat_penalty", self.tr("Repeat penalty"))
        self.max_tokens = field(
            "max_tokens", self.tr("Maximum reply length"), self.tr("Maximum reply length:"), self.tr("No limit")
        )
        self.max_tokens.setSuffix(self.tr(" tokens"))
        self.seed = field("seed", self.tr("Seed"), self.tr("Seed:"), self.tr("Random"))
        self.memory_policy = QComboBox(self)
        self.memory_policy.setAccessibleName(self.tr("When a chat outgrows the context"))
        names = {
            "summarize": self.tr("Summarize the oldest messages"),
            "window": self.tr("Leave out the oldest messages"),
            "ask": self.tr("Stop and ask"),
        }
        for value in MEMORY_POLICIES:
            self.memory_policy.addItem(names[value], value)
        self.memory_policy.setMaximumWidth(2 * FIELD_WIDTH)
        form.addRow(self.tr("When a chat outgrows the context:"), self.memory_policy)
        policy_note = QLabel(
            self.tr(
                "The messages always stay in the chat: this decides what the model sees of them. "
                "One chat can choose otherwise in Chat > Memory…"
            ),
            self,
        )
        policy_note.setObjectName("Muted")
        policy_note.setWordWrap(True)
        policy_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        form.addRow("", policy_note)
        self.reset_button = QPushButton(self.tr("Reset to defaults"), self)
        self.reset_button.clicked.connect(self.reset)
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_button)
        reset_row.addStretch(1)
        form.addRow("", reset_row)
        self._numbers = {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "min_p": self.min_p,
            "repeat_penalty": self.repeat_penalty,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
        }
        for w in self._numbers.values():
            w.valueChanged.connect(self.changed)
        self.system_prompt.textChanged.connect(self.changed)
        self.memory_policy.currentIndexChanged.connect(self.changed)

    def load(self) -> None:
        s = self.context.settings
        widgets = (self.system_prompt, self.memory_policy, *self._numbers.values())
        for w in widgets:
            w.blockSignals(True)
        self.system_prompt.setPlainText(s.system_prompt)
        for option, box in self._numbers.items():
            value = getattr(s.generation, option)
            box.setValue(box.minimum() if value is None else value)
        self.memory_policy.setCurrentIndex(max(0, self.memory_policy.findData(s.memory_policy)))
        for w in widgets:
            w.blockSignals(False)

    def store(self) -> None:
        """Copy the widgets' values into the settings (the dialog saves them)."""
        values = {}
        for option, box in self._numbers.items():
            optional = GENERATION_RANGES[option][1].optional
            values[option] = None if optional and box.value() == box.minimum() else box.value()
        self.context.settings.system_prompt = self.system_prompt.toPlainText()
        self.context.settings.generation = GenerationSettings(**values)
        self.context.settings.memory_policy = self.memory_policy.currentData()

    @Slot()
    def reset(self) -> None:
        self.context.settings.generation = GenerationSettings()
        self.context.settings.system_prompt = DEFAULT_SYSTEM_PROMPT
        self.context.settings.memory_policy = MEMORY_POLICIES[0]
        self.load()
        self.changed.emit()
