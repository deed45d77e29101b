"""Recording the microphone into a WAV file as the answer goes on.

The PortAudio callback only copies blocks into a queue; a writer thread appends them to the
take's file and flushes it about once a second, so a crash or a kill loses at most a second.
A size-1 queue carries the latest input level for the meter."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from voicecoach.audio.devices import InputDevice, resolve_input, sounddevice
from voicecoach.errors import AudioError

log = logging.getLogger(__name__)
FLUSH_EVERY_S = 1.0


@dataclass(frozen=True)
class Take:
    path: Path
    duration_s: float
    samplerate: int
    device: str
    lost_device: bool = False  # the stream died mid-answer; what came before is kept
    gaps: int = 0  # input overflows: blocks PortAudio dropped because nobody read them in time

    @property
    def notes(self) -> tuple[str, ...]:
        """One-line notes on what the recording lost, for the feedback to show."""
        out = []
        if self.lost_device:
            out.append("the microphone stopped mid-answer; the feedback covers what came before")
        if self.gaps:
            out.append(
                f"audio was lost {self.gaps} time{'s' if self.gaps > 1 else ''} while recording "
                "(the machine was too busy): some words may be missing or misheard"
            )
        return tuple(out)


class Recorder:
    def __init__(
        self,
        path: Path,
        device: str | int | None = None,
        channels: int = 1,
        tap: Callable[[np.ndarray, int], None] | None = None,
    ) -> None:
        """`tap`, when given, receives every block (and the sample rate) from the writer thread,
        after it is on disk: live transcription listens there, never in the audio callback."""
        self.tap = tap
        self.path = Path(path)
        self._device_setting = device
        self.channels = channels
        self.device: InputDevice | None = None
        self.samplerate = 0
        self._blocks: queue.Queue[np.ndarray | None] = queue.Queue()
        self._level: queue.Queue[float] = queue.Queue(maxsize=1)
        self._stream = None
        self._writer: threading.Thread | None = None
        self._frames = 0
        self._started = 0.0
        self._lost = threading.Event()
        self._overflows = 0
        self._write_error: Exception | None = None

    # -- the real-time side: no allocation beyond one copy, no I/O
    def _callback(self, indata: np.ndarray, frames: int, time_info, status) -> None:
        self._blocks.put(indata.copy())
        if status and status.input_overflow:
            self._overflows += 1
        peak = float(np.abs(indata).max()) if frames else 0.0
        # Keep only the newest level: the meter wants now, not a backlog.
        with contextlib.suppress(queue.Empty):
            self._level.get_nowait()
        with contextlib.suppress(queue.Full):
            self._level.put_nowait(peak)

    def _finished(self) -> None:
        # PortAudio calls this when the stream stops, also when the device disappears.
        if self._stream is not None and not getattr(self, "_stopping", False):
            self._lost.set()
            self._blocks.put(None)

    def _write(self) -> None:
        last_flush = time.monotonic()
        try:
            with sf.SoundFile(
                self.path, "w", samplerate=self.samplerate, channels=self.channels, subtype="PCM_16"
            ) as fh:
                while True:
                    block = self._blocks.get()
                    if block is None:
                        break
                    fh.write(block)
                    self._frames += len(block)
                    if self.tap is not None:
                        try:
                            self.tap(block, self.samplerate)
                        except Exception:  # a failing listener must not lose the recording
                            log.exception("the recording's listener failed; recording goes on")
                            self.tap = None
                    if time.monotonic() - last_flush >= FLUSH_EVERY_S:
                        fh.flush()  # rewrites the header: the file is valid up to here
                        last_flush = time.monotonic()
        except Exception as e:  # disk full, folder removed: surface it at stop()
            self._write_error = e
            log.exception("writing the take failed")

    def start(self) -> None:
        sd = sounddevice()
        self.device = resolve_input(self._device_setting)
        self.samplerate = int(self.device.samplerate) or 16000
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._stopping = False
        try:
            self._stream = sd.InputStream(
                device=self.device.index,
                channels=self.channels,
                samplerate=self.samplerate,
                dtype="float32",
                callback=self._callback,
                finished_callback=self._finished,
            )
        except Exception as e:
            raise AudioError(f"cannot open the microphone '{self.device.name}' ({e})") from None
        self._writer = threading.Thread(target=self._write, name="take-writer", daemon=True)
        self._writer.start()
        self._stream.start()
        self._started = time.monotonic()

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self._started if self._started else 0.0

    @property
    def lost(self) -> bool:
        return self._lost.is_set()

    def level(self) -> float | None:
        """The latest block's peak (0-1), or None when no new block arrived since last asked."""
        try:
            return self._level.get_nowait()
        except queue.Empty:
            return None

    def stop(self) -> Take:
        self._stopping = True
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:  # a lost device can fail to stop; what was written stays
                log.warning("closing the input stream failed", exc_info=True)
        self._blocks.put(None)
        if self._writer is not None:
            self._writer.join(timeout=10)
        if self._write_error is not None:
            raise AudioError(f"could not write the recording to {self.path} ({self._write_error})")
        if self._overflows:
            # Audio was lost (a busy machine starving the audio thread): words may be misheard.
            log.warning("the input overflowed %d times; the take has gaps", self._overflows)
        return Take(
            self.path,
            self._frames / self.samplerate if self.samplerate else 0.0,
            self.samplerate,
            self.device.name if self.device else "",
            self.lost,
            self._overflows,
        )
