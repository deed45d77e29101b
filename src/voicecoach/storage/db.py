"""SQLite store (WAL, schema version in PRAGMA user_version, forward-only migrations).

An attempt is saved whole or not at all: its audio is copied under a temporary name, the row is
inserted in a transaction, and only then is the file renamed into place."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from voicecoach.errors import StorageError

_NEGATIVE_SIGNALS = ("blame", "hedging")


def signals_hit(report: dict[str, Any]) -> int:
    """How many built-in signals came out the good way (present, or absent for blame/hedging)."""
    return sum(
        1
        for name, sig in (report.get("signals") or {}).items()
        if bool(sig.get("present")) != (name in _NEGATIVE_SIGNALS)
    )


def _m1_attempts(conn: sqlite3.Connection) -> None:
    # Measures live in `attempts` for fast lists and trends; the large JSON documents live in
    # their own table, so scanning attempts never reads them.
    conn.execute("""
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            question_id TEXT,
            source TEXT NOT NULL,
            duration_s REAL,
            speaking_s REAL,
            target_s REAL,
            wpm REAL,
            fillers_per_min REAL,
            star_coverage REAL,
            signals_hit INTEGER,
            audio_path TEXT,
            parent_id INTEGER REFERENCES attempts(id) ON DELETE SET NULL
        )""")
    conn.execute("""
        CREATE TABLE attempt_reports (
            attempt_id INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
            report_json TEXT NOT NULL
        )""")
    conn.execute("CREATE INDEX attempts_created ON attempts(created_at)")
    conn.execute("CREATE INDEX attempts_question ON attempts(question_id, created_at)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_m1_attempts,)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class NewAttempt:
    question_id: str | None
    source: str
    report: dict[str, Any]
    duration_s: float | None = None
    parent_id: int | None = None


@dataclass(frozen=True)
class AttemptSummary:
    id: int
    created_at: str
    question_id: str | None
    source: str
    duration_s: float | None
    speaking_s: float | None
    target_s: float | None
    wpm: float | None
    fillers_per_min: float | None
    star_coverage: float | None
    signals_hit: int | None
    parent_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Attempt:
    summary: AttemptSummary
    audio_path: Path | None
    report: dict[str, Any]

    @property
    def id(self) -> int:
        return self.summary.id


_SUMMARY_COLS = (
    "id, created_at, question_id, source, duration_s, speaking_s, target_s, wpm, "
    "fillers_per_min, star_coverage, signals_hit, parent_id"
)


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.audio_dir = self.data_dir / "audio"
        self._conn: sqlite3.Connection | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "voicecoach.db"

    def open(self) -> Store:
        if self._conn is not None:
            return self
        try:
            self.audio_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / f".write-test-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as e:
            raise StorageError(
                f"cannot write to the data folder {self.data_dir} "
                f"({e.strerror or e}); set --data-dir or VOICECOACH_DATA_DIR"
            ) from None
        try:
            conn = sqlite3.connect(self.db_path, timeout=10, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._migrate(conn)
        except sqlite3.DatabaseError as e:
            raise StorageError(f"the history database {self.db_path} is unusable ({e})") from None
        self._conn = conn
        return self

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Store:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.open()._conn  # type: ignore[return-value]

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.db_path} was written by a newer voicecoach "
                f"(schema {version}, this one knows {SCHEMA_VERSION})"
            )
        conn.isolation_level = None  # explicit transactions: one per migration, DDL included
        try:
            for i in range(version, SCHEMA_VERSION):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    MIGRATIONS[i](conn)
                    conn.execute(f"PRAGMA user_version = {i + 1}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        finally:
            conn.isolation_level = ""

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        try:
            with conn:
                yield conn
        except sqlite3.Error as e:
            raise StorageError(f"could not save to {self.db_path} ({e})") from None

    def save(self, attempt: NewAttempt, audio: Path | None = None, move: bool = False) -> int:
        """Insert an attempt, copying (or moving) its audio into the data folder."""
        final: Path | None = None
        tmp: Path | None = None
        if audio is not None:
            name = (
                datetime.now().strftime("%Y%m%d-%H%M%S-")
                + uuid.uuid4().hex[:8]
                + (audio.suffix.lower() or ".wav")
            )
            final = self.audio_dir / name
            tmp = self.audio_dir / (name + ".part")
            try:
                self.audio_dir.mkdir(parents=True, exist_ok=True)
                if move:
                    shutil.move(str(audio), tmp)
                else:
                    shutil.copyfile(audio, tmp)
            except OSError as e:
                if tmp.exists():
                    tmp.unlink()
                raise StorageError(
                    f"could not keep the recording in {self.audio_dir} ({e.strerror or e})"
                ) from None
        r = attempt.report
        timing, pacing = r.get("timing") or {}, r.get("pacing") or {}
        missing = (r.get("structure") or {}).get("missing", [])
        row = (
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
            attempt.question_id,
            attempt.source,
            attempt.duration_s,
            timing.get("speaking_s"),
            timing.get("target_s"),
            pacing.get("wpm"),
            pacing.get("fillers_per_min"),
            round(1 - len(missing) / 5, 2),
            final.name if final else None,
            attempt.parent_id,
            signals_hit(r),
        )
        try:
            with self._tx() as conn:
                cur = conn.execute(
                    "INSERT INTO attempts (created_at, question_id, source, duration_s, "
                    "speaking_s, target_s, wpm, fillers_per_min, star_coverage, audio_path, "
                    "parent_id, signals_hit) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                attempt_id = int(cur.lastrowid or 0)
                conn.execute("INSERT INTO attempt_reports (attempt_id, report_json) VALUES (?, ?)",
                             (attempt_id, json.dumps(r)))
                if tmp is not None and final is not None:
                    os.replace(tmp, final)  # inside the transaction: a failed rename rolls back
        except BaseException:
            if tmp is not None and tmp.exists():
                if move and audio is not None:
                    shutil.move(str(tmp), audio)  # give the take back where it came from
                else:
                    tmp.unlink()
            raise
        return attempt_id

    def list(
        self,
        question_id: str | None = None,
        limit: int | None = None,
        since: str | None = None,
        until: str | None = None,
        question_ids: list[str] | None = None,
        offset: int = 0,
    ) -> list[AttemptSummary]:
        """Attempts, newest first. `since`/`until` are ISO dates or times (UTC)."""
        sql = f"SELECT {_SUMMARY_COLS} FROM attempts"
        where: list[str] = []
        args: list[Any] = []
        if question_id:
            where.append("question_id = ?")
            args.append(question_id)
        if question_ids is not None:
            where.append(f"question_id IN ({','.join('?' * len(question_ids))})")
            args.extend(question_ids)
        if since:
            where.append("created_at >= ?")
            args.append(since)
        if until:
            where.append("created_at < ?")
            args.append(until)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC, id DESC"
        if limit:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [AttemptSummary(**dict(row)) for row in self.conn.execute(sql, args)]

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])

    def previous_take(self, attempt_id: int) -> AttemptSummary | None:
        """The take of the same question just before this one (its parent when linked)."""
        cur = self.get(attempt_id).summary
        if cur.parent_id is not None:
            try:
                return self.get(cur.parent_id).summary
            except StorageError:
                pass
        if cur.question_id is None:
            return None
        row = self.conn.execute(
            f"SELECT {_SUMMARY_COLS} FROM attempts WHERE question_id = ? AND "
            "(created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC "
            "LIMIT 1",
            (cur.question_id, cur.created_at, cur.created_at, cur.id),
        ).fetchone()
        return AttemptSummary(**dict(row)) if row else None

    def get(self, attempt_id: int) -> Attempt:
        row = self.conn.execute(
            f"SELECT {_SUMMARY_COLS}, audio_path, report_json FROM attempts "
            "JOIN attempt_reports ON attempt_reports.attempt_id = attempts.id WHERE id = ?",
            (attempt_id,),
        ).fetchone()
        if row is None:
            raise StorageError(f"no attempt with id {attempt_id}; `voicecoach history` lists them")
        d = dict(row)
        audio = d.pop("audio_path")
        report = json.loads(d.pop("report_json"))
        return Attempt(AttemptSummary(**d), self.audio_dir / audio if audio else None, report)

    def practised_questions(self) -> set[str]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT question_id FROM attempts WHERE question_id IS NOT NULL"
            )
        }

    def delete_all(self) -> int:
        """Every attempt and recording; returns how many attempts there were."""
        n = self.count()
        with self._tx() as conn:
            conn.execute("DELETE FROM attempt_reports")
            conn.execute("DELETE FROM attempts")
        for f in self.audio_dir.glob("*"):
            if f.is_file():
                f.unlink()
        return n

    def delete(self, attempt_id: int) -> None:
        attempt = self.get(attempt_id)
        with self._tx() as conn:
            conn.execute("DELETE FROM attempt_reports WHERE attempt_id = ?", (attempt_id,))
            conn.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
        if attempt.audio_path is not None and attempt.audio_path.exists():
            attempt.audio_path.unlink()
