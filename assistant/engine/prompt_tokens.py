r"""Tokenizing prompts that repeat: a turn's prompt is the last one with a few messages added.

Tokenizing the whole prompt again each turn costs time that grows with the conversation (3.4 ms
for 1,500 tokens with the starter model, done twice a turn: to plan the window and to answer).
llama.cpp's tokenizer first cuts the text at special tokens (`<|im_start|>`, `<start_of_turn>`,
...) and tokenizes each stretch of text between them on its own, so cutting a prompt just before
a special token and tokenizing the pieces separately gives the same tokens. The pieces are
mostly whole messages as the template writes them, and each is kept with its tokens: a turn then
tokenizes only what is new.

Not every special token may be cut before: one that strips the whitespace to its left
(LLAMA_TOKEN_ATTR_LSTRIP) takes it from the piece before it, and one whose text overlaps another
special token's may lose to it (llama.cpp looks for the longest special tokens first: Gemma's
"\n\n\n" is one token, not "\n\n" and "\n"). The cut points are learnt from the first prompt, and
checked on it: if the pieces' tokens differ from the whole's, this model's prompts are always
tokenized whole.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable

MAX_CACHED_CHARS = 4_000_000  # the pieces kept (a few MB): far more than a context window holds


def safe_cut_points(candidates: Iterable[str], specials: Iterable[str]) -> set[str]:
    r"""Those of `candidates` (special tokens' texts) that no other special token llama.cpp looks for
    first (one at least as long) overlaps: contains, begins inside or ends inside. Overlapping
    itself is fine ("\n\n" in "\n\n\n\n" is found left to right, as the pieces are cut)."""
    specials = [s for s in specials if s]
    safe = set()
    for m in set(candidates):
        heads = {m[:k] for k in range(1, len(m))}
        tails = {m[k:] for k in range(1, len(m))}

        def overlaps(s: str, m=m, heads=heads, tails=tails) -> bool:
            return m in s or any(s[-k:] in heads or s[:k] in tails for k in range(1, len(m)))

        if not any(len(s) >= len(m) and s != m and overlaps(s) for s in specials):
            safe.add(m)
    return safe


class PromptTokens:
    """`tokens(text)`: what `tokenize(text)` gives, from cached pieces where the text repeats.

    `tokenize(text)`: the model's tokenizer (special tokens parsed, no BOS added). `cut_before(tokens)`:
    the texts of those special tokens among `tokens` that a prompt may be cut before."""

    def __init__(
        self,
        tokenize: Callable[[str], list[int]],
        cut_before: Callable[[Iterable[int]], set[str]],
        *,
        max_cached_chars: int = MAX_CACHED_CHARS,
    ):
        self._tokenize = tokenize
        self._cut_before = cut_before
        self._max_chars = max_cached_chars
        self._cached_chars = 0
        self._pieces: OrderedDict[str, array] = OrderedDict()
        self._splitter: re.Pattern | None = None
        self.learnt = False  # the cut points were learnt (from the first prompt)

    @property
    def cutting(self) -> bool:
        """Whether prompts are tokenized in pieces (False: whole, each time)."""
        return self._splitter is not None

    def tokens(self, text: str) -> list[int]:
        if not self.learnt:
            return self._learn(text)
        if self._splitter is None:
            return self._tokenize(text)
        out = array("i")
        for piece in self.split(text):
            out.extend(self._piece(piece))
        return out.tolist()

    def split(self, text: str) -> list[str]:
        r"""The pieces `text` is tokenized in ([text] when prompts are tokenized whole): cut before
        each special token, found left to right, the longest where several start at one place
        ("\n\n\n" is "\n\n" then "\n", as llama.cpp reads it, not three cuts)."""
        if self._splitter is None:
            return [text]
        cuts = [m.start() for m in self._splitter.finditer(text)]
        if not cuts or cuts[0] != 0:
            cuts.insert(0, 0)
        cuts.append(len(text))
        return [text[a:b] for a, b in itertools.pairwise(cuts) if b > a]

    def _piece(self, piece: str) -> array:
        tokens = self._pieces.get(piece)
        if tokens is not None:
            self._pieces.move_to_end(piece)
            return tokens
        tokens = array("i", self._tokenize(piece))
        if len(piece) <= self._max_chars:
            self._pieces[piece] = tokens
            self._cached_chars += len(piece)
            while self._cached_chars > self._max_chars:
                dropped, _ = self._pieces.popitem(last=False)
                self._cached_chars -= len(dropped)
        return tokens

    def _learn(self, text: str) -> list[int]:
        """Tokenize `text` whole, find its cut points and check that cutting there changes nothing."""
        whole = self._tokenize(text)
        markers = sorted((m for m in self._cut_before(whole) if m and m in text), key=len, reverse=True)
        self.learnt = True
        if markers:
            self._splitter = re.compile("|".join(re.escape(m) for m in markers))
            if self.tokens(text) != whole:
                self._splitter = None
                self._pieces.clear()
                self._cached_chars = 0
        return whole
