"""Coaching beyond the local analysis: the optional LLM coach and the follow-up question.

The local analysis always runs and stands on its own; the LLM adds a review marked as its own,
and any failure falls back to local feedback with a one-line reason."""

from __future__ import annotations

import logging
import re
from typing import Any

from voicecoach.config import Settings
from voicecoach.questions import Card
from voicecoach.speech.llm import LlmCoach, LlmConfig, LlmUnavailable

log = logging.getLogger(__name__)
PRIVACY_NOTICE = (
    "The LLM coach sends the transcript and the question text (never audio) to {where}."
)


def llm_where(settings: Settings) -> str:
    config = LlmConfig.from_settings(settings)
    return config.base_url or "the OpenAI API"


def llm_review(
    settings: Settings, report: dict[str, Any], card: Card | None, coach: LlmCoach | None = None
) -> dict[str, Any]:
    """The LLM's review as a report block: {"status": "ok", "review": ...} or
    {"status": "unavailable", "reason": ...}. Never raises for a server's failure."""
    if not report["transcript"]["text"].strip():
        return {"status": "skipped", "reason": "no speech to review", "source": "llm"}
    config = LlmConfig.from_settings(settings)
    coach = coach or LlmCoach(config)
    question = (
        card.prompt
        if card
        else (report.get("question") or {}).get("prompt") or "(no question given)"
    )
    names = [s.name for s in card.signals] if card else []
    try:
        review = coach.review(question, names, report["transcript"]["text"], report)
    except LlmUnavailable as e:
        log.info("LLM coach fell back to local feedback: %s", e.reason)
        return {"status": "unavailable", "reason": str(e), "source": "llm"}
    finally:
        coach.close()
    return {"status": "ok", "source": "llm", "review": review.to_dict()}


_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    "a an the and or of to in on for with you your how did what was were is it "
    "that this at as by be".split()
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def follow_up(report: dict[str, Any], card: Card | None) -> dict[str, str] | None:
    """The interviewer's next question: the LLM's when it gave one, else the card's follow-up
    closest to the weakest part of the answer (an uncovered card signal or a missing section)."""
    llm = report.get("llm") or {}
    if llm.get("status") == "ok" and llm["review"].get("follow_up"):
        return {"question": llm["review"]["follow_up"], "source": "llm"}
    if card is None or not card.follow_ups:
        return None
    weak: list[str] = []
    weak += [
        f"{c['name']} {_describe(card, c['name'])}"
        for c in report.get("card_signals", [])
        if not c["covered"]
    ]
    weak += list(report["structure"]["missing"])
    weak += [
        k for k, s in report["signals"].items() if (not s["present"]) != (k in ("blame", "hedging"))
    ]
    for target in weak:
        want = _words(target.replace("_", " "))
        best = max(card.follow_ups, key=lambda q: len(want & _words(q)))
        if want & _words(best):
            return {"question": best, "source": "card", "because": target.split()[0]}
    return {"question": card.follow_ups[0], "source": "card"}


def _describe(card: Card, name: str) -> str:
    return next((s.description for s in card.signals if s.name == name), "")
