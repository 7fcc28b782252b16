"""Two kinds of failure.

UserFacingError: something about the user's environment or input (a bad model file, a prompt that
is too long, a full disk). Its message is written for people and is shown as it is, with no
traceback. Everything else is a bug: it goes to the log with its traceback.
"""

from __future__ import annotations


class BothyError(Exception):
    """Base of all of Bothy's own errors."""


class UserFacingError(BothyError):
    """An error whose message is meant for the person using Bothy.

    `hint` says what to do about it, when there is something to do.
    """

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class ModelError(UserFacingError):
    """A model file that cannot be read or loaded."""


class ContextOverflowError(UserFacingError):
    """A prompt that does not fit the model's context window."""


class EngineCrashedError(UserFacingError):
    """The engine process died during a request; the next request starts a new one."""


class StoreError(UserFacingError):
    """The conversation database cannot be used (full disk, read-only, corrupt, too new)."""
