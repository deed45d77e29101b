"""Fakes for the practice app's unit tests (the real parts are covered by test_e2e_practice.py)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import soundfile as sf

from voicecoach.analysis.types import Word
from voicecoach.audio.devices import InputDevice
from voicecoach.audio.recorder import Take
from voicecoach.config import Settings
from voicecoach.errors import AudioError
from voicecoach.service import AnswerAnalyzer
from voicecoach.service.practice import Practice
from voicecoach.speech.voice import VoiceUnavailable
from voicecoach.storage import Store

ANSWER = (
    "At my last job I ran the billing team. My job was to move every customer to the new system. "
    "The vendor kept missing deadlines and it was their fault. I told the director every week. "
    "In the end we finished two weeks late. I learned to check early, and since then I always do."
)
MIC = InputDevice(3, "Fake USB microphone", 1, 16000.0, True)


class FakeTranscriber:
    """Returns the known answer, spread over the recording's length."""

    def __init__(self, text: str = ANSWER) -> None:
        self.text = text
        self.loaded = False
        self.notes: list[str] = []
        self.language = ("en", 1.0)

    def load(self) -> None:
        self.loaded = True

    def window_words(self, samples, initial_prompt=None) -> list:
        return []  # the filler pass hears nothing more

    def segments(self, samples, offset_s: float = 0.0, initial_prompt=None):
        words = self.text.split()
        if not len(samples) or not words:
            return
        step = len(samples) / 16000 / (len(words) + 1)
        yield (
            [
                Word(w, round(i * step, 3), round(i * step + step * 0.8, 3), 0.95)
                for i, w in enumerate(words)
            ],
            -0.2,
            0.01,
        )


class FakeVoice:
    def __init__(self, tmp: Path, broken: bool = False) -> None:
        self.tmp = tmp
        self.broken = broken
        self.spoken: list[str] = []

    def start(self) -> None:
        if self.broken:
            raise VoiceUnavailable("speech is off: pyttsx3 cannot start (no espeak)")

    def render(self, text: str) -> Path:
        self.spoken.append(text)
        path = self.tmp / f"say-{len(self.spoken)}.wav"
        sf.write(path, np.zeros(1600, dtype=np.float32), 16000)
        return path


class FakePlayer:
    def __init__(self) -> None:
        self.played: list[Path] = []
        self.stops = 0

    def play(self, path: Path, start_s: float = 0.0) -> bool:
        self.played.append(Path(path))
        return True

    def stop(self) -> None:
        self.stops += 1


class FakeRecorder:
    """Writes `seconds` of quiet noise to the take file when stopped."""

    seconds = 4.0
    lose_after: float | None = None
    fail_to_start = False
    gaps = 0  # input overflows the take reports

    def __init__(self, path: Path, device=None, tap=None) -> None:
        self.path = Path(path)
        self.tap = tap
        self.device = MIC
        self._t0 = 0.0
        self.started = False

    def start(self) -> None:
        if self.fail_to_start:
            raise AudioError("cannot open the microphone 'Fake USB microphone' (busy)")
        self.started = True
        self._t0 = time.monotonic()

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self._t0

    @property
    def lost(self) -> bool:
        return self.lose_after is not None and self.elapsed_s >= self.lose_after

    def level(self) -> float | None:
        return 0.3

    def stop(self) -> Take:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        n = int(self.seconds * 16000)
        audio = (np.random.default_rng(0).standard_normal(n) * 0.01).astype(np.float32)
        sf.write(self.path, audio, 16000)
        if self.tap is not None and n:
            self.tap(audio[:, None], 16000)  # what a live listener would have heard
        return Take(self.path, self.seconds, 16000, MIC.name, self.lost, self.gaps)


def make_practice(
    tmp: Path,
    bank,
    *,
    inputs=(MIC,),
    voice_broken: bool = False,
    settings: Settings | None = None,
    recorder=FakeRecorder,
) -> Practice:
    settings = settings or Settings()
    store = Store(tmp / "data").open()
    analyzer = AnswerAnalyzer(settings, bank, FakeTranscriber(), store)  # type: ignore[arg-type]
    return Practice(
        settings,
        bank,
        store,
        analyzer,
        FakeVoice(tmp, voice_broken),
        FakePlayer(),
        recorder,
        list_inputs=lambda: list(inputs),
    )
