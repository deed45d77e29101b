"""The recorder's bookkeeping, without a sound device: what its stream callback counts reaches
the take. (Recording itself is tested through a PulseAudio virtual microphone: see
test_e2e_practice.)"""

from __future__ import annotations

import numpy as np
import sounddevice as sd

from voicecoach.audio.recorder import Recorder, Take


def test_input_overflows_reach_the_take_as_a_note(tmp_path) -> None:
    rec = Recorder(tmp_path / "take.wav")
    block = np.zeros((160, 1), dtype=np.float32)
    overflow = sd.CallbackFlags()
    overflow.input_overflow = True
    for status in (sd.CallbackFlags(), overflow, overflow):
        rec._callback(block, len(block), None, status)
    take = rec.stop()
    assert take.gaps == 2
    assert take.notes == (
        "audio was lost 2 times while recording (the machine was too busy): "
        "some words may be missing or misheard",
    )


def test_a_clean_take_has_no_notes(tmp_path) -> None:
    assert Take(tmp_path / "t.wav", 3.0, 16000, "mic").notes == ()
    lost = Take(tmp_path / "t.wav", 3.0, 16000, "mic", lost_device=True, gaps=1)
    assert lost.notes[0].startswith("the microphone stopped mid-answer")
    assert lost.notes[1].startswith("audio was lost 1 time while")
