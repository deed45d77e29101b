"""Live transcription: the streaming transcriber and the resampler the recorder feeds."""

from __future__ import annotations

import numpy as np
import pytest

from voicecoach.audio.files import load_audio
from voicecoach.devtools.speechset import wer
from voicecoach.service.live import LiveTranscription, Resampler
from voicecoach.speech.streaming import StreamingTranscriber


@pytest.mark.parametrize("rate", [16000, 44100, 48000, 22050])
def test_resampler_keeps_phase_across_blocks(rate: int) -> None:
    r = Resampler(rate)
    t = np.arange(rate * 2) / rate
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    out = np.concatenate([r(tone[i : i + 441]) for i in range(0, len(tone), 441)])
    assert abs(len(out) - 32000) <= 1
    ref = np.sin(2 * np.pi * 440 * np.arange(len(out)) / 16000)
    assert np.abs(out - ref).max() < 0.01


def _answer(speech_clips, seconds: float) -> tuple[np.ndarray, str]:
    rng = np.random.default_rng(5)
    parts, refs, total = [np.zeros(16000, np.float32)], [], 1.0
    for c in speech_clips:
        if c.has_fillers or c.duration_s > 35:
            continue
        audio = load_audio(c.path).samples
        parts += [audio, np.zeros(int(rng.uniform(0.5, 1.3) * 16000), np.float32)]
        refs.append(c.reference)
        total += c.duration_s + 1
        if total > seconds:
            break
    return np.concatenate(parts), " ".join(refs)


@pytest.mark.slow
def test_streamed_words_match_whole_file_transcription(transcriber, speech_clips) -> None:
    audio, reference = _answer(speech_clips, 70)
    stream = StreamingTranscriber(transcriber)
    for i, k in enumerate(range(0, len(audio), 1600)):  # 100 ms blocks, processed every 0.5 s
        stream.insert_audio(audio[k : k + 1600])
        if i % 5 == 4:
            stream.process()
    chunks = stream.finish()
    assert len(chunks) >= 2  # committed while "speaking"
    for a, b in zip(chunks, chunks[1:]):
        assert a.end_s == pytest.approx(b.start_s)
    starts = [w.start for w in stream.words]
    assert starts == sorted(starts) and starts[-1] < len(audio) / 16000
    batch = transcriber.transcribe(audio)
    streamed = " ".join(w.text for w in stream.words)
    # A regression guard; scripts/bench measures the goal (0.5 points) on a two-minute answer.
    assert wer([reference], [streamed]) <= wer([reference], [batch.text]) + 0.02


@pytest.mark.slow
def test_live_transcription_from_44k_blocks(transcriber, spoken) -> None:
    path = spoken("I told the director about the delay the same day. Then I moved two engineers "
                  "onto the payments work, and we shipped three weeks later.", rate=160)
    audio = load_audio(path).samples
    up = np.interp(np.linspace(0, len(audio) - 1, int(len(audio) * 44100 / 16000)),
                   np.arange(len(audio)), audio).astype(np.float32)
    live = LiveTranscription(transcriber)
    for k in range(0, len(up), 4410):
        live.feed(up[k : k + 4410, None], 44100)
    transcript = live.finish()
    assert transcript is not None
    assert "director" in transcript.text and "three weeks" in transcript.text
    assert transcript.voiced and transcript.voiced[0].start > 0.5  # the lead-in is silence
    assert transcript.duration_s == pytest.approx(len(audio) / 16000, abs=0.05)
