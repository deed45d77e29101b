"""How true the pacing numbers are: fillers, pauses and pace against ground truth.

- Fillers: the 9 real clips whose verbatim references keep their fillers (../shared/speech).
  Reference fillers have no times, so each gets a time window from its neighbours: the reference
  words that are not fillers are aligned to the recognized words that are not fillers (difflib,
  on normalized tokens; the same alignment with and without the filler pass, which adds only
  fillers), and a reference filler lies between the end of the last aligned word before it and
  the start of the first aligned word after it (the clip's edges when there is none). A detection
  matches a reference filler of the same kind (um; uh/er/ah; hm/mm; "you know"; like; ...) whose
  window, widened by 0.5 s either side, holds the detection's start; one to one, in time order.
- Pauses: espeak-ng answers with SSML breaks; truth from the audio's energy
  (devtools.espeak.silent_gaps, at least 1.0 s).
- Pace: espeak-ng answers at -s 120, 150, 190 (truth: reference words over the first to the last
  voiced sample, devtools.espeak.voiced_bounds) and the LibriSpeech clips (reference words over
  the clip's speech bounds from a noise-aware energy measure, `energy_speech` below).
  Articulation truth: the same words over that time less its silences of at least 0.25 s.
- WER on all clips with and without the filler pass (Whisper's normalizer drops fillers), and
  the time the filler pass adds to the first pass.
"""

from __future__ import annotations

import argparse
import difflib
import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from voicecoach.analysis import AnalysisOptions, Transcript, analyze
from voicecoach.analysis.pacing import HESITATIONS, Filler, find_fillers, word_source
from voicecoach.analysis.text import norm
from voicecoach.analysis.types import Word
from voicecoach.audio.files import load_audio
from voicecoach.devtools import espeak
from voicecoach.devtools.speechset import Clip, clips, wer
from voicecoach.speech.transcriber import Transcriber

WINDOW_SLACK_S = 0.5
NOISY_FLOOR_DB = -30.0
MATCHING = (
    "reference fillers are placed between their aligned neighbour words (non-filler reference "
    "words aligned to non-filler recognized words); a detection matches a reference filler of "
    f"the same kind within {WINDOW_SLACK_S} s of that stretch, one to one, in time order"
)

PLAIN = (
    "Last spring I led a small team that rebuilt the search page for our online store. "
    "The old page was slow and customers often left before the results appeared. "
    "My job was to make it fast without breaking the filters that shoppers relied on. "
    "I measured every step of a search and found that most of the time went into one query. "
    "I rewrote that query, added a cache, and tested the change with a small group first. "
    "In the end the page loaded three times faster and sales from search went up by a tenth. "
    "I learned to measure before I change anything, and since then I always start with data."
)
RATES = (120, 150, 190)
PAUSED = (
    (
        '<speak>I told the director about the delay. <break time="2500ms"/> '
        'Then I moved two engineers onto the payments work, <break time="3000ms"/> '
        "and we shipped three weeks later.</speak>",
        160,
    ),
    (
        '<speak>So the first thing I did was, <break time="1200ms"/> call the vendor. '
        '<break time="4000ms"/> They said the fix would take a week, <break time="1500ms"/> '
        "so we rolled back the release and told our customers.</speak>",
        150,
    ),
)


class TimedTranscriber(Transcriber):
    """Counts decoding time apart for the plain first pass and the filler pass."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_s = 0.0
        self.filler_s = 0.0
        self._second = False

    def window_words(self, samples, initial_prompt=None):  # type: ignore[override]
        t0 = time.perf_counter()
        self._second = True
        try:
            return super().window_words(samples, initial_prompt)
        finally:
            self._second = False
            self.filler_s += time.perf_counter() - t0

    def segments(self, samples, offset_s=0.0, initial_prompt=None):  # type: ignore[override]
        it = super().segments(samples, offset_s, initial_prompt)
        return it if self._second else self._timed(it)

    def _timed(self, it: Iterator) -> Iterator:
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                self.first_s += time.perf_counter() - t0
                return
            self.first_s += time.perf_counter() - t0
            yield item


def make_analyzer(transcriber: Transcriber):
    """The product's own path from samples to a Transcript (service.AnswerAnalyzer.transcribe)."""
    from voicecoach.config import Settings
    from voicecoach.service.analyzer import AnswerAnalyzer

    return AnswerAnalyzer(Settings(), None, transcriber, store=None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- fillers


@dataclass
class FillerScore:
    name: str
    reference: list[str]  # kinds, in reference order
    detected: list[tuple[str, float, str]]  # kind, start, source
    matched: int
    detected_plain: int = 0  # without the filler pass
    matched_plain: int = 0

    @property
    def recall(self) -> float:
        return self.matched / len(self.reference) if self.reference else 1.0

    @property
    def precision(self) -> float:
        return self.matched / len(self.detected) if self.detected else 1.0


def reference_windows(
    reference: str, words: list[Word], duration_s: float
) -> list[tuple[str, float, float]]:
    """(kind, earliest, latest) for each filler of the reference (see the module doc)."""
    ref_words = Transcript.from_text(reference).words
    ref_fill = find_fillers(ref_words)
    ref_in = _filler_indices(ref_words, ref_fill)
    ref_keep = [i for i in range(len(ref_words)) if i not in ref_in]
    hyp_in = _filler_indices(words, find_fillers(words))
    hyp_keep = [
        i
        for i, w in enumerate(words)
        if i not in hyp_in and norm(w.text) and norm(w.text) not in HESITATIONS
    ]
    a = [norm(ref_words[i].text) for i in ref_keep]
    b = [norm(words[i].text) for i in hyp_keep]
    anchor: dict[int, Word] = {}
    for blk in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(blk.size):
            anchor[ref_keep[blk.a + k]] = words[hyp_keep[blk.b + k]]
    out = []
    for f in ref_fill:
        before = [anchor[i] for i in sorted(anchor) if i < f.word_index]
        after = [anchor[i] for i in sorted(anchor) if i > f.word_index]
        lo = before[-1].end if before and before[-1].end is not None else 0.0
        hi = after[0].start if after and after[0].start is not None else duration_s
        out.append((f.kind, lo, max(lo, hi)))
    return out


def _filler_indices(words: Sequence[Word], fillers: list[Filler]) -> set[int]:
    """The indices of the words that make up `fillers` ("you know" is two words, "yknow" one)."""
    out = set()
    for f in fillers:
        one_word = f.kind == "you know" and norm(words[f.word_index].text) != "you"  # "yknow"
        n = 1 if one_word else len(f.text.split())
        out.update(range(f.word_index, f.word_index + n))
    return out


def match_fillers(
    windows: list[tuple[str, float, float]], detected: list[tuple[str, float]]
) -> int:
    """How many detections match a reference filler: same kind, start inside the widened window,
    one to one; per kind, windows in order each take the earliest detection left that fits."""
    used = [False] * len(detected)
    matched = 0
    for kind, lo, hi in sorted(windows, key=lambda w: (w[2], w[1])):
        for j, (dk, t) in sorted(enumerate(detected), key=lambda x: x[1][1]):
            if not used[j] and dk == kind and lo - WINDOW_SLACK_S <= t <= hi + WINDOW_SLACK_S:
                used[j] = True
                matched += 1
                break
    return matched


def score_fillers(clip: Clip, transcript: Transcript) -> FillerScore:
    plain = [w for w in transcript.words if word_source(w) != "audio"]
    windows = reference_windows(clip.reference, plain, transcript.duration_s or clip.duration_s)
    found = analyze(transcript).fillers
    det = [(f.kind, f.start or 0.0, f.source) for f in found]
    plain_found = [f for f in found if f.source != "audio"]
    plain_det = [(f.kind, f.start or 0.0) for f in plain_found]
    return FillerScore(
        clip.name,
        [k for k, _, _ in windows],
        det,
        match_fillers(windows, [(k, t) for k, t, _ in det]),
        len(plain_det),
        match_fillers(windows, plain_det),
    )


# ---------------------------------------------------------------- truth from the audio


def energy_speech(path: Path, frame_s: float = 0.01) -> tuple[np.ndarray, float, float]:
    """Which 10 ms frames of a real recording carry speech, from their energy: at least 2% of
    the loudest frame's RMS (-34 dB, as devtools.espeak.voiced_bounds) and at least 6 dB over
    the noise floor (the 10th percentile), in runs of at least 40 ms (a click or a noise burst
    in a silence is shorter). Also the noise floor, in dB under the loudest frame."""
    audio, sr = sf.read(path, dtype="float32")
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    n = int(frame_s * sr)
    frames = audio[: len(audio) // n * n].reshape(-1, n)
    db = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9)
    floor = float(np.percentile(db, 10))
    on = db >= max(db.max() - 34.0, floor + 6.0)
    speech = np.zeros_like(on)
    min_run = round(0.04 / frame_s)
    i = 0
    while i < len(on):
        j = i
        while j < len(on) and on[j] == on[i]:
            j += 1
        if on[i] and j - i >= min_run:
            speech[i:j] = True
        i = j
    return speech, frame_s, floor - float(db.max())


def mask_bounds_and_gaps(
    speech: np.ndarray, frame_s: float, min_gap_s: float
) -> tuple[float, float, list[tuple[float, float]]]:
    idx = np.flatnonzero(speech)
    first, last = float(idx[0] * frame_s), float((idx[-1] + 1) * frame_s)
    gaps = [
        (float((a + 1) * frame_s), float(b * frame_s))
        for a, b in zip(idx, idx[1:])
        if (b - a - 1) * frame_s >= min_gap_s
    ]
    return first, last, gaps


@dataclass
class PaceScore:
    name: str
    words: int
    truth_wpm: float
    truth_art: float
    wpm: float | None
    art: float | None
    noisy: bool = False  # the articulation truth is not measurable (see energy_speech)
    # What the app counted and divided by, to tell the recognizer's share of an error (words
    # heard wrong, "were trivialities" as one word) from the voice detector's (the time base).
    heard: int = 0
    speaking: float = 0.0
    truth_speaking: float = 0.0

    @property
    def wpm_err(self) -> float:
        return (self.wpm or 0.0) / self.truth_wpm - 1

    @property
    def art_err(self) -> float:
        return (self.art or 0.0) / self.truth_art - 1

    @property
    def speaking_err(self) -> float:
        return self.speaking / self.truth_speaking - 1


def pace_score(name: str, n_words: int, first: float, last: float, gaps, transcript) -> PaceScore:
    elapsed = last - first
    speaking = elapsed - sum(b - a for a, b in gaps)
    a = analyze(transcript)
    return PaceScore(
        name,
        n_words,
        n_words / elapsed * 60,
        n_words / speaking * 60,
        a.pace.wpm,
        a.pace.articulation_wpm,
        heard=a.pace.words,
        speaking=a.pace.speaking_s or 0.0,
        truth_speaking=speaking,
    )


@dataclass
class PauseScore:
    answer: str
    truth: tuple[float, float]
    found: tuple[float, float] | None
    kind: str | None = None
    long: bool | None = None

    @property
    def start_err(self) -> float | None:
        return None if self.found is None else self.found[0] - self.truth[0]

    @property
    def end_err(self) -> float | None:
        return None if self.found is None else self.found[1] - self.truth[1]


def pause_scores(name: str, path: Path, transcript: Transcript) -> tuple[list[PauseScore], int]:
    truth = espeak.silent_gaps(path, min_s=1.0)
    opts = AnalysisOptions()
    pauses = list(analyze(transcript, opts).pauses)
    out, used = [], set()
    for t0, t1 in truth:
        best = max(
            (p for p in pauses if id(p) not in used),
            key=lambda p: min(p.end, t1) - max(p.start, t0),
            default=None,
        )
        if best is None or min(best.end, t1) - max(best.start, t0) <= 0:
            out.append(PauseScore(name, (t0, t1), None))
            continue
        used.add(id(best))
        out.append(
            PauseScore(
                name,
                (t0, t1),
                (best.start, best.end),
                best.kind,
                best.duration >= opts.long_pause_s,
            )
        )
    return out, len(pauses) - len(used)


# ---------------------------------------------------------------- the whole evaluation


@dataclass
class Results:
    fillers: list[FillerScore] = field(default_factory=list)
    false_fillers: dict[str, list[str]] = field(default_factory=dict)  # on clips without fillers
    pauses: list[PauseScore] = field(default_factory=list)
    extra_pauses: int = 0
    pace: list[PaceScore] = field(default_factory=list)
    wer_plain: float = 0.0
    wer_fillers: float = 0.0
    wer_clips: int = 0
    audio_s: float = 0.0
    first_s: float = 0.0
    filler_s: float = 0.0

    def _sum(self, attr: str) -> int:
        return sum(getattr(s, attr) for s in self.fillers)

    @property
    def recall(self) -> float:
        return self._sum("matched") / max(1, sum(len(s.reference) for s in self.fillers))

    @property
    def precision(self) -> float:
        return self._sum("matched") / max(1, sum(len(s.detected) for s in self.fillers))

    def summary(self) -> dict[str, Any]:
        refs = sum(len(s.reference) for s in self.fillers)
        return {
            "filler_clips": len(self.fillers),
            "reference_fillers": refs,
            "filler_recall": round(self.recall, 3),
            "filler_precision": round(self.precision, 3),
            "filler_recall_plain": round(self._sum("matched_plain") / max(1, refs), 3),
            "filler_precision_plain": round(
                self._sum("matched_plain") / max(1, self._sum("detected_plain")), 3
            ),
            "fillers_on_fluent_clips": sum(len(v) for v in self.false_fillers.values()),
            "pause_max_error_s": round(
                max(
                    (
                        max(abs(p.start_err), abs(p.end_err))
                        for p in self.pauses
                        if p.found is not None
                    ),
                    default=float("nan"),
                ),
                3,
            ),
            "pauses_missed": sum(p.found is None for p in self.pauses),
            "pauses_extra": self.extra_pauses,
            "pace_max_error": round(max(abs(p.wpm_err) for p in self.pace), 4)
            if self.pace
            else None,
            "articulation_max_error": round(
                max(abs(p.art_err) for p in self.pace if not p.noisy), 4
            )
            if self.pace
            else None,
            "wer_clips": self.wer_clips,
            "wer_without_filler_pass": round(self.wer_plain, 4),
            "wer_with_filler_pass": round(self.wer_fillers, 4),
            "audio_s": round(self.audio_s, 1),
            "first_pass_s": round(self.first_s, 1),
            "filler_pass_s": round(self.filler_s, 1),
            "filler_pass_extra": round(self.filler_s / self.first_s, 3) if self.first_s else None,
        }


def evaluate(
    transcriber: TimedTranscriber | None = None,
    speech: bool = True,
    synthetic: bool = True,
    log=print,
) -> Results:
    tr = transcriber or TimedTranscriber(cpu_threads=2)
    tr.load()
    analyzer = make_analyzer(tr)
    res = Results()
    if speech:
        refs, plain, full = [], [], []
        for c in clips():
            audio = load_audio(c.path)
            t = analyzer.transcribe(audio.samples)
            res.audio_s += audio.duration_s
            refs.append(c.reference)
            plain.append(" ".join(w.text for w in t.words if word_source(w) != "audio"))
            full.append(t.text)
            if c.has_fillers:
                s = score_fillers(c, t)
                res.fillers.append(s)
                log(
                    f"fillers {c.name:24s} recall {s.matched}/{len(s.reference)} "
                    f"precision {s.matched}/{len(s.detected)} (without the pass: "
                    f"{s.matched_plain}/{len(s.reference)}, {s.matched_plain}/{s.detected_plain}) "
                    f"ref={' '.join(s.reference)} | found="
                    + " ".join(
                        f"{k}@{st:.2f}{'*' if src == 'audio' else ''}" for k, st, src in s.detected
                    )
                )
            else:
                found = analyze(t).fillers
                if found:
                    res.false_fillers[c.name] = [
                        f"{f.text}@{f.start:.2f}{'*' if f.source == 'audio' else ''}" for f in found
                    ]
            if c.name.startswith("ls_"):
                speech_mask, frame, floor = energy_speech(c.path)
                first, last, gaps = mask_bounds_and_gaps(speech_mask, frame, 0.25)
                p = pace_score(c.name, len(c.reference.split()), first, last, gaps, t)
                # Under 30 dB of headroom over the noise, soft speech sounds fall under the
                # energy threshold and look like silence: no articulation truth.
                p.noisy = floor > NOISY_FLOOR_DB
                res.pace.append(p)
                log(_pace_line(p, f"energy {first:.2f}-{last:.2f}, noise {floor:.0f} dB"))
        res.wer_clips = len(refs)
        res.wer_plain = wer(refs, plain)
        res.wer_fillers = wer(refs, full)
        res.first_s, res.filler_s = tr.first_s, tr.filler_s
    if synthetic and espeak.have_espeak():
        with tempfile.TemporaryDirectory() as tmp:
            for rate in RATES:
                path = espeak.speak(PLAIN, Path(tmp) / f"plain{rate}.wav", rate=rate)
                t = analyzer.transcribe(load_audio(path).samples)
                first, last = espeak.voiced_bounds(path)
                gaps = espeak.silent_gaps(path, 0.25)
                p = pace_score(f"espeak -s {rate}", len(PLAIN.split()), first, last, gaps, t)
                res.pace.append(p)
                log(_pace_line(p, f"voiced {first:.2f}-{last:.2f}"))
            for k, (ssml, rate) in enumerate(PAUSED):
                path = espeak.speak(ssml, Path(tmp) / f"paused{k}.wav", rate=rate, ssml=True)
                t = analyzer.transcribe(load_audio(path).samples)
                scores, extra = pause_scores(f"answer {k + 1}", path, t)
                res.pauses.extend(scores)
                res.extra_pauses += extra
                for s in scores:
                    log(_pause_line(s))
    return res


def _pace_line(p: PaceScore, how: str) -> str:
    return (
        f"pace {p.name:28s} wpm {p.wpm} vs {p.truth_wpm:.1f} ({p.wpm_err:+.1%})  articulation "
        f"{p.art} vs {p.truth_art:.1f} ({p.art_err:+.1%}{', no truth: noisy' if p.noisy else ''}; "
        f"words {p.heard} vs {p.words}, speaking {p.speaking:.2f} vs {p.truth_speaking:.2f} s)"
        f"  [{how}]"
    )


def _pause_line(s: PauseScore) -> str:
    t0, t1 = s.truth
    if s.found is None:
        return f"pause {s.answer} truth {t0:.2f}-{t1:.2f}: MISSED"
    return (
        f"pause {s.answer} truth {t0:.2f}-{t1:.2f} found {s.found[0]:.2f}-{s.found[1]:.2f} "
        f"(start {s.start_err:+.2f} s, end {s.end_err:+.2f} s) {s.kind}"
        f"{', long' if s.long else ''}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="default")
    ap.add_argument("--no-speech", action="store_true", help="skip the real recordings")
    ap.add_argument("--no-espeak", action="store_true", help="skip the espeak-ng answers")
    args = ap.parse_args()
    print(f"filler matching: {MATCHING} (* = inferred from the audio)")
    res = evaluate(
        TimedTranscriber(args.model, cpu_threads=2),
        speech=not args.no_speech,
        synthetic=not args.no_espeak,
    )
    if not res.wer_clips and not args.no_speech:
        print("no speech set found (../shared/speech); real-clip figures skipped")
    for name, found in res.false_fillers.items():
        print(f"fillers on a clip whose reference has none: {name}: {' '.join(found)}")
    print(json.dumps(res.summary()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
