"""Pure analysis of a spoken answer: transcript and word timings in, metrics and feedback out.

Nothing in this package does I/O or imports a UI, a speech engine or an audio library, so it can be
tested on literal word lists and reused by every front end.

The names below load on first use: `import voicecoach.analysis.types` (what the question bank
and the storage need) must not pay for compiling the labeller's weights and the signal rules,
which would slow the app's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from voicecoach.analysis.types import Transcript, Word

if TYPE_CHECKING:
    from voicecoach.analysis.report import AnalysisOptions, analyze

__all__ = ["AnalysisOptions", "Transcript", "Word", "analyze"]


def __getattr__(name: str) -> Any:
    if name in ("AnalysisOptions", "analyze"):
        from voicecoach.analysis import report

        return getattr(report, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
