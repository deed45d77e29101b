"""Saved attempts: SQLite rows plus the audio files beside them, in the data folder."""

from voicecoach.storage.db import Attempt, AttemptSummary, NewAttempt, Store

__all__ = ["Attempt", "AttemptSummary", "NewAttempt", "Store"]
