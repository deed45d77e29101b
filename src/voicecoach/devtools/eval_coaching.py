"""Scores STAR labels and answer-level signals on a split of the coaching development set.

Each answer is scored twice: as written, and as a recognizer without punctuation would write it
(lowercase, no marks), where sentences must be found again. A reference sentence's predicted label
is the majority of its words' labels, so sentence boundaries need not match."""

from __future__ import annotations

import argparse
import json
from collections import Counter

from voicecoach.analysis import Transcript, analyze
from voicecoach.analysis.types import LABELS
from voicecoach.devtools.coaching_data import SIGNALS, Answer, load


def predicted_sentence_labels(answer: Answer, punctuated: bool) -> list[str]:
    a = analyze(Transcript.from_text(answer.text(punctuated)))
    per_word: list[str] = []
    for s, lab in zip(a.sentences, a.labels):
        per_word.extend([lab] * (s.last - s.first + 1))
    out, i = [], 0
    for text, _ in answer.sentences:
        n = len(text.split())
        votes = Counter(per_word[i : i + n])
        out.append(votes.most_common(1)[0][0] if votes else "other")
        i += n
    return out


def evaluate(split: str) -> dict:
    """Every score on one split ("train" or "heldout") of the coaching development set."""
    return {"split": split, **score(load(split))}


def score(answers: list[Answer], signals: bool = True) -> dict:
    """STAR label scores per variant and, unless `signals` is false, per-signal agreement."""
    result: dict = {"answers": len(answers)}
    for variant, punct in (("punctuated", True), ("unpunctuated", False)):
        gold, pred = [], []
        for a in answers:
            gold += [lab for _, lab in a.sentences]
            pred += predicted_sentence_labels(a, punct)
        confusion = {g: Counter() for g in LABELS}
        for g, p in zip(gold, pred):
            confusion[g][p] += 1
        per_label = {}
        for lab in LABELS:
            tp = confusion[lab][lab]
            fp = sum(confusion[g][lab] for g in LABELS if g != lab)
            fn = sum(confusion[lab][p] for p in LABELS if p != lab)
            per_label[lab] = {
                "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                "recall": round(tp / (tp + fn), 3) if tp + fn else None,
                "support": tp + fn,
            }
        result[variant] = {
            "sentences": len(gold),
            "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(gold), 4),
            "per_label": per_label,
            "confusion": {g: dict(confusion[g]) for g in LABELS},
        }
    if not signals:
        return result
    agree, false_alarms, missed = Counter(), Counter(), Counter()
    misses: dict[str, list[str]] = {s: [] for s in SIGNALS}
    # per batch of writers (the id's prefix): a split written in parts is also scored per part
    batches: dict[str, Counter] = {}
    for a in answers:
        got = analyze(Transcript.from_text(a.text(False))).signals
        batch = batches.setdefault(a.id.split("-")[0], Counter())
        batch["answers"] += 1
        for s in SIGNALS:
            if got[s].present == a.signals[s]:
                agree[s] += 1
                batch[s] += 1
            else:
                misses[s].append(f"{a.id}:{'fp' if got[s].present else 'fn'}")
                (false_alarms if got[s].present else missed)[s] += 1
    result["signals"] = {
        s: {
            "agreement": round(agree[s] / len(answers), 3),
            "false_alarms": false_alarms[s],
            "missed": missed[s],
            "misses": misses[s],
        }
        for s in SIGNALS
    }
    result["by_batch"] = {
        b: {"answers": c["answers"], **{s: round(c[s] / c["answers"], 3) for s in SIGNALS}}
        for b, c in batches.items()
    }
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="heldout", choices=["train", "heldout"])
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--summary", action="store_true", help="aggregate numbers only, no per-answer misses"
    )
    args = ap.parse_args()
    r = evaluate(args.split)
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    print(f"split {r['split']}: {r['answers']} answers")
    for variant in ("punctuated", "unpunctuated"):
        v = r[variant]
        print(f"\nSTAR labels, {variant}: {v['accuracy']:.1%} of {v['sentences']} sentences agree")
        print(f"  {'label':<11}{'precision':>10}{'recall':>8}{'n':>5}")
        for lab, m in v["per_label"].items():
            p = f"{m['precision']:.2f}" if m["precision"] is not None else "-"
            rc = f"{m['recall']:.2f}" if m["recall"] is not None else "-"
            print(f"  {lab:<11}{p:>10}{rc:>8}{m['support']:>5}")
        print("  confusion (rows gold, columns predicted):")
        print("  " + " " * 11 + "".join(f"{lab[:5]:>6}" for lab in LABELS))
        for g in LABELS:
            print(f"  {g:<11}" + "".join(f"{v['confusion'][g].get(p, 0):>6}" for p in LABELS))
    print("\nsignals (answer level, unpunctuated text):")
    for s, m in r["signals"].items():
        counts = f"{m['false_alarms']} false alarms, {m['missed']} missed"
        misses = "" if args.summary else " ".join(m["misses"])
        print(f"  {s:<27}{m['agreement']:>4.0%}  {counts:<28}{misses}".rstrip())
    if len(r["by_batch"]) > 1:
        print("\nsignal agreement per batch of writers (the ids' prefix):")
        print("  " + f"{'batch':<7}{'n':>4}" + "".join(f"{s[:9]:>10}" for s in SIGNALS))
        for b, m in r["by_batch"].items():
            row = "".join(f"{m[s]:>10.0%}" for s in SIGNALS)
            print(f"  {b:<7}{m['answers']:>4}{row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
