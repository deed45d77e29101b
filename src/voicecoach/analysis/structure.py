"""STAR structure: a label for every sentence, and each section's time.

Each sentence gets a score per label from cue phrases, grammatical subject, tense and position;
a Viterbi pass over the answer then picks the most likely label sequence, because stories mostly
move forward (situation, task, action, result, reflection) and a sentence's neighbours say a lot
about it. The weights live in `star_weights` (written by scripts/train_coaching from the labelled
development set in tests/data/coaching)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.analysis import star_weights
from voicecoach.analysis.text import NUMBER_WORDS, Sentence
from voicecoach.analysis.types import LABELS

# Cue groups: a regex over the normalized sentence (lowercase words, single spaces).
CUES: dict[str, str] = {
    "sit_time": r"\b(at the time|back (then|in)|a (few|couple of) (years|months) ago|last year|"
    r"at my (last|previous|old|current) (job|company|role|team)|when i was (at|working)|years ago)\b",
    "sit_context": r"\b(i was (a|an|the|working|leading|on)|i worked (at|as|on|for)|we were (a|an|building|"
    r"running|working|migrating)|our team (was|had)|the (company|team|project|product|system|platform|"
    r"client|customer) (was|had|is)|there was|there were|we had (a|an|about|around)|it was (a|an))\b",
    "sit_stakes": r"\b(high.stakes|deadline|critical|important|at stake|launch|contract|quarter)\b",
    "task_mine": r"\b(my (job|role|task|goal|responsibility|mandate|mission|assignment|remit)|"
    r"i (was|were|got) (responsible|tasked|asked|supposed|expected|assigned|charged|brought in|in charge)|"
    r"i had to|i needed to|i was the one|it was on me to|fell to me|i owned)\b",
    "task_goal": r"\b(the (goal|objective|ask|challenge|problem|task|mission) was|we needed to|"
    r"we had to|needed to (get|make|ship|deliver|find|fix|figure)|had to (get|make|ship|deliver|"
    r"find|fix|figure)|the plan was|was supposed to)\b",
    "act_i_past": r"\bi (\w+ed|went|set|took|made|wrote|built|ran|met|spoke|sat|told|brought|got|"
    r"began|began|started|decided|called|put|pulled|broke|led|gave|chose|kept|sent|found|did|"
    r"dug|drew|held|sought|rolled|shipped|paired|asked|proposed|pushed|reached|worked|tried|"
    r"escalated|flagged|spent|rewrote|set up|went back)\b",
    "act_we_past": r"\bwe (\w+ed|went|set|took|made|wrote|built|ran|met|spoke|sat|brought|got|began|"
    r"decided|called|put|pulled|broke|gave|chose|kept|sent|found|did|held|rolled|shipped|paired)\b",
    "act_sequence": r"^(so |and |then |first |next |after that |once |at that point |"
    r"the next (day|week|morning) |immediately |instead )|\b(so i|then i|first i|i immediately|"
    r"i personally|i also|next i|instead i|i then)\b",
    "res_outcome": r"\b(as a result|in the end|ended up|eventually|ultimately|the result|outcome|"
    r"resulting in|which (meant|led|resulted)|at the end|by the end|we (shipped|launched|delivered|"
    r"hit|met|missed|saved|cut|reduced|landed|closed|recovered|finished)|went from|"
    r"it (worked|paid off|succeeded|failed|went live)|successful|was (a|a big) success|"
    r"(reduced|cut|increased|improved|dropped|grew|saved|lowered|raised) .*(by|to)\b)",
    "res_reception": r"\b(appreciated|thanked|praised|got (promoted|recognized)|trust|renewed|"
    r"feedback was|(the )?(customer|client|team|manager|vp|leadership) (was|were) (happy|pleased|thrilled))\b",
    "ref_lesson": r"\b(i learned|i've learned|we learned|lesson|taught me|looking back|in hindsight|"
    r"the takeaway|i realized|i've realized|this experience|that experience|what i took away|"
    r"i took away|made me realize|showed me)\b",
    "ref_change": r"\b(since then|ever since|now i|these days|nowadays|going forward|from then on|"
    r"next time|i (always|never) |i now|today i|today we|i'd (do|have)|i would (have|do|now)|"
    r"if i (did|were|had|could)|i still|we now|i make sure|i try to)\b",
    "other_meta": r"\b(great question|good question|interesting question|tough question|let me think|"
    r"that's (about )?it|so yeah|that's (my|the) (story|example)|does that answer|hope that (answers|"
    r"helps)|give me a (second|moment)|off the top of my head|let me tell you about|one example "
    r"(that )?(comes|springs) to mind|i'll (tell|talk) (you )?about|i can (tell|talk) (you )?about)\b",
    "subj_i": r"^((so|and|then|but|well|um|uh|now|first|next|instead|also) )*i\b",
    "subj_we": r"^((so|and|then|but|well|um|uh|now|first|next|instead|also) )*(we|our team)\b",
    "subj_they": r"^((so|and|then|but|well|um|uh|now|first|next|instead|also) )*(they|he|she|the \w+)\b",
    "present_i": r"\b(i (am|always|usually|now|make|try|ask|insist|require|run|treat|check|push|"
    r"write|keep)|i'm|i've)\b",
    "hypothetical": r"\b(would have|should have|could have|would've|should've|could've|if i had)\b",
    "past_be": r"\b(was|were|had)\b",
    "number": r"(\d|%|\$)",
}
_COMPILED = {name: re.compile(rx) for name, rx in CUES.items()}


def features(sentence: Sentence, position: float, n_sentences: int) -> dict[str, float]:
    """Binary features of one sentence; `position` is its index over the answer's length (0-1)."""
    text = sentence.normalized
    f = {name: 1.0 for name, rx in _COMPILED.items() if rx.search(text)}
    if any(tok in NUMBER_WORDS for tok in sentence.tokens):
        f["number"] = 1.0
    f["bias"] = 1.0
    if position < 0.15:
        f["pos_start"] = 1.0
    elif position < 0.35:
        f["pos_early"] = 1.0
    elif position < 0.65:
        f["pos_mid"] = 1.0
    elif position < 0.85:
        f["pos_late"] = 1.0
    else:
        f["pos_end"] = 1.0
    if sentence.index == 0:
        f["first"] = 1.0
    if sentence.index == n_sentences - 1:
        f["last"] = 1.0
    if len(sentence.tokens) <= 6:
        f["short"] = 1.0
    return f


def emission_scores(sentences: Sequence[Sentence]) -> list[dict[str, float]]:
    n = len(sentences)
    out = []
    for s in sentences:
        pos = s.index / max(n - 1, 1)
        f = features(s, pos, n)
        out.append(
            {
                label: sum(star_weights.EMISSION[label].get(k, 0.0) * v for k, v in f.items())
                for label in LABELS
            }
        )
    return out


def _log_softmax(scores: dict[str, float]) -> dict[str, float]:
    m = max(scores.values())
    z = m + math.log(sum(math.exp(v - m) for v in scores.values()))
    return {k: v - z for k, v in scores.items()}


def label_sentences(sentences: Sequence[Sentence]) -> list[str]:
    """The most likely STAR label sequence for an answer's sentences (Viterbi)."""
    if not sentences:
        return []
    prior = star_weights.PRIOR
    emissions = [
        {lab: v - prior[lab] for lab, v in _log_softmax(e).items()}
        for e in emission_scores(sentences)
    ]
    trans = star_weights.TRANSITION
    start = star_weights.START
    best = [{lab: start[lab] + emissions[0][lab] for lab in LABELS}]
    back: list[dict[str, str]] = []
    for em in emissions[1:]:
        prev = best[-1]
        row, ptr = {}, {}
        for lab in LABELS:
            src = max(LABELS, key=lambda p, lab=lab: prev[p] + trans[p][lab])
            row[lab] = prev[src] + trans[src][lab] + em[lab]
            ptr[lab] = src
        best.append(row)
        back.append(ptr)
    label = max(LABELS, key=lambda lab: best[-1][lab])
    path = [label]
    for ptr in reversed(back):
        label = ptr[label]
        path.append(label)
    return path[::-1]


@dataclass(frozen=True, slots=True)
class Section:
    label: str
    start: float | None
    end: float | None
    seconds: float | None
    share: float  # of speaking time (of words, for typed answers)
    sentences: tuple[int, ...]


def sections(sentences: Sequence[Sentence], labels: Sequence[str]) -> list[Section]:
    """One entry per STAR label that occurs, with its total time and share of the answer.

    A label that occurs in several places (a rambling answer goes back to context) keeps its first
    start and last end, and its seconds are the sum of its sentences' own durations."""
    timed = bool(sentences) and all(s.start is not None and s.end is not None for s in sentences)
    # A sentence owns the time up to the next one, so the sections tile the answer.
    own: dict[int, float] = {}
    for i, s in enumerate(sentences):
        if timed:
            nxt = sentences[i + 1].start if i + 1 < len(sentences) else s.end
            own[s.index] = max(nxt - s.start, 0.0)  # type: ignore[operator]
        else:
            own[s.index] = float(len(s.tokens))
    per: dict[str, list[Sentence]] = {}
    for s, lab in zip(sentences, labels):
        per.setdefault(lab, []).append(s)
    weight = {lab: sum(own[s.index] for s in group) for lab, group in per.items()}
    total = sum(weight.values())
    out = []
    for lab in LABELS:
        group = per.get(lab)
        if not group:
            continue
        out.append(
            Section(
                label=lab,
                start=group[0].start if timed else None,
                end=group[-1].end if timed else None,
                seconds=round(weight[lab], 2) if timed else None,
                share=round(weight[lab] / total, 3) if total else 0.0,
                sentences=tuple(s.index for s in group),
            )
        )
    return out
