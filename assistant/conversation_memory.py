"""Each conversation's memory beyond the context window, kept by the session.

For every turn it plans what the model sees (assistant/memory.py: the system prompt, memory notes,
the summary, pinned messages, the window of recent messages). When the window has to move forward,
the conversation's policy decides what happens to the messages that fall out:

- "summarize" (the default): the model summarizes them; the summary is stored as a context mark
  and sent from then on. If that fails (an error, an empty summary, one in another language or
  longer than the messages), they are left out instead, and the mark says why.
- "window": they are left out, and a mark says so.
- "ask": nothing is sent; ContextFullError lets the person choose (a larger context, or a new
  chat that carries a summary).
- "legacy": the window is fitted anew every turn and nothing is marked (Bothy before memory;
  the benchmarks compare with it).

Summaries are written when it costs the person nothing where possible: `after_reply` sees that the
next message will not fit and summarizes right away, continuing the conversation the engine has
just answered (its KV cache holds it). The tokens processed for memory are added to the next
turn's statistics (`take_overhead`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from assistant import memory, summaries
from assistant.engine import ChatMessage, ChatRequest, ContextInfo, Engine, GenerationSettings, Reply
from assistant.errors import UserFacingError
from assistant.settings import MEMORY_POLICIES
from assistant.store import Store

log = logging.getLogger("bothy.memory")

POLICIES = MEMORY_POLICIES
_SKIP_IN_HISTORY = {"error"}  # replies that carry no words for the model to see again


class ContextFullError(UserFacingError):
    """The conversation no longer fits and its policy is to ask the person what to do."""

    def __init__(self, message: str, *, conversation_id: int, needed: int, n_ctx: int):
        super().__init__(message, hint="Raise the context length, or start a new chat that carries a summary.")
        self.conversation_id, self.needed, self.n_ctx = conversation_id, needed, n_ctx


def turns_of(messages: list[dict]) -> list[memory.Turn]:
    """The stored messages the model may see: user and assistant turns with text, oldest first."""
    out = []
    for m in messages:
        if m["role"] not in ("user", "assistant"):
            continue
        if m["role"] == "assistant" and (m["status"] in _SKIP_IN_HISTORY or not m["content"]):
            continue
        out.append(memory.Turn(m.get("id"), m["role"], m["content"], bool(m.get("pinned"))))
    return out


@dataclass
class Planned:
    """A turn's plan and what the person is shown of it."""

    plan: memory.Plan
    context: ContextInfo
    memory: memory.Memory


class ConversationMemory:
    def __init__(self, store: Store, engine: Engine, *, default_policy: str = "summarize"):
        self.store = store
        self.engine = engine
        self.default_policy = default_policy
        self.on_status: Callable[[int], None] | None = None  # summarizing this many messages now; 0: done
        self._overhead: dict[int, int] = {}
        self._counts: dict[str, int] = {}
        self._writing: Reply | None = None

    # -- policy and plan -------------------------------------------------------------------------
    def policy(self, conversation: dict) -> str:
        chosen = (conversation.get("settings") or {}).get("memory_policy")
        return chosen if chosen in (*POLICIES, "legacy") else self.default_policy

    def _count(self, system: str | None, history: list[ChatMessage]) -> int:
        return self.engine.count_tokens(ChatRequest(list(history), system_prompt=system))

    def _count_text(self, text: str) -> int:
        if text not in self._counts:
            if len(self._counts) > 256:
                self._counts.clear()
            self._counts[text] = self.engine.count_text(text)
        return self._counts[text]

    def _memory(self, conversation: dict, turns: list[memory.Turn], policy: str) -> memory.Memory:
        cid = conversation["id"]
        notes = tuple(n["content"] for n in self.store.memory_notes(cid))
        if policy == "legacy":
            return memory.Memory(conversation.get("system_prompt"), notes)
        marks = self.store.context_marks(cid)
        summary = next((m for m in reversed(marks) if m["kind"] == "summary"), None)
        summarized = sum(1 for t in turns if summary and t.id is not None and t.id <= summary["last_message_id"])
        return memory.Memory(
            system_prompt=conversation.get("system_prompt"),
            notes=notes,
            summary=summary["content"] if summary else None,
            summarized=summarized,
            after_id=marks[-1]["last_message_id"] if marks else None,
        )

    def _plan(
        self, conversation: dict, turns: list[memory.Turn], settings: GenerationSettings, extra: int = 0
    ) -> Planned:
        policy = self.policy(conversation)
        mem = self._memory(conversation, turns, policy)
        n_ctx = self.engine.loaded.n_ctx
        reserve = memory.reply_reserve(n_ctx, settings.max_tokens) + extra
        if policy == "summarize":  # room to write the summary right after a reply, continuing it
            reserve = max(reserve, min(summaries.ROOM, n_ctx // 2))
        keep = 1.0 if policy == "legacy" else memory.KEEP_FRACTION
        plan = memory.plan_window(turns, mem, count=self._count, n_ctx=n_ctx, reserve=reserve, keep=keep)
        return Planned(plan, self._context(plan, mem, turns, n_ctx, reserve), mem)

    def _context(self, plan, mem: memory.Memory, turns, n_ctx: int, reserve: int) -> ContextInfo:
        before = turns[: plan.start]
        summarized = min(mem.summarized, len(before))
        pinned = len(plan.pinned)
        base = memory.compose_system(memory.Memory(mem.system_prompt, mem.notes), [])
        summary = memory.compose_system(memory.Memory(summary=mem.summary), []) if mem.summary else None
        pinned_text = memory.compose_system(memory.Memory(), plan.pinned) if plan.pinned else None
        return ContextInfo(
            n_ctx=n_ctx,
            prompt_tokens=plan.prompt_tokens,
            reserve=reserve,
            history_total=len(turns),
            history_in_context=plan.in_context,
            summarized=summarized,
            dropped=max(0, len(before) - summarized - sum(1 for t in before[summarized:] if t.pinned)),
            pinned=pinned,
            notes=len(mem.notes),
            system_tokens=self._count_text(base) if base else 0,
            summary_tokens=self._count_text(summary) if summary else 0,
            pinned_tokens=self._count_text(pinned_text) if pinned_text else 0,
            moved=plan.moved is not None,
        )

    # -- a turn ----------------------------------------------------------------------------------
    def check_fits(self, conversation_id: int, text: str, settings: GenerationSettings, replace_from=None) -> None:
        """For the "ask" policy, before anything is stored: ContextFullError when `text` needs the
        window to move."""
        conversation = self.store.get_conversation(conversation_id)
        if self.policy(conversation) != "ask":
            return
        messages = self.store.messages(conversation_id)
        if replace_from is not None:
            messages = [m for m in messages if m["id"] < replace_from]
        turns = [*turns_of(messages), memory.Turn(None, "user", text)]
        planned = self._plan(conversation, turns, settings)
        if planned.plan.moved is not None:
            n_ctx = planned.context.n_ctx
            raise ContextFullError(
                f"This conversation no longer fits the model's context of {n_ctx:,} tokens.",
                conversation_id=conversation_id,
                needed=self._count(planned.plan.system, [ChatMessage(t.role, t.content) for t in turns]),
                n_ctx=n_ctx,
            )

    def plan_turn(self, conversation_id: int, settings: GenerationSettings, *, extra: int = 0) -> Planned:
        """The plan for the turn whose user message is stored last. When the window moves, the
        policy's mark is recorded first (a summary is written now if none was ready). `extra`:
        tokens to keep free besides the reply's (for passages of the person's documents)."""
        conversation = self.store.get_conversation(conversation_id)
        turns = turns_of(self.store.messages(conversation_id))
        planned = self._plan(conversation, turns, settings, extra)
        policy = self.policy(conversation)
        for _ in range(2):  # a summary that does not make room is followed by leaving messages out
            moved = planned.plan.moved
            if moved is None or policy == "legacy":
                return planned
            if policy == "summarize" and not self._summarized_before(conversation_id, moved):
                self._summarize(conversation, turns[:-1], moved, settings)
            else:
                self._leave_out(conversation_id, moved, None)
            planned = self._plan(conversation, turns, settings, extra)
            planned.context.moved = True
        return planned  # it fits: moving the window always makes room; the marks are what changed

    def after_reply(self, conversation_id: int, settings: GenerationSettings) -> dict | None:
        """Right after a reply: if the next message will not fit, summarize the messages that will
        fall out now, while the person reads. Returns the new mark, or None."""
        conversation = self.store.get_conversation(conversation_id)
        if self.policy(conversation) != "summarize":
            return None
        turns = turns_of(self.store.messages(conversation_id))
        if not turns or turns[-1].role != "assistant":
            return None
        last_question = next(t for t in reversed(turns) if t.role == "user")
        planned = self._plan(conversation, [*turns, memory.Turn(None, "user", last_question.content)], settings)
        if planned.plan.moved is None:
            return None
        return self._summarize(conversation, turns, planned.plan.moved, settings)

    def take_overhead(self, conversation_id: int) -> int:
        """Tokens processed for this conversation's memory since its last turn (and forget them)."""
        return self._overhead.pop(conversation_id, 0)

    def stop(self) -> None:
        """Stop the summary being written (its messages are then left out, and the mark says so)."""
        writing = self._writing
        if writing is not None:
            writing.stop()

    # -- marks -----------------------------------------------------------------------------------
    def _summarized_before(self, conversation_id: int, moved: memory.Moved) -> bool:
        marks = self.store.context_marks(conversation_id)
        return bool(marks) and marks[-1]["last_message_id"] >= moved.last_id

    def _leave_out(self, conversation_id: int, moved: memory.Moved, why: str | None) -> dict:
        return self.store.add_context_mark(
            conversation_id, kind="dropped", first_message_id=moved.first_id, last_message_id=moved.last_id, note=why
        )

    def _summarize(self, conversation: dict, answered: list[memory.Turn], moved: memory.Moved, settings) -> dict:
        """Summarize the messages `moved` names and record the mark (or leave them out, saying why).

        `answered`: the turns up to the newest reply, the conversation the engine's cache holds.
        """
        cid = conversation["id"]
        covered = [t for t in answered if t.id is not None and moved.first_id <= t.id <= moved.last_id]
        language = summaries.language_of([t.content for t in covered])
        request = self._summary_request(conversation, answered, covered, language, settings)
        try:
            text, cost = self._write(request, covered, moved.count, cid)
        except UserFacingError as exc:
            return self._leave_out(cid, moved, exc.message)
        return self.store.add_context_mark(
            cid, kind="summary", first_message_id=moved.first_id, last_message_id=moved.last_id, content=text, **cost
        )

    def _write(self, request: ChatRequest, covered: list[memory.Turn], count: int, cid: int) -> tuple[str, dict]:
        """The model's summary for `request` and what it cost; UserFacingError saying why it cannot be used."""
        log.info("writing a summary of %d messages of conversation %d", count, cid)
        if self.on_status:
            self.on_status(count)
        try:
            reply = self._writing = self.engine.chat(request)
            reply.consume()
        except UserFacingError as exc:
            log.warning("summary failed: %s", exc)
            raise UserFacingError(f"summarizing failed: {exc.message}") from None
        finally:
            self._writing = None
            if self.on_status:
                self.on_status(0)
        stats = reply.stats
        if stats is not None:
            self._overhead[cid] = self._overhead.get(cid, 0) + stats.prompt_eval_tokens + stats.reply_tokens
        if stats is not None and stats.finish_reason == "cancelled":
            raise UserFacingError("the summary was stopped")
        text = summaries.cleaned(reply.text)
        why = summaries.rejection(text, [t.content for t in covered], self._count_text)
        if why is not None:
            log.info("summary refused: %s", why)
            raise UserFacingError(why)
        loaded = self.engine.loaded
        cost = {
            "engine": loaded.engine if loaded else None,
            "model_ref": loaded.model.key if loaded else None,
            "prompt_tokens": stats.prompt_eval_tokens if stats else None,
            "reply_tokens": stats.reply_tokens if stats else None,
        }
        return text, cost

    def _summary_request(self, conversation, answered, covered, language: str, settings) -> ChatRequest:
        """Continue the conversation the engine just answered when that fits; else ask on its own."""
        key = str(conversation["id"])
        n_ctx = self.engine.loaded.n_ctx
        question = max((i for i, t in enumerate(answered) if t.role == "user"), default=None)
        if question is not None and question < len(answered) - 1:
            previous = self._plan(conversation, answered[: question + 1], settings).plan
            history = [*previous.history, *(ChatMessage(t.role, t.content) for t in answered[question + 1 :])]
            request = summaries.continuation(previous.system, history, language, key)
            if self._count(request.system_prompt, request.history) + summaries.SUMMARY_MAX_TOKENS < n_ctx:
                return request
        earlier = self._memory(conversation, answered, "summarize").summary
        return summaries.standalone(self._fitting(covered), earlier, language, key)

    def _fitting(self, turns: list[memory.Turn]) -> list[ChatMessage]:
        """The newest of `turns` whose transcript, asked about on its own, fits the context."""
        n_ctx = self.engine.loaded.n_ctx
        chosen = [ChatMessage(t.role, t.content) for t in turns]
        while len(chosen) > 1:
            request = summaries.standalone(chosen, None, "en", None)
            if self._count(request.system_prompt, request.history) + summaries.SUMMARY_MAX_TOKENS < n_ctx:
                break
            chosen = chosen[len(chosen) // 4 or 1 :]
        return chosen

    # -- asked for by the person ------------------------------------------------------------------
    def rewrite(self, mark_id: int) -> dict:
        """Write a summary again (or, for messages that were left out, write one now). Returns the
        mark; UserFacingError saying why when the model's new summary cannot be used."""
        mark = self.store.context_mark(mark_id)
        cid = mark["conversation_id"]
        turns = turns_of(self.store.messages(cid))
        covered = [t for t in turns if mark["first_message_id"] <= t.id <= mark["last_message_id"]]
        if not covered:
            raise UserFacingError("There is nothing in these messages to summarize.")
        marks = self.store.context_marks(cid)
        earlier = [m for m in marks if m["kind"] == "summary" and m["last_message_id"] < mark["first_message_id"]]
        language = summaries.language_of([t.content for t in covered])
        request = summaries.standalone(
            self._fitting(covered), earlier[-1]["content"] if earlier else None, language, str(cid)
        )
        text, cost = self._write(request, covered, len(covered), cid)
        self._overhead.pop(cid, None)  # asked for by the person: not part of any turn's cost
        return self.store.update_context_mark(mark_id, text, edited=False, **cost)

    def carry_over(self, conversation_id: int) -> int:
        """A new chat that starts with a summary of this one (as its memory note). Returns its id."""
        conversation = self.store.get_conversation(conversation_id)
        turns = turns_of(self.store.messages(conversation_id))
        if not turns:
            raise UserFacingError("This chat has nothing to carry over yet.")
        summary = self._memory(conversation, turns, "summarize").summary
        language = summaries.language_of([t.content for t in turns])
        request = summaries.standalone(self._fitting(turns), summary, language, str(conversation_id))
        text, _cost = self._write(request, turns, len(turns), conversation_id)
        self._overhead.pop(conversation_id, None)
        title = conversation.get("title") or "an earlier chat"
        new = self.store.create_conversation(system_prompt=conversation.get("system_prompt"))
        self.store.add_memory_note(f"Summary of “{title}”: {text}", conversation_id=new["id"])
        return new["id"]
