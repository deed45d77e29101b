"""Small widgets of the practice screens: level meter, answer timer, STAR timeline."""

from __future__ import annotations

import math

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from voicecoach.analysis.feedback import mmss

SECTION_STYLE = {
    "situation": "black on #7aa2f7",
    "task": "black on #bb9af7",
    "action": "black on #9ece6a",
    "result": "black on #e0af68",
    "reflection": "black on #7dcfff",
    "other": "white on #565f89",
}


class LevelMeter(Static):
    """Input level in dBFS as a bar: a muted or wrong microphone shows within a second."""

    level = reactive(0.0)
    WIDTH = 40

    def watch_level(self, value: float) -> None:
        db = 20 * math.log10(max(value, 1e-5))
        filled = max(0, min(self.WIDTH, round((db + 60) / 60 * self.WIDTH)))
        style = "green" if db > -30 else ("yellow" if db > -50 else "red")
        bar = Text("█" * filled, style=style) + Text("░" * (self.WIDTH - filled), style="grey35")
        label = f" {db:5.0f} dB" if value > 1e-5 else "   silent"
        self.update(Text("Mic ") + bar + Text(label))


class AnswerTimer(Static):
    """Elapsed time against the target; turns yellow near it and red past it."""

    elapsed = reactive(0.0)

    def __init__(self, target_s: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.target_s = target_s

    def watch_elapsed(self, value: float) -> None:
        self.set_class(0.85 * self.target_s <= value < self.target_s, "-near")
        self.set_class(value >= self.target_s, "-over")
        self.update(f"{mmss(value)} / {mmss(self.target_s)}")


def star_timeline(sections: list[dict], width: int = 60) -> Text:
    """A bar of the answer over time, one colour per STAR section, with a legend."""
    total = sum(s["share"] for s in sections) or 1.0
    bar = Text()
    for s in sorted(sections, key=lambda s: (s["start"] is None, s["start"] or 0)):
        n = max(1, round(s["share"] / total * width))
        label = s["label"][: n - 1].upper() if n > 3 else ""
        bar.append(label.ljust(n), style=SECTION_STYLE.get(s["label"], ""))
    legend = Text("\n")
    for s in sections:
        secs = f" {s['seconds']:.0f}s" if s.get("seconds") is not None else ""
        ideal = f" (ideal {s['ideal_share'] * 100:.0f}%)" if s.get("ideal_share") else ""
        legend.append(f" {s['label']}", style=SECTION_STYLE.get(s["label"], ""))
        legend.append(f"{secs} {s['share'] * 100:.0f}%{ideal} ")
    return bar + legend
