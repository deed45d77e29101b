"""Every model answer passes its own card: all STAR parts found, every card signal covered."""

from __future__ import annotations

import pytest

from voicecoach.analysis import AnalysisOptions, Transcript, analyze
from voicecoach.questions import default_questions_dir, load_bank

CARDS = sorted(load_bank(default_questions_dir()).cards.values(), key=lambda c: c.id)


@pytest.mark.parametrize("card", CARDS, ids=[c.id for c in CARDS])
def test_model_answer_passes_its_own_card(card) -> None:
    a = analyze(
        Transcript.from_text(card.model_answer_text()),
        AnalysisOptions(card.id, card.prompt, card.target_seconds, card.signals),
    )
    assert a.missing == (), f"STAR parts not found: {a.missing}; labels {a.labels}"
    uncovered = [c.name for c in a.card_signals if not c.covered]
    assert uncovered == []
    assert not a.signals["blame"].present


def test_bank_spans_levels_categories_and_targets() -> None:
    assert len(CARDS) >= 41
    assert {c.level for c in CARDS} == {"junior", "mid", "senior", "staff"}
    assert len({c.category for c in CARDS}) >= 5
    for c in CARDS:
        assert 60 <= c.target_seconds <= 180, c.id
        assert 2 <= len(c.follow_ups) <= 4, c.id
        assert 3 <= len(c.signals) <= 6, c.id
