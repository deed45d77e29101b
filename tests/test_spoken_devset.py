"""The development set as the app hears it: reference sentences matched to what Whisper wrote,
and the cache of spoken transcripts."""

from __future__ import annotations

import pytest

from voicecoach.analysis.types import Transcript, Word
from voicecoach.devtools import espeak, spoken_devset
from voicecoach.devtools.coaching_data import Answer
from voicecoach.devtools.eval_coaching import star_scores

ANSWER = Answer(
    id="zz-01",
    question_type="failure",
    style=(),
    sentences=(
        ("Last year our billing export sent 1,200 invoices twice.", "situation"),
        ("I added a lock so two runs can never overlap.", "action"),
        ("Since then I always check the schedule first.", "reflection"),
    ),
    signals={},
)


def _heard(text: str) -> Transcript:
    return Transcript(tuple(Word(t, i * 0.3, i * 0.3 + 0.25) for i, t in enumerate(text.split())))


def test_each_reference_sentence_takes_the_labels_of_the_words_heard_for_it() -> None:
    # Whisper's own cut ("twice I added"), a misheard word, a dropped one and a different number.
    heard = _heard(
        "Last year, our billing export sent 1200 invoices twice I added a lock so two runs "
        "can ever overlap. Since then I always check the schedule."
    )
    labels = ["situation"] * 9 + ["action"] * 10 + ["reflection"] * 7
    assert len(labels) == len(heard.words)
    got = spoken_devset.reference_labels(ANSWER, heard, labels)
    assert got == ["situation", "action", "reflection"]


def test_a_sentence_nobody_heard_has_no_label_and_counts_as_wrong() -> None:
    heard = _heard("Last year our billing export sent invoices twice.")
    got = spoken_devset.reference_labels(ANSWER, heard, ["situation"] * 8)
    assert got == ["situation", None, None]
    scores = star_scores([lab for _, lab in ANSWER.sentences], got)
    assert scores["accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert scores["confusion"]["action"] == {"unheard": 1}
    assert scores["per_label"]["action"]["recall"] == 0.0


@pytest.mark.slow
def test_spoken_transcripts_are_made_once_then_read_from_the_cache(tmp_path, monkeypatch) -> None:
    if not espeak.have_espeak():
        pytest.skip("espeak-ng is not installed (./scripts/setup installs it)")
    first = spoken_devset.spoken_transcripts([ANSWER], tmp_path)[ANSWER.id]
    assert "invoices" in first.text and first.timed and first.voiced
    assert [p.suffix for p in tmp_path.iterdir()] == [".json"]

    def no_speaking(*_a, **_k):
        raise AssertionError("the cached transcript should have been used")

    monkeypatch.setattr(espeak, "speak", no_speaking)
    again = spoken_devset.spoken_transcripts([ANSWER], tmp_path)[ANSWER.id]
    assert again == first
    # another ear makes its own transcript: tiny.en's is not read back for it
    with pytest.raises(AssertionError, match="cached transcript"):
        spoken_devset.spoken_transcripts([ANSWER], tmp_path, model=str(tmp_path / "base"))
