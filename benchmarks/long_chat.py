"""Item 8: a long conversation costs what a short one does, once the context is full.

One real conversation per context length and memory policy, through ChatSession as the app runs it
(assistant/conversation_memory.py): questions of about 80 tokens, short replies, until the context
has been full for a number of turns. Per turn: the prompt tokens the engine processed (those for
writing a summary since the previous turn included) and the time to the first token.

Figures, each after the context fills / before it, in the same run:
- "window" (leave out the oldest messages, in chunks) and "summarize" (the default): prompt tokens
  processed per turn, goals 2x and 3x; median time to first token, goal 1.5x; worst turn in the note.
- "today's behaviour" (the window fitted anew every turn, as Bothy did before memory): the ratio for
  comparison. It re-processes the whole window on every turn, so it runs fewer turns at 8,192.

At 8,192 the window moves only about every 40 turns, so the run goes on for 60 turns past the fill:
over just the first 30, which hold the one move at the fill and none after, leaving messages out
averaged 2.15x, a figure of where the window moved rather than of a long conversation.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks.report import Figure

REPLY_TOKENS = 48
TOPICS = ("rivers", "mountains", "bread", "trains", "the moon", "tea", "chess", "violins", "bees", "glass")
TOPICS += ("kites", "maps", "clocks", "owls", "salt", "bridges", "snow", "coffee", "lighthouses", "volcanoes")


def question(i: int) -> str:
    """About 80 tokens with the starter model's tokenizer, different every turn."""
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"Question {i}: I have been reading about {topic} this week and I would like to understand them better. "
        f"Could you tell me two short facts about {topic}, explain in plain words why they matter to people "
        f"who live near them today, and suggest one simple thing I could look at or try myself this weekend?"
    )


@dataclass
class Run:
    policy: str
    n_ctx: int
    evals: list[int] = field(default_factory=list)
    ttfts: list[float] = field(default_factory=list)
    fill: int | None = None  # the first turn whose window no longer held the whole conversation
    marks: int = 0

    def before_after(self, values: list) -> tuple[list, list]:
        return values[1 : self.fill], values[self.fill :]  # turn 0 has no cache to reuse: left out


def converse(model: Path, load, policy: str, n_ctx: int, past_fill: int, log=print) -> Run:
    from assistant.engine import GenerationSettings, LocalEngine, ModelRef
    from assistant.session import ChatSession
    from assistant.store import Store

    engine = LocalEngine()
    store = Store()
    try:
        engine.load(ModelRef.local(model), replace(load, n_ctx=n_ctx))
        session = ChatSession(store, engine, memory_policy=policy)
        conversation = store.create_conversation(system_prompt="You are a helpful assistant.")["id"]
        run = Run(policy, n_ctx)
        i = 0
        while run.fill is None or i < run.fill + past_fill:
            gen = GenerationSettings(max_tokens=REPLY_TOKENS, seed=i, temperature=0.7)
            turn = session.send(conversation, question(i), gen).consume()
            stats, context = turn.stats, turn.context
            run.evals.append(stats.prompt_eval_tokens)
            run.ttfts.append(stats.ttft_ms)
            if run.fill is None and context.history_in_context < context.history_total:
                run.fill = i
                log(f"{policy} at {n_ctx}: the context filled at turn {i}")
            if turn.status == "complete" and session.after_turn(conversation, gen) is not None:
                run.marks += 1
            i += 1
        return run
    finally:
        engine.close()
        store.close()


def figures_for(runs: dict[str, Run], n_ctx: int) -> list[Figure]:
    item = "8 long conversation"
    out = []
    legacy = runs.get("legacy")
    if legacy is not None:
        before, after = legacy.before_after(legacy.evals)
        out.append(
            Figure(
                item,
                f"{n_ctx:,} context, before memory: prompt tokens per turn after the context fills / before",
                statistics.mean(after) / statistics.mean(before),
                "ratio",
                note=f"{statistics.mean(after):.0f} / {statistics.mean(before):.0f} tokens, "
                f"{len(after)} turns after turn {legacy.fill}; the window fitted anew every turn",
            )
        )
    for policy, goal, label in (("window", 2.0, "leaving out"), ("summarize", 3.0, "summaries")):
        run = runs.get(policy)
        if run is None:
            continue
        before, after = run.before_after(run.evals)
        ratio = statistics.mean(after) / statistics.mean(before)
        out.append(
            Figure(
                item,
                f"{n_ctx:,} context, {label}: prompt tokens per turn after the context fills / before",
                ratio,
                "ratio",
                goal,
                note=f"{statistics.mean(after):.0f} / {statistics.mean(before):.0f} tokens over {len(after)} turns "
                f"after turn {run.fill}; worst turn {max(after):,}; {run.marks} summaries written",
                samples=after,
            )
        )
        t_before, t_after = run.before_after(run.ttfts)
        out.append(
            Figure(
                item,
                f"{n_ctx:,} context, {label}: median time to first token after / before",
                statistics.median(t_after) / statistics.median(t_before),
                "ratio",
                1.5,
                note=f"{statistics.median(t_after):.0f} / {statistics.median(t_before):.0f} ms; "
                f"worst {max(t_after):.0f} ms",
            )
        )
    return out


def run(model: Path, load, *, quick: bool, log=print) -> list[Figure]:
    """Every context length and policy; --quick: one small context, a few turns past the fill."""
    plan = [(512, 1, ("summarize",))] if quick else [(2048, 30, None), (8192, 60, None)]
    out = []
    for n_ctx, past_fill, policies in plan:
        runs = {}
        for policy in policies or ("legacy", "window", "summarize"):
            turns = 8 if policy == "legacy" and n_ctx > 4096 else past_fill
            runs[policy] = converse(model, load, policy, n_ctx, turns, log)
        out += figures_for(runs, n_ctx)
    return out
