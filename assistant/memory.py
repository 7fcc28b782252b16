"""Short-term memory: which turns of a conversation are sent to the model.

Every turn sends the system prompt plus as many of the newest turns as fit the context window,
leaving room for the reply. Counting tokens needs the model's tokenizer and chat template, so the
caller passes `count_tokens(messages) -> int`, which renders and tokenizes a candidate prompt.

When the whole conversation fits (most turns), one render settles it. Otherwise the search grows
a window of newest turns exponentially and then bisects, so the work is proportional to what fits
the context, not to the length of the whole conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.errors import ContextOverflowError

Message = dict  # {"role": "system" | "user" | "assistant", "content": str}

DEFAULT_REPLY_RESERVE = 1024
MAX_CHARS_PER_TOKEN = 16


@dataclass(frozen=True)
class Fit:
    """The messages that fit, and what the caller should know about the rest."""

    messages: list[Message]
    prompt_tokens: int
    history_total: int  # messages in the conversation, the system prompt not counted
    history_in_context: int  # of those, how many are sent
    n_ctx: int
    reserve: int

    @property
    def dropped(self) -> int:
        """How many of the oldest messages no longer fit."""
        return self.history_total - self.history_in_context


def reply_reserve(n_ctx: int, max_tokens: int | None) -> int:
    """Tokens kept free for the reply: the reply limit, but never more than half the window."""
    wanted = max_tokens if max_tokens and max_tokens > 0 else DEFAULT_REPLY_RESERVE
    return max(1, min(wanted, n_ctx // 2))


def fit_messages(
    history: Sequence[Message],
    *,
    system_prompt: str | None,
    count_tokens: Callable[[list[Message]], int],
    n_ctx: int,
    reserve: int,
) -> Fit:
    """Choose the newest messages of `history` that fit `n_ctx - reserve` tokens.

    `history` is oldest first and ends with the user's new message. The window always starts at a
    user message, so the model never sees a reply without its question.
    Raises ContextOverflowError when even the newest message alone does not fit.
    """
    if not history:
        raise ValueError("history must end with the user's message")
    head = [{"role": "system", "content": system_prompt}] if system_prompt else []
    budget = n_ctx - reserve
    starts = [i for i, m in enumerate(history) if m["role"] == "user"] or [len(history) - 1]
    # starts[-1] is the newest user message; candidates go from newest (index -1) to oldest (0).

    def cost(start: int) -> int:
        return count_tokens(head + list(history[start:]))

    # Most turns the whole conversation fits: one render settles it. Tried only when the text is short
    # enough that it might (few tokens hold more than 16 characters), so the work stays bounded.
    chars = sum(len(m["content"]) for m in history[starts[0] :]) + len(system_prompt or "")
    whole = cost(starts[0]) if chars <= budget * MAX_CHARS_PER_TOKEN else budget + 1
    if whole <= budget:
        return Fit(
            messages=head + list(history[starts[0] :]),
            prompt_tokens=whole,
            history_total=len(history),
            history_in_context=len(history) - starts[0],
            n_ctx=n_ctx,
            reserve=reserve,
        )
    newest = starts[-1]
    newest_cost = cost(newest)
    if newest_cost > budget:
        alone = count_tokens(list(history[newest:]))
        raise ContextOverflowError(
            f"Your message is about {alone:,} tokens long, but this model's context window holds "
            f"{n_ctx:,} tokens, and {reserve:,} of them are kept free for the reply.",
            hint="Shorten the message or split it up, or raise the context length in the model's settings.",
        )
    # Exponential search: find the smallest number of user-turns k (counted from the newest) that
    # does NOT fit, then bisect between the last fit and it.
    good, good_cost = len(starts) - 1, newest_cost
    step = 1
    bad = None
    while True:
        candidate = len(starts) - 1 - step
        if candidate < 0:
            if good > 0:
                c = cost(starts[0])
                if c <= budget:
                    good, good_cost = 0, c
                else:
                    bad = 0
            break
        c = cost(starts[candidate])
        if c <= budget:
            good, good_cost = candidate, c
            step *= 2
        else:
            bad = candidate
            break
    if bad is not None:
        lo, hi = bad, good  # lo does not fit, hi fits
        while hi - lo > 1:
            mid = (lo + hi) // 2
            c = cost(starts[mid])
            if c <= budget:
                hi, good_cost = mid, c
            else:
                lo = mid
        good = hi
    start = starts[good]
    return Fit(
        messages=head + list(history[start:]),
        prompt_tokens=good_cost,
        history_total=len(history),
        history_in_context=len(history) - start,
        n_ctx=n_ctx,
        reserve=reserve,
    )
