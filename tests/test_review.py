"""Review and progress: history filters, trends, baselines, take-to-take comparison, exports."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import TYPED, vc
from voicecoach.devtools.seed_history import seed
from voicecoach.service.review import baseline, compare, export_markdown, sparkline, trends
from voicecoach.storage import NewAttempt, Store


def _save_text(store: Store, analyzer, text: str, qid: str, parent: int | None = None) -> int:
    out = analyzer.analyze_text(text, qid, save=False)
    return store.save(NewAttempt(qid, "text", out.report, parent_id=parent))


def test_store_filters_pages_and_previous_take(tmp_path: Path, bank) -> None:
    store = Store(tmp_path).open()
    seed(store, bank, 300)
    assert store.count() == 300
    page1 = store.list(limit=100)
    page2 = store.list(limit=100, offset=100)
    assert len(page1) == len(page2) == 100 and page1[-1].created_at >= page2[0].created_at
    some = page1[0].question_id
    assert all(r.question_id == some for r in store.list(question_id=some))
    since = page1[50].created_at[:10]
    assert all(r.created_at >= since for r in store.list(since=since))
    assert all(r.created_at < since for r in store.list(until=since))
    prev = store.previous_take(page1[0].id)
    assert prev is not None and prev.question_id == some and prev.created_at <= page1[0].created_at
    assert store.delete_all() == 300 and store.count() == 0


def test_trends_baseline_and_sparkline(tmp_path: Path, bank) -> None:
    store = Store(tmp_path).open()
    seed(store, bank, 40)
    rows = store.list()
    series = trends(rows)
    assert len(series["wpm"]) == 40
    assert series["wpm"][0][0] < series["wpm"][-1][0]  # oldest first
    base = baseline(rows)
    assert base["attempts"] == 10 and 110 <= base["wpm"] <= 190
    assert len(sparkline([1, 2, 3, 2])) == 4


def test_compare_two_takes(tmp_path: Path, bank) -> None:
    from voicecoach.config import Settings
    from voicecoach.service import AnswerAnalyzer

    store = Store(tmp_path).open()
    analyzer = AnswerAnalyzer(Settings(), bank, None, None)  # type: ignore[arg-type]
    first = _save_text(
        store, analyzer, "We shipped late. The vendor kept missing deadlines.", "missed-deadline"
    )
    second = _save_text(
        store,
        analyzer,
        "We shipped late. I should have checked the plan earlier, and since then I always do.",
        "missed-deadline",
        first,
    )
    assert store.previous_take(second).id == first
    c = compare(store.get(first), store.get(second))
    ops = {op for op, _ in c.diff}
    assert ops == {"=", "-", "+"}
    assert ("=", "We shipped late.") in c.diff
    assert c.changes["signals_hit"][1] > c.changes["signals_hit"][0]
    md = export_markdown(store.get(second), bank)
    assert md.startswith("# Interview practice, attempt")
    assert "## Transcript" in md and "## Model answer" in md


def test_cli_history_filters_compare_export_delete(tmp_path: Path) -> None:
    for i in range(2):
        r = vc("analyze", "--text", "-", "-q", "professional-failure", input=TYPED + f" Take {i}.")
        assert r.returncode == 0, r.stderr
    vc("analyze", "--text", "-", "-q", "code-review-disagreement", input=TYPED)
    hist = json.loads(vc("history", "--competency", "conflict", "--json").stdout)
    assert [h["question_id"] for h in hist] == ["code-review-disagreement"]
    assert json.loads(vc("history", "--since", "2000-01-01", "--json").stdout)
    assert json.loads(vc("history", "--until", "2000-01-01", "--json").stdout) == []
    bad = vc("history", "--since", "yesterday")
    assert bad.returncode == 2 and "is not a date" in bad.stderr

    cmp = json.loads(vc("compare", "2", "--json").stdout)
    assert (cmp["before"], cmp["after"]) == (1, 2)
    assert {"op": "+", "text": "1."} in cmp["diff"]
    assert "STAR coverage" in vc("compare", "1", "2").stdout
    one = vc("compare", "3")
    assert one.returncode == 1 and "no earlier take" in one.stderr

    out = tmp_path / "history.md"
    r = vc("export", "--all", "--format", "md", "-o", str(out))
    assert r.returncode == 0 and out.read_text().count("# Interview practice, attempt") == 3
    data = json.loads(vc("export", "--all", "--format", "json").stdout)
    assert [d["attempt_id"] for d in data] == [3, 2, 1]
    assert "## Feedback" in vc("export", "1").stdout

    assert "STAR coverage" in vc("progress").stdout
    refused = vc("delete", "1")  # no terminal to confirm on: nothing happens
    assert refused.returncode == 1 and "nothing changed" in refused.stderr
    assert vc("delete", "1", "--yes").returncode == 0
    assert [h["id"] for h in json.loads(vc("history", "--json").stdout)] == [3, 2]
    assert vc("delete", "--all", "--yes").returncode == 0
    assert json.loads(vc("history", "--json").stdout) == []
