"""Fits the learned signal scores (analysis/signal_model.py) and writes analysis/signal_weights.py.

Every training answer is seen as written and as a recognizer without punctuation would write
it, cut into sentences and labelled as at run time: by scripts/train_coaching (and --cv,
--by-writer here), with the sentence splitter and STAR labeller fitted without that answer
(train_coaching.out_of_fold_examples), because those are the labels a new speaker's answer
gets. A sentence is a positive example of a signal when most of its words come from a sentence
the labeller quoted as that signal's evidence. One L2-regularised logistic regression per
signal; the threshold that decides an answer (its best sentence against it) is the one that
agrees most often with the answer-level labels on out-of-fold scores, so it is not fitted to
sentences the model has seen.

--cv K prints K-fold cross-validated answer agreement instead of writing weights, so features
and settings can be compared without looking at the held-out split. --by-writer holds out one
batch of writers at a time instead (answers are grouped by their id's prefix: `tr-`, `va-`, ...):
how a method carries over to people it has never read, which K-fold over a shuffle of the same
writers overstates. With --fraction F, every fold is fitted on a seeded sample of that share of
the answers, and all are still scored: a learning curve, which says whether writing more answers
would help."""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicecoach.analysis import signal_weights
from voicecoach.analysis.signals import (
    CANCELLED_BY,
    IMPLIED_BY,
    SIGNAL_NAMES,
    learned_features,
    may_be_evidence,
    rule_evidence,
)
from voicecoach.analysis.structure import label_sentences
from voicecoach.analysis.text import split_sentences
from voicecoach.devtools.adam import adam_step
from voicecoach.devtools.coaching_data import Answer, load, words_of

OUT = Path(signal_weights.__file__)
# Hedging stays a count over the whole answer: it is how often, not which sentence.
SIGNALS = tuple(s for s in SIGNAL_NAMES if s != "hedging")
L2 = 3.0
STEPS = 400
MIN_ANSWERS = 3  # a word or word pair must turn up in this many training answers
PRUNE = 0.1  # smaller weights are dropped: they change few decisions and bloat the file
# Signals whose rule always decides on its own: blame's phrases are the excuse itself ("it was
# their fault, not mine"), and an answer that says one must hear it first, whatever the score;
# growth's are the lasting change said outright ("since then I always run a dry run"), which an
# answer must be credited with. (Cross-validation flips between rule and score for growth by a
# few answers from one retraining to the next.)
RULE_ALWAYS = ("blame", "growth")


# Per answer and signal, for each variant (as written, unpunctuated): the best sentence's score,
# whether the signal's rule fires, and whether a signal that implies it is found.
Scores = list[dict[str, list[tuple[float, bool, bool]]]]


@dataclass
class Example:
    answer: str
    punctuated: bool  # which variant of the answer the sentence comes from
    features: list[str]
    fired: frozenset[str]  # the rules that fire in the sentence
    gold: dict[str, bool]


def examples(answers: list[Answer]) -> list[list[Example]]:
    """Per answer, its sentences (both variants) as training examples."""
    out = []
    for a in answers:
        # which gold sentence each word comes from
        gold_sentence = [i for i, (t, _) in enumerate(a.sentences) for _ in t.split()]
        rows = []
        for punct in (True, False):
            sents = split_sentences(words_of(a.text(punct)))
            labels = label_sentences(sents)
            feats, hits = learned_features(sents, labels, rule_evidence(sents, labels))
            for i, (s, f) in enumerate(zip(sents, feats)):
                src = Counter(gold_sentence[s.first : s.last + 1])
                gold = {
                    sig: sum(n for g, n in src.items() if g in a.evidence.get(sig, ()))
                    > (s.last - s.first + 1) / 2
                    for sig in SIGNALS
                }
                fired = frozenset(name for name, at in hits.items() if i in at)
                rows.append(Example(a.id, punct, f, fired, gold))
        out.append(rows)
    return out


def vocabulary(groups: list[list[Example]]) -> list[str]:
    df: Counter[str] = Counter()
    for rows in groups:
        df.update({f for r in rows for f in r.features})
    return sorted(f for f, n in df.items() if n >= MIN_ANSWERS)


@dataclass
class Sparse:
    """A 0/1 matrix kept as the (row, column) of each of its ones: a sentence has a few dozen
    features out of thousands, so products over the pairs are far faster than a dense matrix."""

    rows: np.ndarray
    cols: np.ndarray
    shape: tuple[int, int]

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=w[self.cols], minlength=self.shape[0])

    def tdot(self, r: np.ndarray) -> np.ndarray:
        return np.bincount(self.cols, weights=r[self.rows], minlength=self.shape[1])


def fit_one(
    x: Sparse, y: np.ndarray, l2: float = L2, steps: int = STEPS, lr: float = 0.1
) -> np.ndarray:
    """Logistic regression by full-batch Adam; the bias (column 0) is not penalised."""
    w = np.zeros(x.shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    penal = np.ones_like(w)
    penal[0] = 0.0
    n = len(y)
    for t in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-np.clip(x.dot(w), -30, 30)))
        adam_step(w, (x.tdot(p - y) + l2 * penal * w) / n, m, v, t, lr)
    return w


def matrix(rows: list[Example], vocab: list[str]) -> Sparse:
    col = {f: i for i, f in enumerate(vocab)}
    pairs = [(r, col[f]) for r, ex in enumerate(rows) for f in ex.features if f in col]
    rr, cc = zip(*pairs) if pairs else ((), ())
    return Sparse(np.array(rr, dtype=np.intp), np.array(cc, dtype=np.intp), (len(rows), len(vocab)))


def fit(groups: list[list[Example]], l2: float = L2) -> dict[str, dict[str, float]]:
    vocab = ["bias", *[f for f in vocabulary(groups) if f != "bias"]]
    rows = [r for g in groups for r in g]
    x = matrix(rows, vocab)
    out = {}
    for sig in SIGNALS:
        y = np.array([1.0 if r.gold[sig] else 0.0 for r in rows])
        w = fit_one(x, y, l2)
        out[sig] = {f: round(float(wi), 3) for f, wi in zip(vocab, w) if abs(wi) >= PRUNE}
    return out


def answer_scores(groups: list[list[Example]], weights: dict[str, dict[str, float]]) -> Scores:
    """Per answer and signal, for each variant (as written, unpunctuated): the best sentence's
    score, whether the signal's own rule fires anywhere in it, and whether a signal that implies
    it (signals.IMPLIED_BY) is found there: a sentence with that signal's score at even odds or
    better, or its rule. Sentences `signals.may_be_evidence` rules out are left out of all three,
    as at run time."""
    out = []
    for rows in groups:
        variants = [[r for r in rows if r.punctuated], [r for r in rows if not r.punctuated]]
        z = {
            sig: [[sum(w.get(f, 0.0) for f in r.features) for r in part] for part in variants]
            for sig, w in weights.items()
        }
        scores = {}
        for sig in SIGNALS:
            by = IMPLIED_BY.get(sig)
            scores[sig] = []
            for v, part in enumerate(variants):
                ok = [i for i, r in enumerate(part) if may_be_evidence(sig, r.fired)]
                scores[sig].append(
                    (
                        max((z[sig][v][i] for i in ok), default=-30.0),
                        any(sig in part[i].fired for i in ok),
                        by is not None
                        and any(z[by][v][i] >= 0.0 or by in part[i].fired for i in ok),
                    )
                )
        out.append(scores)
    return out


def best_thresholds(scores: Scores, answers: list[Answer]) -> tuple[dict[str, float], list[str]]:
    """Per signal, the threshold on the best sentence's score that agrees most often with the
    answer labels, and whether the signal's rule firing also decides on its own: kept where that
    agrees at least as often, because the rules are the part a person can read and check (and
    always for RULE_ALWAYS). Decided as at run time: where blame is found, ownership is not, so
    blame is settled first."""
    thr, rule_suffices = {}, []
    # the signals that rule others out first, so that those are decided with them in place
    for sig in sorted(SIGNALS, key=lambda s: s not in CANCELLED_BY.values()):
        by = CANCELLED_BY.get(sig)
        off = found(scores, by, thr, rule_suffices) if by else None
        zs = sorted({z for s in scores for z, _, _ in s[sig]})
        cands = [(a + b) / 2 for a, b in zip(zs, zs[1:])] or [0.0]
        best = {}
        for union in (False, True):
            top = (-1, 0.0)  # (agreement, threshold); ties: nearest the model's own even odds
            for c in cands:
                acc = sum(
                    _decide(v, c, union, bool(off and off[k][n])) == a.signals[sig]
                    for k, (s, a) in enumerate(zip(scores, answers))
                    for n, v in enumerate(s[sig])
                )
                if acc > top[0] or (acc == top[0] and abs(c) < abs(top[1])):
                    top = (acc, c)
            best[union] = top
        union = best[True][0] >= best[False][0] or sig in RULE_ALWAYS
        thr[sig] = round(1.0 / (1.0 + float(np.exp(-best[union][1]))), 4)
        if union:
            rule_suffices.append(sig)
    return {s: thr[s] for s in SIGNALS}, [s for s in SIGNALS if s in rule_suffices]


def _decide(v: tuple[float, bool, bool], cut: float, rule_decides: bool, cancelled: bool) -> bool:
    z, rule, implied = v
    return (z >= cut or (rule_decides and rule) or implied) and not cancelled


def found(
    scores: Scores, sig: str, thr: dict[str, float], rule_suffices: list[str]
) -> list[list[bool]]:
    """Per answer and variant, whether `sig` is found, as at run time: by its score, its rule
    where that decides, a signal that implies it, and not where one that rules it out is found."""
    by = CANCELLED_BY.get(sig)
    off = found(scores, by, thr, rule_suffices) if by else None
    c = float(np.log(thr[sig] / (1 - thr[sig])))
    return [
        [_decide(v, c, sig in rule_suffices, bool(off and off[k][n])) for n, v in enumerate(s[sig])]
        for k, s in enumerate(scores)
    ]


def k_folds(answers: list[Answer], k: int) -> list[list[int]]:
    return [list(range(i, len(answers), k)) for i in range(k)]


def writer_folds(answers: list[Answer]) -> dict[str, list[int]]:
    """One fold per batch of writers, by the prefix of the answers' ids (`tr`, `va`, ...)."""
    by: dict[str, list[int]] = {}
    for i, a in enumerate(answers):
        by.setdefault(a.id.split("-")[0], []).append(i)
    return by


def cross_validate(
    answers: list[Answer],
    groups: list[list[Example]],
    folds: list[list[int]],
    l2: float = L2,
    fit_on: set[int] | None = None,
) -> tuple[dict[str, float], list[str], Scores]:
    """Thresholds and rule choices from out-of-fold scores, and those scores. `groups` are the
    answers' examples; `fit_on`, if given, the only answers any fold may be fitted on."""
    oof: Scores = [{} for _ in answers]
    for fold in folds:
        held = set(fold)
        train = [
            g for i, g in enumerate(groups) if i not in held and (fit_on is None or i in fit_on)
        ]
        w = fit(train, l2)
        for i, s in zip(fold, answer_scores([groups[i] for i in fold], w)):
            oof[i] = s
    thr, rule_suffices = best_thresholds(oof, answers)
    return thr, rule_suffices, oof


def agreement(
    scores: Scores, answers: list[Answer], thr: dict[str, float], rule_suffices: list[str]
) -> dict[str, float]:
    """Answer-level agreement on the unpunctuated variant, decided as at run time."""
    out = {}
    for sig in SIGNALS:
        got = [f[1] for f in found(scores, sig, thr, rule_suffices)]
        out[sig] = round(sum(g == a.signals[sig] for g, a in zip(got, answers)) / len(answers), 3)
    return out


def write(
    weights: dict[str, dict[str, float]], thr: dict[str, float], rule_suffices: list[str], n: int
) -> None:
    lines = [
        '"""Weights of the learned signal scores (signal_model.py).',
        "",
        f"Written by scripts/train_coaching from {n} answers of the training split",
        "(tests/data/coaching/devset_train.jsonl) and their evidence sentences: one logistic",
        f"regression per signal, L2 {L2}, weights under {PRUNE} dropped.",
        'Do not edit by hand."""',
        "",
        "WEIGHTS: dict[str, dict[str, float]] = {",
    ]
    for sig, w in weights.items():
        lines.append(f"    {sig!r}: {{")
        lines += [f"        {f!r}: {v}," for f, v in sorted(w.items())]
        lines.append("    },")
    lines.append("}")
    lines.append("# An answer shows a signal when its best sentence scores at least this.")
    lines.append("THRESHOLD: dict[str, float] = {")
    lines += [f"    {k!r}: {v}," for k, v in thr.items()]
    lines.append("}")
    lines.append("# Signals whose rule also decides on its own, where that agreed more often.")
    lines.append(f"RULE_SUFFICES: tuple[str, ...] = {tuple(rule_suffices)!r}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def train(answers: list[Answer], groups: list[list[Example]] | None = None) -> str:
    """Fits and writes the signal scores on `groups`, the answers' examples (by default with the
    STAR labels of the labeller in star_weights)."""
    groups = groups if groups is not None else examples(answers)
    thr, rule_suffices, oof = cross_validate(answers, groups, k_folds(answers, 5))
    weights = fit(groups)
    write(weights, thr, rule_suffices, len(answers))
    size = sum(len(w) for w in weights.values())
    cv = agreement(oof, answers, thr, rule_suffices)
    return (
        f"signals: {size} weights over {len(SIGNALS)} signals, rule also decides for "
        f"{', '.join(rule_suffices) or 'none'}; 5-fold agreement {cv}; wrote {OUT}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--by-writer", action="store_true", help="hold out one writer batch at a time")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        help="with --cv/--by-writer: fit every fold on this share of the training answers (a "
        "seeded sample), all still scored: a learning curve, whether more answers would help",
    )
    ap.add_argument("--seed", type=int, default=1, help="the sample's seed, with --fraction")
    args = ap.parse_args()
    if not 0.0 < args.fraction <= 1.0:
        ap.error("--fraction must be above 0 and at most 1")
    if args.fraction < 1.0 and not (args.cv or args.by_writer):
        ap.error("--fraction needs --cv K or --by-writer: it samples the folds' training answers")
    answers = load("train")
    if args.cv or args.by_writer:
        # STAR labels from labellers fitted without each answer, as at run time (train_coaching
        # imports this module, so it is imported here)
        from voicecoach.devtools.train_coaching import out_of_fold_examples

        folds = writer_folds(answers) if args.by_writer else {}
        fit_on = None
        if args.fraction < 1.0:
            n = int(args.fraction * len(answers))
            if n < 2:
                ap.error(f"--fraction {args.fraction} leaves under 2 of {len(answers)} answers")
            fit_on = set(random.Random(args.seed).sample(range(len(answers)), n))
        thr, rule_suffices, oof = cross_validate(
            answers,
            out_of_fold_examples(answers),
            list(folds.values()) or k_folds(answers, args.cv),
            args.l2,
            fit_on,
        )
        per_writer = {
            name: agreement([oof[i] for i in f], [answers[i] for i in f], thr, rule_suffices)
            for name, f in folds.items()
        }
        print(json.dumps({"cv": "by writer" if args.by_writer else args.cv, "l2": args.l2,
                          "fraction": args.fraction,
                          "thresholds": thr, "rule_suffices": rule_suffices,
                          "agreement_unpunctuated": agreement(oof, answers, thr, rule_suffices),
                          "per_writer": per_writer}))
        return 0
    print(train(answers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
