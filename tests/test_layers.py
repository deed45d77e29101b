"""The import direction: analysis <- engines/audio/storage <- service <- UI/CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(exe)], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "broken" not in r.stdout.lower().replace("0 broken", "")


def test_analysis_imports_without_engines_or_ui() -> None:
    code = (
        "import sys, voicecoach.analysis, voicecoach.analysis.report;"
        "bad = [m for m in ('textual', 'faster_whisper', 'sounddevice', 'pyttsx3', 'openai',"
        " 'soundfile', 'sqlite3', 'ctranslate2') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cli_help_loads_no_engine() -> None:
    """Engines are created on use, never at import time."""
    code = (
        "import sys; from voicecoach.cli import main;"
        "bad = [m for m in ('faster_whisper', 'ctranslate2', 'pyttsx3', 'textual', 'openai')"
        " if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
