"""Pure analysis of a spoken answer: transcript and word timings in, metrics and feedback out.

Nothing in this package does I/O or imports a UI, a speech engine or an audio library, so it can be
tested on literal word lists and reused by every front end.
"""

from voicecoach.analysis.report import AnalysisOptions, analyze
from voicecoach.analysis.types import Transcript, Word

__all__ = ["AnalysisOptions", "Transcript", "Word", "analyze"]
