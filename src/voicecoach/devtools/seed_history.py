"""Fills a data folder with synthetic attempts (for the history benchmark and review tests).

Each attempt is a real analysis of a varied typed answer, saved through the real store, with
creation times spread over the past months."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from voicecoach.analysis import AnalysisOptions, Transcript, Word, analyze
from voicecoach.questions import QuestionBank
from voicecoach.storage import Store


def seed(store: Store, bank: QuestionBank, n: int, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(7)
    cards = sorted(bank.cards.values(), key=lambda c: c.id)
    # A handful of real analyses, reused with varied measures: analysing 10,000 answers would
    # measure the analysis, not the history.
    templates = []
    for card in cards[:12]:
        words = card.model_answer_text().split()
        step = card.target_seconds * rng.uniform(0.6, 1.3) / len(words)
        timed = tuple(Word(w, round(i * step, 2), round(i * step + step * 0.8, 2), 0.9)
                      for i, w in enumerate(words))
        a = analyze(Transcript(timed, duration_s=timed[-1].end + 1),
                    AnalysisOptions(card.id, card.prompt, card.target_seconds, card.signals))
        templates.append((card, a.to_dict()))
    start = datetime.now(timezone.utc) - timedelta(days=180)
    conn = store.conn
    rows = []
    for i in range(n):
        card, report = templates[i % len(templates)]
        when = start + timedelta(minutes=i * 180 * 24 * 60 / max(n, 1))
        wpm = rng.uniform(110, 190)
        rows.append((when.isoformat(timespec="seconds"), card.id, "audio",
                     report["timing"]["speaking_s"] + 1, report["timing"]["speaking_s"],
                     card.target_seconds, wpm, rng.uniform(0, 8), rng.choice([0.6, 0.8, 1.0]),
                     rng.randint(3, 7)))
    payloads = [json.dumps(report) for _, report in templates]
    with conn:
        first = conn.execute("SELECT COALESCE(MAX(id), 0) FROM attempts").fetchone()[0] + 1
        conn.executemany(
            "INSERT INTO attempts (created_at, question_id, source, duration_s, speaking_s, "
            "target_s, wpm, fillers_per_min, star_coverage, signals_hit) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany(
            "INSERT INTO attempt_reports (attempt_id, report_json) VALUES (?, ?)",
            ((first + i, payloads[i % len(payloads)]) for i in range(n)))


def main() -> int:
    import argparse

    from voicecoach.questions import load_bank

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("-n", type=int, default=10_000)
    args = ap.parse_args()
    store = Store(args.data_dir).open()
    try:
        seed(store, load_bank(), args.n)
    except sqlite3.Error as e:
        print(f"seed_history: {e}")
        return 1
    print(f"{store.count()} attempts in {store.db_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
