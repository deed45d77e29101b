"""The coaching development set as the app hears it: each answer spoken by espeak-ng and
transcribed by the app's own path (Whisper with its own punctuation, word timings, the filler
pass), so signals and STAR labels can be scored on real recognizer output rather than on text
with its punctuation stripped.

Transcribing the 154 held-out answers took 25 minutes on two cores (9.9 s an answer), so
transcripts are cached (JSON, one file per answer) under the user cache folder, keyed by the
answer's text, the model, the speaking rate, espeak-ng's version and TRANSCRIPT_FORMAT."""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from pathlib import Path

import platformdirs

from voicecoach.analysis.text import norm
from voicecoach.analysis.types import Span, Transcript, Word
from voicecoach.devtools.coaching_data import Answer

RATE = 165  # words per minute: an unhurried interview answer


# Raise when the app's transcription writes its words differently, so cached transcripts are
# made again (2: a number's tail joined to it, "40,000" not "40 ,000"; 3: speech the first
# pass skipped decoded again, speech/skips.py).
TRANSCRIPT_FORMAT = 3


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("voicecoach")) / "spoken-devset"


def _espeak_version() -> str:
    r = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return r.stdout.strip()


def _to_json(t: Transcript) -> dict:
    return {
        "words": [[w.text, w.start, w.end, w.probability] for w in t.words],
        "duration_s": t.duration_s,
        "voiced": [[s.start, s.end] for s in t.voiced],
        "notes": list(t.notes),
    }


def _from_json(d: dict) -> Transcript:
    return Transcript(
        tuple(Word(*w) for w in d["words"]),
        d["duration_s"],
        tuple(Span(*s) for s in d["voiced"]),
        tuple(d["notes"]),
    )


def spoken_transcripts(
    answers: Iterable[Answer],
    folder: Path | None = None,
    rate: int = RATE,
    progress: Callable[[str], None] = lambda _: None,
    model: str = "default",
) -> dict[str, Transcript]:
    """Each answer's transcript as the app would make it from the answer spoken aloud, heard by
    `model` (the app's `model` setting: "default", a model folder or a size name)."""
    # Imported here: scoring cached transcripts, and the tests of the alignment, need no engine.
    from voicecoach.audio.files import load_audio
    from voicecoach.config import Settings
    from voicecoach.devtools.espeak import speak
    from voicecoach.questions import load_bank
    from voicecoach.service import AnswerAnalyzer
    from voicecoach.speech.transcriber import Transcriber

    folder = folder or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    transcriber = Transcriber(model)  # the model loads on the first answer not in the cache
    analyzer: AnswerAnalyzer | None = None
    salt = f"{transcriber.model_name}|{rate}|{_espeak_version()}|{TRANSCRIPT_FORMAT}"
    out: dict[str, Transcript] = {}
    todo = list(answers)
    for i, a in enumerate(todo, 1):
        text = a.text()
        key = hashlib.sha256(f"{salt}|{text}".encode()).hexdigest()[:16]
        path = folder / f"{a.id}-{key}.json"
        if path.exists():
            out[a.id] = _from_json(json.loads(path.read_text(encoding="utf-8")))
            continue
        progress(f"speaking and transcribing {a.id} ({i} of {len(todo)})")
        analyzer = analyzer or AnswerAnalyzer(Settings(model=model), load_bank(), transcriber)
        with tempfile.TemporaryDirectory() as tmp:
            wav = speak(text, Path(tmp) / "answer.wav", rate=rate)
            transcript = analyzer.transcribe(load_audio(wav).samples)
        tmp_path = path.with_suffix(".part")
        tmp_path.write_text(json.dumps(_to_json(transcript)), encoding="utf-8")
        tmp_path.replace(path)  # a killed run leaves no half-written transcript behind
        out[a.id] = transcript
    return out


def reference_labels(
    answer: Answer, heard: Transcript, predicted: list[str]
) -> list[str | None]:
    """Each reference sentence's predicted label, where `predicted` holds one label per heard
    word: the majority over the heard words aligned to the sentence's words (the recognizer
    mishears, drops and adds words, so words are matched by a diff of their normal forms).
    None for a sentence none of whose words was heard."""
    ref_words, ref_sentence = [], []
    for k, (text, _) in enumerate(answer.sentences):
        for t in text.split():
            ref_words.append(norm(t))
            ref_sentence.append(k)
    hyp = [norm(w.text) for w in heard.words]
    votes: list[dict[str, int]] = [{} for _ in answer.sentences]
    matcher = SequenceMatcher(None, ref_words, hyp, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            pairs = zip(range(i1, i2), range(j1, j2))
        elif op == "replace":  # unequal runs: spread the heard words over the reference ones
            pairs = ((i1 + (j - j1) * (i2 - i1) // (j2 - j1), j) for j in range(j1, j2))
        else:
            continue
        for i, j in pairs:
            v = votes[ref_sentence[i]]
            v[predicted[j]] = v.get(predicted[j], 0) + 1
    return [max(v, key=v.__getitem__) if v else None for v in votes]
