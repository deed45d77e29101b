"""voicecoach: rehearse interview answers out loud, with offline feedback."""

__version__ = "0.1.0"
