"""A second, filler-minded listen: the hesitations Whisper leaves out of its transcript.

Whisper writes clean text and drops most "um"s and "uh"s (tiny.en keeps about a third of them
on the real clips). Prompted with a few fillers ("Uh, um, uh.") it writes nearly all of them, but
the prompt costs about a point of WER and half again the decoding time
(shared/notes/measurements.md). So the main transcript stays the plain first pass, and this pass
listens again only where a filler can hide in it:

- voiced audio that no recognized word covers (a hesitation left out between two words), and
- words far longer than their letters need, not counting plain silence around them (Whisper
  stretches a neighbouring word over the hesitation it leaves out: "the" lasting a second in
  "the, uh, acoustic").

Those places, widened by some context out to the nearest boundary between two words, are cut
out of the recording and joined into one short clip (separated by a little silence), which is
decoded with the filler prompt in a single window (`Transcriber.window_words`: one encoder
pass per 28 s of joined audio). Only hesitations (um, uh, er, ah, hm, mm) found inside a hiding
place are kept, as `AudioFiller` words with times in the original recording, and only where the
transcript has none already; every other word of this pass is thrown away, so the transcript's
words, and its WER, do not change. Fluent speech has few hiding places and costs next to nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voicecoach.analysis.pacing import HESITATIONS, AudioFiller, filler_kind
from voicecoach.analysis.text import norm
from voicecoach.analysis.types import Span, Word

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16_000
PROMPT = "Uh, um, uh."
# A word may last this long before it is taken to hide a hesitation.
STRETCH_BASE_S = 0.3
STRETCH_PER_LETTER_S = 0.1
LONG_SILENCE_S = 0.8
# Voiced audio between two words may be a hesitation left out: UNHEARD_PIECE_S of it in all, or
# a voiced stretch that touches no word, at least UNHEARD_SPAN_S long (less is the VAD holding on
# after a word, or a breath at a comma).
UNHEARD_SPAN_S = 0.15
UNHEARD_PIECE_S = 0.45
CONTEXT_S = 1.5  # audio kept either side of a hiding place, for the decoder's sake
SEPARATOR_S = 0.4  # silence between the joined pieces
BATCH_S = 28.0  # joined audio decoded at once (the model hears 30 s, 1 s of it lead-in)
SLACK_S = 0.5  # how far outside its hiding place a found filler may start
NEAR_KNOWN_S = 0.5  # a found filler this close to one the transcript has is that one
# A hesitation takes this much sound at least: a hiding place holds one, and one more for each
# such stretch of its voiced audio (the prompt can set off a loop of "uh uh uh" in a short place).
FILLER_ROOM_S = 0.6


def in_silence(a: float, b: float, voiced: Sequence[Span]) -> float:
    """How much of [a, b] is plain silence: before the first voiced stretch, after the last, or
    in a gap of at least LONG_SILENCE_S (a word starting early over the silence before it).
    Shorter gaps are not counted: a quiet hesitation can be too soft for the VAD."""
    if not voiced:
        return 0.0
    vs = sorted(voiced, key=lambda v: v.start)
    gaps = [Span(-1e9, vs[0].start), Span(vs[-1].end, 1e9)]
    gaps += [Span(x.end, y.start) for x, y in zip(vs, vs[1:]) if y.start - x.end >= LONG_SILENCE_S]
    return sum(max(0.0, min(b, g.end) - max(a, g.start)) for g in gaps)


def voiced_between_words(
    timed: Sequence[Word], voiced: Sequence[Span]
) -> Iterator[tuple[float, float, list[Span]]]:
    """Each gap between two timed words (and before the first, after the last), as its edges
    and the voiced audio inside it (pure)."""
    edges = [float("-inf"), *(float(w.end) for w in timed)]  # type: ignore[arg-type]
    nexts = [*(float(w.start) for w in timed), float("inf")]  # type: ignore[arg-type]
    for a, b in zip(edges, nexts):
        yield a, b, [Span(max(a, v.start), min(b, v.end)) for v in voiced
                     if v.end > a and v.start < b]


def hiding_places(words: Sequence[Word], voiced: Sequence[Span]) -> list[Span]:
    """Where in the recording a hesitation the recognizer left out may be (pure)."""
    timed = [w for w in words if w.timed and norm(w.text)]
    places: list[Span] = []
    for w in timed:
        tok = norm(w.text)
        if tok in HESITATIONS:
            continue
        a, b = float(w.start), float(w.end)  # type: ignore[arg-type]
        letters = sum(c.isalpha() for c in tok)
        if b - a - in_silence(a, b, voiced) > STRETCH_BASE_S + STRETCH_PER_LETTER_S * letters:
            places.append(Span(a, b))
    for a, b, heard in voiced_between_words(timed, voiced):
        if not heard:
            continue
        alone = [h for h in heard if a < h.start and h.end < b]  # no word touches it
        if sum(h.duration for h in heard) >= UNHEARD_PIECE_S:
            places.append(Span(heard[0].start, heard[-1].end))
        else:
            places.extend(h for h in alone if h.duration >= UNHEARD_SPAN_S)
    return sorted(places, key=lambda s: s.start)


def windows(
    places: Sequence[Span],
    duration_s: float,
    words: Sequence[Word] = (),
    context_s: float | None = None,
) -> list[Span]:
    """The hiding places widened by `context_s` either side, out to the nearest boundary between
    two recognized words (a cut through a word makes the decoder guess), overlapping ones merged
    (pure)."""
    context = CONTEXT_S if context_s is None else context_s
    starts = sorted(float(w.start) for w in words if w.timed)  # type: ignore[arg-type]
    ends = sorted(float(w.end) for w in words if w.timed)  # type: ignore[arg-type]
    out: list[Span] = []
    for p in sorted(places, key=lambda s: s.start):
        lo, hi = max(0.0, p.start - context), min(duration_s, p.end + context)
        lo = max((t for t in starts if t <= lo), default=0.0)
        hi = min((t for t in ends if t >= hi), default=duration_s)
        w = Span(lo, hi)
        if out and w.start <= out[-1].end + SEPARATOR_S:
            out[-1] = Span(out[-1].start, max(out[-1].end, w.end))
        else:
            out.append(w)
    return out


@dataclass(frozen=True)
class Piece:
    """One stretch of the original recording inside the joined clip."""

    at: float  # where it starts in the joined clip
    start: float  # where it starts in the recording
    duration: float

    def original(self, t: float) -> float | None:
        return self.start + (t - self.at) if self.at <= t <= self.at + self.duration else None


def join(samples: np.ndarray, spans: Sequence[Span]) -> tuple[np.ndarray, list[Piece]]:
    """The spans of `samples`, one after another with a short silence between them."""
    import numpy as np  # here, not at import: the app starts faster

    gap = np.zeros(int(SEPARATOR_S * SAMPLE_RATE), dtype=np.float32)
    parts: list[np.ndarray] = []
    pieces: list[Piece] = []
    at = 0.0
    for s in spans:
        a, b = int(s.start * SAMPLE_RATE), int(s.end * SAMPLE_RATE)
        if parts:
            parts.append(gap)
            at += len(gap) / SAMPLE_RATE
        parts.append(samples[a:b].astype(np.float32, copy=False))
        pieces.append(Piece(at, a / SAMPLE_RATE, (b - a) / SAMPLE_RATE))
        at += (b - a) / SAMPLE_RATE
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return joined, pieces


def keep(
    heard: Sequence[Word],
    pieces: Sequence[Piece],
    places: Sequence[Span],
    known: Sequence[Word],
    voiced: Sequence[Span] = (),
) -> list[AudioFiller]:
    """The hesitations of the filler pass that fall in a hiding place and that the transcript
    does not already have, with times in the original recording (pure).

    A hesitation the transcript already has is one of any kind within NEAR_KNOWN_S, or one of the
    same kind with neither a word nor a silence between them (one long "uhhh", split in two)."""
    known_fillers = [w for w in known if w.timed and norm(w.text) in HESITATIONS]
    out: list[AudioFiller] = []
    room = {p: 1 + int(_voiced_in(p, voiced) / FILLER_ROOM_S) for p in places}
    for w in heard:
        tok = norm(w.text)
        if tok not in HESITATIONS or not w.timed:
            continue
        piece = next((p for p in pieces if p.original(w.start) is not None), None)  # type: ignore[arg-type]
        if piece is None:
            continue  # in the silence between two pieces
        start = piece.original(w.start)  # type: ignore[arg-type]
        end = piece.original(min(w.end, piece.at + piece.duration))  # type: ignore[type-var]
        assert start is not None and end is not None
        place = next((p for p in places if p.start - SLACK_S <= start <= p.end + SLACK_S), None)
        if place is None:
            continue
        if place.start < end and start < place.end:  # word times swallow silence: trim to it
            start, end = max(start, place.start), min(end, place.end)
        if any(abs(start - k.start) < NEAR_KNOWN_S for k in known_fillers):  # type: ignore[operator]
            continue
        if any(_same_breath(start, k, tok, known, voiced) for k in known_fillers):
            continue
        if room[place] <= 0:
            continue
        room[place] -= 1
        out.append(AudioFiller(tok, round(start, 3), round(max(end, start), 3), w.probability))
    return out


def _voiced_in(span: Span, voiced: Sequence[Span]) -> float:
    return sum(max(0.0, min(span.end, v.end) - max(span.start, v.start)) for v in voiced)


def _same_breath(
    t: float, k: Word, tok: str, known: Sequence[Word], voiced: Sequence[Span]
) -> bool:
    """Whether a hesitation heard at `t` continues the known one `k`: same kind, no word and no
    silence between them."""
    if filler_kind(tok) != filler_kind(k.text) or not voiced:
        return False
    a, b = sorted((t, float(k.start)))  # type: ignore[arg-type]
    if any(w.timed and a < w.start < b and norm(w.text) not in HESITATIONS for w in known):  # type: ignore[operator]
        return False
    return any(v.start <= a and b <= v.end for v in voiced)


def merge(words: Sequence[Word], found: Sequence[Word]) -> list[Word]:
    """`words` with `found` inserted in time order; the words themselves are left as they are."""
    out = list(words)
    for f in sorted(found, key=lambda w: w.start or 0.0):
        i = next(
            (i for i, w in enumerate(out) if w.start is not None and w.start > f.start),  # type: ignore[operator]
            len(out),
        )
        out.insert(i, f)
    return out


@dataclass
class FillerPass:
    places: list[Span] = field(default_factory=list)
    decoded_s: float = 0.0  # seconds of audio decoded by the pass
    seconds: float = 0.0  # wall time it took
    found: list[AudioFiller] = field(default_factory=list)


def batches(spans: Sequence[Span], most_s: float = BATCH_S) -> list[list[Span]]:
    """The spans in groups whose joined audio fits one decoding window (longer spans are cut)."""
    out: list[list[Span]] = [[]]
    used = 0.0
    for s in spans:
        start = s.start
        while start < s.end:
            room = most_s - used - (SEPARATOR_S if out[-1] else 0.0)
            if room < 1.0:
                out.append([])
                used, room = 0.0, most_s
            end = min(s.end, start + room)
            used += (end - start) + (SEPARATOR_S if out[-1] else 0.0)
            out[-1].append(Span(start, end))
            start = end
    return [b for b in out if b]


def listen_for_fillers(
    transcriber, samples: np.ndarray, words: Sequence[Word], voiced: Sequence[Span]
) -> FillerPass:
    """Decode the hiding places of `words` again with the filler prompt (see the module doc).

    `transcriber` is a speech.transcriber.Transcriber (its `window_words` is used)."""
    t0 = time.perf_counter()
    duration = len(samples) / SAMPLE_RATE
    places = hiding_places(words, voiced)
    result = FillerPass(places=places)
    for group in batches(windows(places, duration, words)):
        clip, pieces = join(samples, group)
        heard = transcriber.window_words(clip, initial_prompt=PROMPT)
        result.found.extend(keep(heard, pieces, places, words, voiced))
        result.decoded_s += len(clip) / SAMPLE_RATE
    result.decoded_s = round(result.decoded_s, 3)
    result.seconds = round(time.perf_counter() - t0, 3)
    return result
