"""One call from a transcript to the full analysis, and its JSON report (a documented contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voicecoach.analysis.feedback import Feedback, coach
from voicecoach.analysis.pacing import Filler, Pace, Pause, find_fillers, find_pauses, measure_pace
from voicecoach.analysis.signals import (
    CardSignalResult,
    SignalResult,
    card_signals,
    detect,
    i_we_ratio,
)
from voicecoach.analysis.structure import Section, label_sentences, sections
from voicecoach.analysis.text import Sentence, split_sentences
from voicecoach.analysis.types import STAR_LABELS, CardSignal, Transcript

SCHEMA_VERSION = 1
# The common split coaches teach: situation 20%, task 10%, action 60%, result (with reflection) 10%.
IDEAL_SPLIT = {"situation": 0.20, "task": 0.10, "action": 0.60, "result": 0.10}


@dataclass(frozen=True)
class AnalysisOptions:
    question_id: str | None = None
    question_prompt: str | None = None
    target_s: float | None = None
    card_signals: tuple[CardSignal, ...] = ()
    pause_min_s: float = 1.0  # silences at least this long are pauses
    long_pause_s: float = 3.0  # and at least this long, long pauses
    short_ratio: float = 0.75  # under this share of the target, the answer is short
    long_ratio: float = 1.25  # over it, long


@dataclass(frozen=True)
class Timing:
    target_s: float | None
    speaking_s: float | None
    verdict: str | None  # "short" | "on_target" | "long"


@dataclass(frozen=True)
class Analysis:
    options: AnalysisOptions
    source: str  # "audio" | "text"
    transcript: Transcript
    sentences: tuple[Sentence, ...]
    labels: tuple[str, ...]
    timing: Timing
    pace: Pace
    pauses: tuple[Pause, ...]
    fillers: tuple[Filler, ...]
    sections: tuple[Section, ...]
    missing: tuple[str, ...]
    signals: dict[str, SignalResult]
    i_we: dict[str, Any]
    card_signals: tuple[CardSignalResult, ...]
    feedback: Feedback = field(default_factory=Feedback)

    @property
    def no_speech(self) -> bool:
        return not self.sentences

    @property
    def speaking_minutes(self) -> float | None:
        return self.timing.speaking_s / 60 if self.timing.speaking_s else None

    @property
    def fillers_per_min(self) -> float | None:
        mins = self.speaking_minutes
        return round(len(self.fillers) / mins, 2) if mins else None

    def section(self, label: str) -> Section | None:
        return next((s for s in self.sections if s.label == label), None)

    def to_dict(self) -> dict[str, Any]:
        return report_dict(self)


def analyze(transcript: Transcript, options: AnalysisOptions | None = None) -> Analysis:
    options = options or AnalysisOptions()
    timed = transcript.timed
    sentences = tuple(split_sentences(transcript.words))
    labels = tuple(label_sentences(sentences))
    fillers = tuple(find_fillers(transcript.words))
    pauses = tuple(find_pauses(transcript, options.pause_min_s)) if timed else ()
    pace = measure_pace(transcript, pauses) if timed else Pace(None, None, ())
    speaking_s = None
    if timed and transcript.words:
        speaking_s = round(transcript.words[-1].end - transcript.words[0].start, 2)  # type: ignore[operator]
    secs = tuple(sections(sentences, labels))
    present = {s.label for s in secs}
    missing = tuple(lab for lab in STAR_LABELS if lab not in present) if sentences else STAR_LABELS
    signals = detect(sentences, labels)
    analysis = Analysis(
        options=options,
        source="audio" if timed or transcript.duration_s is not None else "text",
        transcript=transcript,
        sentences=sentences,
        labels=labels,
        timing=Timing(options.target_s, speaking_s, _verdict(speaking_s, options)),
        pace=pace,
        pauses=pauses,
        fillers=fillers,
        sections=secs,
        missing=missing,
        signals=signals,
        i_we=i_we_ratio(sentences, labels),
        card_signals=tuple(card_signals(sentences, options.card_signals, signals)),
    )
    return _with_feedback(analysis)


def _with_feedback(a: Analysis) -> Analysis:
    from dataclasses import replace

    return replace(a, feedback=coach(a))


def _verdict(speaking_s: float | None, o: AnalysisOptions) -> str | None:
    if speaking_s is None or not o.target_s:
        return None
    ratio = speaking_s / o.target_s
    if ratio < o.short_ratio:
        return "short"
    if ratio > o.long_ratio:
        return "long"
    return "on_target"


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def report_dict(a: Analysis) -> dict[str, Any]:
    o = a.options
    question = {"id": o.question_id, "prompt": o.question_prompt} if o.question_id else None
    words = [
        {
            "text": w.text.strip(),
            "start": _r(w.start),
            "end": _r(w.end),
            "probability": round(w.probability, 3),
        }
        for w in a.transcript.words
    ]
    long_s = o.long_pause_s
    return {
        "schema_version": SCHEMA_VERSION,
        "question": question,
        "source": a.source,
        "duration_s": _r(a.transcript.duration_s),
        "no_speech": a.no_speech,
        "notes": list(a.transcript.notes),
        "transcript": {"text": a.transcript.text, "words": words},
        "timing": {
            "target_s": o.target_s,
            "speaking_s": a.timing.speaking_s,
            "verdict": a.timing.verdict,
            "ratio": round(a.timing.speaking_s / o.target_s, 3)
            if a.timing.speaking_s and o.target_s
            else None,
        },
        "pacing": {
            "wpm": a.pace.wpm,
            "articulation_wpm": a.pace.articulation_wpm,
            "wpm_windows": [{"start": s, "wpm": w} for s, w in a.pace.windows],
            "pauses": [
                {
                    "start": _r(p.start),
                    "end": _r(p.end),
                    "duration": _r(p.duration),
                    "kind": p.kind,
                    "long": p.duration >= long_s,
                }
                for p in a.pauses
            ],
            "fillers": [
                {
                    "text": f.text,
                    "kind": f.kind,
                    "start": _r(f.start),
                    "end": _r(f.end),
                    "source": f.source,
                }
                for f in a.fillers
            ],
            # How many the recognizer wrote, and how many a second listen inferred from the audio.
            "fillers_from_transcript": sum(1 for f in a.fillers if f.source != "audio"),
            "fillers_from_audio": sum(1 for f in a.fillers if f.source == "audio"),
            "fillers_per_min": a.fillers_per_min,
        },
        "structure": {
            "sentences": [
                {"text": s.text, "label": lab, "start": _r(s.start), "end": _r(s.end)}
                for s, lab in zip(a.sentences, a.labels)
            ],
            "sections": [
                {
                    "label": s.label,
                    "start": _r(s.start),
                    "end": _r(s.end),
                    "seconds": s.seconds,
                    "share": s.share,
                    "ideal_share": IDEAL_SPLIT.get(s.label),
                }
                for s in a.sections
            ],
            "missing": list(a.missing),
        },
        "signals": {
            name: {
                "present": r.present,
                "evidence": [{"text": e.text, "start": _r(e.start)} for e in r.evidence],
                **({"detail": r.detail} if r.detail else {}),
            }
            for name, r in a.signals.items()
        },
        "i_we": a.i_we,
        "card_signals": [
            {
                "name": c.name,
                "covered": c.covered,
                "via": c.via,
                "evidence": [{"text": e.text, "start": _r(e.start)} for e in c.evidence],
            }
            for c in a.card_signals
        ],
        "feedback": a.feedback.to_dict(),
    }
