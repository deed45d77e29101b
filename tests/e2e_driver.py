"""Drives the real practice app once, with real audio, in its own process.

Run by test_e2e_practice.py with PULSE_SERVER pointing at the virtual sound server that
scripts/virtual-audio started (PortAudio reads it when sounddevice is first imported, so this
cannot run inside the pytest process). Prints one JSON object with what happened."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

from voicecoach.config import Settings
from voicecoach.questions import load_bank
from voicecoach.service import AnswerAnalyzer
from voicecoach.service.practice import build_practice
from voicecoach.speech.transcriber import Transcriber
from voicecoach.storage import Store
from voicecoach.tui.app import VoicecoachApp
from voicecoach.tui.feedback_screen import FeedbackScreen
from voicecoach.tui.practice_screen import PracticeScreen


async def wait_for(pilot, cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        await pilot.pause(0.05)
    return False


async def drive(answer_wav: Path, out_dir: Path, question: str) -> dict:
    settings = Settings(voice=True, voice_rate=190)
    bank = load_bank()
    store = Store(out_dir / "data").open()
    analyzer = AnswerAnalyzer(settings, bank, Transcriber(cpu_threads=2), store)
    practice = build_practice(settings, bank, store, analyzer)
    speaker = out_dir / "speaker.wav"
    parec = subprocess.Popen(["parec", "-d", "virtspk.monitor", "--file-format=wav",
                              "--rate=16000", "--channels=1", str(speaker)])
    result: dict = {"steps": []}
    app = VoicecoachApp(practice, start_question=question)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            ok = await wait_for(pilot, lambda: app.model_ready, 60)
            result["steps"].append(("model ready", ok))
            ok = await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen)
                                and app.screen.state == "ready", 60)
            result["steps"].append(("question read", ok))
            await pilot.press("space")
            ok = await wait_for(pilot, lambda: getattr(app.screen, "state", "") == "recording", 10)
            result["steps"].append(("recording", ok))
            await pilot.pause(0.5)
            result["device"] = str(app.screen.query_one("#device").render())
            play = subprocess.Popen(["paplay", "--device=virtmic", str(answer_wav)])
            await pilot.pause(4.0)  # mid-answer: the meter must show the voice
            result["meter"] = str(app.screen.query_one("#meter").render())
            result["timer"] = str(app.screen.query_one("#timer").render())
            while play.poll() is None:
                await pilot.pause(0.1)
            await pilot.pause(0.8)
            await pilot.press("space")
            ok = await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), 120)
            result["steps"].append(("feedback shown", ok))
            if ok:
                screen = app.screen
                await pilot.pause(0.5)
                result["report"] = screen.report
                result["attempt_id"] = screen.attempt_id
                result["screen_text"] = {
                    sel: str(screen.query_one(sel).render())
                    for sel in ("#headline", "#feedback-text", "#transcript")
                }
                await wait_for(pilot, lambda: not any(
                    w.group == "speech" and w.is_running for w in app.workers), 60)
    finally:
        time.sleep(0.5)
        parec.terminate()
        parec.wait(5)
    result["attempts"] = [a.to_dict() for a in store.list()]
    result["speaker_wav"] = str(speaker)
    return result


def main() -> int:
    answer, out, question = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    print(json.dumps(asyncio.run(drive(answer, out, question)), default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
