"""One real practice round on a machine with no sound card: the project's own script starts a
PulseAudio server with a virtual microphone and speaker; the real app reads the question aloud
(pyttsx3), records an espeak-ng answer played into the virtual microphone (sounddevice),
transcribes it (faster-whisper), shows and speaks the feedback, and saves the attempt."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voicecoach.devtools.speechset import wer

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
ANSWER = (
    "Last year I missed a deadline for a reporting feature at my company. "
    "My job was to ship it before the end of the quarter. "
    "I underestimated the data migration, and that was my mistake. "
    "I told my manager as soon as I saw the risk and I split the work into smaller pieces. "
    "We shipped one week late and the customer still signed a renewal. "
    "I learned to estimate the riskiest part first, and since then I always do."
)


@pytest.fixture(scope="module")
def virtual_audio(tmp_path_factory):
    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.skip("pulseaudio is not installed (./scripts/setup installs it)")
    runtime = tmp_path_factory.mktemp("pulse")
    script = REPO / "scripts" / "virtual-audio"
    r = subprocess.run([str(script), "start", str(runtime)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    env = dict(line.split("=", 1) for line in r.stdout.split())
    yield env
    subprocess.run([str(script), "stop", str(runtime)], timeout=30)


def test_practice_round_with_real_audio(virtual_audio, spoken, tmp_path) -> None:
    answer = spoken(ANSWER, rate=160)
    env = {**os.environ, **virtual_audio, "VOICECOACH_DATA_DIR": str(tmp_path / "data")}
    r = subprocess.run(
        [sys.executable, str(REPO / "tests" / "e2e_driver.py"), str(answer), str(tmp_path),
         "missed-deadline"],
        capture_output=True, text=True, env=env, timeout=600, cwd=REPO)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert all(ok for _, ok in out["steps"]), out["steps"]
    assert "Recording from:" in out["device"]
    assert "dB" in out["meter"] and "silent" not in out["meter"], out["meter"]
    assert out["timer"].startswith("0:0") and out["timer"].endswith("/ 1:30"), out["timer"]

    report = out["report"]
    # stderr carries the recorder's warning when the input overflowed (audio lost under load).
    assert wer([ANSWER], [report["transcript"]["text"]]) < 0.3, (
        report["transcript"]["text"], r.stderr[-1000:])
    # The screen shows every recognised word, in order, with pause marks between them; which
    # words tiny.en gets right varies with where the recording starts, so WER is the check above.
    shown = re.sub(r"\[pause \d+\.\ds\] ", "", out["screen_text"]["#transcript"]).split()
    assert shown == [w["text"].strip() for w in report["transcript"]["words"]], shown
    assert "spoken" in out["screen_text"]["#headline"]
    assert report["signals"]["ownership"]["present"]
    assert report["timing"]["speaking_s"] > 15
    # Saved whole: one attempt, with its recording.
    assert [a["id"] for a in out["attempts"]] == [out["attempt_id"]]
    assert list((tmp_path / "data" / "audio").glob("*.wav"))

    # The question (and then the feedback) reached the virtual speaker.
    audio, _ = sf.read(out["speaker_wav"], dtype="float32")  # 16 kHz: 160 samples = 10 ms
    frames = audio[: len(audio) // 160 * 160].reshape(-1, 160)
    loud = np.sqrt((frames ** 2).mean(axis=1)) > 0.01
    assert loud.sum() / 100 > 3.0, f"only {loud.sum() / 100:.1f} s of sound reached the speaker"
