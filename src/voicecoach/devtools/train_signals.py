"""Fits the learned signal scores (analysis/signal_model.py) and writes analysis/signal_weights.py.

Every training answer is seen as written and as a recognizer without punctuation would write
it, cut into sentences and labelled as at run time: by scripts/train_coaching (and --cv,
--by-writer here), with the sentence splitter and STAR labeller fitted without that answer
(train_coaching.out_of_fold_examples), because those are the labels a new speaker's answer
gets. A sentence is a positive example of a signal when most of its words come from a sentence
the labeller quoted as that signal's evidence. One L2-regularised logistic regression per
signal; the threshold that decides an answer (its best sentence against it) is the one that
agrees most often with the answer-level labels on out-of-fold scores, so it is not fitted to
sentences the model has seen, and those scores are had one batch of writers at a time: the
scores a new speaker gets are those of a model that never read them, not of one that read other
answers by the same writer (with thresholds from 5-fold scores instead, root cause agreed 85.3%
against 86.2%, picked on the other batches and scored on each, 1,227 answers). Beside them, one
answer-level score: whether the story has a problem in it at all
(tests/data/coaching/problem_labels.jsonl), which root cause needs; its cut is chosen together
with root cause's threshold.

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
from voicecoach.analysis.signal_model import (
    NEEDS_PROBLEM,
    answer_features,
    problem_logit,
    problem_scale,
)
from voicecoach.analysis.signals import (
    CANCELLED_BY,
    DECIDED_BY,
    IMPLIED_BY,
    SIGNAL_NAMES,
    fired_beside,
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
# The problem score's penalty, picked by writer batch among 0.03, 0.1, 0.3, 1 and 3 (with its
# features scaled by signal_model.problem_scale); its weights are smaller than the sentence
# scores' and still add up over an answer's words, so fewer are dropped.
L2_PROBLEM = 0.1
PRUNE_PROBLEM = 0.01
# Where to try the problem score's cut: these shares of the answers' scores fall below it.
PROBLEM_CUTS = np.linspace(0.0, 0.6, 31)
# Signals whose rule always decides on its own: blame's phrases are the excuse itself ("it was
# their fault, not mine"), and an answer that says one must hear it first, whatever the score;
# growth's are the lasting change said outright ("since then I always run a dry run"), which an
# answer must be credited with. (Cross-validation flips between rule and score for growth by a
# few answers from one retraining to the next.)
RULE_ALWAYS = ("blame", "growth")


# Per answer and signal, for each variant (as written, unpunctuated): the best sentence's score,
# whether the signal's rule fires, whether a signal that implies it is found or a rule that
# decides it fires (both decide it whatever the score and the problem score), and the answer's
# problem score (a logit, which the score and rule of a NEEDS_PROBLEM signal also need to clear;
# an implying signal does not).
Scores = list[dict[str, list[tuple[float, bool, bool, float]]]]


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
    """A sparse matrix kept as the (row, column) of each of its nonzero entries, and their
    values (all ones if None): a sentence has a few dozen features out of thousands, so products
    over the pairs are far faster than a dense matrix."""

    rows: np.ndarray
    cols: np.ndarray
    shape: tuple[int, int]
    values: np.ndarray | None = None

    def dot(self, w: np.ndarray) -> np.ndarray:
        x = w[self.cols] if self.values is None else w[self.cols] * self.values
        return np.bincount(self.rows, weights=x, minlength=self.shape[0])

    def tdot(self, r: np.ndarray) -> np.ndarray:
        x = r[self.rows] if self.values is None else r[self.rows] * self.values
        return np.bincount(self.cols, weights=x, minlength=self.shape[1])


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


def problem_target(a: Answer) -> bool:
    """What the problem score learns: the story's problem label, and true wherever the answer
    names a root cause (a cause is always of something that went wrong)."""
    if a.problem is None:
        raise ValueError(f"{a.id} has no problem label in problem_labels.jsonl")
    return a.problem or a.signals["root_cause"]


def problem_example(rows: list[Example], punctuated: bool) -> Example:
    """One variant of an answer as a single example of the problem score."""
    part = [r for r in rows if r.punctuated == punctuated]
    # sorted: a fixed order of features keeps the fit the same from run to run
    feats = sorted(answer_features([r.features for r in part]))
    return Example(part[0].answer, punctuated, feats, frozenset(), {})


def fit_problem(
    groups: list[list[Example]], answers: list[Answer], l2: float = L2_PROBLEM
) -> dict[str, float]:
    """The problem score: a logistic regression over the words of the whole (unpunctuated)
    answer, fitted on the answers' problem labels."""
    rows = [problem_example(g, False) for g in groups]
    vocab = ["bias", *[f for f in vocabulary([[r] for r in rows]) if f != "bias"]]
    y = np.array([1.0 if problem_target(a) else 0.0 for a in answers])
    x = matrix(rows, vocab)
    # every feature but the bias (column 0) scaled as at run time
    scale = np.array([problem_scale(r.features) for r in rows])
    x.values = np.where(x.cols == 0, 1.0, scale[x.rows])
    w = fit_one(x, y, l2)
    return {f: round(float(wi), 4) for f, wi in zip(vocab, w) if abs(wi) >= PRUNE_PROBLEM}


def answer_scores(
    groups: list[list[Example]], weights: dict[str, dict[str, float]], problem: dict[str, float]
) -> Scores:
    """Per answer and signal, for each variant (as written, unpunctuated): the best sentence's
    score, whether the signal's own rule fires anywhere in it, whether a signal that implies
    it (signals.IMPLIED_BY) is found there: a sentence with that signal's score at even odds or
    better, or its rule; or a rule that decides it (signals.DECIDED_BY) fires; and the answer's
    problem score. Sentences `signals.may_be_evidence` rules out are left out of the first three,
    as at run time."""
    out = []
    for rows in groups:
        variants = [[r for r in rows if r.punctuated], [r for r in rows if not r.punctuated]]
        z = {
            sig: [[sum(w.get(f, 0.0) for f in r.features) for r in part] for part in variants]
            for sig, w in weights.items()
        }
        gate = [
            problem_logit(problem_example(rows, punct).features, problem) for punct in (True, False)
        ]
        scores = {}
        for sig in SIGNALS:
            by = IMPLIED_BY.get(sig)
            decider = DECIDED_BY.get(sig)
            scores[sig] = []
            for v, part in enumerate(variants):
                fired = [r.fired for r in part]
                ok = [
                    i
                    for i in range(len(part))
                    if may_be_evidence(sig, fired[i], fired_beside(fired, i))
                ]
                scores[sig].append(
                    (
                        max((z[sig][v][i] for i in ok), default=-30.0),
                        any(sig in part[i].fired for i in ok),
                        (
                            by is not None
                            and any(z[by][v][i] >= 0.0 or by in part[i].fired for i in ok)
                        )
                        or any(decider in part[i].fired for i in ok),
                        gate[v],
                    )
                )
        out.append(scores)
    return out


def best_thresholds(scores: Scores, answers: list[Answer]) -> tuple[dict[str, float], list[str]]:
    """Per signal, the threshold on the best sentence's score that agrees most often with the
    answer labels, and whether the signal's rule firing also decides on its own: kept where that
    agrees at least as often, because the rules are the part a person can read and check (and
    always for RULE_ALWAYS). For a signal that needs a problem in the story, the cut on the
    problem score is chosen with them, under the key "problem". Decided as at run time: where
    blame is found, ownership is not, so blame is settled first."""
    thr: dict[str, float] = {}
    rule_suffices: list[str] = []
    # the signals that rule others out first, so that those are decided with them in place
    for sig in sorted(SIGNALS, key=lambda s: s not in CANCELLED_BY.values()):
        by = CANCELLED_BY.get(sig)
        off = found(scores, by, thr, rule_suffices) if by else None
        v = [x for s in scores for x in s[sig]]
        z = np.array([x[0] for x in v])
        rule = np.array([x[1] for x in v])
        implied = np.array([x[2] for x in v])
        gates = np.array([x[3] for x in v])
        cancelled = np.array([bool(off and off[k][n]) for k, s in enumerate(scores)
                              for n in range(len(s[sig]))], dtype=bool)
        gold = np.array([a.signals[sig] for a in answers for _ in scores[0][sig]])
        zs = np.unique(z)
        cands = (zs[:-1] + zs[1:]) / 2 if len(zs) > 1 else np.zeros(1)
        gate_cuts = [-np.inf]
        if sig in NEEDS_PROBLEM:
            gate_cuts += sorted(set(np.quantile(gates, PROBLEM_CUTS[1:]).tolist()))
        best = {}
        for union in (False, True):
            top = (-1, 0.0, -np.inf)  # (agreement, threshold, problem cut)
            for g in gate_cuts:
                pred = _decide(z, rule, implied, gates, cancelled, cands[:, None], union, g)
                acc = (pred == gold).sum(axis=1)
                # ties: nearest the model's own even odds, then the least gating
                i = max(range(len(cands)), key=lambda j: (acc[j], -abs(cands[j])))
                if acc[i] > top[0] or (acc[i] == top[0] and abs(cands[i]) < abs(top[1])):
                    top = (int(acc[i]), float(cands[i]), g)
            best[union] = top
        union = best[True][0] >= best[False][0] or sig in RULE_ALWAYS
        thr[sig] = round(1.0 / (1.0 + float(np.exp(-best[union][1]))), 4)
        if sig in NEEDS_PROBLEM:
            thr["problem"] = round(1.0 / (1.0 + float(np.exp(-best[union][2]))), 4)
        if union:
            rule_suffices.append(sig)
    return {s: thr[s] for s in (*SIGNALS, "problem") if s in thr}, [
        s for s in SIGNALS if s in rule_suffices
    ]


def _decide(z, rule, implied, problem, cancelled, cut, rule_decides: bool, problem_cut: float):
    """Whether a signal is found, on arrays (or scalars) of each answer's best score, rule,
    implying signal, problem score and cancelling signal: the decision made at run time. `cut`
    may be a column of thresholds, to decide for each at once."""
    own = (np.greater_equal(z, cut) | np.logical_and(rule, rule_decides)) & np.greater_equal(
        problem, problem_cut
    )
    return np.logical_or(own, implied) & np.logical_not(cancelled)


def found(
    scores: Scores, sig: str, thr: dict[str, float], rule_suffices: list[str]
) -> list[list[bool]]:
    """Per answer and variant, whether `sig` is found, as at run time: by its score, its rule
    where that decides, a signal that implies it, and not where one that rules it out is found."""
    by = CANCELLED_BY.get(sig)
    off = found(scores, by, thr, rule_suffices) if by else None
    c = _logit(thr[sig])
    g = _logit(thr["problem"]) if sig in NEEDS_PROBLEM and "problem" in thr else -np.inf
    return [
        [
            bool(_decide(z, rule, implied, problem, bool(off and off[k][n]), c,
                         sig in rule_suffices, g))
            for n, (z, rule, implied, problem) in enumerate(s[sig])
        ]
        for k, s in enumerate(scores)
    ]


def _logit(p: float) -> float:
    if p <= 0.0:
        return -np.inf
    return float(np.log(p / (1 - p))) if p < 1.0 else np.inf


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
        on = [i for i in range(len(groups)) if i not in held and (fit_on is None or i in fit_on)]
        w = fit([groups[i] for i in on], l2)
        problem = fit_problem([groups[i] for i in on], [answers[i] for i in on])
        for i, s in zip(fold, answer_scores([groups[i] for i in fold], w, problem)):
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
    weights: dict[str, dict[str, float]],
    thr: dict[str, float],
    rule_suffices: list[str],
    n: int,
    problem: dict[str, float],
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
    lines += [f"    {k!r}: {v}," for k, v in thr.items() if k != "problem"]
    lines.append("}")
    lines.append("# Signals whose rule also decides on its own, where that agreed more often.")
    lines.append(f"RULE_SUFFICES: tuple[str, ...] = {tuple(rule_suffices)!r}")
    lines.append("# Whether something went wrong in the story: a logistic regression over the")
    lines.append(f"# whole answer's words (problem_labels.jsonl), L2 {L2_PROBLEM}, weights under")
    lines.append(f"# {PRUNE_PROBLEM} dropped; a signal in NEEDS_PROBLEM is found only at or")
    lines.append("# above PROBLEM_THRESHOLD.")
    lines.append("PROBLEM_WEIGHTS: dict[str, float] = {")
    lines += [f"    {f!r}: {v}," for f, v in sorted(problem.items())]
    lines.append("}")
    lines.append(f"PROBLEM_THRESHOLD: float = {thr.get('problem', 0.0)!r}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def train(answers: list[Answer], groups: list[list[Example]] | None = None) -> str:
    """Fits and writes the signal scores on `groups`, the answers' examples (by default with the
    STAR labels of the labeller in star_weights)."""
    groups = groups if groups is not None else examples(answers)
    thr, rule_suffices, oof = cross_validate(answers, groups, list(writer_folds(answers).values()))
    weights = fit(groups)
    problem = fit_problem(groups, answers)
    write(weights, thr, rule_suffices, len(answers), problem)
    size = sum(len(w) for w in weights.values())
    cv = agreement(oof, answers, thr, rule_suffices)
    return (
        f"signals: {size} weights over {len(SIGNALS)} signals, rule also decides for "
        f"{', '.join(rule_suffices) or 'none'}; agreement by writer batch {cv}; wrote {OUT}"
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
