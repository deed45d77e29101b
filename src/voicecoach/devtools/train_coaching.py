"""Fits the STAR sentence labeller on the training split and writes analysis/star_weights.py.

First the sentence splitter for unpunctuated speech: a logistic regression over
text.boundary_features, on where the training answers' sentences really start. Then the labeller,
a linear-chain conditional random field over structure.sequence_features: emission weights per
feature and label, label-to-label transitions, and start and end scores, fitted together by
maximum likelihood with an L2 penalty (full-batch Adam on the exact forward-backward gradient).
Every training answer is seen twice, as written and as a recognizer without punctuation would
write it, each cut into sentences by text.split_sentences exactly as at run time; a sentence's
label is the majority of its words' labels.

Then the signal scores, fitted on the new labels (devtools/train_signals.py).

--cv K scores K-fold cross-validation over the training answers instead of writing weights, so
features and settings can be compared without looking at the held-out split. --hold-out vi,vj,...
fits on the other training answers and scores the STAR labels of those batches of writers (the
ids' prefix): how the labeller carries over to writers it has never seen."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicecoach.analysis import star_weights, structure
from voicecoach.analysis.text import boundary_features, norm, split_sentences
from voicecoach.analysis.types import LABELS
from voicecoach.devtools.adam import adam_step
from voicecoach.devtools.coaching_data import Answer, load, whisper_style, words_of
from voicecoach.devtools.train_signals import Example, Sparse, examples, k_folds, train

OUT = Path(structure.__file__).with_name("star_weights.py")
STAR_FOLDS = 5
L2 = 8.0  # with the words as features; 2 suited the cue phrases alone
STEPS = 1500
BOUNDARY_L2 = 3.0
LEXICAL_MIN = 5


@dataclass
class Weights:
    names: list[str]
    emission: np.ndarray  # features x labels
    transition: np.ndarray  # from-label x to-label
    start: np.ndarray
    end: np.ndarray
    boundary: dict[str, float]


def fit_boundaries(answers: list[Answer], l2: float = BOUNDARY_L2) -> dict[str, float]:
    """Logistic regression: does a sentence start at this gap of the unpunctuated answer?"""
    rows, ys = [], []
    for a in answers:
        toks, starts = [], set()
        for text, _ in a.sentences:
            starts.add(len(toks))
            toks += [norm(t) for t in whisper_style(text).split()]
        for i in range(1, len(toks)):
            rows.append(boundary_features(toks, i))
            ys.append(1.0 if i in starts else 0.0)
    names = sorted({f for r in rows for f in r})
    col = {n: i for i, n in enumerate(names)}
    idx = np.array([[col[f] for f in r] for r in rows])
    y = np.array(ys)
    w = np.zeros(len(names))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, 801):
        p = 1.0 / (1.0 + np.exp(-w[idx].sum(axis=1)))
        g = np.zeros_like(w)
        np.add.at(g, idx, (p - y)[:, None])
        adam_step(w, (g + l2 * w) / len(y) * 100, m, v, step, 0.05)
    # Small weights are dropped: they move few cuts and would triple the weights file.
    return {n: float(w[i]) for i, n in enumerate(names) if abs(w[i]) >= 0.05}


def sequences(answers: list[Answer]) -> list[tuple[list[set[str]], list[int]]]:
    """(features, label indices) of every answer, punctuated and unpunctuated."""
    out = []
    for a in answers:
        gold = a.word_labels()
        for punct in (True, False):
            sents = split_sentences(words_of(a.text(punct)))
            labels = [
                LABELS.index(Counter(gold[s.first : s.last + 1]).most_common(1)[0][0])
                for s in sents
            ]
            out.append((structure.sequence_features(sents), labels))
    return out


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    m = a.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def fit(answers: list[Answer], l2: float = L2, steps: int = STEPS, lr: float = 0.05) -> Weights:
    """The sentence splitter's boundary weights, then the labeller on sentences cut with them."""
    boundary = fit_boundaries(answers)
    star_weights.BOUNDARY = boundary
    seqs = sequences(answers)
    # a word, or a sentence's opening words, must turn up in about LEXICAL_MIN answers to be a
    # feature: in twice as many sequences, as each answer is two (as written, unpunctuated)
    df: Counter[str] = Counter()
    for feats, _ in seqs:
        df.update(set().union(*feats))
    lexical = structure.LEXICAL_PREFIXES
    names = sorted(k for k, n in df.items() if not k.startswith(lexical) or n >= 2 * LEXICAL_MIN)
    col = {n: i for i, n in enumerate(names)}
    b, t_max, n_f, n_l = len(seqs), max(len(y) for _, y in seqs), len(names), len(LABELS)
    # the (binary) features as (position, column) pairs: a sentence has a few dozen of them, so
    # products over the pairs are far cheaper than over a dense b x t x features array
    pos, cols = [], []
    y = np.zeros((b, t_max, n_l))
    mask = np.zeros((b, t_max), dtype=bool)
    lengths = np.array([len(lab) for _, lab in seqs])
    for i, (feats, labels) in enumerate(seqs):
        for t, (f, lab) in enumerate(zip(feats, labels)):
            for k in f:
                if k in col:
                    pos.append(i * t_max + t)
                    cols.append(col[k])
            y[i, t, lab] = 1.0
            mask[i, t] = True
    x = Sparse(np.array(pos, dtype=np.intp), np.array(cols, dtype=np.intp), (b * t_max, n_f))
    y_first = y[:, 0]
    y_last = y[np.arange(b), lengths - 1]
    y_pairs = np.einsum("bti,btj->ij", y[:, :-1], y[:, 1:] * mask[:, 1:, None])
    params = [np.zeros((n_f, n_l)), np.zeros((n_l, n_l)), np.zeros(n_l), np.zeros(n_l)]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    for step in range(1, steps + 1):
        w, tr, st, en = params
        em = np.stack([x.dot(w[:, j]) for j in range(n_l)], axis=1).reshape(b, t_max, n_l)
        alpha = np.zeros((b, t_max, n_l))
        alpha[:, 0] = st + em[:, 0]
        for t in range(1, t_max):
            new = _logsumexp(alpha[:, t - 1, :, None] + tr, axis=1) + em[:, t]
            alpha[:, t] = np.where(mask[:, t, None], new, alpha[:, t - 1])
        beta = np.zeros((b, t_max, n_l))
        beta[:, -1] = en
        for t in range(t_max - 2, -1, -1):
            new = _logsumexp(tr[None] + (em[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
            beta[:, t] = np.where(mask[:, t + 1, None], new, beta[:, t + 1])
        log_z = _logsumexp(alpha[:, -1] + en, axis=1)
        marg = np.exp(alpha + beta - log_z[:, None, None]) * mask[:, :, None]
        pair = (
            np.exp(
                alpha[:, :-1, :, None]
                + tr[None, None]
                + (em[:, 1:] + beta[:, 1:])[:, :, None, :]
                - log_z[:, None, None, None]
            )
            * mask[:, 1:, None, None]
        )
        grads = [
            np.stack([x.tdot(d) for d in (marg - y).reshape(b * t_max, n_l).T], axis=1) + l2 * w,
            pair.sum(axis=(0, 1)) - y_pairs + 0.1 * l2 * tr,
            marg[:, 0].sum(axis=0) - y_first.sum(axis=0) + 0.1 * l2 * st,
            marg[np.arange(b), lengths - 1].sum(axis=0) - y_last.sum(axis=0) + 0.1 * l2 * en,
        ]
        for p, g, (m, v) in zip(params, grads, moments):
            adam_step(p, g / b, m, v, step, lr)
    return Weights(names, *params, boundary)


_WEIGHT_NAMES = ("EMISSION", "TRANSITION", "START", "END", "BOUNDARY")


@contextmanager
def _weights_restored() -> Iterator[None]:
    """The labeller's and splitter's weights in this process come back as they were after the
    block, whatever it installed (or `fit` set: it cuts sentences with the splitter it fits)."""
    saved = {name: getattr(star_weights, name) for name in _WEIGHT_NAMES}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(star_weights, name, value)


def install(w: Weights) -> None:
    """Use these weights in this process (for cross-validation)."""
    star_weights.EMISSION = {
        lab: {n: float(w.emission[i, j]) for i, n in enumerate(w.names)}
        for j, lab in enumerate(LABELS)
    }
    star_weights.TRANSITION = {
        a: {c: float(w.transition[i, j]) for j, c in enumerate(LABELS)}
        for i, a in enumerate(LABELS)
    }
    star_weights.START = {lab: float(w.start[j]) for j, lab in enumerate(LABELS)}
    star_weights.END = {lab: float(w.end[j]) for j, lab in enumerate(LABELS)}
    star_weights.BOUNDARY = dict(w.boundary)


def write(w: Weights, answers: list[Answer], l2: float) -> None:
    n_sent = sum(len(a.sentences) for a in answers)
    lines = [
        '"""Weights of the STAR sentence labeller (structure.py) and of the sentence splitter for',
        "unpunctuated speech (text.py).",
        "",
        f"Written by scripts/train_coaching from {len(answers)} answers, {n_sent} sentences of",
        "the training split (tests/data/coaching/devset_train.jsonl), each answer seen punctuated",
        f'and unpunctuated; a linear-chain CRF with L2 {l2:g}. Do not edit by hand."""',
        "",
        "EMISSION: dict[str, dict[str, float]] = {",
    ]
    for j, lab in enumerate(LABELS):
        items = ", ".join(
            f'"{n}": {w.emission[i, j]:.3f}'
            for i, n in enumerate(w.names)
            if abs(w.emission[i, j]) >= 5e-4
        )
        lines.append(f'    "{lab}": {{{items}}},')
    lines.append("}")
    lines.append("# Scores of a label following another, of starting and of ending an answer.")
    lines.append("TRANSITION: dict[str, dict[str, float]] = {")
    for i, a in enumerate(LABELS):
        row = ", ".join(f'"{c}": {w.transition[i, j]:.3f}' for j, c in enumerate(LABELS))
        lines.append(f'    "{a}": {{{row}}},')
    lines.append("}")
    for name, vec in (("START", w.start), ("END", w.end)):
        row = ", ".join(f'"{lab}": {vec[j]:.3f}' for j, lab in enumerate(LABELS))
        lines.append(f"{name}: dict[str, float] = {{{row}}}")
    lines.append(
        "# Log-odds features of a sentence starting at a gap in unpunctuated speech (text.py)."
    )
    lines.append("BOUNDARY: dict[str, float] = {")
    for n in sorted(w.boundary):
        lines.append(f"    {n!r}: {w.boundary[n]:.3f},")
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fit_without(answers: list[Answer], fold: list[int], l2: float, steps: int) -> Weights:
    held = set(fold)
    return fit([a for i, a in enumerate(answers) if i not in held], l2, steps)


def out_of_fold_examples(
    answers: list[Answer], k: int = STAR_FOLDS, l2: float = L2, steps: int = STEPS
) -> list[list[Example]]:
    """The signal scores' training examples, every answer cut and labelled by a sentence
    splitter and STAR labeller fitted without it (K folds), as run time labels answers it never
    saw. Labels from a labeller that has learned the very answer are better than any it gives
    a new speaker, and scores fitted on them lean on them too much: fitted on 467 answers and
    scored on 200 by new writers, the labeller with words as features took quantified impact
    from 96% to 91% and ownership from 92% to 89% when the scores learned its in-sample labels."""
    folds = k_folds(answers, k)
    with ProcessPoolExecutor(max_workers=min(k, os.cpu_count() or 1)) as pool:
        fitted = list(pool.map(_fit_without, [answers] * k, folds, [l2] * k, [steps] * k))
    groups: list[list[Example]] = [[] for _ in answers]
    with _weights_restored():
        for fold, w in zip(folds, fitted):
            install(w)
            for i, g in zip(fold, examples([answers[i] for i in fold])):
                groups[i] = g
    return groups


def cross_validate(answers: list[Answer], k: int, l2: float, steps: int) -> dict[str, float]:
    """Sentence accuracy (per variant) and signal agreement over K held-back folds of the
    training answers, each scored by a model fitted on the other folds."""
    from voicecoach.devtools.eval_coaching import score

    hits: Counter[str] = Counter()
    n_sent = 0
    with _weights_restored():
        for fold in k_folds(answers, k):
            test = [answers[i] for i in fold]
            install(_fit_without(answers, fold, l2, steps))
            r = score(test)
            n = r["punctuated"]["sentences"]
            n_sent += n
            for variant in ("punctuated", "unpunctuated"):
                hits[variant] += r[variant]["accuracy"] * n
            for sig, m in r["signals"].items():
                hits[sig] += m["agreement"] * len(test)
    return {
        key: round(
            hits[key] / (n_sent if key in ("punctuated", "unpunctuated") else len(answers)), 4
        )
        for key in hits
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--cv", type=int, default=0, help="K-fold cross-validation, writes nothing")
    ap.add_argument(
        "--hold-out",
        default="",
        metavar="PREFIXES",
        help="comma-separated batches of writers (id prefixes) to fit without and score, "
        "writes nothing",
    )
    args = ap.parse_args()
    answers = load("train")
    if args.hold_out:
        from voicecoach.devtools.eval_coaching import score

        batches = tuple(p.strip() + "-" for p in args.hold_out.split(","))
        held = [a for a in answers if a.id.startswith(batches)]
        with _weights_restored():
            install(fit([a for a in answers if not a.id.startswith(batches)], args.l2, args.steps))
            r = score(held, signals=False)
        print(
            f"STAR labels of {len(held)} answers ({r['punctuated']['sentences']} sentences) "
            f"from {args.hold_out}, fitted on the other {len(answers) - len(held)}: "
            f"punctuated {r['punctuated']['accuracy']:.1%}, "
            f"unpunctuated {r['unpunctuated']['accuracy']:.1%}"
        )
        return 0
    if args.cv:
        r = cross_validate(answers, args.cv, args.l2, args.steps)
        print(
            f"{args.cv}-fold cross-validation on {len(answers)} training answers, l2 {args.l2:g}: "
            f"punctuated {r.pop('punctuated'):.1%}, unpunctuated {r.pop('unpunctuated'):.1%}"
        )
        print("  signals: " + ", ".join(f"{k} {v:.0%}" for k, v in r.items()))
        return 0
    w = fit(answers, args.l2, args.steps)
    write(w, answers, args.l2)
    n_sent = sum(len(a.sentences) for a in answers)
    print(
        f"trained on {len(answers)} answers, {n_sent} sentences, {len(w.names)} features; "
        f"wrote {OUT}"
    )
    # The signal scores read the labeller's labels, so they are fitted on labels like those it
    # gives at run time: each answer's from a labeller fitted without it.
    print(train(answers, out_of_fold_examples(answers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
