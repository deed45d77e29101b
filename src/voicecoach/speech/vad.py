"""Where the audio carries speech, from the Silero VAD that faster-whisper ships.

Word timestamps absorb silence (a 2.5 s pause shows as a 1.3 s gap between words), so pauses are
measured from these spans instead; the second listens (fillers, skipped speech) look for voiced
audio no word explains in them, and the live path finds where phrases end with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicecoach.analysis.types import Span
from voicecoach.speech.transcriber import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

# The edges pace and pauses are measured from. Silero holds a span open ~0.1 s past the end of
# speech, so: little padding, and splits at 150 ms of silence, which makes the gaps it reports
# match the silences of 250 ms and more that articulation leaves out (devtools/eval_pacing).
EDGE_SILENCE_S = 0.15
EDGE_PAD_S = 0.03


def speech_regions(
    audio: np.ndarray, min_silence_s: float, pad_s: float = 0.1, min_speech_s: float = 0.0
) -> list[dict]:
    """Silero's speech stretches in `audio` (16 kHz), as {"start", "end"} sample indices."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if len(audio) < SAMPLE_RATE // 10:
        return []
    opts = VadOptions(
        threshold=0.5,
        min_silence_duration_ms=int(min_silence_s * 1000),
        speech_pad_ms=int(pad_s * 1000),
        min_speech_duration_ms=int(min_speech_s * 1000),
    )
    return get_speech_timestamps(audio, opts, sampling_rate=SAMPLE_RATE)


def voiced_spans(
    samples: np.ndarray, min_silence_s: float = EDGE_SILENCE_S, pad_s: float = EDGE_PAD_S
) -> tuple[Span, ...]:
    """The stretches of `samples` that carry speech, in seconds; by default the edges pace and
    pauses are measured from. Blips under 100 ms are not speech."""
    regions = speech_regions(samples, min_silence_s, pad_s, min_speech_s=0.1)
    return tuple(
        Span(round(r["start"] / SAMPLE_RATE, 3), round(r["end"] / SAMPLE_RATE, 3))
        for r in regions
    )
