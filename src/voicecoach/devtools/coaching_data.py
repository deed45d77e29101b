"""The labelled coaching development set (tests/data/coaching) and how to score against it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from voicecoach.analysis.signals import SIGNAL_NAMES
from voicecoach.analysis.text import Sentence, norm
from voicecoach.analysis.types import Word

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "coaching"
SIGNALS = SIGNAL_NAMES  # the order and names of the built-in signals


@dataclass(frozen=True)
class Answer:
    id: str
    question_type: str
    style: tuple[str, ...]
    sentences: tuple[tuple[str, str], ...]  # (text, label)
    signals: dict[str, bool]
    # per true signal, the indices of the sentences the labeller quoted for it (training split)
    evidence: dict[str, frozenset[int]] = field(default_factory=dict)
    # whether something went wrong in the story (problem_labels.jsonl; None where unlabelled)
    problem: bool | None = None

    def text(self, punctuated: bool = True) -> str:
        text = " ".join(t for t, _ in self.sentences)
        return text if punctuated else whisper_style(text)

    def word_labels(self) -> list[str]:
        """The gold label of every word, in order (as `Transcript.from_text` splits them)."""
        return [lab for t, lab in self.sentences for _ in re.findall(r"\S+", t)]

    def gold_sentences(self) -> list[Sentence]:
        out, first = [], 0
        for i, (t, _) in enumerate(self.sentences):
            toks = re.findall(r"\S+", t)
            out.append(
                Sentence(
                    i, first, first + len(toks) - 1, t, tuple(norm(w) for w in toks), None, None
                )
            )
            first += len(toks)
        return out


def whisper_style(text: str) -> str:
    """A transcript as a recognizer with no punctuation would write it: lowercase, no marks."""
    return re.sub(r"[^\w'\s%$-]", "", text.lower())


def problem_labels() -> dict[str, bool]:
    """Per answer id, whether the story has a problem in it (GUIDELINES.md, "Problem labels")."""
    path = DATA / "problem_labels.jsonl"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out[d["id"]] = bool(d["problem"])
    return out


def load(split: str) -> list[Answer]:
    path = DATA / f"devset_{split}.jsonl"
    problem = problem_labels()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        out.append(
            Answer(
                d["id"],
                d["question_type"],
                tuple(d.get("style", [])),
                tuple((s["text"], s["label"]) for s in d["sentences"]),
                {k: bool(d["signals"][k]) for k in SIGNALS},
                {k: frozenset(v) for k, v in d.get("evidence", {}).items()},
                problem.get(d["id"]),
            )
        )
    return out


def words_of(text: str) -> tuple[Word, ...]:
    return tuple(Word(t) for t in re.findall(r"\S+", text))
