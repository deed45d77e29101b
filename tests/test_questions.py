"""Question cards: loading, validation with file and field named, filters."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voicecoach.errors import QuestionError
from voicecoach.questions import load_bank

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "questions" / "behavioral" / "professional-failure.toml"


def test_every_card_in_the_repo_is_valid(bank) -> None:
    assert bank.errors == []
    assert len(bank.cards) >= 41


def test_seed_card_is_there_whole(bank) -> None:
    card = bank.get("professional-failure")
    assert card.level == "senior"
    assert "Accountability" in card.competencies and "Resilience" in card.competencies
    assert len(card.clarifying_questions) == 3
    assert [s.name for s in card.signals] == [
        "Accountability",
        "Humility",
        "Analytical Thinking",
        "Growth Mindset",
        "Resilience",
    ]
    assert "Dependency Risk Framework" in card.model_answer["reflection"]
    assert card.tip.startswith('"Cheat Code"')


def _copy_bank(tmp_path: Path) -> Path:
    dst = tmp_path / "questions"
    shutil.copytree(REPO / "questions", dst)
    return dst


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda s: s.replace('level = "senior"', 'level = "guru"'), "level", "not one of"),
        (lambda s: s.replace("target_seconds = 180", "target_seconds = 5"), "target_seconds", ""),
        (lambda s: s.replace('id = "professional-failure"', 'id = "other-id"'), "id", "file name"),
        (
            lambda s: s.replace('detector = "ownership"', 'detector = "telepathy"'),
            "signals[0].detector",
            "not one of",
        ),
        (
            lambda s: s.replace("[model_answer]\nsituation = ", "[model_answer]\nsetting = "),
            "model_answer.situation",
            "missing",
        ),
        (lambda s: s.replace('title = "', 'title = ["'), None, "not valid TOML"),
    ],
)
def test_broken_card_names_file_and_field_and_others_still_load(tmp_path, mutate, field, message):
    root = _copy_bank(tmp_path)
    path = root / "behavioral" / "professional-failure.toml"
    path.write_text(mutate(path.read_text()))
    bank = load_bank(root)
    assert len(bank.errors) == 1
    err = bank.errors[0]
    assert str(path) in err
    if field:
        assert f"field '{field}'" in err
    assert message in err
    assert "\n" not in err
    assert len(bank.cards) >= 41  # every other card still loads
    assert "professional-failure" not in bank.cards


def test_unknown_id_suggests_close_ids(bank) -> None:
    with pytest.raises(QuestionError, match="did you mean professional-failure"):
        bank.get("profesional-failure")


def test_filters(bank) -> None:
    staff = bank.filter(level="staff")
    assert staff and all(c.level == "staff" for c in staff)
    conflict = bank.filter(competency="conflict")
    assert conflict and all(any("conflict" in x.lower() for x in c.competencies) for c in conflict)
    assert all(c.category == "leadership" for c in bank.filter(category="leadership"))
    assert bank.filter(category="leadership", level="junior")


def test_pick_prefers_unpractised(bank) -> None:
    import random

    cards = bank.filter(level="junior")
    practised = [c.id for c in cards[:-1]]
    for seed in range(5):
        assert bank.pick(cards, practised, random.Random(seed), unpractised_first=True) == cards[-1]
