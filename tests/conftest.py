"""Shared fixtures. Real parts throughout: the real Whisper model, espeak-ng, SQLite, files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voicecoach.devtools import espeak
from voicecoach.devtools.speechset import clips, speech_dir

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the person's real data, config or logs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("VOICECOACH_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("VOICECOACH_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # nothing may download during tests


@pytest.fixture
def data_dir() -> Path:
    return Path(os.environ["VOICECOACH_DATA_DIR"])


@pytest.fixture(scope="session")
def transcriber():
    from voicecoach.speech.transcriber import Transcriber

    t = Transcriber(cpu_threads=2)
    t.load()
    return t


@pytest.fixture(scope="session")
def bank():
    from voicecoach.questions import load_bank

    return load_bank(REPO / "questions")


@pytest.fixture(scope="session")
def spoken(tmp_path_factory: pytest.TempPathFactory):
    """Speak text with espeak-ng into a 16 kHz WAV (cached per text and rate)."""
    if not espeak.have_espeak():
        pytest.skip("espeak-ng is not installed (./scripts/setup installs it)")
    folder = tmp_path_factory.mktemp("spoken")
    cache: dict[tuple[str, int, bool], Path] = {}

    def make(text: str, rate: int = 160, ssml: bool = False, voice: str = "en-us") -> Path:
        key = (text, rate, ssml, voice)
        if key not in cache:
            cache[key] = espeak.speak(
                text, folder / f"a{len(cache)}.wav", rate=rate, ssml=ssml, voice=voice
            )
        return cache[key]

    return make


@pytest.fixture(scope="session")
def speech_clips():
    if speech_dir() is None:
        pytest.skip("../shared/speech is not here; accuracy tests need it")
    return clips()
