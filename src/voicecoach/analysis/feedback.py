"""The coach: turns an analysis into at most three improvements (most important first), one
strength, and a short spoken version. Pure: it only reads the analysis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voicecoach.analysis.report import Analysis

SPOKEN_MAX_WORDS = 75
FAST_WPM, SLOW_WPM = 185.0, 110.0
FILLERS_PER_MIN_HIGH = 6.0


@dataclass(frozen=True)
class Point:
    key: str
    text: str  # shown on screen and in reports
    spoken: str  # a short sentence for the spoken feedback
    evidence: str | None = None
    at: float | None = None  # seconds from the start of the audio


@dataclass(frozen=True)
class Feedback:
    improvements: tuple[Point, ...] = ()
    strengths: tuple[Point, ...] = ()
    spoken: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "improvements": [p.text for p in self.improvements],
            "strengths": [p.text for p in self.strengths],
            "spoken": self.spoken,
            "details": [
                {"kind": kind, "key": p.key, "text": p.text, "evidence": p.evidence, "at": p.at}
                for kind, group in (
                    ("improvement", self.improvements),
                    ("strength", self.strengths),
                )
                for p in group
            ],
        }


def mmss(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


def spoken_duration(seconds: float) -> str:
    s = round(seconds)
    m, s = divmod(s, 60)
    if not m:
        return f"{s} seconds"
    return f"{m} minute{'s' if m > 1 else ''}" + (f" {s}" if s else "")


def _quote(text: str, limit: int = 90) -> str:
    text = text.strip()
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


def _at(t: float | None) -> str:
    return f" (at {mmss(t)})" if t is not None else ""


# Each rule returns a Point when the problem is there. Their order is the order of importance:
# putting the failure on others outranks everything; a story with no ending outranks pace.
def _blame(a: Analysis) -> Point | None:
    s = a.signals["blame"]
    if not s.present:
        return None
    e = s.evidence[0]
    return Point(
        "blame",
        f"Own the failure instead of placing it on others: {_quote(e.text)}{_at(e.start)}. "
        "Say what you could have done differently, even if others also slipped.",
        "First, you put the failure on others. Say what you owned and would change.",
        e.text,
        e.start,
    )


def _missing(label: str, text: str, spoken: str) -> Callable[[Analysis], Point | None]:
    def rule(a: Analysis) -> Point | None:
        return Point(f"missing_{label}", text, spoken) if label in a.missing else None

    return rule


def _too_short(a: Analysis) -> Point | None:
    t = a.timing
    if t.speaking_s is None or not t.target_s or t.speaking_s >= 0.5 * t.target_s:
        return None
    return Point(
        "too_short",
        f"Say more: you spoke for {mmss(t.speaking_s)} against a {mmss(t.target_s)} target. "
        "Walk through what you did step by step.",
        f"Your answer was much shorter than the {spoken_duration(t.target_s)} target.",
    )


def _no_ownership(a: Analysis) -> Point | None:
    if a.signals["ownership"].present:
        return None
    return Point(
        "no_ownership",
        'Say what was yours: no sentence takes personal responsibility ("I should have...", '
        '"that was my call", "I was accountable for...").',
        "Say plainly what part was yours.",
    )


def _long_situation(a: Analysis) -> Point | None:
    sec = a.section("situation")
    if sec is None or sec.share <= 0.35:
        return None
    size = f"{round(sec.seconds)} s, " if sec.seconds is not None else ""
    return Point(
        "long_situation",
        f"Cut the setup: the situation took {size}{round(sec.share * 100)}% of your answer "
        "(aim for about 20%) and left less time for what you did.",
        "The setup took too long; get to your actions sooner.",
        None,
        sec.start,
    )


def _no_growth(a: Analysis) -> Point | None:
    if a.signals["growth"].present or "reflection" in a.missing:
        return None
    return Point(
        "no_lasting_change",
        'Name the lasting change: say what you do differently since ("Since then I always...").',
        "Say what you do differently since then.",
    )


def _timing(a: Analysis) -> Point | None:
    t = a.timing
    if t.verdict not in ("short", "long") or t.speaking_s is None or t.target_s is None:
        return None
    if t.verdict == "short" and t.speaking_s < 0.5 * t.target_s:
        return None  # already said, more strongly, by _too_short
    if t.verdict == "long":
        return Point(
            "long",
            f"Tighten it: you spoke for {mmss(t.speaking_s)} against a {mmss(t.target_s)} target.",
            f"You ran over the {spoken_duration(t.target_s)} target.",
        )
    return Point(
        "short",
        f"Fill the time: you spoke for {mmss(t.speaking_s)} against a {mmss(t.target_s)} target.",
        f"You finished well under the {spoken_duration(t.target_s)} target.",
    )


def _we_not_i(a: Analysis) -> Point | None:
    n_i, n_we = a.i_we["i"], a.i_we["we"]
    if n_we < 3 or n_i >= n_we:
        return None
    return Point(
        "we_not_i",
        f'Say "I" for what you did: in the action you said "we" {n_we} times and "I" {n_i} times.',
        "Say I, not we, for the things you did.",
    )


def _no_numbers(a: Analysis) -> Point | None:
    if a.signals["quantified_impact"].present or "result" in a.missing:
        return None
    return Point(
        "no_numbers",
        "Put a number on the result: money, time, percentages or counts make impact concrete.",
        "Put a number on the result.",
    )


def _card_gaps(a: Analysis) -> Point | None:
    gaps = [c for c in a.card_signals if not c.covered]
    if not gaps:
        return None
    names = ", ".join(c.name for c in gaps[:3])
    return Point(
        "card_signals",
        f"The interviewer also listens for {names}: {gaps[0].description}".rstrip(": "),
        f"The interviewer also listens for {names}.",
    )


def _hedging(a: Analysis) -> Point | None:
    s = a.signals["hedging"]
    if not s.present:
        return None
    e = s.evidence[0] if s.evidence else None
    return Point(
        "hedging",
        f"Drop the hedges ({int(s.detail.get('count', 0))} of them, like "
        f"{_quote(e.text) if e else 'maybe'}): say what happened with confidence.",
        "Drop the hedges; say it with confidence.",
        e.text if e else None,
        e.start if e else None,
    )


def _fillers(a: Analysis) -> Point | None:
    from voicecoach.analysis.pacing import filler_burst, speaking_bounds

    rate = a.fillers_per_min
    if rate is None or rate < FILLERS_PER_MIN_HIGH:
        return None
    kinds: dict[str, int] = {}
    for f in a.fillers:
        kinds[f.text] = kinds.get(f.text, 0) + 1
    top = ", ".join(f'"{k}" {n}x' for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:3])
    n = len(a.fillers)
    inferred = sum(1 for f in a.fillers if f.source == "audio")
    heard = f", {inferred} of them inferred from the audio" if inferred else ""
    burst = filler_burst(a.fillers, speaking_bounds(a.transcript))
    where = f"; {burst.count} of them in {burst.where}" if burst else ""
    spoken = "Replace fillers with short silent pauses"
    if burst and burst.where.startswith("the last"):
        spoken += ", especially near the end"
    elif burst and burst.where.startswith("the first"):
        spoken += ", especially at the start"
    return Point(
        "fillers",
        f"Fewer fillers: {n} filler{'s' if n != 1 else ''}{heard} ({rate:.0f} a minute; {top})"
        f"{where}. A short silent pause sounds more confident.",
        spoken + ".",
        None,
        burst.start if burst else None,
    )


def _pace(a: Analysis) -> Point | None:
    wpm = a.pace.wpm
    if wpm is None:
        return None
    if wpm > FAST_WPM:
        return Point(
            "fast", f"Slow down: {wpm:.0f} words a minute (aim for 130-170).", "Slow down a little."
        )
    if wpm < SLOW_WPM:
        return Point(
            "slow",
            f"Pick up the pace: {wpm:.0f} words a minute (aim for 130-170).",
            "Pick up the pace a little.",
        )
    return None


def _pauses(a: Analysis) -> Point | None:
    mid = [p for p in a.pauses if p.kind == "mid_sentence" and p.duration >= a.options.long_pause_s]
    if len(mid) < 2:
        return None
    return Point(
        "long_pauses",
        f"{len(mid)} long pauses in mid-sentence (first at {mmss(mid[0].start)}): "
        "rehearse the order of the story so you don't search for words.",
        "Several long pauses broke your sentences.",
        None,
        mid[0].start,
    )


RULES: tuple[Callable[[Analysis], Point | None], ...] = (
    _blame,
    _missing(
        "result",
        "Say how it ended: the answer has no result. Give the outcome and what it "
        "changed, with a number if you can.",
        "Say how the story ended: give the result.",
    ),
    _missing(
        "action",
        "Say what you did: the answer has no clear actions of your own.",
        "Say what you actually did.",
    ),
    _too_short,
    _no_ownership,
    _missing(
        "situation",
        "Set the scene in a sentence or two: where, when and what was at stake.",
        "Set the scene briefly first.",
    ),
    _missing(
        "task",
        "Say what your own responsibility or goal was before the actions.",
        "Say what your responsibility was.",
    ),
    _long_situation,
    _missing(
        "reflection",
        "End with what you learned and what you changed since.",
        "End with what you learned.",
    ),
    _no_growth,
    _timing,
    _we_not_i,
    _no_numbers,
    _card_gaps,
    _hedging,
    _fillers,
    _pace,
    _pauses,
)


def _strengths(a: Analysis) -> list[Point]:
    out = []
    own = a.signals["ownership"]
    if own.present and not a.signals["blame"].present:
        e = own.evidence[0]
        out.append(
            Point(
                "ownership",
                f"Clear ownership: {_quote(e.text)}{_at(e.start)}.",
                "You owned the mistake clearly.",
                e.text,
                e.start,
            )
        )
    if not a.missing:
        out.append(
            Point(
                "complete_star",
                "A complete story: situation, task, action, result and reflection are all there.",
                "Your story had every part.",
            )
        )
    q = a.signals["quantified_impact"]
    if q.present:
        e = q.evidence[0]
        out.append(
            Point(
                "numbers",
                f"Concrete impact: {_quote(e.text)}{_at(e.start)}.",
                "You put numbers on the impact.",
                e.text,
                e.start,
            )
        )
    if a.signals["growth"].present:
        e = a.signals["growth"].evidence[-1]
        out.append(
            Point(
                "growth",
                f"A lasting change: {_quote(e.text)}.",
                "You showed what changed for good.",
                e.text,
                e.start,
            )
        )
    if a.timing.verdict == "on_target":
        out.append(
            Point("timing", "Right on time for the target length.", "Your timing was right.")
        )
    return out


def coach(a: Analysis) -> Feedback:
    if a.no_speech:
        heard = sum(s.duration for s in a.transcript.voiced)
        if heard >= 1.0:
            msg = (
                "Sound was heard, but no English words were recognised. Answer in English, "
                "closer to the microphone, and try again."
            )
        else:
            msg = "No speech was heard. Check the microphone and its level, then try again."
        return Feedback((Point("no_speech", msg, msg),), (), msg)
    problems = [p for rule in RULES if (p := rule(a)) is not None]
    improvements = tuple(problems[:3])
    strengths = tuple(_strengths(a)[:1])
    return Feedback(improvements, strengths, _spoken(a, improvements, strengths))


def _spoken(a: Analysis, improvements: tuple[Point, ...], strengths: tuple[Point, ...]) -> str:
    parts = []
    t = a.timing
    if t.speaking_s is not None:
        head = f"You spoke for {spoken_duration(t.speaking_s)}"
        if t.target_s:
            head += f", against a {spoken_duration(t.target_s)} target"
        parts.append(head + ".")
    if a.pace.wpm is not None:
        parts.append(f"Pace {a.pace.wpm:.0f} words a minute, {len(a.fillers)} fillers.")
    for p in improvements:
        parts.append(p.spoken)
    if strengths:
        parts.append("What worked: " + strengths[0].spoken)
    out: list[str] = []
    for part in parts:
        if len(" ".join([*out, part]).split()) > SPOKEN_MAX_WORDS:
            continue
        out.append(part)
    return " ".join(out)
