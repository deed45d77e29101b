"""Transcribing while the person speaks, so feedback is ready within a second of the last word.

Audio goes in as it is recorded (`insert_audio`); `process` commits a phrase once a pause closes
it (or once the uncommitted audio grows too long, at its quietest point); `finish` decodes only
the uncommitted tail. Like ufal/whisper_streaming, the feed is separate from the processing, so
tests and benchmarks drive it from a file at any speed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from voicecoach.analysis.types import Word
from voicecoach.speech.transcriber import SAMPLE_RATE, Transcriber

CLOSING_PAUSE_S = 0.6  # a silence this long ends a phrase
SETTLE_S = 0.8  # the pause must end this long before the newest audio (speech may resume)
MAX_UNCOMMITTED_S = 10.0  # past this, cut at the quietest moment: the tail stays short
MIN_CHUNK_S = 1.5


@dataclass
class Chunk:
    """A committed stretch of the recording and the words heard in it."""

    start_s: float
    samples: np.ndarray
    words: list[Word] = field(default_factory=list)

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.samples) / SAMPLE_RATE


class StreamingTranscriber:
    def __init__(self, transcriber: Transcriber) -> None:
        self.transcriber = transcriber
        self._buffer = np.zeros(0, dtype=np.float32)
        self._committed_s = 0.0
        self._lock = threading.Lock()  # insert_audio may run on another thread than process
        self.chunks: list[Chunk] = []

    @property
    def committed_s(self) -> float:
        return self._committed_s

    @property
    def pending_s(self) -> float:
        return len(self._buffer) / SAMPLE_RATE

    def insert_audio(self, samples: np.ndarray) -> None:
        """Append 16 kHz mono float32 audio."""
        with self._lock:
            self._buffer = np.concatenate([self._buffer, samples.astype(np.float32, copy=False)])

    def process(self) -> list[Chunk]:
        """Commit every phrase that a pause has closed; returns the newly committed chunks."""
        new = []
        while (cut := self._cut_point()) is not None:
            new.append(self._commit(cut))
        return new

    def finish(self) -> list[Chunk]:
        """Decode what is left; returns every chunk of the recording, in order."""
        self.process()
        if len(self._buffer):
            self._commit(len(self._buffer))
        return self.chunks

    @property
    def words(self) -> list[Word]:
        return [w for c in self.chunks for w in c.words]

    def _commit(self, cut: int) -> Chunk:
        with self._lock:
            piece, self._buffer = self._buffer[:cut], self._buffer[cut:]
        chunk = Chunk(self._committed_s, piece)
        for words, _, _ in self.transcriber.segments(piece, offset_s=self._committed_s):
            chunk.words.extend(words)
        self._committed_s = chunk.end_s
        self.chunks.append(chunk)
        return chunk

    def _cut_point(self) -> int | None:
        """Where to end the next chunk (a sample index into the buffer), or None to wait."""
        with self._lock:
            audio = self._buffer
        n = len(audio)
        if n < MIN_CHUNK_S * SAMPLE_RATE:
            return None
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        speech = get_speech_timestamps(
            audio, VadOptions(min_silence_duration_ms=int(CLOSING_PAUSE_S * 1000),
                              speech_pad_ms=100), sampling_rate=SAMPLE_RATE)
        settled = n - int(SETTLE_S * SAMPLE_RATE)
        if not speech:
            # Silence only: let it go once it is long, so the buffer never grows without bound.
            return n if n > MAX_UNCOMMITTED_S * SAMPLE_RATE else None
        # Gaps between speech, closed (the next speech already started) or trailing and settled.
        gaps = [(a["end"], b["start"]) for a, b in zip(speech, speech[1:])]
        if speech[-1]["end"] <= settled:
            gaps.append((speech[-1]["end"], n))
        gaps = [(a, b) for a, b in gaps if a >= MIN_CHUNK_S * SAMPLE_RATE]
        if gaps:
            a, b = gaps[-1]
            return (a + b) // 2 if b < n else a + (b - a) // 2
        if n > MAX_UNCOMMITTED_S * SAMPLE_RATE:
            return _quietest(audio, lo=n // 2, hi=n - int(0.5 * SAMPLE_RATE))
        return None


def _quietest(audio: np.ndarray, lo: int, hi: int, frame: int = 1600) -> int:
    """The middle of the quietest 100 ms frame in audio[lo:hi]: a cut that rarely splits a word."""
    seg = audio[lo:hi]
    k = max(len(seg) // frame, 1)
    energy = (seg[: k * frame].reshape(k, -1) ** 2).mean(axis=1)
    return lo + int(np.argmin(energy)) * frame + frame // 2
