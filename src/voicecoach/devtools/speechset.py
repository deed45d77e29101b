"""The shared set of real human recordings (../shared/speech) and WER scoring.

The recordings are test data only: read in place, never copied into the repository."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def speech_dir() -> Path | None:
    env = os.environ.get("VOICECOACH_SPEECH_DIR")
    d = Path(env) if env else REPO.parent / "shared" / "speech"
    return d if (d / "manifest.csv").is_file() else None


@dataclass(frozen=True)
class Clip:
    path: Path
    duration_s: float
    reference: str
    has_fillers: bool

    @property
    def name(self) -> str:
        return self.path.stem


def clips(directory: Path | None = None) -> list[Clip]:
    directory = directory or speech_dir()
    if directory is None:
        return []
    out = []
    with (directory / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append(
                Clip(
                    directory / row["file"],
                    float(row["duration_s"]),
                    clean_reference(row["reference_text"]),
                    row["verbatim_has_fillers"].strip() == "yes",
                )
            )
    return out


def clean_reference(text: str) -> str:
    """Drop annotation tokens the README says to strip before scoring ([adif], <VOCNOISE>)."""
    return re.sub(r"\[[^\]]*\]|<[^>]*>", " ", text).strip()


_normalizer = None


def normalize(text: str) -> str:
    global _normalizer
    if _normalizer is None:
        from whisper_normalizer.english import EnglishTextNormalizer

        _normalizer = EnglishTextNormalizer()
    return _normalizer(text)


def wer(references: list[str], hypotheses: list[str]) -> float:
    """Corpus WER after Whisper's English normalization (fillers and spelling variants removed)."""
    import jiwer

    refs = [normalize(r) for r in references]
    hyps = [normalize(h) for h in hypotheses]
    keep = [(r, h) for r, h in zip(refs, hyps) if r.strip()]
    return jiwer.wer([r for r, _ in keep], [h for _, h in keep])
