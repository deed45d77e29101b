"""One practice round, and the adapters the practice app is given.

The app never touches engines directly: it gets a `Practice` (real or, in UI unit tests, fake
adapters inside) and calls these blocking methods from thread workers."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from voicecoach.audio.devices import InputDevice, list_inputs
from voicecoach.audio.files import load_audio
from voicecoach.audio.player import Player
from voicecoach.config import Settings
from voicecoach.errors import AudioError, VoicecoachError
from voicecoach.questions import Card, QuestionBank
from voicecoach.service.analyzer import AnswerAnalyzer, Outcome, ProgressFn
from voicecoach.speech.voice import Voice
from voicecoach.storage import Store

if TYPE_CHECKING:
    from voicecoach.audio.recorder import Take
    from voicecoach.service.live import LiveTranscription

log = logging.getLogger(__name__)


class RecorderLike(Protocol):
    device: InputDevice | None

    def start(self) -> None: ...
    def stop(self) -> Take: ...
    def level(self) -> float | None: ...
    @property
    def elapsed_s(self) -> float: ...
    @property
    def lost(self) -> bool: ...


class VoiceLike(Protocol):
    def render(self, text: str) -> Path: ...
    def start(self) -> None: ...


class PlayerLike(Protocol):
    def play(self, path: Path, start_s: float = 0.0) -> bool: ...
    def stop(self) -> None: ...


@dataclass
class Practice:
    """Everything a practice session needs, built once and handed to the app."""

    settings: Settings
    bank: QuestionBank
    store: Store
    analyzer: AnswerAnalyzer
    voice: VoiceLike | None
    player: PlayerLike
    # (take path, device setting, listener for recorded blocks) -> a recorder
    make_recorder: Callable[..., RecorderLike]
    list_inputs: Callable[[], list[InputDevice]] = list_inputs
    notes: list[str] = field(default_factory=list)
    _live: dict[Path, LiveTranscription] = field(default_factory=dict)

    @property
    def takes_dir(self) -> Path:
        return self.store.data_dir / "takes"

    def update_settings(self, save: bool = False, **changes) -> None:
        """Change settings for the session (and, with save, in the settings file)."""
        from voicecoach.config import save_settings

        self.settings = self.settings.replace(**changes)
        self.analyzer.settings = self.settings
        if save:
            save_settings(self.settings)

    # -- startup
    def warm_up(self) -> list[str]:
        """Load the speech model and start the voice; returns one-line notes of what is off."""
        notes = []
        self.analyzer.transcriber.load()
        if self.voice is not None and self.settings.voice:
            try:
                self.voice.start()
            except VoicecoachError as e:
                notes.append(str(e))
                self.voice = None
        return notes

    def inputs(self) -> list[InputDevice]:
        try:
            return self.list_inputs()
        except AudioError:
            return []

    # -- speaking
    def say(self, text: str) -> bool:
        """Speak and block until done (or skipped); False when there is no voice."""
        if self.voice is None or not self.settings.voice:
            return False
        try:
            return self.player.play(self.voice.render(text))
        except VoicecoachError as e:
            log.warning("speaking failed: %s", e)
            return False

    def stop_speaking(self) -> None:
        self.player.stop()

    # -- recording
    def new_take_path(self) -> Path:
        return self.takes_dir / f"take-{datetime.now():%Y%m%d-%H%M%S-%f}.wav"

    def recorder(self) -> RecorderLike:
        """A recorder for a new take; with live transcription on, the take is transcribed while
        it is recorded, so feedback is ready as soon as the person stops."""
        path = self.new_take_path()
        tap = None
        if self.settings.live_transcription:
            from voicecoach.service.live import LiveTranscription  # numpy: not at app start

            live = self._live[path] = LiveTranscription(self.analyzer.transcriber)
            tap = live.feed
        return self.make_recorder(path, self.settings.input_device or None, tap)

    def unfinished_takes(self) -> list[Path]:
        """Takes left by a crash or a kill: recorded but never analysed."""
        if not self.takes_dir.is_dir():
            return []
        return sorted(p for p in self.takes_dir.glob("take-*.wav") if p.stat().st_size > 44)

    def discard_take(self, path: Path) -> None:
        live = self._live.pop(path, None)
        if live is not None:
            live.cancel()
        path.unlink(missing_ok=True)

    # -- analysis
    def analyze_take(
        self,
        take: Path,
        card: Card | None,
        progress: ProgressFn,
        parent_id: int | None = None,
        notes: Sequence[str] = (),
    ) -> Outcome:
        """Transcribe and analyse a take, then move it into the history (saved whole or not).
        `notes`: what the recording lost (Take.notes), told with the feedback."""
        live = self._live.pop(take, None)
        transcript = live.finish() if live is not None else None
        qid = card.id if card else None
        if transcript is not None:
            outcome = self.analyzer.analyze_transcript(transcript, qid, notes=notes)
        else:  # a recovered take, or live transcription failed: transcribe the file
            audio = load_audio(take)
            outcome = self.analyzer.analyze_audio(audio, qid, None, progress, notes=notes)
        return self.analyzer.save(outcome, take, move=True, parent_id=parent_id)

    def analyze_text(self, text: str, card: Card | None) -> Outcome:
        return self.analyzer.analyze_text(text, card.id if card else None)

    def play_attempt(self, attempt_id: int, start_s: float = 0.0) -> bool:
        attempt = self.store.get(attempt_id)
        if attempt.audio_path is None or not attempt.audio_path.exists():
            raise AudioError(f"attempt {attempt_id} has no recording")
        return self.player.play(attempt.audio_path, start_s)


def build_practice(
    settings: Settings, bank: QuestionBank, store: Store, analyzer: AnswerAnalyzer
) -> Practice:
    """The real adapters: pyttsx3 voice, sounddevice recorder and player."""

    def recorder(path: Path, device: str | int | None, tap=None) -> RecorderLike:
        # Imported on the first take: with numpy and soundfile, a tenth of a second of start-up.
        from voicecoach.audio.recorder import Recorder

        return Recorder(path, device, tap=tap)

    voice = Voice(settings.voice_rate, settings.voice_id) if settings.voice else None
    return Practice(
        settings,
        bank,
        store,
        analyzer,
        voice,
        Player(),
        recorder,
    )


_WORD = re.compile(r"[a-z']+")


def answer_clarifying(card: Card, asked: str) -> str:
    """The interviewer's reply to a clarifying question, from the card's assumptions.

    When the question is close to one the card anticipates, the reply says so first."""
    words = set(_WORD.findall(asked.lower()))
    best, score = None, 0.0
    for q in card.clarifying_questions:
        qw = set(_WORD.findall(q.lower()))
        s = len(words & qw) / max(len(words | qw), 1)
        s = max(s, difflib.SequenceMatcher(None, asked.lower(), q.lower()).ratio() * 0.8)
        if s > score:
            best, score = q, s
    lead = "Good question. " if best is not None and score >= 0.25 else ""
    return f"{lead}{card.assumptions}"
