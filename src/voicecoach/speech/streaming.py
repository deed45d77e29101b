"""Transcribing while the person speaks, so feedback is ready within a second of the last word.

Audio goes in as it is recorded (`insert_audio`); `process` commits a phrase once a pause closes
it and enough audio has gathered for Whisper to have context (short windows cost accuracy);
`finish` decodes only what is left. When the speaker pauses, the pending audio is decoded ahead
of time, so if the pause turns out to be the end of the answer, nothing is left to decode at the
stop. Like ufal/whisper_streaming, the feed is separate from the processing, so tests and
benchmarks drive it from a file at any speed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from voicecoach.analysis.types import Word
from voicecoach.speech.skips import hear_skipped, skipped_spans
from voicecoach.speech.transcriber import SAMPLE_RATE, Transcriber
from voicecoach.speech.vad import speech_regions, voiced_spans

CLOSING_PAUSE_S = 0.6  # a silence this long ends a phrase
MIN_COMMIT_S = 14.0  # commit closed phrases once this much audio has gathered
MAX_PENDING_S = 28.0  # past this, cut at the longest short pause (or the quietest moment)
SPECULATE_AFTER_S = 0.3  # trailing silence after which the pending audio is decoded ahead
# And, while speech goes on, each time this much more has come. Not more often: a decode takes
# 1-1.8 s here, and one still running when the answer ends delays the decode at the pause.
SPECULATE_EVERY_S = 6.0
TAIL_S = 2.0  # how much of the end of the buffer the pause check looks at
RESCAN_S = 1.0  # new audio between two looks at the whole pending audio for a phrase to commit


@dataclass
class Chunk:
    """A committed stretch of the recording and the words heard in it."""

    start_s: float
    samples: np.ndarray
    words: list[Word] = field(default_factory=list)

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.samples) / SAMPLE_RATE


def speech_end(audio: np.ndarray) -> int | None:
    """Where the last speech in the final TAIL_S of `audio` ends (a sample index into `audio`),
    None when that stretch is silent. A short look with a short closing silence, so a pause is
    seen about 0.3 s into it rather than after the 0.6 s that closes a phrase."""
    lo = max(len(audio) - int(TAIL_S * SAMPLE_RATE), 0)
    regions = speech_regions(audio[lo:], min_silence_s=0.2, pad_s=0.03)
    return lo + regions[-1]["end"] if regions else None


def last_speech_end(audio: np.ndarray, settled: int) -> int:
    """Where the last speech in `audio` ends, as a sample index; 0 when there is none after
    `settled`, a length of the buffer up to which speech is already accounted for (decoded ahead,
    or seen followed by a silent tail). The tail is looked at first, and the whole pending audio
    (80 ms of VAD for 28 s) only when the tail is silent and `settled` does not reach it: in the
    usual case the check stays cheap."""
    end = speech_end(audio)
    if end is not None:
        return end
    if settled >= len(audio) - TAIL_S * SAMPLE_RATE:
        return 0  # the tail is silent and nothing before it is new
    regions = speech_regions(audio, CLOSING_PAUSE_S)
    return regions[-1]["end"] if regions else 0


class StreamingTranscriber:
    def __init__(self, transcriber: Transcriber) -> None:
        self.transcriber = transcriber
        self._buffer = np.zeros(0, dtype=np.float32)
        self._committed_s = 0.0
        self._lock = threading.Lock()  # insert_audio runs on another thread than process
        self._spec: tuple[int, list[Word]] | None = None  # (samples decoded, words) ahead of time
        # The last decode ahead made at a pause: (start of the pending audio in seconds, the
        # audio it decoded, its words). What the answer's last chunk will be if the pause is the
        # end, so callers can prepare their own work on it (live.py listens for fillers).
        self.at_pause: tuple[float, np.ndarray, list[Word]] | None = None
        self._scanned = 0  # buffer length at the last look for a phrase to commit
        self._silent_to = 0  # buffer length at the last look that found a silent tail
        self.chunks: list[Chunk] = []
        self.decoded_s = 0.0  # audio decoded in all, speculation included (for benchmarks)

    @property
    def pending_s(self) -> float:
        return len(self._buffer) / SAMPLE_RATE

    def insert_audio(self, samples: np.ndarray) -> None:
        """Append 16 kHz mono float32 audio."""
        with self._lock:
            self._buffer = np.concatenate([self._buffer, samples.astype(np.float32, copy=False)])

    def process(self) -> list[Chunk]:
        """Commit closed phrases; decode ahead when the speaker pauses. Returns new chunks.
        Cheap when there is nothing to do: the whole pending audio goes through the VAD only once
        per RESCAN_S of new audio (80 ms for 28 s here), the pause check looks at the tail."""
        with self._lock:
            audio = self._buffer
        new = []
        if len(audio) - self._scanned >= RESCAN_S * SAMPLE_RATE:
            cut = self._cut_point(audio, speech_regions(audio, CLOSING_PAUSE_S))
            if cut is not None:
                new.append(self._commit(cut))
                with self._lock:
                    audio = self._buffer
            self._scanned = len(audio)
        n = len(audio)
        covered = self._spec[0] if self._spec is not None else 0
        end = last_speech_end(audio, max(covered, self._silent_to))
        if end <= n - TAIL_S * SAMPLE_RATE:
            self._silent_to = n  # a silent tail: no need to look further back until speech
        paused = n - end >= SPECULATE_AFTER_S * SAMPLE_RATE and covered < end
        if paused or end - covered >= SPECULATE_EVERY_S * SAMPLE_RATE:
            self._spec = (n, self._decode(audio[:n], self._committed_s))
            if paused:
                self.at_pause = (self._committed_s, audio[:n], self._spec[1])
        return new

    def finish(self) -> list[Chunk]:
        """Decode what is left (nothing, when the last pause was decoded ahead); returns every
        chunk of the recording, in order."""
        with self._lock:
            audio = self._buffer
        if len(audio):
            spec = self._spec
            if spec is None:
                self._commit(len(audio))
            elif last_speech_end(audio, spec[0]) <= spec[0]:
                self._commit(len(audio), words=spec[1])  # no speech since: reuse it all
            else:
                self._commit(len(audio), words=self._finish_after(audio, spec))
        return self.chunks

    def _finish_after(self, audio: np.ndarray, spec: tuple[int, list[Word]]) -> list[Word]:
        """Words for the pending audio when speech went on after the last decode ahead: keep
        the words before the last pause that decode covered, decode only from that pause on."""
        short = speech_regions(audio, min_silence_s=0.3)
        pauses = [(a["end"] + b["start"]) // 2 for a, b in zip(short, short[1:])
                  if b["start"] <= spec[0] - int(0.3 * SAMPLE_RATE)]
        if not pauses:
            return self._decode(audio, self._committed_s)
        at = pauses[-1]
        edge = self._committed_s + at / SAMPLE_RATE
        kept = [w for w in spec[1] if (w.end or 0.0) <= edge]
        rest = audio[at:]
        if len(rest) <= MAX_PENDING_S * SAMPLE_RATE:
            # One encoder pass for a short rest: what the person waits for after the stop.
            heard = self.transcriber.window_words(rest)
            self.decoded_s += len(rest) / SAMPLE_RATE
            return kept + [w.shifted(edge) for w in heard]
        return kept + self._decode(rest, edge)

    @property
    def words(self) -> list[Word]:
        return [w for c in self.chunks for w in c.words]

    def _decode(self, piece: np.ndarray, offset_s: float) -> list[Word]:
        words = self._segments(piece, 0.0)
        # Whisper sometimes ends a window early and skips the rest: the same second listen as
        # for a whole file, on the chunk's own voiced audio (the analyzer's VAD settings).
        voiced = voiced_spans(piece)
        skipped = skipped_spans(words, voiced)
        if skipped:
            again = hear_skipped(self.transcriber, piece, words, skipped)
            self.decoded_s += again.decoded_s
            words = again.words
        return [w.shifted(offset_s) for w in words]

    def _segments(self, piece: np.ndarray, offset_s: float) -> list[Word]:
        out: list[Word] = []
        for words, _, _ in self.transcriber.segments(piece, offset_s=offset_s):
            out.extend(words)
        self.decoded_s += len(piece) / SAMPLE_RATE
        return out

    def _commit(self, cut: int, words: list[Word] | None = None) -> Chunk:
        with self._lock:
            piece, self._buffer = self._buffer[:cut], self._buffer[cut:]
        chunk = Chunk(self._committed_s, piece)
        chunk.words = words if words is not None else self._decode(piece, self._committed_s)
        self._committed_s = chunk.end_s
        self._spec = None
        self.at_pause = None
        self._silent_to = 0
        self.chunks.append(chunk)
        return chunk

    def _cut_point(self, audio: np.ndarray, regions: list[dict]) -> int | None:
        """Where to end the next chunk (a sample index into the buffer), or None to wait."""
        n = len(audio)
        if not regions:
            # Silence only: let it go once it is long, so the buffer never grows without bound.
            return n if n > MAX_PENDING_S * SAMPLE_RATE else None
        gaps = [(a["end"], b["start"]) for a, b in zip(regions, regions[1:])]
        closed = [(a, b) for a, b in gaps if a >= MIN_COMMIT_S * SAMPLE_RATE]
        if closed:
            a, b = closed[-1]
            return (a + b) // 2
        if n > MAX_PENDING_S * SAMPLE_RATE:
            short = speech_regions(audio, min_silence_s=0.2)
            inner = [(a["end"], b["start"]) for a, b in zip(short, short[1:])
                     if a["end"] >= n // 3]
            if inner:
                a, b = max(inner, key=lambda g: g[1] - g[0])
                return (a + b) // 2
            return _quietest(audio, lo=n // 2, hi=n - SAMPLE_RATE // 2)
        return None


def _quietest(audio: np.ndarray, lo: int, hi: int, frame: int = 1600) -> int:
    """The middle of the quietest 100 ms frame in audio[lo:hi]: a cut that rarely splits a word."""
    seg = audio[lo:hi]
    k = max(len(seg) // frame, 1)
    energy = (seg[: k * frame].reshape(k, -1) ** 2).mean(axis=1)
    return lo + int(np.argmin(energy)) * frame + frame // 2
