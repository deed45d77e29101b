"""Speech the recognizer skipped, heard again (speech/skips.py): where it is looked for, how the
second decode is spliced in, and one real answer that tiny.en cuts 55 words out of."""

from __future__ import annotations

import pytest

from voicecoach.analysis.types import Span, Word
from voicecoach.audio.files import load_audio
from voicecoach.config import Settings
from voicecoach.devtools.coaching_data import load
from voicecoach.devtools.speechset import normalize
from voicecoach.service import AnswerAnalyzer
from voicecoach.speech.skips import skipped_spans, splice, spoken_s


def w(text: str, start: float, end: float) -> Word:
    return Word(text, start, end, 0.9)


def test_a_word_stretched_over_seconds_of_speech_is_a_skip() -> None:
    words = [w("what", 39.7, 40.0), w("it", 40.0, 56.8), w("was,", 56.8, 56.9)]
    voiced = [Span(39.6, 49.9), Span(50.1, 53.9), Span(54.1, 57.0)]
    assert skipped_spans(words, voiced) == [Span(40.0, 56.8)]


def test_a_long_word_over_silence_or_a_spoken_number_is_not() -> None:
    # "it" runs on over a 3 s silence (word times swallow silence); "$300,000" takes 2 s to say.
    words = [w("it", 1.0, 4.5), w("cost", 4.6, 4.9), w("$300,000.", 5.0, 7.0)]
    voiced = [Span(0.9, 1.3), Span(4.5, 7.1)]
    assert skipped_spans(words, voiced) == []
    assert spoken_s("$300,000") > 2.0 > spoken_s("it")


def test_voiced_audio_between_words_is_a_skip_only_when_it_holds_words() -> None:
    words = [w("I", 1.0, 1.2), w("emailed", 1.2, 1.6), w("them", 12.0, 12.3)]
    long_gap = [Span(0.9, 1.6), Span(2.0, 6.0), Span(6.3, 11.9)]
    assert skipped_spans(words, long_gap) == [Span(2.0, 11.9)]
    a_breath = [Span(0.9, 1.7), Span(5.0, 5.5), Span(11.9, 12.4)]  # half a second: a hesitation
    assert skipped_spans(words, a_breath) == []
    # Speech after the last word the recognizer wrote is a skip too.
    assert skipped_spans(words, [Span(0.9, 1.7), Span(11.9, 16.0)]) == [Span(12.3, 16.0)]


def test_the_second_decode_replaces_the_window_only_when_it_adds_words() -> None:
    words = [w("so", 0.0, 0.2), w("what", 0.3, 0.5), w("it", 0.5, 9.0), w("was", 9.0, 9.2),
             w("done", 9.3, 9.6)]
    window = Span(0.3, 9.2)
    heard = [w("what", 0.3, 0.5), w("it", 0.5, 0.6), w("did", 0.6, 0.8), w("to", 0.9, 1.0),
             w("us", 1.0, 1.2), w("was", 9.0, 9.2)]
    got = splice(words, window, heard)
    assert got is not None
    assert [x.text for x in got] == ["so", "what", "it", "did", "to", "us", "was", "done"]
    assert splice(words, window, heard[:4]) is None  # one word more is not worth a swap


def test_words_heard_in_a_gap_go_in_between() -> None:
    words = [w("I", 1.0, 1.2), w("emailed", 1.2, 1.6), w("them", 12.0, 12.3)]
    heard = [w("finance", 2.0, 2.5), w("and", 2.6, 2.8), w("everyone", 2.9, 3.4)]
    got = splice(words, Span(1.7, 11.9), heard)
    assert got is not None
    assert [x.text for x in got] == ["I", "emailed", "finance", "and", "everyone", "them"]


@pytest.mark.slow
def test_an_answer_tiny_en_cuts_short_keeps_its_words(transcriber, bank, spoken) -> None:
    """Spoken by espeak-ng, held-out answer hr-120 loses 55 words to one stretched "it" in the
    first pass; the app's transcript must have them."""
    answer = next(a for a in load("heldout") if a.id == "hr-120")
    audio = load_audio(spoken(answer.text(), rate=165))
    lost = "anyone trying to hit their"  # of the 55 words, these are heard right
    first = " ".join(w.text for ws, _, _ in transcriber.segments(audio.samples) for w in ws)
    assert lost not in normalize(first), "the first pass no longer skips here: pick another case"
    analyzer = AnswerAnalyzer(Settings(), bank, transcriber, store=None)
    heard = normalize(analyzer.transcribe(audio.samples).text)
    assert lost in heard
    assert "anyone being lazy" in heard
    assert "one unit" in heard
