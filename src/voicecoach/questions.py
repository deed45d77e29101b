"""Question cards: TOML files, one per card, a folder per category (see questions/README.md).

Every card is validated; an error names the file and the field, and one broken card never hides
the others."""

from __future__ import annotations

import difflib
import os
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli as tomllib  # the same parser as the stdlib's, compiled: three times faster

from voicecoach.analysis.types import STAR_LABELS, CardSignal
from voicecoach.errors import QuestionError

LEVELS = ("junior", "mid", "senior", "staff")
CATEGORIES = ("behavioral", "leadership", "collaboration", "execution", "technical", "growth")
DETECTORS = ("ownership", "quantified_impact", "growth", "root_cause", "stakeholder_communication")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    category: str
    level: str
    competencies: tuple[str, ...]
    target_seconds: int
    prompt: str
    clarifying_questions: tuple[str, ...]
    assumptions: str
    tip: str
    follow_ups: tuple[str, ...]
    signals: tuple[CardSignal, ...]
    model_answer: dict[str, str]
    path: Path | None = None
    source: str | None = None
    context: str | None = None

    def model_answer_text(self) -> str:
        return " ".join(self.model_answer[k].strip() for k in STAR_LABELS)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "level": self.level,
            "competencies": list(self.competencies),
            "target_seconds": self.target_seconds,
            "prompt": self.prompt,
        }


@dataclass(frozen=True)
class CardError:
    path: Path
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"field '{self.field}': " if self.field else ""
        return f"{self.path}: {where}{self.message}"


class _Invalid(Exception):
    def __init__(self, field_name: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def _str(d: dict, key: str, required: bool = True) -> str | None:
    v = d.get(key)
    if v is None:
        if required:
            raise _Invalid(key, "is missing")
        return None
    if not isinstance(v, str) or not v.strip():
        raise _Invalid(key, "must be a non-empty string")
    return v.strip()


def _strs(d: dict, key: str, min_n: int = 0, max_n: int | None = None) -> tuple[str, ...]:
    v = d.get(key)
    if v is None:
        raise _Invalid(key, "is missing")
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise _Invalid(key, "must be a list of non-empty strings")
    if len(v) < min_n or (max_n is not None and len(v) > max_n):
        want = f"{min_n}-{max_n}" if max_n is not None else f"at least {min_n}"
        raise _Invalid(key, f"must have {want} entries (has {len(v)})")
    return tuple(x.strip() for x in v)


def parse_card(data: dict[str, Any], path: Path) -> Card:
    """Validate one card's data; raises _Invalid naming the first bad field."""
    card_id = _str(data, "id")
    assert card_id is not None
    if not _ID.match(card_id):
        raise _Invalid("id", f"'{card_id}' must be lowercase words joined by hyphens")
    if path.stem != card_id:
        raise _Invalid("id", f"'{card_id}' must match the file name '{path.stem}'")
    category = _str(data, "category")
    if category not in CATEGORIES:
        raise _Invalid("category", f"'{category}' is not one of {', '.join(CATEGORIES)}")
    if path.parent.name != category:
        raise _Invalid("category", f"'{category}' must match the folder '{path.parent.name}'")
    level = _str(data, "level")
    if level not in LEVELS:
        raise _Invalid("level", f"'{level}' is not one of {', '.join(LEVELS)}")
    target = data.get("target_seconds")
    if not isinstance(target, int) or isinstance(target, bool) or not 30 <= target <= 600:
        raise _Invalid("target_seconds", "must be a whole number of seconds from 30 to 600")
    signals_raw = data.get("signals")
    if not isinstance(signals_raw, list) or not 1 <= len(signals_raw) <= 8:
        raise _Invalid("signals", "must be 1-8 [[signals]] tables")
    signals = []
    for i, s in enumerate(signals_raw):
        where = f"signals[{i}]"
        if not isinstance(s, dict):
            raise _Invalid(where, "must be a table")
        try:
            name = _str(s, "name")
            desc = _str(s, "description")
            cues = _strs(s, "cues", 1)
            det = _str(s, "detector", required=False)
        except _Invalid as e:
            raise _Invalid(f"{where}.{e.field}", e.message) from None
        if det is not None and det not in DETECTORS:
            raise _Invalid(f"{where}.detector", f"'{det}' is not one of {', '.join(DETECTORS)}")
        signals.append(CardSignal(name or "", desc or "", cues, det))
    answer = data.get("model_answer")
    if not isinstance(answer, dict):
        raise _Invalid(
            "model_answer", "must be a table with situation, task, action, result, reflection"
        )
    model_answer = {}
    for part in STAR_LABELS:
        try:
            model_answer[part] = _str(answer, part) or ""
        except _Invalid as e:
            raise _Invalid(f"model_answer.{part}", e.message) from None
    return Card(
        id=card_id,
        title=_str(data, "title") or "",
        category=category,
        level=level,
        competencies=_strs(data, "competencies", 1),
        target_seconds=target,
        prompt=_str(data, "prompt") or "",
        clarifying_questions=_strs(data, "clarifying_questions"),
        assumptions=_str(data, "assumptions") or "",
        tip=_str(data, "tip") or "",
        follow_ups=_strs(data, "follow_ups", 1, 6),
        signals=tuple(signals),
        model_answer=model_answer,
        path=path,
        source=_str(data, "source", required=False),
        context=_str(data, "context", required=False),
    )


def load_card(path: Path) -> Card:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise QuestionError(str(CardError(path, None, f"not valid TOML ({e})"))) from None
    except OSError as e:
        raise QuestionError(str(CardError(path, None, f"cannot be read ({e.strerror})"))) from None
    try:
        return parse_card(data, path)
    except _Invalid as e:
        raise QuestionError(str(CardError(path, e.field, e.message))) from None


@dataclass
class QuestionBank:
    cards: dict[str, Card] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, card_id: str) -> Card:
        try:
            return self.cards[card_id]
        except KeyError:
            close = difflib.get_close_matches(card_id, list(self.cards), n=3, cutoff=0.4)
            hint = (
                f"; did you mean {', '.join(close)}?"
                if close
                else "; `voicecoach questions` lists them"
            )
            raise QuestionError(f"unknown question '{card_id}'{hint}") from None

    def filter(
        self, category: str | None = None, competency: str | None = None, level: str | None = None
    ) -> list[Card]:
        out = []
        for c in sorted(
            self.cards.values(), key=lambda c: (c.category, LEVELS.index(c.level), c.id)
        ):
            if category and c.category != category.lower():
                continue
            if level and c.level != level.lower():
                continue
            if competency and not any(competency.lower() in x.lower() for x in c.competencies):
                continue
            out.append(c)
        return out

    def pick(
        self,
        cards: Sequence[Card],
        practised: Iterable[str] = (),
        rng: random.Random | None = None,
        unpractised_first: bool = False,
    ) -> Card | None:
        """A random card; with `unpractised_first`, one not yet practised when any remain."""
        pool = list(cards)
        if unpractised_first:
            done = set(practised)
            fresh = [c for c in pool if c.id not in done]
            pool = fresh or pool
        return (rng or random).choice(pool) if pool else None


def default_questions_dir() -> Path:
    """Cards from VOICECOACH_QUESTIONS_DIR, the source checkout, or the installed package."""
    env = os.environ.get("VOICECOACH_QUESTIONS_DIR")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2] / "questions"
    if checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / "_questions"


def load_bank(directory: Path | None = None) -> QuestionBank:
    directory = directory or default_questions_dir()
    bank = QuestionBank()
    if not directory.is_dir():
        bank.errors.append(f"{directory}: question folder not found")
        return bank
    for path in sorted(directory.glob("*/*.toml")):
        try:
            card = load_card(path)
        except QuestionError as e:
            bank.errors.append(str(e))
            continue
        if card.id in bank.cards:
            bank.errors.append(
                str(
                    CardError(path, "id", f"'{card.id}' is also used by {bank.cards[card.id].path}")
                )
            )
            continue
        bank.cards[card.id] = card
    return bank
