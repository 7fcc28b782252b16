"""Counting tokens without the model's tokenizer (a server that offers none): a careful overestimate.

Memory planning (assistant/memory.py) must not send more than fits, so an estimate errs high.
English runs about 4 characters a token; code and numbers fewer. Chinese, Japanese and Korean run
about one token a character or more (a character is not a quarter token, as a plain length/4 would
say), so each counts as 1.2. Every message costs its template's markup too.
"""

from __future__ import annotations

import math
import re

from assistant.engine.types import ChatRequest

_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")
PER_MESSAGE = 8  # role markers and separators of a chat template
CHARS_PER_TOKEN = 3.2  # lower than English's ~4: an estimate errs high


def estimate_text(text: str) -> int:
    wide = len(_WIDE.findall(text))
    narrow = len(text) - wide
    return math.ceil(wide * 1.2 + narrow / CHARS_PER_TOKEN)


def estimate_request(request: ChatRequest) -> int:
    total = PER_MESSAGE  # the generation prompt
    if request.system_prompt:
        total += PER_MESSAGE + estimate_text(request.system_prompt)
    for message in request.history:
        total += PER_MESSAGE + estimate_text(message.content)
    return total
