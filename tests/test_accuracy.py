"""Accuracy of the default model on real human recordings (../shared/speech)."""

from __future__ import annotations

import pytest

from voicecoach.audio.files import load_audio
from voicecoach.devtools.speechset import wer

pytestmark = pytest.mark.slow


def test_default_model_wer_on_real_speech(transcriber, speech_clips) -> None:
    refs, hyps = [], []
    for clip in speech_clips:
        refs.append(clip.reference)
        hyps.append(transcriber.transcribe(load_audio(clip.path).samples).text)
    score = wer(refs, hyps)
    print(f"WER on {len(refs)} real clips: {score:.2%}")
    assert score <= 0.10
