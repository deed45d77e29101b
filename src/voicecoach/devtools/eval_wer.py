"""Prints per-clip and overall WER of the default recognizer on the shared speech set."""

from __future__ import annotations

import argparse
import json
import time

from voicecoach.audio.files import load_audio
from voicecoach.devtools.speechset import clips, normalize, wer
from voicecoach.speech.transcriber import Transcriber


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="default")
    ap.add_argument("--beam", type=int, default=5)
    args = ap.parse_args()
    items = clips()
    if not items:
        print("no speech set found (../shared/speech); nothing to score")
        return 0
    tr = Transcriber(args.model, cpu_threads=0, beam_size=args.beam)
    tr.load()
    refs, hyps, audio_s, compute_s = [], [], 0.0, 0.0
    for c in items:
        a = load_audio(c.path)
        t0 = time.perf_counter()
        rec = tr.transcribe(a.samples)
        compute_s += time.perf_counter() - t0
        audio_s += a.duration_s
        refs.append(c.reference)
        hyps.append(rec.text)
        print(f"{c.name:42s} wer={wer([c.reference], [rec.text]):6.1%}  {normalize(rec.text)[:60]}")
    print(
        json.dumps(
            {
                "clips": len(items),
                "audio_s": round(audio_s, 1),
                "wer": round(wer(refs, hyps), 4),
                "rtf": round(compute_s / audio_s, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
