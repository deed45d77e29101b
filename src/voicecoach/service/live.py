"""Live transcription of a take while it is recorded: the recorder's writer thread hands blocks
over, a worker thread of its own commits phrases, and at the stop only the tail is left."""

from __future__ import annotations

import logging
import queue
import threading
import time

import numpy as np

from voicecoach.analysis.types import Span, Transcript, Word
from voicecoach.speech.fillers import listen_for_fillers, merge
from voicecoach.speech.streaming import SAMPLE_RATE, StreamingTranscriber
from voicecoach.speech.transcriber import Transcriber
from voicecoach.speech.vad import voiced_spans

log = logging.getLogger(__name__)
PROCESS_EVERY_S = 0.1  # a pause check costs about 6 ms


class Resampler:
    """Streaming linear resampling to 16 kHz mono that keeps its phase across blocks (Whisper's
    log-mel front end needs nothing finer, and it costs nothing next to decoding)."""

    def __init__(self, rate: int) -> None:
        self.step = rate / SAMPLE_RATE  # input samples per output sample
        self._pending = np.zeros(0, dtype=np.float32)  # input not yet fully used
        self._pos = 0.0  # position of the next output sample within _pending

    def __call__(self, block: np.ndarray) -> np.ndarray:
        mono = block.mean(axis=1) if block.ndim == 2 else block
        if self.step == 1.0:
            return mono.astype(np.float32, copy=False)
        data = np.concatenate([self._pending, mono.astype(np.float32, copy=False)])
        n_out = int((len(data) - 1 - self._pos) // self.step) + 1 if len(data) > 1 else 0
        if n_out <= 0:
            self._pending = data
            return np.zeros(0, dtype=np.float32)
        where = self._pos + np.arange(n_out) * self.step
        out = np.interp(where, np.arange(len(data)), data).astype(np.float32)
        nxt = self._pos + n_out * self.step
        keep = int(nxt)
        self._pending, self._pos = data[keep:], nxt - keep
        return out


def shift_span(s: Span, by: float) -> Span:
    return Span(round(s.start + by, 3), round(s.end + by, 3))


class LiveTranscription:
    def __init__(self, transcriber: Transcriber) -> None:
        self.stream = StreamingTranscriber(transcriber)
        self._blocks: queue.Queue[np.ndarray | None] = queue.Queue()
        self._voiced: list[Span] = []
        self._thread = threading.Thread(target=self._run, name="live-transcription", daemon=True)
        self._error: Exception | None = None
        self._resample: Resampler | None = None
        # Fillers heard in the last decode ahead at a pause, keyed by that decode's word list:
        # if the pause is the end of the answer, the last chunk's second listen is already done.
        self._ready: tuple[list[Word], list[Word]] | None = None
        self._thread.start()

    def feed(self, block: np.ndarray, rate: int) -> None:
        """Called with each recorded block (any rate) from the recorder's writer thread."""
        if self._resample is None:
            self._resample = Resampler(rate)
        self._blocks.put(self._resample(block))

    def _run(self) -> None:
        last = time.monotonic()
        while True:
            try:
                block = self._blocks.get(timeout=0.2)
            except queue.Empty:
                block = np.zeros(0, dtype=np.float32)
            if block is None:
                return
            if len(block):
                self.stream.insert_audio(block)
            if time.monotonic() - last >= PROCESS_EVERY_S:
                last = time.monotonic()
                try:
                    self._absorb(self.stream.process())
                    self._prepare()
                except Exception as e:  # noted; the take is on disk and batch analysis remains
                    log.exception("live transcription failed")
                    self._error = e
                    return

    def _prepare(self) -> None:
        """The second listen for fillers on the decode ahead at a pause, before the stop."""
        spec = self.stream.at_pause
        if spec is None or (self._ready is not None and self._ready[0] is spec[2]):
            return
        start_s, samples, words = spec
        found = self._listen(samples, words, start_s) if words else []
        self._ready = (words, found)

    def _listen(self, samples: np.ndarray, words: list[Word], start_s: float) -> list[Word]:
        voiced = voiced_spans(samples)
        local = [w.shifted(-start_s) for w in words]
        found = listen_for_fillers(self.stream.transcriber, samples, local, voiced).found
        return [w.shifted(start_s) for w in found]

    def _absorb(self, chunks) -> None:
        """Voiced spans of newly committed chunks, and the fillers Whisper left out of them
        (the same second listen as for a whole file, one chunk at a time)."""
        for c in chunks:
            voiced = voiced_spans(c.samples)
            self._voiced.extend(shift_span(s, c.start_s) for s in voiced)
            if not c.words:
                continue
            ready = self._ready
            if ready is not None and ready[0] is c.words:
                found = ready[1]
            else:
                found = self._listen(c.samples, c.words, c.start_s)
            if found:
                c.words = merge(c.words, found)

    def cancel(self) -> None:
        self._blocks.put(None)

    def finish(self) -> Transcript | None:
        """Wait for the fed audio, decode the tail, and return the whole transcript; None when
        live transcription failed (the caller then transcribes the file)."""
        self._blocks.put(None)
        self._thread.join()
        if self._error is not None:
            return None
        before = len(self.stream.chunks)
        chunks = self.stream.finish()
        self._absorb(chunks[before:])
        duration = chunks[-1].end_s if chunks else 0.0
        return Transcript(tuple(self.stream.words), round(duration, 3), tuple(self._voiced))
