"""Accountability signals, each with the sentences that show it, and the card's own signals."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from voicecoach.analysis.text import NUMBER_WORDS, Sentence
from voicecoach.analysis.types import CardSignal

SIGNAL_NAMES = (
    "ownership",
    "blame",
    "quantified_impact",
    "growth",
    "root_cause",
    "stakeholder_communication",
    "hedging",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    start: float | None
    sentence: int


@dataclass(frozen=True)
class SignalResult:
    name: str
    present: bool
    evidence: tuple[Evidence, ...] = ()
    detail: dict[str, float] = field(default_factory=dict)


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts))


OWNERSHIP = _rx(
    r"\bmy (own )?(mistake|fault|responsibility|error|miss|bad|call|blind spot|failure)\b",
    r"\bi (was|am) (accountable|responsible|to blame|at fault)\b(?! for \w+ing)",
    r"\bi (should|could) (have|'ve)\b",
    r"\bi should've\b",
    r"\bi (take|took|accept|accepted|owned|own) (full |complete |the |total )?"
    r"(responsibility|ownership|accountability|it|that|the (mistake|failure|miss))\b",
    r"\btook accountability\b",
    r"\bon me\b",
    r"\bi (messed|screwed|blew) (it )?up\b",
    r"\bi dropped the ball\b",
    r"\bi failed to\b",
    r"\bi (missed|underestimated|overlooked|ignored|"
    r"misjudged|assumed|relied on|didn't (verify|check|push|ask|test|escalate|flag))\b",
    r"\bi was wrong\b",
    r"\bi owned (the|it|up)\b",
    r"\bmy part in\b",
)
# Putting the failure on others or on luck. "Instead of blaming them" is the opposite of blame.
BLAME = _rx(
    r"\b(their|his|her|the vendor's|management's|the client's) fault\b",
    r"\b(wasn't|was not|not|isn't|wasn't really) (my|our) fault\b",
    r"\bnothing (i|we) could (have )?do(ne)?\b",
    r"\b(out of|beyond) (my|our) control\b",
    r"\b(bad|sheer|just) luck\b",
    r"\bunlucky\b",
    r"\bblame (goes|lies) (to|with)\b",
    r"\b(they|the vendor|vendor|management|leadership|the client|the other team|qa|my manager|"
    r"the contractor|contractors|the offshore team|product|sales|the business|the customer|he|she|"
    r"the \w+ team) (kept|never|refused|wouldn't|would not|didn't bother|ignored|dropped the ball|"
    r"failed to|just didn't|didn't do|did not do|messed|screwed|blew|dumped|sat on|changed their mind)\b",
    r"\bbecause (of )?(they|the vendor|management|the other team|the client|my manager) "
    r"(didn't|did not|never|couldn't|wouldn't|failed|refused|kept)\b",
    r"\bif (they|the vendor|management|the other team|the client|my manager) had\b",
    r"\b(threw|thrown) (me|us) under the bus\b",
    r"\bset (me|us) up to fail\b",
    r"\b(it was|that was) (all )?(on them|their call|their problem)\b",
)
_BLAME_NEGATED = re.compile(
    r"\b(instead of|rather than|without|not|never|didn't|wasn't about) blam"
)

QUANT_UNITS = (
    r"percent|per cent|%|dollars?|k|x|times|points?|weeks?|days?|hours?|minutes?|months?|years?|"
    r"seconds?|people|engineers?|customers?|users?|clients?|teams?|tickets?|bugs?|incidents?|"
    r"releases?|accounts?|orders?|requests?|hires?|services?|million|thousand|hundred|billion|"
    r"grand|bucks|fold|ms|milliseconds?|gb|tb|pounds|euros?|quarters?|sprints?"
)
_NUMBER = r"(\$?\d[\d,.]*%?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
QUANTITY = re.compile(
    rf"\$\d|\d+(\.\d+)?\s?%|\b{_NUMBER}( {_NUMBER})* ({QUANT_UNITS})\b|"
    r"\b(doubled|tripled|halved|cut in half|by half|twice as|three times|ten times|x faster)\b"
)

LESSON = re.compile(
    r"\b(i learned|i've learned|i learnt|lesson|taught me|takeaway|i realized|made me realize|"
    r"showed me|i took away|i understood)\b"
)
CHANGE = re.compile(
    r"\b(since then|ever since|from then on|now i|i now|these days|nowadays|going forward|"
    r"i (always|never) (now )?\w+|i started|i changed|i introduced|i built a|i created a|"
    r"i developed a|i set up a|we now|today i|i make sure|i still|it's now|is now (part|used|"
    r"standard|mandatory)|used by the whole|became (a|the|our) (standard|practice|process|rule))\b"
)
ROOT_CAUSE = _rx(
    r"\broot cause\b",
    r"\bthe (real |underlying |actual )?(reason|cause|problem|issue) was\b",
    r"\bwas caused by\b",
    r"\bcaused by\b",
    r"\bdue to\b",
    r"\bit turned out\b",
    r"\bturns out\b",
    r"\bit came down to\b",
    r"\bstemmed from\b",
    r"\bbecause (i|we|the|our|there|it|they|nobody|"
    r"no one)\b",
    r"\bthat's why\b",
    r"\bthe mistake\b",
    r"\bwhy it (happened|failed)\b",
    r"\bit was revealed\b",
    r"\bwe (found|discovered|traced) (that|it|the)\b",
    r"\bi (found|discovered|traced|realized) (that|it|the)\b",
    r"\bthe gap was\b",
)
_AUDIENCE = (
    r"(stakeholders?|manager|managers|vp|svp|director|directors|leadership|executives?|exec|execs|"
    r"customers?|clients?|partners?|ceo|cto|cfo|boss|users?|product (manager|owner|team)|"
    r"the (team|business|board|account|other team|partner team|sales team)|everyone|everybody|"
    r"my (lead|skip|team)|the people affected|legal|support)"
)
STAKEHOLDER = _rx(
    rf"\b(escalat\w*|informed|told|updated|briefed|communicated|explained|called|emailed|wrote to|"
    rf"flagged|raised|alerted|met with|walked|notified|reached out to|looped in|presented|"
    rf"sat down with|went to|messaged|shared)\b.*\b{_AUDIENCE}\b",
    rf"\b{_AUDIENCE}\b.*\b(updates?|post.?mortem|status report|heads.up|transparen\w*|no.surprises)\b",
    r"\b(post.?mortem|status update|incident report|all.hands|town hall)\b",
)
HEDGES = re.compile(
    r"\b(i guess|sort of|kind of|kinda|maybe|probably|i think|i suppose|perhaps|more or less|"
    r"i'm not sure|not really sure|somewhat|a little bit|i feel like|hopefully|i believe|"
    r"somehow|or something|or whatever|i don't know|pretty much|if that makes sense)\b"
)


def _evidence(
    sentences: Sequence[Sentence], rx: re.Pattern[str], skip: re.Pattern[str] | None = None
) -> list[Evidence]:
    out = []
    for s in sentences:
        text = s.normalized
        if rx.search(text) and not (skip and skip.search(text)):
            out.append(Evidence(s.text, s.start, s.index))
    return out


def detect(sentences: Sequence[Sentence], labels: Sequence[str]) -> dict[str, SignalResult]:
    """Every built-in signal, with evidence sentences (at most three each)."""
    words = sum(len(s.tokens) for s in sentences) or 1
    res: dict[str, SignalResult] = {}

    own = _evidence(sentences, OWNERSHIP)
    res["ownership"] = SignalResult("ownership", bool(own), tuple(own[:3]))

    blame = _evidence(sentences, BLAME, skip=_BLAME_NEGATED)
    res["blame"] = SignalResult("blame", bool(blame), tuple(blame[:3]))

    # Numbers count in the result; elsewhere only when there is no result section at all.
    result_idx = {s.index for s, lab in zip(sentences, labels) if lab == "result"}
    quant = _evidence(sentences, QUANTITY)
    in_result = [e for e in quant if e.sentence in result_idx]
    chosen = in_result if result_idx else quant
    res["quantified_impact"] = SignalResult("quantified_impact", bool(chosen), tuple(chosen[:3]))

    lessons = _evidence(sentences, LESSON)
    changes = _evidence(sentences, CHANGE)
    growth_ev = sorted({*lessons, *changes}, key=lambda e: e.sentence)
    res["growth"] = SignalResult(
        "growth",
        bool(changes),
        tuple(growth_ev[:3]),
        {"lessons": len(lessons), "changes": len(changes)},
    )

    cause = _evidence(sentences, ROOT_CAUSE)
    res["root_cause"] = SignalResult("root_cause", bool(cause), tuple(cause[:3]))

    stake = _evidence(sentences, STAKEHOLDER)
    res["stakeholder_communication"] = SignalResult(
        "stakeholder_communication", bool(stake), tuple(stake[:3])
    )

    hedge_hits = [(s, len(HEDGES.findall(s.normalized))) for s in sentences]
    n_hedges = sum(n for _, n in hedge_hits)
    per_100 = n_hedges / words * 100
    hedge_ev = [
        Evidence(s.text, s.start, s.index) for s, n in sorted(hedge_hits, key=lambda h: -h[1]) if n
    ][:3]
    pervasive = n_hedges >= 3 and per_100 >= 1.5
    res["hedging"] = SignalResult(
        "hedging",
        pervasive,
        tuple(hedge_ev),
        {"count": n_hedges, "per_100_words": round(per_100, 2)},
    )
    return res


_I = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself"})
_WE = frozenset({"we", "we're", "we've", "we'd", "we'll", "us", "our", "ourselves"})


def i_we_ratio(
    sentences: Sequence[Sentence], labels: Sequence[str]
) -> dict[str, float | int | None]:
    """First person singular against plural in the action part (the whole answer if none)."""
    chosen = [s for s, lab in zip(sentences, labels) if lab == "action"] or list(sentences)
    n_i = sum(1 for s in chosen for t in s.tokens if t in _I)
    n_we = sum(1 for s in chosen for t in s.tokens if t in _WE)
    return {"i": n_i, "we": n_we, "ratio": round(n_i / n_we, 2) if n_we else None}


def cue_pattern(cues: Sequence[str]) -> re.Pattern[str]:
    """A card's cue phrases as one regex: whole words, and a trailing * for any ending."""
    parts = []
    for cue in cues:
        words = [w for w in re.findall(r"[\w'*%$-]+", cue.lower()) if w]
        if not words:
            continue
        rx = r"\s+".join(
            re.escape(w.rstrip("*")) + (r"[\w'-]*" if w.endswith("*") else "") for w in words
        )
        parts.append(rf"(?<![\w']){rx}(?![\w'])")
    return re.compile("|".join(parts) if parts else r"(?!x)x")


@dataclass(frozen=True)
class CardSignalResult:
    name: str
    description: str
    covered: bool
    evidence: tuple[Evidence, ...]
    via: str | None  # "cue" or the detector's name


def card_signals(
    sentences: Sequence[Sentence], specs: Sequence[CardSignal], builtin: dict[str, SignalResult]
) -> list[CardSignalResult]:
    out = []
    for spec in specs:
        ev = _evidence(sentences, cue_pattern(spec.cues))
        via = "cue" if ev else None
        det = spec.detector
        if not ev and det and det in builtin and builtin[det].present:
            ev, via = list(builtin[det].evidence), det
        out.append(CardSignalResult(spec.name, spec.description, bool(ev), tuple(ev[:3]), via))
    return out
