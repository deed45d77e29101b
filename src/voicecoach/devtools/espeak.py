"""Spoken test answers with known words, made by espeak-ng (for tests and benchmarks)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLE_RATE = 16_000


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, out: Path, rate: int = 160, lead_s: float = 1.0, tail_s: float = 0.5,
          ssml: bool = False, voice: str = "en-us") -> Path:
    """Write `text` spoken by espeak-ng to `out` as 16 kHz mono 16-bit WAV, with silence around."""
    from faster_whisper.audio import decode_audio

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        cmd = ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw)]
        if ssml:
            cmd.append("-m")
        subprocess.run([*cmd, text], check=True, capture_output=True)
        speech = decode_audio(str(raw), sampling_rate=SAMPLE_RATE)
    audio = np.concatenate([
        np.zeros(int(lead_s * SAMPLE_RATE), np.float32), speech,
        np.zeros(int(tail_s * SAMPLE_RATE), np.float32),
    ])
    sf.write(out, audio, SAMPLE_RATE, subtype="PCM_16")
    return out


def voiced_bounds(
    path: Path, frame_s: float = 0.01, threshold: float = 0.02
) -> tuple[float, float]:
    """First and last voiced sample of a clean synthetic recording, from frame energy.

    The ground truth for pace: espeak-ng's -s rate is only roughly words per minute."""
    audio, sr = sf.read(path, dtype="float32")
    n = int(frame_s * sr)
    frames = audio[: len(audio) // n * n].reshape(-1, n)
    rms = np.sqrt((frames**2).mean(axis=1))
    on = np.flatnonzero(rms > threshold * rms.max())
    return float(on[0] * frame_s), float((on[-1] + 1) * frame_s)


def silent_gaps(path: Path, min_s: float, frame_s: float = 0.01,
                threshold: float = 0.02) -> list[tuple[float, float]]:
    """Silences of at least `min_s` between the first and last voiced frames (ground truth)."""
    audio, sr = sf.read(path, dtype="float32")
    n = int(frame_s * sr)
    frames = audio[: len(audio) // n * n].reshape(-1, n)
    rms = np.sqrt((frames**2).mean(axis=1))
    voiced = rms > threshold * rms.max()
    idx = np.flatnonzero(voiced)
    gaps = []
    for a, b in zip(idx, idx[1:]):
        if (b - a - 1) * frame_s >= min_s:
            gaps.append(((a + 1) * frame_s, b * frame_s))
    return gaps
