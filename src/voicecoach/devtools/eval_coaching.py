"""Scores STAR labels and answer-level signals on a split of the coaching development set.

Each answer is scored twice: as written, and as a recognizer without punctuation would write it
(lowercase, no marks), where sentences must be found again. A reference sentence's predicted label
is the majority of its words' labels, so sentence boundaries need not match.

--spoken scores a third copy: each answer spoken by espeak-ng and transcribed by the app's own
path, with Whisper's punctuation, misheard words and timings (devtools/spoken_devset.py); a
reference sentence's label is then the majority over the heard words aligned to it."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter

from voicecoach.analysis import Transcript, analyze, signal_model
from voicecoach.analysis.report import Analysis
from voicecoach.analysis.signals import learned_features, rule_evidence
from voicecoach.analysis.types import LABELS
from voicecoach.devtools.coaching_data import SIGNALS, Answer, load
from voicecoach.devtools.espeak import have_espeak
from voicecoach.devtools.speechset import wer
from voicecoach.errors import TranscriptionError
from voicecoach.speech.transcriber import resolve_model


def word_labels(analysis: Analysis) -> list[str]:
    """The label of every word of the transcript, from the label of its sentence."""
    out: list[str] = []
    for s, lab in zip(analysis.sentences, analysis.labels):
        out += [lab] * (s.last - s.first + 1)
    return out


def story_has_problem(analysis: Analysis) -> bool:
    """Whether the problem score (which root_cause needs) finds something went wrong."""
    rules = rule_evidence(analysis.sentences, analysis.labels)
    feats, _ = learned_features(analysis.sentences, analysis.labels, rules)
    return signal_model.problem_probability(feats) >= signal_model.problem_threshold()


def problem_scores(answers: list[Answer], found: dict[str, bool]) -> dict:
    """Agreement of the problem score with the answers' problem labels (where labelled)."""
    rows = [(found[a.id], a.problem) for a in answers if a.problem is not None]
    hits = sum(g == p for g, p in rows)
    return {
        "answers": len(rows),
        "agreement": round(hits / len(rows), 3) if rows else None,
        "interval": interval(hits, len(rows)),
        "false_alarms": sum(g and not p for g, p in rows),
        "missed": sum(p and not g for g, p in rows),
    }


def interval(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95% by default) of a rate of `hits` in `n`: on 154 answers
    one answer is 0.65 points, so 88% and 90% are within each other's reach, and the printed
    interval says how far a figure could move on another set of answers like these."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3))


def predicted_sentence_labels(answer: Answer, punctuated: bool) -> list[str]:
    per_word = word_labels(analyze(Transcript.from_text(answer.text(punctuated))))
    out, i = [], 0
    for text, _ in answer.sentences:
        n = len(text.split())
        votes = Counter(per_word[i : i + n])
        out.append(votes.most_common(1)[0][0] if votes else "other")
        i += n
    return out


def evaluate(split: str, spoken: bool = False, model: str = "default") -> dict:
    """Every score on one split ("train" or "heldout") of the coaching development set; the
    spoken copy heard by `model`."""
    answers = load(split)
    result = {"split": split, **score(answers)}
    if spoken:
        from voicecoach.devtools.spoken_devset import spoken_transcripts

        heard = spoken_transcripts(
            answers, progress=lambda m: print(m, file=sys.stderr), model=model
        )
        result["spoken"] = score_spoken(answers, heard)
    return result


def star_scores(gold: list[str], pred: list[str | None]) -> dict:
    """Accuracy, per-label precision and recall and the confusion matrix of sentence labels; a
    sentence with no prediction (None: none of its words was heard) counts as wrong."""
    confusion = {g: Counter() for g in LABELS}
    for g, p in zip(gold, pred):
        confusion[g][p or "unheard"] += 1
    per_label = {}
    for lab in LABELS:
        tp = confusion[lab][lab]
        fp = sum(confusion[g][lab] for g in LABELS if g != lab)
        fn = sum(n for p, n in confusion[lab].items() if p != lab)
        per_label[lab] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "support": tp + fn,
        }
    hits = sum(g == p for g, p in zip(gold, pred))
    return {
        "sentences": len(gold),
        "accuracy": round(hits / len(gold), 4),
        "interval": interval(hits, len(gold)),
        "per_label": per_label,
        "confusion": {g: dict(confusion[g]) for g in LABELS},
    }


def signal_scores(answers: list[Answer], found: dict[str, dict[str, bool]]) -> dict:
    """Per-signal agreement with the labels, overall and per batch of writers (the id's prefix:
    a split written in parts is also scored per part); `found` maps an answer's id to the
    signals the analysis reported present."""
    agree, false_alarms, missed = Counter(), Counter(), Counter()
    misses: dict[str, list[str]] = {s: [] for s in SIGNALS}
    batches: dict[str, Counter] = {}
    for a in answers:
        got = found[a.id]
        batch = batches.setdefault(a.id.split("-")[0], Counter())
        batch["answers"] += 1
        for s in SIGNALS:
            if got[s] == a.signals[s]:
                agree[s] += 1
                batch[s] += 1
            else:
                misses[s].append(f"{a.id}:{'fp' if got[s] else 'fn'}")
                (false_alarms if got[s] else missed)[s] += 1
    return {
        "signals": {
            s: {
                "agreement": round(agree[s] / len(answers), 3),
                "interval": interval(agree[s], len(answers)),
                "false_alarms": false_alarms[s],
                "missed": missed[s],
                "misses": misses[s],
            }
            for s in SIGNALS
        },
        "by_batch": {
            b: {"answers": c["answers"], **{s: round(c[s] / c["answers"], 3) for s in SIGNALS}}
            for b, c in batches.items()
        },
    }


def score(answers: list[Answer], signals: bool = True) -> dict:
    """STAR label scores per variant and, unless `signals` is false, per-signal agreement."""
    result: dict = {"answers": len(answers)}
    for variant, punct in (("punctuated", True), ("unpunctuated", False)):
        gold: list[str] = []
        pred: list[str | None] = []
        for a in answers:
            gold += [lab for _, lab in a.sentences]
            pred += predicted_sentence_labels(a, punct)
        result[variant] = star_scores(gold, pred)
    if not signals:
        return result
    found, problem = {}, {}
    for a in answers:
        analysis = analyze(Transcript.from_text(a.text(False)))
        found[a.id] = {s: v.present for s, v in analysis.signals.items()}
        problem[a.id] = story_has_problem(analysis)
    return {
        **result,
        **signal_scores(answers, found),
        "problem": problem_scores(answers, problem),
    }


def score_spoken(answers: list[Answer], heard: dict[str, Transcript]) -> dict:
    """STAR labels and signals on the transcripts the app made from the answers spoken aloud."""
    from voicecoach.devtools.spoken_devset import reference_labels

    gold: list[str] = []
    pred: list[str | None] = []
    found: dict[str, dict[str, bool]] = {}
    problem: dict[str, bool] = {}
    words = ref = 0
    for a in answers:
        t = heard[a.id]
        analysis = analyze(t)
        gold += [lab for _, lab in a.sentences]
        pred += reference_labels(a, t, word_labels(analysis))
        found[a.id] = {s: v.present for s, v in analysis.signals.items()}
        problem[a.id] = story_has_problem(analysis)
        words += len(t.words)
        ref += len(a.text().split())
    return {
        "star": star_scores(gold, pred),
        "heard_words": words,
        "reference_words": ref,
        "wer": round(wer([a.text() for a in answers], [heard[a.id].text for a in answers]), 4),
        **signal_scores(answers, found),
        "problem": problem_scores(answers, problem),
    }


def _print_star(title: str, v: dict) -> None:
    lo, hi = v["interval"]
    print(f"\nSTAR labels, {title}: {v['accuracy']:.1%} of {v['sentences']} sentences agree "
          f"(95% interval {lo:.1%}-{hi:.1%})")
    print(f"  {'label':<11}{'precision':>10}{'recall':>8}{'n':>5}")
    for lab, m in v["per_label"].items():
        p = f"{m['precision']:.2f}" if m["precision"] is not None else "-"
        rc = f"{m['recall']:.2f}" if m["recall"] is not None else "-"
        print(f"  {lab:<11}{p:>10}{rc:>8}{m['support']:>5}")
    unheard = sum(row.get("unheard", 0) for row in v["confusion"].values())
    print("  confusion (rows gold, columns predicted):")
    print("  " + " " * 11 + "".join(f"{lab[:5]:>6}" for lab in LABELS)
          + (f"{'unheard':>8}" if unheard else ""))
    for g in LABELS:
        row = "".join(f"{v['confusion'][g].get(p, 0):>6}" for p in LABELS)
        print(f"  {g:<11}{row}" + (f"{v['confusion'][g].get('unheard', 0):>8}" if unheard else ""))


def _agreement_line(name: str, m: dict, tail: str) -> str:
    counts = f"{m['false_alarms']} false alarms, {m['missed']} missed"
    lo, hi = m["interval"]
    ci = f"[{lo:.0%}-{hi:.0%}]"
    return f"  {name:<27}{m['agreement']:>6.1%} {ci:<10} {counts:<28}{tail}".rstrip()


def _print_signals(title: str, r: dict, summary: bool) -> None:
    print(f"\nsignals (answer level, {title}; 95% interval in brackets):")
    for s, m in r["signals"].items():
        print(_agreement_line(s, m, "" if summary else " ".join(m["misses"])))
    p = r.get("problem")
    if p and p["answers"]:
        print(_agreement_line("(a problem in the story)", p,
                              "what root_cause needs, against problem_labels.jsonl"))
    if len(r["by_batch"]) > 1:
        print("\nsignal agreement per batch of writers (the ids' prefix):")
        print("  " + f"{'batch':<7}{'n':>4}" + "".join(f"{s[:9]:>10}" for s in SIGNALS))
        for b, m in r["by_batch"].items():
            row = "".join(f"{m[s]:>10.0%}" for s in SIGNALS)
            print(f"  {b:<7}{m['answers']:>4}{row}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="heldout", choices=["train", "heldout"])
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--summary", action="store_true", help="aggregate numbers only, no per-answer misses"
    )
    ap.add_argument(
        "--spoken", action="store_true",
        help="also score the answers spoken by espeak-ng and transcribed by Whisper "
        "(25 minutes for the held-out split the first time on 2 cores; cached after)",
    )
    ap.add_argument(
        "--model", default="default",
        help="the speech model that hears the spoken copy, as the app's `model` setting takes "
        "it: default (tiny.en), a faster-whisper model folder or a size name",
    )
    args = ap.parse_args()
    if args.model != "default" and not args.spoken:
        ap.error("--model chooses the ear for the spoken copy: add --spoken")
    if args.spoken and not have_espeak():
        print("eval_coaching: --spoken needs espeak-ng (./scripts/setup installs it)",
              file=sys.stderr)
        return 2
    try:
        if args.spoken:
            # a folder that holds no model fails here, before the written copies are scored
            # and the first answer is spoken; a size name can only fail when it loads
            resolve_model(args.model)
        r = evaluate(args.split, spoken=args.spoken, model=args.model)
    except TranscriptionError as e:
        print(f"eval_coaching: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    print(f"split {r['split']}: {r['answers']} answers")
    for variant in ("punctuated", "unpunctuated"):
        _print_star(variant, r[variant])
    _print_signals("unpunctuated text", r, args.summary)
    if "spoken" in r:
        sp = r["spoken"]
        print(f"\nspoken by espeak-ng, transcribed by Whisper: {sp['heard_words']} words heard "
              f"for {sp['reference_words']} written, WER {sp['wer']:.1%}")
        _print_star("as Whisper wrote them", sp["star"])
        _print_signals("as Whisper wrote them", sp, args.summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
