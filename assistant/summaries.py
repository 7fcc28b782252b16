"""Summaries of the messages that leave the model's window: asking for one, and checking it.

The model summarizes in the conversation's language: the instruction is written in it (Chinese,
Japanese or English, from the scripts its messages use), and a summary in another script is refused.

Two ways to ask:
- continuing the conversation (the usual way, right after a reply): the request is the prompt the
  model just answered, its reply, and the instruction as one more user message. The engine's KV
  cache already holds all but the instruction, so writing the summary costs the instruction and the
  summary's own tokens, not a re-reading of the conversation.
- on its own (when that would not fit, or to write an older summary again): the transcript of the
  messages, after the summary of what came before them.

A summary is refused (and the caller falls back to leaving the messages out, and says why) when it
is empty, in another language, or not shorter than what it summarizes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.engine.types import ChatMessage, ChatRequest, GenerationSettings

SUMMARY_MAX_TOKENS = 200
ROOM = SUMMARY_MAX_TOKENS + 100  # what asking for a summary and writing it take after a reply
SUMMARY_SETTINGS = GenerationSettings(temperature=0.3, top_p=0.9, max_tokens=SUMMARY_MAX_TOKENS, seed=1)

INSTRUCTIONS = {
    "en": (
        "Summarize our conversation so far in a few sentences, for your own memory: the facts, names, "
        "numbers, decisions and open questions worth remembering. Write only the summary."
    ),
    "zh": (
        "请用中文简要总结我们到目前为止的对话，供你自己记忆：值得记住的事实、名字、数字、决定和未解决的问题。只写总结。"
    ),
    "ja": (
        "ここまでの会話を日本語で数文に要約してください。覚えておくべき事実、名前、数字、決定、未解決の問題を含め、"
        "要約だけを書いてください。"
    ),
}
STANDALONE_SYSTEM = "You write short, faithful summaries of conversations."
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LEADING_LABEL = re.compile(r"^\s*(summary|总结|摘要|要約)\s*[:：]\s*", re.IGNORECASE)


def language_of(texts: Sequence[str]) -> str:
    """ "zh", "ja" or "en": the script most of the letters in `texts` are written in."""
    text = "".join(texts)
    letters = sum(1 for c in text if c.isalpha())
    if not letters:
        return "en"
    kana, cjk = len(_KANA.findall(text)), len(_CJK.findall(text))
    if kana >= 0.1 * letters:
        return "ja"
    return "zh" if cjk >= 0.3 * letters else "en"


def cleaned(summary: str) -> str:
    """The model's summary without a leading "Summary:" and surrounding blank space."""
    return _LEADING_LABEL.sub("", summary.strip()).strip()


def rejection(summary: str, covered: Sequence[str], count_text: Callable[[str], int]) -> str | None:
    """Why `summary` cannot stand for the `covered` messages (for people), or None if it can."""
    if not summary.strip():
        return "the model wrote an empty summary"
    wanted, got = language_of(covered), language_of([summary])
    if (wanted == "en") != (got == "en"):
        return "the model wrote the summary in another language"
    if count_text(summary) >= count_text("\n".join(covered)):
        return "the model's summary was longer than the messages it summarized"
    return None


def continuation(system: str | None, history: Sequence[ChatMessage], language: str, key: str | None) -> ChatRequest:
    """Ask for the summary as the next turn of the conversation the engine has just answered."""
    messages = [*history, ChatMessage("user", INSTRUCTIONS[language])]
    return ChatRequest(messages, system_prompt=system, settings=SUMMARY_SETTINGS, conversation_key=key)


def standalone(
    covered: Sequence[ChatMessage], earlier_summary: str | None, language: str, key: str | None
) -> ChatRequest:
    """Ask for the summary of `covered` on its own: a transcript, after the summary of what came before."""
    lines = [f"{'User' if m.role == 'user' else 'Assistant'}: {m.content}" for m in covered]
    before = f"Summary of what came before:\n{earlier_summary}\n\n" if earlier_summary else ""
    text = f"{before}The conversation:\n\n" + "\n\n".join(lines) + "\n\n" + INSTRUCTIONS[language]
    return ChatRequest(
        [ChatMessage("user", text)],
        system_prompt=STANDALONE_SYSTEM,
        settings=SUMMARY_SETTINGS,
        conversation_key=f"{key}:summary" if key else None,
    )
