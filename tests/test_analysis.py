"""The pure analysis on literal word lists: no model, no audio."""

from __future__ import annotations

import json

import pytest

from voicecoach.analysis import AnalysisOptions, Transcript, Word, analyze
from voicecoach.analysis.feedback import SPOKEN_MAX_WORDS
from voicecoach.analysis.pacing import find_fillers
from voicecoach.analysis.signals import cue_pattern
from voicecoach.analysis.text import split_sentences
from voicecoach.analysis.types import CardSignal, Span


def timed(
    text: str, start: float = 0.0, step: float = 0.4, gaps: dict[int, float] | None = None
) -> tuple[Word, ...]:
    """Words `step` seconds apart; gaps[i] adds silence before word i."""
    out, t = [], start
    for i, w in enumerate(text.split()):
        t += (gaps or {}).get(i, 0.0)
        out.append(Word(w, round(t, 3), round(t + step * 0.8, 3), 0.9))
        t += step
    return tuple(out)


def test_pace_is_words_over_first_to_last_word() -> None:
    words = timed("one two three four five six seven eight nine ten " * 3)  # 30 words
    a = analyze(Transcript(words, duration_s=15.0))
    elapsed = words[-1].end - words[0].start
    assert a.pace.wpm == pytest.approx(30 / elapsed * 60, rel=1e-3)
    # Articulation: without the short gaps between words it can only be faster.
    assert a.pace.articulation_wpm >= a.pace.wpm


def test_pauses_come_from_voiced_spans_when_known() -> None:
    words = timed("we shipped it late. then i told the director everything", gaps={4: 1.0})
    # Word timestamps swallow silence (1.0 s between words); the audio says it was 2.5 s.
    voiced = (Span(0.0, 1.45), Span(3.95, words[-1].end))
    a = analyze(Transcript(words, duration_s=10, voiced=voiced))
    assert len(a.pauses) == 1
    p = a.pauses[0]
    assert (p.start, p.end) == (pytest.approx(1.45), pytest.approx(3.95))
    assert p.kind == "between_sentences"


def test_mid_sentence_pause_is_told_apart() -> None:
    words = timed("i went to the director and explained the whole plan", gaps={5: 2.0})
    a = analyze(Transcript(words, duration_s=8))
    assert [p.kind for p in a.pauses] == ["mid_sentence"]
    assert a.pauses[0].duration == pytest.approx(2.0 + 0.4 * 0.2, abs=0.01)


def test_short_gaps_are_not_pauses() -> None:
    a = analyze(Transcript(timed("so i called the vendor right away", gaps={3: 0.5}), 5))
    assert a.pauses == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("um so i uh called them", ["um", "uh"]),
        ("you know it was hard", ["you know"]),
        ("do you know what happened", []),
        ("it was, like, a mess", ["like"]),
        ("i would like to explain", []),
        ("it looked like a bug", []),
        ("what kind of database was it", []),
        ("it was kind of a mess basically", ["kind of", "basically"]),
        ("i mean we tried", ["i mean"]),
        ("that's what i mean", []),
        ("Hmm. Okay, erm, right", ["hmm", "erm"]),
    ],
)
def test_fillers_single_and_multi_word(text: str, expected: list[str]) -> None:
    assert [f.text for f in find_fillers(timed(text))] == expected


def test_fillers_per_minute() -> None:
    words = timed("um " + "word " * 58 + "uh", step=0.5)  # 60 words over ~30 s
    a = analyze(Transcript(words, 31))
    assert len(a.fillers) == 2
    assert a.fillers_per_min == pytest.approx(2 / (a.timing.speaking_s / 60), rel=0.01)


def test_sentences_split_on_punctuation_and_on_long_silence() -> None:
    words = timed(
        "we had a deadline. my job was the plan and then i called everyone", gaps={10: 1.2}
    )
    texts = [s.text for s in split_sentences(words)]
    assert texts == ["we had a deadline.", "my job was the plan and", "then i called everyone"]


def test_unpunctuated_run_on_is_cut_near_openers() -> None:
    text = (
        "at the time i was leading a team of six engineers on the billing platform " * 2
        + "so i decided to call the director and explain the risk to her directly " * 2
    )
    sentences = split_sentences(Transcript.from_text(text).words)
    assert len(sentences) >= 2
    assert all(len(s.tokens) <= 32 for s in sentences)


@pytest.mark.parametrize(
    ("spoken", "target", "verdict"),
    [(50, 100, "short"), (100, 100, "on_target"), (130, 100, "long")],
)
def test_timing_verdict(spoken: float, target: float, verdict: str) -> None:
    words = (Word("we", 0.0, 0.3), Word("shipped.", spoken - 0.3, spoken))
    a = analyze(Transcript(words, spoken + 1), AnalysisOptions(target_s=target))
    assert a.timing.speaking_s == pytest.approx(spoken)
    assert a.timing.verdict == verdict


def test_card_cues_match_whole_words_and_wildcards() -> None:
    rx = cue_pattern(["escalat*", "root cause", "i own"])
    assert rx.search("so i escalated it")
    assert rx.search("the root cause was")
    assert not rx.search("i owned")  # whole words: no wildcard, no prefix match
    assert not rx.search("deescalate")


def test_card_signals_by_cue_or_detector() -> None:
    signals = (
        CardSignal("Escalation", "tells leaders early", ("escalat*",)),
        CardSignal("Impact", "numbers", ("revenue",), detector="quantified_impact"),
        CardSignal("Morale", "keeps the team going", ("morale",)),
    )
    text = (
        "At the time we ran the payments team. I escalated the outage to the VP. "
        "In the end we cut failed payments by forty percent."
    )
    a = analyze(Transcript.from_text(text), AnalysisOptions(card_signals=signals))
    got = {c.name: (c.covered, c.via) for c in a.card_signals}
    assert got == {
        "Escalation": (True, "cue"),
        "Impact": (True, "quantified_impact"),
        "Morale": (False, None),
    }


SEED_LIKE = (
    "At my last company I led the migration of our billing system to a new platform. "
    "My job was to move every customer before the old contract ended in March. "
    "I decided to split the work into three waves and I ran a dry run for each one. "
    "I told the director and the account managers every Friday how far we had got. "
    "In the end we moved all four hundred customers two weeks early "
    "and saved ninety thousand dollars. "
    "I learned to test the riskiest part first, "
    "and since then I always run a dry run before a cutover."
)


def test_strong_answer_has_all_sections_and_signals() -> None:
    a = analyze(Transcript.from_text(SEED_LIKE), AnalysisOptions(target_s=60))
    assert a.missing == ()
    assert a.labels[0] == "situation" and a.labels[-1] == "reflection"
    for name in ("quantified_impact", "growth", "stakeholder_communication"):
        assert a.signals[name].present, name
    assert not a.signals["blame"].present
    assert a.signals["quantified_impact"].evidence[0].text.startswith("In the end")


def test_blame_is_the_first_improvement_even_with_other_problems() -> None:
    blaming = SEED_LIKE.replace(
        "I told the director",
        "The vendor kept missing deadlines and it was their fault, not mine. I told the director",
    )
    text = blaming + " um " * 30  # plenty of fillers too
    a = analyze(Transcript.from_text(text))
    assert a.signals["blame"].present
    assert a.feedback.improvements[0].key == "blame"
    assert "vendor kept missing deadlines" in a.feedback.improvements[0].text


def test_missing_result_outranks_a_long_situation() -> None:
    text = (
        "At the time our company was growing fast. There were five teams. The platform was old. "
        "We had a big launch in spring. The project was important for the board. "
        "My job was to coordinate the release. I decided to cut scope and I told the team. "
        "I learned to cut scope early, and since then I always plan a fallback."
    )
    a = analyze(Transcript.from_text(text))
    assert "result" in a.missing
    keys = [p.key for p in a.feedback.improvements]
    assert keys[0] == "missing_result"
    assert "long_situation" in keys


def test_feedback_is_at_most_three_improvements_one_strength_and_short_speech() -> None:
    a = analyze(
        Transcript.from_text(SEED_LIKE + " maybe I guess sort of " * 5),
        AnalysisOptions(target_s=300),
    )
    assert 1 <= len(a.feedback.improvements) <= 3
    assert len(a.feedback.strengths) == 1
    assert 0 < len(a.feedback.spoken.split()) <= SPOKEN_MAX_WORDS


def test_no_words_means_no_speech_and_no_invented_feedback() -> None:
    a = analyze(Transcript((), duration_s=5.0))
    assert a.no_speech
    r = a.to_dict()
    assert r["transcript"]["text"] == ""
    assert r["structure"]["sentences"] == []
    assert [p.key for p in a.feedback.improvements] == ["no_speech"]
    assert "No speech was heard" in r["feedback"]["spoken"]


def test_sound_without_words_says_so() -> None:
    a = analyze(Transcript((), duration_s=8.0, voiced=(Span(0.5, 7.5),)))
    assert "no English words" in a.feedback.spoken


def test_report_contract_keys() -> None:
    words = timed(
        "at the time we were late. my job was to fix it. i called the vendor. "
        "we shipped in two weeks. i learned a lot and since then i always check."
    )
    a = analyze(Transcript(words, 30.0), AnalysisOptions("q-1", "Tell me...", target_s=60))
    r = json.loads(json.dumps(a.to_dict()))
    assert r["schema_version"] == 1
    assert r["question"] == {"id": "q-1", "prompt": "Tell me..."}
    assert r["source"] == "audio" and r["duration_s"] == 30.0
    assert set(r["transcript"]) >= {"text", "words"}
    assert set(r["transcript"]["words"][0]) >= {"text", "start", "end", "probability"}
    assert set(r["timing"]) >= {"target_s", "speaking_s", "verdict"}
    assert set(r["pacing"]) >= {"wpm", "articulation_wpm", "pauses", "fillers", "fillers_per_min"}
    assert set(r["structure"]) >= {"sentences", "sections", "missing"}
    assert set(r["structure"]["sentences"][0]) >= {"text", "label", "start", "end"}
    assert set(r["structure"]["sections"][0]) >= {"label", "start", "end", "share"}
    assert set(r["signals"]) == {
        "ownership",
        "blame",
        "quantified_impact",
        "growth",
        "root_cause",
        "stakeholder_communication",
        "hedging",
    }
    for s in r["signals"].values():
        assert set(s) >= {"present", "evidence"}
    assert set(r["feedback"]) >= {"strengths", "improvements", "spoken"}
    assert sum(s["share"] for s in r["structure"]["sections"]) == pytest.approx(1.0, abs=0.01)


def test_typed_answer_has_no_timing() -> None:
    r = analyze(Transcript.from_text(SEED_LIKE), AnalysisOptions(target_s=90)).to_dict()
    assert r["source"] == "text"
    assert r["timing"]["speaking_s"] is None and r["timing"]["verdict"] is None
    assert r["pacing"]["wpm"] is None
    assert all(s["start"] is None for s in r["structure"]["sentences"])
