"""Real SQLite in a temporary data folder: saving whole or not at all."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from voicecoach.errors import StorageError
from voicecoach.storage import NewAttempt, Store
from voicecoach.storage.db import SCHEMA_VERSION

REPORT = {
    "timing": {"speaking_s": 61.0, "target_s": 90},
    "pacing": {"wpm": 150.0, "fillers_per_min": 2.0},
    "structure": {"missing": ["task"]},
    "transcript": {"text": "hello", "words": []},
}


def test_save_list_get_delete(tmp_path: Path) -> None:
    audio = tmp_path / "take.wav"
    audio.write_bytes(b"RIFF....WAVE")
    with Store(tmp_path / "data") as store:
        a = store.save(NewAttempt("q1", "audio", REPORT, 62.0), audio)
        b = store.save(NewAttempt("q2", "text", REPORT))
        rows = store.list()
        assert [r.id for r in rows] == [b, a]  # newest first
        got = store.get(a)
        assert got.report == REPORT and got.summary.wpm == 150.0
        assert got.summary.star_coverage == 0.8
        assert got.audio_path is not None and got.audio_path.read_bytes() == b"RIFF....WAVE"
        assert audio.exists()  # copied, not moved
        assert [r.id for r in store.list(question_id="q1")] == [a]
        store.delete(a)
        assert not got.audio_path.exists()
        with pytest.raises(StorageError, match="no attempt with id"):
            store.get(a)


def test_schema_version_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    Store(tmp_path).open().close()
    conn = sqlite3.connect(tmp_path / "voicecoach.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StorageError, match="newer voicecoach"):
        Store(tmp_path).open()


def test_unwritable_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot write to the data folder"):
        Store(blocker / "data").open()


def test_failed_save_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audio = tmp_path / "take.wav"
    audio.write_bytes(b"audio")
    store = Store(tmp_path / "data").open()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save(NewAttempt("q1", "audio", REPORT), audio)
    monkeypatch.undo()
    assert store.list() == []
    assert list(store.audio_dir.iterdir()) == []


def test_moved_take_goes_back_when_saving_fails(tmp_path: Path, monkeypatch) -> None:
    take = tmp_path / "take.wav"
    take.write_bytes(b"audio")
    store = Store(tmp_path / "data").open()
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(OSError):
        store.save(NewAttempt(None, "audio", REPORT), take, move=True)
    monkeypatch.undo()
    assert take.read_bytes() == b"audio"
    assert store.list() == []
