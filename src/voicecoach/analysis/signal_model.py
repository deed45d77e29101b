"""A learned score per sentence for each accountability signal.

The rules in signals.py are precise but narrow: a speaker who says "what actually bit us was a
cron job that ran twice" names a root cause in words no rule lists. So each sentence is also
described by the words and word pairs it uses, its STAR label, which rules fire in it and in its
neighbours, and a logistic model per signal, fitted on the evidence sentences of the labelled
development set (scripts/train_coaching), turns that into a probability. An answer shows a
signal when its best sentence clears the signal's threshold; the sentences that clear it are the
evidence. Weights live in `signal_weights`."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from itertools import repeat

from voicecoach.analysis import signal_weights
from voicecoach.analysis.text import Sentence

# Words too common to say anything on their own (they still count inside word pairs).
_SKIP = frozenset({"", "the", "a", "an", "and", "to", "of", "it", "that", "so", "um", "uh", "like"})


def sentence_features(
    sentences: Sequence[Sentence], labels: Sequence[str], rules: Mapping[str, set[int]]
) -> list[list[str]]:
    """The binary features of every sentence: `rules` maps a rule's name to the indices (into
    `sentences`) of the sentences where it fires."""
    out = []
    n = len(sentences)
    for i, (s, lab) in enumerate(zip(sentences, labels)):
        toks = [t for t in s.tokens if t]
        f = {"bias", f"lab:{lab}"}
        if i == 0:
            f.add("pos:first")
        if i == n - 1:
            f.add("pos:last")
        f.update(f"w:{t}" for t in toks if t not in _SKIP)
        f.update(f"b:{a} {b}" for a, b in zip(toks, toks[1:]))
        for name, hits in rules.items():
            if i in hits:
                f.add(f"r:{name}")
                f.add(f"r:{name}&{lab}")
            if i - 1 in hits or i + 1 in hits:
                f.add(f"near:{name}")
        out.append(list(f))
    return out


def probabilities(features: Sequence[Sequence[str]], signal: str) -> list[float]:
    weights = signal_weights.WEIGHTS.get(signal, {})
    out = []
    for f in features:
        z = sum(map(weights.get, f, repeat(0.0, len(f))))
        out.append(1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))))
    return out


def answer_features(features: Sequence[Sequence[str]]) -> set[str]:
    """The whole answer's features, from its sentences' (`sentence_features`): every word and
    word pair it uses and every rule that fires anywhere in it, once each."""
    out = {"bias"}
    for f in features:
        out.update(x for x in f if x[:2] in ("w:", "b:") or (x[:2] == "r:" and "&" not in x))
    return out


def problem_scale(answer_feats: Collection[str]) -> float:
    """What each of an answer's features (but its bias) counts for in its problem score: one
    over the square root of how many it has, so that a short answer that says "the release
    slipped three weeks" is not held to the weight of evidence a long one piles up."""
    return 1.0 / math.sqrt(max(len(answer_feats) - 1, 1))


def problem_logit(answer_feats: Collection[str], weights: Mapping[str, float]) -> float:
    scale = problem_scale(answer_feats)
    return weights.get("bias", 0.0) + scale * sum(
        weights.get(f, 0.0) for f in answer_feats if f != "bias"
    )


def problem_probability(features: Sequence[Sequence[str]]) -> float:
    """How likely the story has something in it that went wrong (a failure, miss, bug, conflict,
    complaint), from the words of the whole answer (its sentences' `features`): a story where
    nothing did has no root cause to name, however much it explains its choices."""
    z = problem_logit(answer_features(features), signal_weights.PROBLEM_WEIGHTS)
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


# The signals that only a story with a problem in it can show.
NEEDS_PROBLEM = ("root_cause",)


def problem_threshold() -> float:
    return signal_weights.PROBLEM_THRESHOLD


def threshold(signal: str) -> float:
    return signal_weights.THRESHOLD.get(signal, 0.5)


def learned_signals() -> tuple[str, ...]:
    return tuple(signal_weights.WEIGHTS)


def rule_suffices(signal: str) -> bool:
    """Whether the signal's hand-written rule firing is enough on its own (chosen in training
    where it agreed at least as often with the coach's labels)."""
    return signal in signal_weights.RULE_SUFFICES
