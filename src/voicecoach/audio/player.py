"""Playing a WAV file (spoken prompts and feedback, or a recorded answer), stoppable."""

from __future__ import annotations

import threading
from pathlib import Path

from voicecoach.audio.devices import sounddevice
from voicecoach.errors import AudioError


class Player:
    def __init__(self, device: str | int | None = None) -> None:
        self.device = device or None
        self._stop = threading.Event()

    def play(self, path: Path, start_s: float = 0.0) -> bool:
        """Block until the file has played or stop() was called; False when stopped."""
        import soundfile as sf  # with numpy, on first play: not at the app's start

        sd = sounddevice()
        try:
            data, rate = sf.read(path, dtype="float32", always_2d=True)
        except Exception as e:
            raise AudioError(f"{path}: cannot play ({e})") from None
        data = data[int(start_s * rate) :]
        self._stop.clear()
        done = threading.Event()
        pos = 0

        def callback(outdata, frames, time_info, status) -> None:
            nonlocal pos
            chunk = data[pos : pos + frames]
            outdata[: len(chunk)] = chunk
            outdata[len(chunk) :] = 0
            pos += frames
            if pos >= len(data) or self._stop.is_set():
                raise sd.CallbackStop

        try:
            with sd.OutputStream(
                samplerate=rate,
                channels=data.shape[1],
                dtype="float32",
                device=self.device,
                callback=callback,
                finished_callback=done.set,
            ):
                while not done.wait(0.05):
                    if self._stop.is_set():
                        break
        except sd.PortAudioError as e:
            raise AudioError(f"cannot play audio ({e})") from None
        return not self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()
