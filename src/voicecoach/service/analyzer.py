"""Analyse one answer (a recording or typed text) and save it as an attempt."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicecoach.analysis.types import Transcript, Word
from voicecoach.audio.files import SAMPLE_RATE, Audio, load_audio
from voicecoach.config import Settings
from voicecoach.errors import AudioError
from voicecoach.questions import Card, QuestionBank
from voicecoach.speech.transcriber import Transcriber
from voicecoach.speech.vad import voiced_spans
from voicecoach.storage import NewAttempt, Store

if TYPE_CHECKING:
    import numpy as np

    from voicecoach.analysis.report import Analysis, AnalysisOptions

ProgressFn = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _report():
    """The analysis proper, imported on first use: compiling its rules and weights would
    otherwise add a quarter of a second to the app's start, before any answer exists."""
    from voicecoach.analysis import report

    return report


@dataclass(frozen=True)
class Outcome:
    analysis: Analysis
    report: dict[str, Any]
    card: Card | None
    attempt_id: int | None = None


class AnswerAnalyzer:
    def __init__(
        self,
        settings: Settings,
        bank: QuestionBank,
        transcriber: Transcriber,
        store: Store | None = None,
    ) -> None:
        self.settings = settings
        self.bank = bank
        self.transcriber = transcriber
        self.store = store

    def card(self, question_id: str | None) -> Card | None:
        return self.bank.get(question_id) if question_id else None

    def options(self, card: Card | None, target_s: float | None = None) -> AnalysisOptions:
        return _report().AnalysisOptions(
            question_id=card.id if card else None,
            question_prompt=card.prompt if card else None,
            target_s=target_s if target_s is not None else (card.target_seconds if card else None),
            card_signals=card.signals if card else (),
            pause_min_s=self.settings.pause_min_s,
            long_pause_s=self.settings.long_pause_s,
        )

    def transcribe(self, samples: np.ndarray, progress: ProgressFn = _quiet) -> Transcript:
        """Words from the recognizer plus voiced spans measured from the audio itself, and the
        hesitations the recognizer left out, found by a second listen where they hide
        (speech/fillers.py; marked as inferred from the audio)."""
        duration = len(samples) / SAMPLE_RATE
        if not self.transcriber.loaded:
            progress("loading the speech model")
            self.transcriber.load()
        progress(f"transcribing {duration:.0f} s of audio")
        words: list[Word] = []
        for seg_words, _, _ in self.transcriber.segments(samples):
            words.extend(seg_words)
            progress(f"transcribing: {seg_words[-1].end:.0f} of {duration:.0f} s")
        lang, prob = self.transcriber.language  # before the second listens decode again
        voiced = voiced_spans(samples)  # the edges pace and pauses are measured from
        if words and lang == "en":
            # Imported here: their tables are not needed to open the app.
            from voicecoach.speech.fillers import listen_for_fillers, merge
            from voicecoach.speech.skips import hear_skipped, skipped_spans

            skipped = skipped_spans(words, voiced)
            if skipped:
                progress("listening again where words were skipped")
                words = hear_skipped(self.transcriber, samples, words, skipped).words
            progress("listening for fillers")
            words = merge(words, listen_for_fillers(self.transcriber, samples, words, voiced).found)
        notes = list(self.transcriber.notes)
        if lang != "en" and prob > 0.5:
            notes.append(f"the speech sounds like '{lang}', not English; feedback assumes English")
        heard = sum(s.duration for s in voiced)
        if not words and heard >= 1.0:
            notes.append(
                f"{heard:.0f} s of sound was heard but no English words were recognised: "
                "the default model understands English only"
            )
        elif not words:
            notes.append("no speech was heard in the recording")
        elif words and sum(w.probability for w in words) / len(words) < 0.45:
            notes.append(
                "the recognizer was unsure of most words: the speech may not be English, "
                "or the recording is noisy"
            )
        return Transcript(tuple(words), round(duration, 3), voiced, tuple(notes))

    def analyze_audio(
        self,
        audio: Audio,
        question_id: str | None = None,
        target_s: float | None = None,
        progress: ProgressFn = _quiet,
        notes: Sequence[str] = (),
    ) -> Outcome:
        """`notes`: what the recording itself lost (audio.recorder.Take.notes), shown with the
        feedback and saved with it."""
        card = self.card(question_id)  # an unknown id fails before any slow work
        transcript = self.transcribe(audio.samples, progress)
        return self._analyze(transcript, card, target_s, notes)

    def analyze_transcript(self, transcript: Transcript, question_id: str | None = None,
                           target_s: float | None = None, notes: Sequence[str] = ()) -> Outcome:
        """Analyse words already recognised (live, while the person spoke); `notes` as in
        analyze_audio."""
        card = self.card(question_id)
        if not transcript.words:
            heard = sum(s.duration for s in transcript.voiced)
            note = (f"{heard:.0f} s of sound was heard but no English words were recognised"
                    if heard >= 1.0 else "no speech was heard in the recording")
            transcript = Transcript(transcript.words, transcript.duration_s, transcript.voiced,
                                    (*transcript.notes, note))
        return self._analyze(transcript, card, target_s, notes)

    def _analyze(self, transcript: Transcript, card: Card | None, target_s: float | None,
                 notes: Sequence[str]) -> Outcome:
        """The analysis and the coach's review of recognised words; the take's own `notes`
        come first."""
        if notes:
            transcript = replace(transcript, notes=(*notes, *transcript.notes))
        analysis = _report().analyze(transcript, self.options(card, target_s))
        return self.coach(Outcome(analysis, analysis.to_dict(), card))

    def analyze_file(
        self,
        path: str | Path,
        question_id: str | None = None,
        target_s: float | None = None,
        save: bool = True,
        progress: ProgressFn = _quiet,
        parent_id: int | None = None,
    ) -> Outcome:
        card = self.card(question_id)
        audio = load_audio(path)
        if audio.duration_s < 0.1:
            raise AudioError(
                f"{path}: the recording is too short to analyse ({audio.duration_s * 1000:.0f} ms)"
            )
        outcome = self.analyze_audio(audio, card.id if card else None, target_s, progress)
        if save:
            return self.save(outcome, Path(path), parent_id=parent_id)
        return outcome

    def analyze_text(
        self,
        text: str,
        question_id: str | None = None,
        target_s: float | None = None,
        save: bool = True,
        parent_id: int | None = None,
    ) -> Outcome:
        card = self.card(question_id)
        analysis = _report().analyze(Transcript.from_text(text), self.options(card, target_s))
        outcome = self.coach(Outcome(analysis, analysis.to_dict(), card))
        return self.save(outcome, None, parent_id=parent_id) if save else outcome

    def coach(self, outcome: Outcome) -> Outcome:
        """Add the LLM coach's review (when switched on) and the interviewer's follow-up."""
        from voicecoach.service.coach import follow_up, llm_review

        report = dict(outcome.report)
        if self.settings.coach == "llm":
            report["llm"] = llm_review(self.settings, report, outcome.card)
        report["follow_up"] = follow_up(report, outcome.card)
        return Outcome(outcome.analysis, report, outcome.card, outcome.attempt_id)

    def save(
        self,
        outcome: Outcome,
        audio_path: Path | None,
        move: bool = False,
        parent_id: int | None = None,
    ) -> Outcome:
        if self.store is None:
            return outcome
        attempt_id = self.store.save(
            NewAttempt(
                outcome.card.id if outcome.card else None,
                outcome.analysis.source,
                outcome.report,
                outcome.analysis.transcript.duration_s,
                parent_id,
            ),
            audio_path,
            move=move,
        )
        return Outcome(outcome.analysis, outcome.report, outcome.card, attempt_id)
