"""What travels over the pipe between LocalEngine and its engine process: dataclasses only.

The app sends one command at a time; the process answers with events. Its first event is `Ready`,
which carries PROTOCOL_VERSION: the app refuses an engine process that speaks another version (a
half-updated install), rather than misreading its events. Bump the version whenever a command or
an event changes shape.

The events a reply streams (TextEvent, ContextEvent, DoneEvent) are also what `Reply` consumes from
any engine, so a remote engine or the tests' scripted engine produce the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.engine.types import ChatRequest, ContextInfo, LoadSettings, ModelRef, ReplyStats

PROTOCOL_VERSION = 4


# -- commands (app -> engine process) ------------------------------------------------------------
@dataclass(frozen=True)
class Probe:
    """Ask what this llama.cpp build can do here (answered with Ok(BackendInfo))."""


@dataclass(frozen=True)
class Load:
    model: ModelRef
    settings: LoadSettings


@dataclass(frozen=True)
class Chat:
    request_id: int
    request: ChatRequest


@dataclass(frozen=True)
class Tokenize:
    text: str


@dataclass(frozen=True)
class CountPrompt:
    """How many tokens the request's prompt takes, the chat template applied (answered with Ok(int))."""

    request: ChatRequest


@dataclass(frozen=True)
class Embed:
    """Vectors for texts from an embedding model (a GGUF path), answered with Ok(list of lists)."""

    model_path: str
    texts: list[str]


@dataclass(frozen=True)
class Prepare:
    """Get a conversation ready for its next turn while the person reads or types: put its KV state
    back (it was opened), and with `ahead`, read the conversation as the next prompt will render
    it, the last reply included (templates render a reply differently from how it was generated:
    trimmed, without its thinking), so the next turn reads only the new message. Answered with
    Ok(bool): whether a kept state was put back."""

    conversation_key: str
    ahead: ChatRequest | None = None


@dataclass(frozen=True)
class InjectFault:
    """Tests only (honoured only when BOTHY_TEST_FAULTS=1): crash after `after_tokens` reply tokens."""

    kind: str  # "abort", "segfault" or "exit"
    after_tokens: int = 1


@dataclass(frozen=True)
class Quit:
    pass


# -- events (engine process -> app) --------------------------------------------------------------
@dataclass(frozen=True)
class Ready:
    protocol_version: int


@dataclass(frozen=True)
class Ok:
    value: object = None


@dataclass(frozen=True)
class TextEvent:
    text: str
    thinking: bool = False  # a reasoning model's thinking before its answer, not the answer itself


@dataclass(frozen=True)
class ContextEvent:
    info: ContextInfo


@dataclass(frozen=True)
class DoneEvent:
    stats: ReplyStats


@dataclass(frozen=True)
class ErrorEvent:
    """A failed command. `kind` names an assistant.errors class, or "bug" for a programming error,
    whose details stay in the log: people get an apology, not a traceback."""

    kind: str
    message: str
    hint: str | None = None


ReplyEvent = TextEvent | ContextEvent | DoneEvent
