"""What hearing skipped speech again (speech/skips.py) recovers: WER of the first pass against
the first pass plus the skip pass, on the real recordings in ../shared/speech and, with
--devset SPLIT, on coaching answers spoken by espeak-ng at the spoken devset's rate (re-spoken
and decoded here, about 7 s an answer: the cached transcripts already include the pass)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from voicecoach.audio.files import load_audio
from voicecoach.devtools.speechset import clips, wer
from voicecoach.speech.skips import hear_skipped, skipped_spans
from voicecoach.speech.transcriber import Transcriber
from voicecoach.speech.vad import voiced_spans


def _audio(args: argparse.Namespace):
    """(name, reference words, samples) of each recording to score."""
    for c in clips():
        yield c.name, c.reference, load_audio(c.path).samples
    if args.devset:
        from voicecoach.devtools.coaching_data import load
        from voicecoach.devtools.espeak import speak
        from voicecoach.devtools.spoken_devset import RATE

        answers = load(args.devset)
        for a in answers[: args.limit or len(answers)]:
            with tempfile.TemporaryDirectory() as tmp:
                wav = speak(a.text(), Path(tmp) / "answer.wav", rate=RATE)
                yield a.id, a.text(), load_audio(wav).samples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--devset", choices=["train", "heldout"], help="also score these answers")
    ap.add_argument("--limit", type=int, help="only the first N answers of --devset")
    args = ap.parse_args()
    tr = Transcriber()
    refs, before, after = [], [], []
    fired = recovered = 0
    seconds: list[float] = []
    for name, ref, samples in _audio(args):
        words = [w for ws, _, _ in tr.segments(samples) for w in ws]
        # The analyzer's VAD settings (service/analyzer.py).
        voiced = voiced_spans(samples)
        r = hear_skipped(tr, samples, words, skipped_spans(words, voiced))
        old, new = " ".join(w.text for w in words), " ".join(w.text for w in r.words)
        refs.append(ref)
        before.append(old)
        after.append(new)
        if r.spans:
            fired += 1
            recovered += r.recovered
            seconds.append(r.seconds)
            print(f"{name}: {len(r.spans)} skipped, {r.recovered:+d} words, "
                  f"WER {wer([ref], [old]):.1%} -> {wer([ref], [new]):.1%}, {r.seconds:.2f} s")
    if not refs:
        print("no recordings found (../shared/speech) and no --devset; nothing to score")
        return 0
    spent = f"; the pass {min(seconds):.2f}-{max(seconds):.2f} s where it ran" if seconds else ""
    print(f"{len(refs)} recordings; skipped speech in {fired}, {recovered} words recovered; "
          f"WER {wer(refs, before):.2%} -> {wer(refs, after):.2%}{spent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
