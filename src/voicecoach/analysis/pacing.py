"""Pace, pauses and fillers from word timings (and voiced spans from the audio when known).

Fillers come from the transcript, and also from a second look at the audio (speech/fillers.py):
Whisper leaves most hesitations out of its text, so the engine listens again where they hide and
adds what it hears as `AudioFiller` words. Those are told apart here by their `source`, so a report
can say how many fillers the transcript had and how many were inferred from the audio."""

from __future__ import annotations

import bisect
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
# Hesitations of one kind sound alike and are spelled many ways; a filler's kind is what a
# person would count ("3 um, 2 uh"), and what accuracy is scored on.
_KINDS = {
    "um": ("um", "umm", "ummm", "uhm", "erm"),
    "uh": ("uh", "uhh", "er", "err", "ah", "ahh", "eh"),
    "hm": ("hm", "hmm", "hmmm", "mm", "mmm", "mhm"),
}
_KIND_OF = {spelling: kind for kind, spellings in _KINDS.items() for spelling in spellings}
_KIND_OF.update({"yknow": "you know", "y'know": "you know", "ya know": "you know"})
# Whisper stacks the repeats of a decoding loop on one instant ("uh uh uh" all at 5.54 s): a
# hesitation of the previous one's kind, shorter than this, that starts this soon after the
# previous one ended is a repeat. ("uh, um, uh" stacked alike is kept: a loop repeats itself.)
STACKED_S = (0.1, 0.1)

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
# The phrases by their first word, in the order above: a word is checked only against the
# phrases it can start.
_DISCOURSE_BY_FIRST: dict[str, list[tuple[str, list[str]]]] = {}
for _phrase in DISCOURSE:
    _DISCOURSE_BY_FIRST.setdefault(_phrase.split()[0], []).append((_phrase, _phrase.split()))

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


def filler_kind(text: str) -> str:
    """The kind of a filler: "um", "uh" (uh/er/ah), "hm" (hm/mm), or the phrase itself."""
    t = " ".join(norm(p) for p in text.split())
    return _KIND_OF.get(t, t)


@dataclass(frozen=True, slots=True)
class AudioFiller(Word):
    """A hesitation heard in the audio by a second look, not written in the recognizer's
    transcript (which leaves most of them out)."""

    source: str = "audio"


def word_source(word: Word) -> str:
    return getattr(word, "source", "transcript")


@dataclass(frozen=True, slots=True)
class Filler:
    text: str
    start: float | None
    end: float | None
    word_index: int
    source: str = "transcript"  # "transcript" | "audio" (inferred from the audio)

    @property
    def kind(self) -> str:
        return filler_kind(self.text)


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
        if tok in _KIND_OF and _KIND_OF[tok] == "you know":  # "yknow" as one word
            found.append(Filler("you know", words[i].start, words[i].end, i, word_source(words[i])))
            i += 1
            continue
        if tok in HESITATIONS:
            if not _stacked_repeat(words, toks, i):
                found.append(Filler(tok, words[i].start, words[i].end, i, word_source(words[i])))
            i += 1
            continue
        matched = False
        for phrase, parts in _DISCOURSE_BY_FIRST.get(tok, ()):
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


def _stacked_repeat(words: Sequence[Word], toks: Sequence[str], i: int) -> bool:
    """A hesitation stacked at the instant the previous one ended: a decoding loop, not speech."""
    if (
        i == 0
        or toks[i - 1] not in HESITATIONS
        or _KIND_OF.get(toks[i - 1]) != _KIND_OF.get(toks[i])
    ):
        return False
    w, prev = words[i], words[i - 1]
    if not (w.timed and prev.timed):
        return False
    short_s, near_s = STACKED_S
    return w.end - w.start < short_s and w.start - prev.end < near_s  # type: ignore[operator]


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


def speaking_bounds(transcript: Transcript) -> tuple[float, float] | None:
    """From the first to the last sound of the answer.

    Without voiced spans: the first word's start and the last word's end. With them: the start
    of the voiced span the speech begins in (Whisper's first word often starts early, swallowing
    the silence before it, or late, after a hesitation it left out), and the last word's end
    unless the audio fell silent before it (the VAD holds on past the end of speech; word ends
    are tight)."""
    bounds = speech_bounds([w for w in transcript.words if norm(w.text)])
    if bounds is None or not transcript.voiced:
        return bounds
    first, last = bounds
    voiced = sorted(transcript.voiced, key=lambda s: s.start)
    lo = next((v.start for v in voiced if v.end > first), first)
    hi = min(last, next((v.end for v in reversed(voiced) if v.start < last), last))
    return (lo, hi) if hi > lo else bounds


def silences(transcript: Transcript, min_s: float) -> list[Span]:
    """Stretches of silence of at least `min_s` between the first and the last sound of speech.

    From the voiced spans when the audio layer measured them (word timestamps absorb silence);
    otherwise from gaps between words."""
    bounds = speaking_bounds(transcript)
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
            if v.start >= hi:
                break
            if v.start > cursor:
                gaps.append(Span(cursor, v.start))
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
    wpm: float | None  # words over the time from the first to the last sound of speech
    articulation_wpm: float | None  # words over the time actually speaking (pauses removed)
    windows: tuple[tuple[float, float], ...]  # (window start, wpm) per window
    words: int = 0  # the words counted (hesitations are not words)
    speaking_s: float | None = None  # the time they were said in, pauses removed


def measure_pace(
    transcript: Transcript,
    pauses: Sequence[Pause],
    window_s: float = 15.0,
    short_gap_s: float = 0.25,
) -> Pace:
    """Words a minute over the whole answer (`wpm`) and over the time spent speaking
    (`articulation_wpm`: silences of at least `short_gap_s` removed; with voiced spans, every gap
    between them, as the VAD only splits at silences that long).

    Words are counted without hesitations ("um", "uh"): they are fillers, not words, and finding
    more of them must not change the pace."""
    words = [w for w in transcript.words if w.timed and norm(w.text)]
    counted = [w for w in words if norm(w.text) not in HESITATIONS]
    bounds = speaking_bounds(Transcript(tuple(words), transcript.duration_s, transcript.voiced))
    if bounds is None or len(counted) < 2:
        return Pace(None, None, ())
    lo, hi = bounds
    elapsed = hi - lo
    if elapsed <= 0:
        return Pace(None, None, ())
    wpm = len(counted) / elapsed * 60
    min_gap = 0.0 if transcript.voiced else short_gap_s
    silent = sum(p.duration for p in silences(transcript, min_gap))
    speaking = max(elapsed - silent, 1e-6)
    articulation = len(counted) / speaking * 60
    windows = []
    starts = sorted(max(w.start, lo) for w in counted)  # type: ignore[type-var]
    t = lo
    while t < hi:
        n = bisect.bisect_left(starts, t + window_s) - bisect.bisect_left(starts, t)
        span = min(window_s, hi - t)
        if span >= window_s / 3:  # a short tail window would give a wild rate
            windows.append((round(t - lo, 2), round(n / span * 60, 1)))
        t += window_s
    return Pace(
        round(wpm, 1), round(articulation, 1), tuple(windows), len(counted), round(speaking, 3)
    )


@dataclass(frozen=True, slots=True)
class Burst:
    """A stretch of the answer holding far more than its share of the fillers."""

    count: int
    start: float  # seconds from the start of the audio
    end: float
    where: str  # "the first 30 s" | "the last 30 s" | "1:10-1:40"


def filler_burst(
    fillers: Sequence[Filler],
    bounds: tuple[float, float] | None,
    window_s: float | None = None,
    min_count: int = 3,
) -> Burst | None:
    """The window with the most fillers, when it holds at least `min_count` of them, at least
    half of them all, and at least 1.5 times its share of the answer's time. The window is 30 s
    (15 s for answers under 75 s)."""
    times = sorted(f.start for f in fillers if f.start is not None)
    if bounds is None or len(times) < min_count:
        return None
    lo, hi = bounds
    elapsed = hi - lo
    window = window_s or (30.0 if elapsed >= 75 else 15.0)
    if elapsed <= window * 1.5:
        return None
    best, best_start = 0, lo
    for t in times:  # windows starting at each filler (clipped to the answer) cover every best
        start = min(max(lo, t), hi - window)
        n = sum(1 for u in times if start <= u < start + window + 1e-9)
        if n > best:
            best, best_start = n, start
    share = window / elapsed
    if best < min_count or best < len(times) / 2 or best / len(times) < 1.5 * share:
        return None
    end = best_start + window
    slack = window / 3
    if hi - end <= slack:
        best_start, end = hi - window, hi
        where = f"the last {window:.0f} s"
    elif best_start - lo <= slack:
        best_start, end = lo, lo + window
        where = f"the first {window:.0f} s"
    else:
        where = f"{_mmss(best_start - lo)}-{_mmss(end - lo)}"
    n = sum(1 for u in times if best_start <= u <= end)
    return Burst(n, round(best_start, 2), round(end, 2), where)


def _mmss(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"
