"""Messages thread workers send back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from voicecoach.service import Outcome


@dataclass
class WarmedUp(Message):
    notes: list[str]


@dataclass
class WarmUpFailed(Message):
    error: str


@dataclass
class SpeechDone(Message):
    what: str  # "question", "reply", "feedback", "playback"
    spoken: bool


@dataclass
class AnalysisProgress(Message):
    text: str


@dataclass
class AnalysisDone(Message):
    outcome: Outcome


@dataclass
class AnalysisFailed(Message):
    error: str
