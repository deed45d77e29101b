"""Reading answer recordings of any common format as 16 kHz mono float32, the recognizer's input."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach.errors import AudioError

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE
    sample_rate: int = SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def load_audio(path: str | Path) -> Audio:
    """Decode and resample with PyAV (through faster-whisper), which reads WAV, FLAC, MP3, OGG,
    M4A and more. Raises AudioError with a one-line reason for anything unusable."""
    p = Path(path)
    if not p.exists():
        raise AudioError(f"{p}: no such file")
    if p.is_dir():
        raise AudioError(f"{p}: is a folder, not an audio file")
    if p.stat().st_size == 0:
        raise AudioError(f"{p}: the file is empty")
    from faster_whisper.audio import decode_audio  # PyAV import is slow; only when reading

    try:
        samples = decode_audio(str(p), sampling_rate=SAMPLE_RATE)
    except PermissionError:
        raise AudioError(f"{p}: permission denied") from None
    except Exception as e:  # PyAV raises many kinds (InvalidDataError, ValueError, IndexError...)
        raise AudioError(f"{p}: not a readable audio file ({type(e).__name__})") from None
    import numpy as np  # here, not at import: the app starts faster

    samples = np.asarray(samples, dtype=np.float32)
    if samples.size == 0:
        raise AudioError(f"{p}: the recording is empty (0 seconds of audio)")
    return Audio(samples)
