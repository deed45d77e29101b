"""The practice service: runs one round (question, answer, analysis, feedback, saving) on top of
the engines, audio and storage. Front ends (CLI, TUI) only talk to this layer."""

from voicecoach.service.analyzer import AnswerAnalyzer, Outcome, ProgressFn

__all__ = ["AnswerAnalyzer", "Outcome", "ProgressFn"]
