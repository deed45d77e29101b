"""Tokens and sentences from recognizer words, robust to the little punctuation Whisper writes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.analysis.types import Word

_STRIP = re.compile(r"[^\w'%$.-]+")
_END_PUNCT = re.compile(r"[.?!]['\")\]]*$")

# Words that often open a new sentence in speech; used to cut unpunctuated run-ons.
_OPENERS = (
    "so",
    "and then",
    "then",
    "but",
    "after that",
    "in the end",
    "eventually",
    "ultimately",
    "my job",
    "my role",
    "my goal",
    "i learned",
    "since then",
    "the lesson",
    "looking back",
    "as a result",
    "the result",
    "because of that",
    "at the time",
    "i decided",
    "first",
    "next",
    "finally",
    "once",
    "now i",
    "that meant",
    "what i",
)
MAX_SENTENCE_WORDS = 32
SENTENCE_GAP_S = 0.8


def norm(token: str) -> str:
    """Lowercase a token and drop surrounding punctuation, keeping inner apostrophes and hyphens."""
    t = _STRIP.sub("", token.lower().replace("’", "'"))
    return t.strip(".'-")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    first: int  # index of the first word in the transcript
    last: int  # index of the last word (inclusive)
    text: str
    tokens: tuple[str, ...]
    start: float | None
    end: float | None

    @property
    def normalized(self) -> str:
        return " ".join(t for t in self.tokens if t)


def _split_long(words: Sequence[Word], lo: int, hi: int) -> list[tuple[int, int]]:
    """Cut an over-long run of words [lo, hi] at the opener nearest its middle, recursively."""
    if hi - lo + 1 <= MAX_SENTENCE_WORDS:
        return [(lo, hi)]
    toks = [norm(w.text) for w in words]
    best = None
    mid = (lo + hi) / 2
    for i in range(lo + 4, hi - 3):
        for opener in _OPENERS:
            parts = opener.split()
            if toks[i : i + len(parts)] == parts and (
                best is None or abs(i - mid) < abs(best - mid)
            ):
                best = i
    if best is None:
        best = int(mid)
    return _split_long(words, lo, best - 1) + _split_long(words, best, hi)


def split_sentences(words: Sequence[Word]) -> list[Sentence]:
    """Sentences by end punctuation, by long silences between words, and by length."""
    spans: list[tuple[int, int]] = []
    lo = 0
    for i, w in enumerate(words):
        boundary = bool(_END_PUNCT.search(w.text.strip()))
        if not boundary and i + 1 < len(words):
            nxt = words[i + 1]
            if w.end is not None and nxt.start is not None and nxt.start - w.end >= SENTENCE_GAP_S:
                boundary = True
        if boundary or i == len(words) - 1:
            spans.extend(_split_long(words, lo, i))
            lo = i + 1
    sentences = []
    for first, last in spans:
        chunk = words[first : last + 1]
        tokens = tuple(norm(w.text) for w in chunk)
        if not any(tokens):
            continue
        sentences.append(
            Sentence(
                index=len(sentences),
                first=first,
                last=last,
                text=" ".join(w.text.strip() for w in chunk).strip(),
                tokens=tokens,
                start=chunk[0].start,
                end=chunk[-1].end,
            )
        )
    return sentences


NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "billion",
        "half",
        "double",
        "doubled",
        "twice",
        "triple",
        "tripled",
        "dozen",
        "dozens",
        "halved",
        "quarter",
        "third",
    ]
)
"""Words that say a quantity when spoken, as Whisper often writes numbers out."""
