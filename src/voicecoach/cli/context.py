"""What CLI commands share: settings, the question bank, the store and the engines, built lazily
so that `voicecoach questions` never loads a speech model."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import platformdirs

from voicecoach.config import APP, Settings, load_settings
from voicecoach.questions import QuestionBank, load_bank
from voicecoach.service import AnswerAnalyzer
from voicecoach.speech.transcriber import Transcriber
from voicecoach.storage import Store


def setup_logging() -> Path:
    """Log to a file, never to the terminal (the TUI owns it)."""
    log_dir = Path(platformdirs.user_log_dir(APP))
    path = log_dir / "voicecoach.log"
    root = logging.getLogger("voicecoach")
    if not root.handlers:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False
    return path


@dataclass
class AppContext:
    data_dir: Path | None = None
    config_file: Path | None = None
    no_voice: bool = False
    _settings: Settings | None = None
    _bank: QuestionBank | None = None
    _store: Store | None = None
    _transcriber: Transcriber | None = None
    _extra: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> Settings:
        if self._settings is None:
            setup_logging()
            s = load_settings(self.config_file)
            if self.data_dir is not None:
                s = s.replace(data_dir=str(self.data_dir))
                os.environ.pop("VOICECOACH_DATA_DIR", None)  # the flag wins over the variable
            if self.no_voice:
                s = s.replace(voice=False)
            self._settings = s
        return self._settings

    def override(self, **changes: Any) -> None:
        self._settings = self.settings().replace(**changes)

    def bank(self) -> QuestionBank:
        if self._bank is None:
            self._bank = load_bank()
        return self._bank

    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings().data_path).open()
        return self._store

    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            s = self.settings()
            self._transcriber = Transcriber(
                s.model, s.device, s.compute_type, s.cpu_threads, s.beam_size
            )
        return self._transcriber

    def analyzer(self, need_store: bool = True) -> AnswerAnalyzer:
        return AnswerAnalyzer(
            self.settings(), self.bank(), self.transcriber(), self.store() if need_store else None
        )


class ProgressLine:
    """Shows progress on stderr once a wait passes half a second; quiet for quick work."""

    DELAY_S = 0.5

    def __init__(self) -> None:
        self._msg = ""
        self._shown = ""
        self._start = 0.0
        self._stop = threading.Event()
        self._tty = sys.stderr.isatty()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._last_line = 0.0

    def __call__(self, msg: str) -> None:
        self._msg = msg

    def __enter__(self) -> ProgressLine:
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._tty and self._shown:
            click.echo("\r\033[K", err=True, nl=False)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            now = time.monotonic()
            if now - self._start < self.DELAY_S or self._msg == self._shown:
                continue
            if self._tty:
                click.echo(f"\r\033[K{self._msg}…", err=True, nl=False)
            elif now - self._last_line >= 2.0 or not self._msg.startswith(self._shown[:12]):
                click.echo(f"voicecoach: {self._msg}", err=True)
                self._last_line = now
            else:
                continue
            self._shown = self._msg
