"""Fits the STAR sentence labeller on the training split and writes analysis/star_weights.py.

Multinomial logistic regression over structure.features (L2, full-batch gradient descent), the
label prior, and label-to-label transition log-probabilities counted from the same answers."""

from __future__ import annotations

import argparse
import math
from collections import Counter
from pathlib import Path

import numpy as np

from voicecoach.analysis import structure
from voicecoach.analysis.types import LABELS
from voicecoach.devtools.coaching_data import load

OUT = Path(structure.__file__).with_name("star_weights.py")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--l2", type=float, default=0.3)
    ap.add_argument("--steps", type=int, default=3000)
    args = ap.parse_args()
    answers = load("train")
    rows, ys = [], []
    trans, starts = Counter(), Counter()
    for a in answers:
        sents = a.gold_sentences()
        labels = [lab for _, lab in a.sentences]
        for s, lab in zip(sents, labels):
            rows.append(structure.features(s, s.index / max(len(sents) - 1, 1), len(sents)))
            ys.append(LABELS.index(lab))
        starts[labels[0]] += 1
        trans.update(zip(labels, labels[1:]))
    names = sorted({k for r in rows for k in r})
    x = np.array([[r.get(n, 0.0) for n in names] for r in rows])
    y = np.eye(len(LABELS))[ys]
    w = np.zeros((len(names), len(LABELS)))
    lr = 0.5
    for _ in range(args.steps):
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ (p - y) / len(x) + args.l2 * w / len(x)
        w -= lr * grad
    acc = float(((x @ w).argmax(axis=1) == np.array(ys)).mean())
    prior = Counter(ys)
    lines = [
        '"""Weights of the STAR sentence labeller (see structure.py).',
        "",
        f"Written by scripts/train_coaching from {len(answers)} answers, {len(ys)} sentences of",
        'the training split (tests/data/coaching/devset_train.jsonl). Do not edit by hand."""',
        "",
        "EMISSION: dict[str, dict[str, float]] = {",
    ]
    for j, lab in enumerate(LABELS):
        items = ", ".join(
            f'"{n}": {w[i, j]:.3f}' for i, n in enumerate(names) if abs(w[i, j]) >= 5e-4
        )
        lines.append(f'    "{lab}": {{{items}}},')
    lines.append("}")
    lines.append(
        "# log P(label): emissions are posteriors, divided by the prior for the Viterbi pass."
    )
    lines.append(
        "PRIOR = {"
        + ", ".join(
            f'"{lab}": {math.log((prior[i] + 1) / (len(ys) + len(LABELS))):.3f}'
            for i, lab in enumerate(LABELS)
        )
        + "}"
    )
    lines.append(
        "START = {"
        + ", ".join(
            f'"{lab}": {math.log((starts[lab] + 0.5) / (len(answers) + 3)):.3f}' for lab in LABELS
        )
        + "}"
    )
    lines.append("TRANSITION = {")
    for a in LABELS:
        total = sum(trans[(a, b)] for b in LABELS) + 0.5 * len(LABELS)
        lines.append(
            f'    "{a}": {{'
            + ", ".join(f'"{b}": {math.log((trans[(a, b)] + 0.5) / total):.3f}' for b in LABELS)
            + "},"
        )
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"trained on {len(answers)} answers, {len(ys)} sentences, {len(names)} features; "
        f"training accuracy (no sequence) {acc:.1%}; wrote {OUT}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
