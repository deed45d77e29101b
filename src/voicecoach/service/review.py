"""Looking back: trends per measure, the person's own baseline, take-to-take comparison, and
exports a person would send to a coach."""

from __future__ import annotations

import difflib
import json
import statistics
from dataclasses import dataclass
from typing import Any

from voicecoach.analysis.feedback import mmss
from voicecoach.questions import QuestionBank
from voicecoach.storage import Attempt, AttemptSummary, Store

# General ranges coaches quote for interview answers.
GENERAL = {"wpm": (130.0, 170.0), "fillers_per_min": (0.0, 3.0), "target_ratio": (0.75, 1.25)}


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    better: str  # "up", "down" or "range"


MEASURES = (
    Measure("target_ratio", "duration against target", "x target", "range"),
    Measure("wpm", "pace", "words/min", "range"),
    Measure("fillers_per_min", "fillers per minute", "/min", "down"),
    Measure("star_coverage", "STAR coverage", "of 5 parts", "up"),
    Measure("signals_hit", "signals hit", "of 7", "up"),
)


def measure_value(a: AttemptSummary, key: str) -> float | None:
    if key == "target_ratio":
        return a.speaking_s / a.target_s if a.speaking_s and a.target_s else None
    if key == "star_coverage":
        return None if a.star_coverage is None else round(a.star_coverage * 5, 2)
    value = getattr(a, key)
    return None if value is None else float(value)


def question_ids_for(bank: QuestionBank, competency: str) -> list[str]:
    return [c.id for c in bank.filter(competency=competency)]


def trends(attempts: list[AttemptSummary]) -> dict[str, list[tuple[str, float]]]:
    """Per measure, (created_at, value) oldest first, skipping attempts without that measure."""
    ordered = sorted(attempts, key=lambda a: (a.created_at, a.id))
    out: dict[str, list[tuple[str, float]]] = {}
    for m in MEASURES:
        out[m.key] = [
            (a.created_at, v) for a in ordered if (v := measure_value(a, m.key)) is not None
        ]
    return out


def baseline(attempts: list[AttemptSummary], last: int = 10) -> dict[str, float | None]:
    """The person's usual pace and filler rate: medians of their last spoken attempts."""
    spoken = [a for a in attempts if a.wpm is not None][:last]  # newest first
    return {
        "wpm": statistics.median(a.wpm for a in spoken) if spoken else None,  # type: ignore[misc]
        "fillers_per_min": statistics.median(a.fillers_per_min or 0.0 for a in spoken)
        if spoken
        else None,
        "attempts": len(spoken),
    }


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    return "".join(SPARKS[min(7, int((v - lo) / span * 7.999))] for v in values)


@dataclass(frozen=True)
class Comparison:
    before: Attempt
    after: Attempt
    diff: list[tuple[str, str]]  # ("=", words) | ("-", words) | ("+", words)
    changes: dict[str, tuple[float | None, float | None]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.id,
            "after": self.after.id,
            "diff": [{"op": op, "text": t} for op, t in self.diff],
            "changes": {
                k: {
                    "before": a,
                    "after": b,
                    "delta": None if a is None or b is None else round(b - a, 2),
                }
                for k, (a, b) in self.changes.items()
            },
        }


def compare(before: Attempt, after: Attempt) -> Comparison:
    """A word-level diff of two transcripts and the change in each measure."""
    a = before.report["transcript"]["text"].split()
    b = after.report["transcript"]["text"].split()
    diff: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            diff.append(("=", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            diff.append(("-", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            diff.append(("+", " ".join(b[j1:j2])))
    changes = {
        m.key: (measure_value(before.summary, m.key), measure_value(after.summary, m.key))
        for m in MEASURES
    }
    return Comparison(before, after, diff, changes)


def export_json(attempts: list[Attempt]) -> str:
    return json.dumps(
        [
            {
                **a.report,
                "attempt_id": a.id,
                "created_at": a.summary.created_at,
                "parent_id": a.summary.parent_id,
            }
            for a in attempts
        ],
        indent=2,
    )


def export_markdown(attempt: Attempt, bank: QuestionBank | None = None) -> str:
    """One attempt as Markdown a person would send to a coach."""
    r, s = attempt.report, attempt.summary
    card = bank.cards.get(s.question_id or "") if bank else None
    lines = [
        f"# Interview practice, attempt {attempt.id}",
        "",
        f"*{s.created_at[:19].replace('T', ' ')} UTC*",
        "",
    ]
    if r.get("question"):
        lines += [f"**Question** ({r['question']['id']}): {r['question']['prompt']}", ""]
    t, p = r["timing"], r["pacing"]
    if t.get("speaking_s") is not None:
        target = (
            f" against a {mmss(t['target_s'])} target ({t['verdict']})" if t.get("target_s") else ""
        )
        lines.append(f"- Spoke for {mmss(t['speaking_s'])}{target}")
        lines.append(
            f"- Pace: {p['wpm']:.0f} words/min ({p['articulation_wpm']:.0f} while speaking)"
        )
        lines.append(
            f"- Fillers: {len(p['fillers'])} ({p['fillers_per_min'] or 0:.1f}/min); "
            f"pauses of 1 s or more: {len(p['pauses'])}"
        )
    missing = r["structure"]["missing"]
    lines.append(
        "- STAR: "
        + ", ".join(
            f"{sec['label']} {sec['share'] * 100:.0f}%" for sec in r["structure"]["sections"]
        )
        + (f"; missing {', '.join(missing)}" if missing else "")
    )
    lines += ["", "## Feedback", ""]
    lines += [f"{i}. {x}" for i, x in enumerate(r["feedback"]["improvements"], 1)]
    lines += [f"- Strength: {x}" for x in r["feedback"]["strengths"]]
    llm = r.get("llm")
    if llm and llm.get("status") == "ok":
        lines += ["", f"### LLM coach ({llm['review']['model']})", ""]
        lines += [f"{i}. {x}" for i, x in enumerate(llm["review"]["improvements"], 1)]
    lines += ["", "## Signals", ""]
    for name, sig in r["signals"].items():
        ev = f': "{sig["evidence"][0]["text"]}"' if sig["evidence"] else ""
        lines.append(f"- {name.replace('_', ' ')}: {'yes' if sig['present'] else 'no'}{ev}")
    lines += ["", "## Transcript", ""]
    for sent in r["structure"]["sentences"]:
        at = f"[{mmss(sent['start'])}] " if sent.get("start") is not None else ""
        lines.append(f"- {at}*{sent['label']}*: {sent['text']}")
    if card is not None:
        lines += ["", "## Model answer (from the question card)", ""]
        lines += [f"**{k.title()}**: {v}" for k, v in card.model_answer.items()]
    return "\n".join(lines) + "\n"


def history_markdown(attempts: list[Attempt], bank: QuestionBank | None = None) -> str:
    return "\n---\n\n".join(export_markdown(a, bank) for a in attempts)


def all_attempts(store: Store) -> list[Attempt]:
    return [store.get(s.id) for s in store.list()]
