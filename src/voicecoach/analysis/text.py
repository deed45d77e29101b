"""Tokens and sentences from recognizer words, robust to the little punctuation Whisper writes."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from voicecoach.analysis.types import Word

_STRIP = re.compile(r"[^\w'%$.-]+")
_END_PUNCT = re.compile(r"[.?!]['\")\]]*$")


# Unpunctuated speech (Whisper often writes a whole answer as one run) is cut where a new sentence
# most likely starts. A small logistic model (weights in star_weights.BOUNDARY, fitted by
# scripts/train_coaching on where the labelled answers' sentences really start) scores every gap
# between two words from the words around it; a dynamic programme then picks the cuts that
# together with a prior on sentence length score best. Words are seen through a fixed vocabulary
# of function words and story connectives, and anything else only by its shape, so the model
# learns how sentences start and end rather than the topics of the training answers.
_OPENERS = (
    "and then",
    "but then",
    "after that",
    "oh and",
    "yeah so",
    "so yeah",
    "in the end",
    "by the end",
    "at the end",
    "at the time",
    "as a result",
    "because of that",
    "it turned out",
    "long story short",
    "the short version",
    "there was",
    "there were",
    "what i learned",
    "i learned",
    "looking back",
    "in hindsight",
    "since then",
    "ever since",
    "these days",
    "going forward",
    "from then on",
    "now i",
    "now when",
    "now whenever",
    "my job",
    "my role",
    "my goal",
    "my task",
    "the goal",
    "the result",
    "the outcome",
    "the problem",
    "the lesson",
    "the takeaway",
    "so i",
    "so we",
    "then i",
    "then we",
    "i was",
    "we were",
    "it was",
    "and i should",
    "i should say",
    "i should mention",
    "i should explain",
    "and actually",
    "to back up",
    "for context",
    "by the way",
    "to be fair",
    "to be honest",
    "the next day",
    "the next week",
    "the next morning",
    "the same day",
    "that afternoon",
    "that morning",
    "a week later",
    "a few weeks later",
    "a month later",
    "within a",
    "within about",
    "over the next",
    "by week",
    "by the time",
    "as soon as",
    "after a while",
    "after a couple",
    "on top of that",
    "at that point",
    "from there",
    "in the next",
    "what happened",
    "what had happened",
    "the first thing",
    "the real",
    "the thing",
    "the biggest",
    "it taught me",
    "that taught me",
    "this taught me",
    "i realized",
    "i've never",
    "i never",
    "i always",
    "i still",
    "i now",
    "now whenever",
    "whenever i",
    "every time",
    "so yeah",
    "i think",
    "i guess",
)
_OPENER_MAX = max(len(k.split()) for k in _OPENERS)
_VOCAB = frozenset(
    """
    i i'd i'm i've i'll we we'd we're we've we'll you you'd you're he he'd she she'd they they'd
    they're it it's that's there there's here me us him her them my our your his their its myself
    the a an this that these those every each all some any no none both either neither another
    other such same own and but or nor so then because since when whenever while after before
    until once if as than though although whereas which who whom whose what where how why whether
    to of in on at for with by from about into onto over under through up out off down back around
    across against along without within between during per via was were is are am be been being
    had have has having did do does doing would could should will can may might must shall can't
    couldn't didn't don't doesn't wasn't weren't isn't aren't hadn't haven't hasn't won't wouldn't
    shouldn't not never also actually basically honestly really just like yeah yes okay ok oh um uh
    hmm well anyway anyways now first next finally eventually ultimately instead still even already
    only maybe probably pretty very too quite sure right kind sort lot bit looking turned ended
    meant learned realized think thought guess mean know said told asked decided started got went
    made took time ago today later earlier afterwards week weeks month months year years day days
    morning night quarter end result lesson job role goal team one thing things people everyone
    nobody anything something everything again together though
    """.split()
)
MAX_SENTENCE_WORDS = 32
SENTENCE_GAP_S = 0.8
# Added to every gap's log-odds: a piece cut a little too often costs the labeller less than two
# sentences run together, which must then share one label.
_CUT_BIAS = 1.0


@functools.lru_cache(maxsize=8192)  # called for every word by several steps of one analysis
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
    # The tokens as one string, made once: every rule searches it, hundreds of times an answer.
    normalized: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "normalized", " ".join(t for t in self.tokens if t))


def _shape(tok: str) -> str:
    """A word as the boundary model sees it: itself if in the vocabulary, else its shape."""
    if tok in _VOCAB:
        return tok
    if any(c.isdigit() for c in tok) or tok in NUMBER_WORDS:
        return "<num>"
    for suffix in ("ing", "ed", "ly", "s"):
        if tok.endswith(suffix):
            return f"<{suffix}>"
    return "<w>"


def boundary_features(toks: Sequence[str], i: int) -> list[str]:
    """Features of the gap before token i (0 < i < len(toks)) of an unpunctuated run."""
    p2 = _shape(toks[i - 2]) if i >= 2 else "<s>"
    p1, n1 = _shape(toks[i - 1]), _shape(toks[i])
    n2 = _shape(toks[i + 1]) if i + 1 < len(toks) else "</s>"
    opener = "-"
    for n in range(min(_OPENER_MAX, len(toks) - i), 1, -1):
        phrase = " ".join(toks[i : i + n])
        if phrase in _OPENERS:
            opener = phrase
            break
    f = [
        "bias",
        f"p={p1}",
        f"n={n1}",
        f"nn={n1}_{n2}",
        f"pn={p1}_{n1}",
        f"pp={p2}_{p1}",
        f"op={opener}",
    ]
    return f


def _cut_score(toks: Sequence[str], i: int, w: dict[str, float]) -> float:
    """Log-odds that a new sentence starts at token i (a cut between tokens i-1 and i)."""
    return _CUT_BIAS + sum(w.get(f, 0.0) for f in boundary_features(toks, i))


def _length_score(n: int) -> float:
    """Spoken sentences run about 8 to 26 words; much shorter or longer pieces are unlikely."""
    if n < 4:
        return -6.0 + n
    if n < 8:
        return -(8 - n) * 0.5
    if n > 26:
        return -(n - 26) * 0.4
    return 0.0


def _split_long(words: Sequence[Word], lo: int, hi: int) -> list[tuple[int, int]]:
    """Cut an over-long run of words [lo, hi] where sentences most likely start."""
    n = hi - lo + 1
    if n <= MAX_SENTENCE_WORDS:
        return [(lo, hi)]
    toks = [norm(w.text) for w in words[lo : hi + 1]]
    # Imported here: the weights are a large module, and the question bank and the storage
    # import this package without ever cutting a sentence.
    from voicecoach.analysis import star_weights

    cut = [0.0] + [_cut_score(toks, i, star_weights.BOUNDARY) for i in range(1, n)]
    best = [0.0] + [-math.inf] * n  # best[j]: the best cutting of toks[:j] with a cut at j
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_SENTENCE_WORDS), j):
            v = best[i] + cut[i] + _length_score(j - i)
            if v > best[j]:
                best[j], back[j] = v, i
    spans, j = [], n
    while j > 0:
        spans.append((lo + back[j], lo + j - 1))
        j = back[j]
    return spans[::-1]


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
