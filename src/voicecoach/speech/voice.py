"""Text to speech with pyttsx3 (espeak-ng on Linux), on one thread that owns the engine.

pyttsx3 crashes or hangs when two threads use it, and on Linux its runAndWait returns before the
audio exists; so every call happens on one thread, speech is rendered to a file, and completion
comes from the engine's 'finished-utterance' event. Playback is the audio layer's job."""

from __future__ import annotations

import contextlib
import io
import logging
import queue
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

from voicecoach.errors import VoicecoachError

log = logging.getLogger(__name__)


class VoiceUnavailable(VoicecoachError):
    pass


class Voice:
    def __init__(self, rate: int = 170, voice_id: str = "", timeout_s: float = 60.0) -> None:
        self.rate = rate
        self.voice_id = voice_id
        self.timeout_s = timeout_s
        self._jobs: queue.Queue[tuple[str, Path, Future[Path]] | None] = queue.Queue()
        self._ready: Future[None] = Future()
        self._thread: threading.Thread | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="voicecoach-tts-"))
        self._n = 0

    def start(self) -> None:
        """Start the engine thread; raises VoiceUnavailable (one line) when pyttsx3 cannot run."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tts", daemon=True)
            self._thread.start()
        exc = self._ready.exception(timeout=self.timeout_s)
        if exc is not None:
            raise VoiceUnavailable(f"speech is off: {exc}")

    @property
    def available(self) -> bool:
        return self._ready.done() and self._ready.exception() is None

    def render(self, text: str) -> Path:
        """Speak `text` into a WAV file (22.05 kHz mono) and return its path."""
        self.start()
        self._n += 1
        out = self._dir / f"say-{self._n}.wav"
        fut: Future[Path] = Future()
        self._jobs.put((text, out, fut))
        return fut.result(timeout=self.timeout_s)

    def close(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)

    # -- the engine thread
    def _run(self) -> None:
        try:
            import pyttsx3

            engine = pyttsx3.init()
            engine.setProperty("rate", self.rate)
            voice = self._pick_voice(engine)
            if voice:
                engine.setProperty("voice", voice)
        except Exception as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            self._ready.set_exception(RuntimeError(f"pyttsx3 cannot start ({msg})"))
            return
        finished = threading.Event()
        engine.connect("finished-utterance", lambda name, completed: finished.set())
        self._ready.set_result(None)
        while (job := self._jobs.get()) is not None:
            text, out, fut = job
            finished.clear()
            try:
                # The espeak driver prints "Audio saved to ..."; keep it off the terminal.
                with contextlib.redirect_stdout(io.StringIO()):
                    engine.save_to_file(text, str(out))
                    engine.runAndWait()
                    if not finished.wait(self.timeout_s):
                        raise TimeoutError("speech synthesis timed out")
                if not out.exists():
                    raise RuntimeError("speech synthesis wrote no audio")
                fut.set_result(out)
            except Exception as e:
                log.warning("text to speech failed: %s", e)
                fut.set_exception(VoiceUnavailable(f"speech failed ({e})"))

    def _pick_voice(self, engine) -> str | None:
        voices = engine.getProperty("voices") or []
        if self.voice_id:
            return self.voice_id
        # espeak-ng lists Afrikaans first; prefer an English voice.
        for want in ("en-us", "en"):
            for v in voices:
                langs = " ".join(str(x) for x in (getattr(v, "languages", None) or []))
                if (
                    want in (v.id or "").lower()
                    or want in langs.lower()
                    or want == (v.name or "").lower()
                ):
                    return v.id
        return None
