"""Short-term memory: what of a conversation the model sees on a turn, within its context window.

Each turn sends one system message (the system prompt, the memory notes, the summary of earlier
messages, and the pinned messages from before the window) and then the window: the newest turns,
always starting at a question, ending with the user's new message, leaving room for the reply.

The window's start is sticky: it begins after the newest context mark (a summary, or a note that
messages were left out, stored with the conversation) and stays there turn after turn, so the
prompt's prefix stays the same and the engine's KV cache is reused: each turn processes only its
new tokens. When the window no longer fits, it moves forward in one chunk, far enough that what
remains takes at most KEEP_FRACTION of the room, not one turn at a time (which would change the
prefix, and so re-process the whole window, on every turn). The caller then records a mark for
the messages that fell out: a summary of them, or a note that they were left out.

Counting tokens needs the model's tokenizer and chat template: the caller passes
`count(system, history) -> int`. The search renders a handful of candidates at most.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.engine.types import ChatMessage
from assistant.errors import ContextOverflowError

DEFAULT_REPLY_RESERVE = 1024
KEEP_FRACTION = 1 / 3  # after the window moves, what remains takes at most this share of the room
MAX_CHARS_PER_TOKEN = 16  # no token holds more characters: a cheap "cannot fit" before rendering

Count = Callable[[str | None, list[ChatMessage]], int]


@dataclass(frozen=True)
class Turn:
    """A stored message the model may see (user or assistant, with text)."""

    id: int | None  # None: the user's message not stored yet
    role: str
    content: str
    pinned: bool = False


@dataclass(frozen=True)
class Memory:
    """What the model is told besides the window."""

    system_prompt: str | None = None
    notes: tuple[str, ...] = ()
    summary: str | None = None
    summarized: int = 0  # messages the summaries stand for
    left_out: int = 0  # messages left out with no summary
    after_id: int | None = None  # the newest mark ends here: the window starts after this message


@dataclass(frozen=True)
class Moved:
    """The window moved forward: these messages fell out of it (ids inclusive, in order)."""

    first_id: int
    last_id: int
    count: int


@dataclass
class Plan:
    system: str | None
    history: list[ChatMessage]
    prompt_tokens: int
    start: int  # index in the turns of the window's first message
    pinned: list[Turn]  # pinned turns from before the window, sent in the system message
    moved: Moved | None  # set when the window had to move past the newest mark
    budget: int

    @property
    def in_context(self) -> int:
        return len(self.history)


def reply_reserve(n_ctx: int, max_tokens: int | None) -> int:
    """Tokens kept free for the reply: the reply limit, but never more than half the window."""
    wanted = max_tokens if max_tokens and max_tokens > 0 else DEFAULT_REPLY_RESERVE
    return max(1, min(wanted, n_ctx // 2))


def compose_system(memory: Memory, pinned: Sequence[Turn]) -> str | None:
    """The one system message: prompt, notes, summary, pinned messages (whichever exist)."""
    parts = [memory.system_prompt.strip()] if memory.system_prompt and memory.system_prompt.strip() else []
    if memory.notes:
        parts.append("Things to remember:\n" + "\n".join(f"- {note}" for note in memory.notes))
    if memory.summary:
        parts.append("Summary of the earlier part of this conversation:\n" + memory.summary.strip())
    if pinned:
        lines = "\n".join(f"{'User' if t.role == 'user' else 'Assistant'}: {t.content}" for t in pinned)
        parts.append("Messages kept from earlier in this conversation:\n" + lines)
    return "\n\n".join(parts) or None


def plan_window(
    turns: Sequence[Turn],
    memory: Memory,
    *,
    count: Count,
    n_ctx: int,
    reserve: int,
    keep: float = KEEP_FRACTION,
) -> Plan:
    """What to send for a conversation whose turns (oldest first) end with the user's new message.

    Raises ContextOverflowError, saying what is too long, when even the new message alone does not fit.
    """
    if not turns or turns[-1].role != "user":
        raise ValueError("turns must end with the user's message")
    budget = n_ctx - reserve
    starts = [i for i, t in enumerate(turns) if t.role == "user"]
    sticky = _window_start(turns, starts, memory.after_id)

    def build(start: int) -> tuple[str | None, list[ChatMessage]]:
        pinned = [t for t in turns[:start] if t.pinned]
        return compose_system(memory, pinned), [ChatMessage(t.role, t.content) for t in turns[start:]]

    def cost(start: int) -> int:
        return count(*build(start))

    def plan(start: int, tokens: int, moved: Moved | None) -> Plan:
        system, history = build(start)
        return Plan(system, history, tokens, start, [t for t in turns[:start] if t.pinned], moved, budget)

    chars = sum(len(t.content) for t in turns[sticky:]) + len(build(sticky)[0] or "")
    whole = cost(sticky) if chars <= budget * MAX_CHARS_PER_TOKEN else budget + 1
    if whole <= budget:
        return plan(sticky, whole, None)
    newest = starts[-1]
    newest_cost = cost(newest)
    if newest_cost > budget:
        raise _overflow(turns[newest], build(newest)[0], count, n_ctx, reserve)
    later = [i for i in starts if i > sticky]
    start, tokens = _earliest_within(later, cost, int(budget * keep), newest, newest_cost)
    fell = [t for t in turns[sticky:start] if t.id is not None]
    moved = Moved(fell[0].id, fell[-1].id, len(fell)) if fell else None
    return plan(start, tokens, moved)


def _window_start(turns: Sequence[Turn], starts: list[int], after_id: int | None) -> int:
    """The first question after the newest mark (`after_id`), or the newest question."""
    for i in starts:
        if after_id is None or turns[i].id is None or turns[i].id > after_id:
            return i
    return starts[-1]


def _earliest_within(starts: list[int], cost: Callable[[int], int], limit: int, newest: int, newest_cost: int):
    """The earliest of `starts` whose cost is at most `limit` (costs fall as the start moves later),
    else the newest. Grows a window backwards from the newest exponentially, then bisects."""
    good, good_cost = len(starts) - 1, newest_cost
    if newest_cost > limit:
        return newest, newest_cost
    step, bad = 1, None
    while True:
        candidate = len(starts) - 1 - step
        if candidate < 0:
            if good > 0:
                c = cost(starts[0])
                if c <= limit:
                    good, good_cost = 0, c
                else:
                    bad = 0
            break
        c = cost(starts[candidate])
        if c <= limit:
            good, good_cost = candidate, c
            step *= 2
        else:
            bad = candidate
            break
    if bad is not None:
        lo, hi = bad, good
        while hi - lo > 1:
            mid = (lo + hi) // 2
            c = cost(starts[mid])
            if c <= limit:
                hi, good_cost = mid, c
            else:
                lo = mid
        good = hi
    return starts[good], good_cost


def _overflow(newest: Turn, system: str | None, count: Count, n_ctx: int, reserve: int) -> ContextOverflowError:
    """Why even the newest message does not fit: the message itself, or the memory sent with it."""
    budget = n_ctx - reserve
    memory_cost = count(system, [ChatMessage("user", "?")]) if system else 0
    alone = count(None, [ChatMessage(newest.role, newest.content)])
    room = f"this model's context window holds {n_ctx:,} tokens, and {reserve:,} of them are kept free for the reply"
    if memory_cost > budget // 2 and alone <= budget:
        return ContextOverflowError(
            f"The memory sent with every message (system prompt, memory notes, pinned messages) takes about "
            f"{memory_cost:,} tokens, and with your message it is {memory_cost + alone - budget:,} tokens too "
            f"many: {room}.",
            hint="Unpin some messages or shorten the memory notes, or raise the context length in Settings > Models.",
        )
    return ContextOverflowError(
        f"Your message is about {alone:,} tokens long, but {room}.",
        hint="Shorten the message or split it up, or raise the context length in the model's settings.",
    )
