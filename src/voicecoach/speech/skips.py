"""Speech the recognizer skipped, heard again.

Whisper sometimes stops writing partway through a 30 s window and moves on: the transcript then
loses a sentence or more, either as a silence between two words where the audio carries speech,
or as one word stretched over it ("it" lasting 16.8 s, where 55 words were said). Of the 440
coaching answers spoken by espeak-ng and heard by tiny.en (spoken_devset), 5 lost 8 words or
more this way; a person whose result sentence vanishes is told their answer has no result.

So, after the first pass: wherever SKIP_S or more of voiced audio is left unexplained, between
two words or inside a word beyond what the word itself takes to say, that stretch (widened by
CONTEXT_S out to the nearest boundary between two words, as the filler pass does) is decoded
again on its own, and its words replace the ones there when the new decode holds at least
MIN_GAIN more. Elsewhere the transcript is left exactly as it was, so fluent speech pays nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voicecoach.analysis.text import norm
from voicecoach.analysis.types import Span, Word
from voicecoach.speech.fillers import in_silence, voiced_between_words, windows
from voicecoach.speech.transcriber import LEAD_IN_S, SAMPLE_RATE, WINDOW_S

if TYPE_CHECKING:
    import numpy as np

# Unexplained voiced audio that counts as skipped speech: two or three words at a normal pace.
# A long hesitation can reach it too; decoding that again costs one short window and, finding
# no more words, changes nothing.
SKIP_S = 1.0
CONTEXT_S = 1.0
MIN_GAIN = 2  # words the second decode must add over the first to replace it
# What a word takes to say, generously: written numbers are long when spoken
# ("$300,000" is "three hundred thousand dollars").
BASE_S = 0.3
PER_LETTER_S = 0.1
PER_DIGIT_S = 0.4
PER_SYMBOL_S = 0.5  # % $ £ € said as a word


def spoken_s(text: str) -> float:
    """About how long `text` (one written word) may take to say, at most (pure)."""
    return (
        BASE_S
        + PER_LETTER_S * sum(c.isalpha() for c in text)
        + PER_DIGIT_S * sum(c.isdigit() for c in text)
        + PER_SYMBOL_S * sum(c in "%$£€" for c in text)
    )


def skipped_spans(words: Sequence[Word], voiced: Sequence[Span]) -> list[Span]:
    """Where voiced audio holds speech no word accounts for (pure): a stretched word's whole
    span, or the voiced audio between two words (or before the first, after the last)."""
    timed = [w for w in words if w.timed and norm(w.text)]
    out: list[Span] = []
    for w in timed:
        a, b = float(w.start), float(w.end)  # type: ignore[arg-type]
        if b - a - in_silence(a, b, voiced) - spoken_s(w.text) >= SKIP_S:
            out.append(Span(a, b))
    for _, _, heard in voiced_between_words(timed, voiced):
        if sum(h.duration for h in heard) >= SKIP_S:
            out.append(Span(heard[0].start, heard[-1].end))
    return sorted(out, key=lambda s: s.start)


def splice(words: Sequence[Word], window: Span, heard: Sequence[Word]) -> list[Word] | None:
    """`words` with those inside `window` replaced by `heard`, when that adds at least MIN_GAIN
    words; None when it does not (pure)."""
    inside = [
        i for i, w in enumerate(words)
        if w.timed and window.start - 0.01 <= w.start and w.end <= window.end + 0.01  # type: ignore[operator]
    ]
    if len(heard) < len(inside) + MIN_GAIN:
        return None
    at = inside[0] if inside else next(
        (i for i, w in enumerate(words) if w.timed and w.start >= window.start),  # type: ignore[operator]
        len(words),
    )
    drop = set(inside)
    rest = [w for i, w in enumerate(words) if i not in drop]
    return [*rest[:at], *heard, *rest[at:]]


@dataclass
class SkipPass:
    words: list[Word]
    spans: list[Span] = field(default_factory=list)  # where speech looked skipped
    recovered: int = 0  # words added
    decoded_s: float = 0.0
    seconds: float = 0.0


def hear_skipped(
    transcriber, samples: np.ndarray, words: Sequence[Word], spans: Sequence[Span]
) -> SkipPass:
    """Decode again where the first pass skipped speech (see the module doc): `spans` from
    `skipped_spans`. `transcriber` is a speech.transcriber.Transcriber; `words` and `spans`
    have times from the start of `samples`."""
    t0 = time.perf_counter()
    result = SkipPass(list(words), list(spans))
    duration = len(samples) / SAMPLE_RATE
    # Later windows first, so splicing one leaves the positions of earlier ones alone.
    for win in reversed(windows(spans, duration, words, context_s=CONTEXT_S)):
        a, b = int(win.start * SAMPLE_RATE), int(win.end * SAMPLE_RATE)
        clip = samples[a:b]
        if win.duration <= WINDOW_S - LEAD_IN_S:  # what `window_words` takes
            heard = [w.shifted(win.start) for w in transcriber.window_words(clip)]
        else:
            heard = [w for ws, _, _ in transcriber.segments(clip, offset_s=win.start) for w in ws]
        result.decoded_s += win.duration
        spliced = splice(result.words, win, heard)
        if spliced is not None:
            result.recovered += len(spliced) - len(result.words)
            result.words = spliced
    result.decoded_s = round(result.decoded_s, 3)
    result.seconds = round(time.perf_counter() - t0, 3)
    return result
