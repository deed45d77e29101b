"""Where the audio carries speech, from the Silero VAD that faster-whisper ships.

Word timestamps absorb silence (a 2.5 s pause shows as a 1.3 s gap between words), so pauses are
measured from these spans instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicecoach.analysis.types import Span
from voicecoach.audio.files import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np


def voiced_spans(
    samples: np.ndarray, sample_rate: int = SAMPLE_RATE, min_silence_ms: int = 250, pad_ms: int = 60
) -> tuple[Span, ...]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if samples.size == 0:
        return ()
    opts = VadOptions(
        threshold=0.5,
        min_silence_duration_ms=min_silence_ms,
        speech_pad_ms=pad_ms,
        min_speech_duration_ms=100,
    )
    stamps = get_speech_timestamps(samples, opts, sampling_rate=sample_rate)
    return tuple(
        Span(round(s["start"] / sample_rate, 3), round(s["end"] / sample_rate, 3)) for s in stamps
    )
