"""Rendering a report (dict, the JSON contract) as rich text for the feedback and review screens."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from voicecoach.analysis.feedback import mmss

GOOD_WHEN_ABSENT = {"blame", "hedging"}


def headline(r: dict[str, Any]) -> Text:
    t, p = r["timing"], r["pacing"]
    out = Text()
    if t.get("speaking_s") is not None:
        out.append(f"{mmss(t['speaking_s'])} spoken")
        if t.get("target_s"):
            colour = {"on_target": "green", "short": "yellow", "long": "red"}.get(t["verdict"], "")
            out.append(f" / {mmss(t['target_s'])} target ")
            out.append(f"({(t['verdict'] or '').replace('_', ' ')})", style=colour)
        out.append("  ·")
    else:
        out.append("Typed answer")
    if p.get("wpm") is not None:
        out.append(f"  {p['wpm']:.0f} wpm ({p['articulation_wpm']:.0f} while speaking)  ·")
    fillers = p.get("fillers", [])
    rate = f", {p['fillers_per_min']:.1f}/min" if p.get("fillers_per_min") is not None else ""
    out.append(f"  {len(fillers)} fillers{rate}")
    longp = [x for x in p.get("pauses", []) if x.get("long")]
    if p.get("pauses"):
        out.append(f"  ·  {len(p['pauses'])} pauses ({len(longp)} long)")
    return out


def feedback_text(r: dict[str, Any]) -> Text:
    fb = r["feedback"]
    out = Text()
    for i, imp in enumerate(fb["improvements"], 1):
        out.append(f"{i}. ", style="bold yellow")
        out.append(imp + "\n")
    for s in fb["strengths"]:
        out.append("+ ", style="bold green")
        out.append(s + "\n")
    llm = r.get("llm")
    if llm and llm.get("status") == "ok":
        out.append("\nLLM coach (" + llm["review"]["model"] + ")\n", style="bold magenta")
        for i, imp in enumerate(llm["review"]["improvements"], 1):
            out.append(f"{i}. {imp}\n")
        out.append(f"Follow-up: {llm['review']['follow_up']}\n", style="italic")
    elif llm:
        out.append(f"\nLLM coach off: {llm.get('reason', '')}\n", style="dim")
    return out


def signals_text(r: dict[str, Any]) -> Text:
    out = Text()
    for name, sig in r["signals"].items():
        good = sig["present"] != (name in GOOD_WHEN_ABSENT)
        out.append("✔ " if good else "✘ ", style="green" if good else "red")
        out.append(f"{name.replace('_', ' ')}", style="bold")
        out.append(": yes " if sig["present"] else ": no")
        if sig["evidence"]:
            ev = sig["evidence"][0]
            at = f" [{mmss(ev['start'])}]" if ev.get("start") is not None else ""
            out.append(f'  "{ev["text"]}"{at}', style="italic")
        out.append("\n")
    iw = r.get("i_we")
    if iw:
        out.append(f"  I/we in the action: {iw['i']} / {iw['we']}\n", style="dim")
    for c in r.get("card_signals", []):
        out.append("✔ " if c["covered"] else "✘ ", style="green" if c["covered"] else "red")
        out.append(c["name"] + " ", style="bold cyan")
        if c["evidence"]:
            out.append(f'  "{c["evidence"][0]["text"]}"', style="italic")
        out.append("\n")
    return out


def transcript_text(r: dict[str, Any]) -> Text:
    """The transcript by sentence, with fillers highlighted and long pauses marked."""
    words = r["transcript"]["words"]
    if not words:
        return Text(r["transcript"]["text"] or "(no words recognised)")
    fillers = {(f["start"], f["text"].split()[0]) for f in r["pacing"]["fillers"]}
    pauses = list(r["pacing"]["pauses"])
    out = Text()
    for w in words:
        while pauses and w["start"] is not None and pauses[0]["end"] <= w["start"] + 0.05:
            p = pauses.pop(0)
            out.append(
                f"[pause {p['duration']:.1f}s] ", style="reverse yellow" if p["long"] else "dim"
            )
        key = (w["start"], w["text"].lower().strip(",.?!"))
        style = "bold red" if key in fillers else ""
        out.append(w["text"] + " ", style=style)
    return out
