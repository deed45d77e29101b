"""Small value types shared by every analysis step."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

LABELS = ("situation", "task", "action", "result", "reflection", "other")
STAR_LABELS = ("situation", "task", "action", "result", "reflection")


@dataclass(frozen=True, slots=True)
class Word:
    """One word as the recognizer heard it; times are seconds from the start of the audio."""

    text: str
    start: float | None = None
    end: float | None = None
    probability: float = 1.0

    @property
    def timed(self) -> bool:
        return self.start is not None and self.end is not None

    def shifted(self, by: float) -> Word:
        """The same word `by` seconds later (of the same class: a filler stays one)."""
        return replace(self, start=round((self.start or 0.0) + by, 3),
                       end=round((self.end or 0.0) + by, 3))


@dataclass(frozen=True, slots=True)
class Span:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Transcript:
    """What was said. `voiced` holds the stretches of audio that carry speech, measured from the
    audio itself (word timestamps swallow silence, so pauses come from these when present)."""

    words: tuple[Word, ...]
    duration_s: float | None = None
    voiced: tuple[Span, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return " ".join(w.text.strip() for w in self.words if w.text.strip())

    @property
    def timed(self) -> bool:
        return bool(self.words) and all(w.timed for w in self.words)

    @classmethod
    def from_text(cls, text: str) -> Transcript:
        """A typed answer: words without timings."""
        return cls(words=tuple(Word(t) for t in re.findall(r"\S+", text)))


@dataclass(frozen=True, slots=True)
class CardSignal:
    """What the interviewer listens for, as a question card states it."""

    name: str
    description: str = ""
    cues: tuple[str, ...] = ()
    detector: str | None = None
