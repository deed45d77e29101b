"""Pace, pauses and fillers from word timings (and voiced spans from the audio when known)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.analysis.text import norm
from voicecoach.analysis.types import Span, Transcript, Word

# Single-word hesitations: always fillers.
HESITATIONS = frozenset(
    [
        "um",
        "umm",
        "ummm",
        "uh",
        "uhh",
        "uhm",
        "erm",
        "er",
        "err",
        "ah",
        "ahh",
        "hm",
        "hmm",
        "hmmm",
        "mm",
        "mmm",
        "mhm",
        "eh",
    ]
)
# Discourse fillers: fillers in most spoken uses, but not always (checked by context below).
DISCOURSE = (
    "you know",
    "i mean",
    "sort of",
    "kind of",
    "basically",
    "actually",
    "literally",
    "like",
)

# "like" is a verb or preposition after these words, not a filler.
_LIKE_NOT_FILLER_BEFORE = frozenset(
    [
        "would",
        "i'd",
        "you'd",
        "we'd",
        "they'd",
        "looks",
        "look",
        "looked",
        "feel",
        "feels",
        "felt",
        "seem",
        "seems",
        "seemed",
        "sounds",
        "sounded",
        "something",
        "things",
        "anything",
        "nothing",
        "more",
        "less",
        "just",
        "is",
        "was",
        "be",
    ]
)
# "kind of X" / "sort of X" names a kind after a determiner: "what kind of database".
_KIND_DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "what",
        "this",
        "that",
        "which",
        "any",
        "some",
        "every",
        "one",
        "same",
        "all",
    ]
)


@dataclass(frozen=True, slots=True)
class Filler:
    text: str
    start: float | None
    end: float | None
    word_index: int
    source: str = "transcript"


@dataclass(frozen=True, slots=True)
class Pause:
    start: float
    end: float
    kind: str  # "between_sentences" | "mid_sentence"

    @property
    def duration(self) -> float:
        return self.end - self.start


def find_fillers(words: Sequence[Word]) -> list[Filler]:
    toks = [norm(w.text) for w in words]
    found: list[Filler] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        prev = toks[i - 1] if i else ""
        if tok in HESITATIONS:
            found.append(Filler(tok, words[i].start, words[i].end, i))
            i += 1
            continue
        matched = False
        for phrase in DISCOURSE:
            parts = phrase.split()
            if toks[i : i + len(parts)] != parts:
                continue
            last = i + len(parts) - 1
            if phrase == "like" and not _like_is_filler(words, toks, i):
                break
            if phrase in ("kind of", "sort of") and prev in _KIND_DETERMINERS:
                break
            if phrase == "you know" and (
                prev in {"do", "did", "if", "don't", "didn't"}
                or toks[last + 1 : last + 2] in (["what"], ["that"], ["how"])
            ):
                break
            if phrase == "i mean" and prev in {"what", "that's"}:
                break
            found.append(Filler(phrase, words[i].start, words[last].end, i))
            i = last + 1
            matched = True
            break
        if not matched:
            i += 1
    return found


def _like_is_filler(words: Sequence[Word], toks: Sequence[str], i: int) -> bool:
    prev = toks[i - 1] if i else ""
    # Set off by commas or at the start of a clause, "like" is almost always a filler in speech.
    before_comma = i > 0 and words[i - 1].text.rstrip().endswith(",")
    after_comma = words[i].text.rstrip().endswith(",")
    if before_comma and after_comma:
        return True
    if prev in _LIKE_NOT_FILLER_BEFORE:
        return False
    return (
        i == 0 or before_comma or after_comma or prev in HESITATIONS or prev in {"and", "so", "but"}
    )


def speech_bounds(words: Sequence[Word]) -> tuple[float, float] | None:
    timed = [w for w in words if w.timed]
    if not timed:
        return None
    return timed[0].start, timed[-1].end  # type: ignore[return-value]


def silences(transcript: Transcript, min_s: float) -> list[Span]:
    """Stretches of silence of at least `min_s` between the first and the last word.

    From the voiced spans when the audio layer measured them (word timestamps absorb silence);
    otherwise from gaps between words."""
    bounds = speech_bounds(transcript.words)
    if bounds is None:
        return []
    lo, hi = bounds
    gaps: list[Span] = []
    if transcript.voiced:
        voiced = sorted(transcript.voiced, key=lambda s: s.start)
        cursor = lo
        for v in voiced:
            if v.end <= cursor:
                continue
            if v.start > cursor:
                gaps.append(Span(cursor, min(v.start, hi)))
            cursor = max(cursor, v.end)
            if cursor >= hi:
                break
        if cursor < hi:
            gaps.append(Span(cursor, hi))
    else:
        timed = [w for w in transcript.words if w.timed]
        for a, b in zip(timed, timed[1:]):
            if b.start > a.end:  # type: ignore[operator]
                gaps.append(Span(a.end, b.start))  # type: ignore[arg-type]
    return [g for g in gaps if g.duration >= min_s - 1e-9]


def find_pauses(transcript: Transcript, min_s: float) -> list[Pause]:
    """Silences of at least `min_s`, each marked as falling between sentences or inside one.

    A pause is between sentences when the word before it ends a sentence (the recognizer's
    punctuation); the sentence splitter's own cuts at long silences would make every pause look
    like a sentence break."""
    timed = [w for w in transcript.words if w.timed]
    pauses = []
    for gap in silences(transcript, min_s):
        before = [w for w in timed if w.start < gap.start + 0.05]  # type: ignore[operator]
        ends_sentence = bool(before) and before[-1].text.rstrip().endswith((".", "?", "!"))
        pauses.append(
            Pause(gap.start, gap.end, "between_sentences" if ends_sentence else "mid_sentence")
        )
    return pauses


@dataclass(frozen=True, slots=True)
class Pace:
    wpm: float | None  # words over the time from the first to the last word
    articulation_wpm: float | None  # words over the time actually speaking (pauses removed)
    windows: tuple[tuple[float, float], ...]  # (window start, wpm) per window


def measure_pace(
    transcript: Transcript,
    pauses: Sequence[Pause],
    window_s: float = 15.0,
    short_gap_s: float = 0.25,
) -> Pace:
    words = [w for w in transcript.words if w.timed and norm(w.text)]
    bounds = speech_bounds(words)
    if bounds is None or len(words) < 2:
        return Pace(None, None, ())
    lo, hi = bounds
    elapsed = hi - lo
    if elapsed <= 0:
        return Pace(None, None, ())
    wpm = len(words) / elapsed * 60
    silent = sum(p.duration for p in silences(transcript, short_gap_s))
    speaking = max(elapsed - silent, 1e-6)
    articulation = len(words) / speaking * 60
    windows = []
    t = lo
    while t < hi:
        n = sum(1 for w in words if t <= w.start < t + window_s)  # type: ignore[operator]
        span = min(window_s, hi - t)
        if span >= window_s / 3:  # a short tail window would give a wild rate
            windows.append((round(t - lo, 2), round(n / span * 60, 1)))
        t += window_s
    return Pace(round(wpm, 1), round(articulation, 1), tuple(windows))
