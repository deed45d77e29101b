"""Speech engines: the recognizer (faster-whisper), the voice (pyttsx3) and the optional LLM coach.

Engines are created by the caller and loaded lazily; nothing loads at import time."""
