"""Errors a person can act on: each carries a one-line message for the screen or the terminal."""


class VoicecoachError(Exception):
    """A failure with a clear, one-line explanation; front ends print it without a traceback."""


class AudioError(VoicecoachError):
    """An audio file is missing, unreadable or empty; or the microphone failed."""


class TranscriptionError(VoicecoachError):
    """The speech recognizer could not load or run."""


class QuestionError(VoicecoachError):
    """An unknown question id or a broken question card."""


class StorageError(VoicecoachError):
    """The data folder or the database cannot be used."""


class ConfigError(VoicecoachError):
    """The settings file is malformed."""
