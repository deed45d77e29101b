"""Plain-text rendering of a report for the terminal (the JSON report is the source)."""

from __future__ import annotations

import textwrap
from typing import Any

import click

from voicecoach.analysis.feedback import mmss

_BAR = 30


def _t(x: float | None) -> str:
    return mmss(x) if x is not None else "-"


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=98, initial_indent=indent, subsequent_indent=indent)


def _head(title: str) -> str:
    return click.style(title, bold=True)


def report_text(r: dict[str, Any], attempt_id: int | None = None) -> str:
    out: list[str] = []
    q = r.get("question")
    if q:
        out.append(_head("Question ") + f"{q['id']}")
        out.append(_wrap(q["prompt"]))
    for note in r.get("notes", []):
        out.append(click.style(f"Note: {note}", fg="yellow"))
    out.append(_head("Transcript"))
    out.append(_wrap(r["transcript"]["text"] or "(no words recognised)"))

    t, p = r["timing"], r["pacing"]
    if t.get("speaking_s") is not None:
        line = f"{_t(t['speaking_s'])} spoken"
        if t.get("target_s"):
            colour = {"on_target": "green", "short": "yellow", "long": "red"}[t["verdict"]]
            line += f" against a {_t(t['target_s'])} target: " + click.style(
                t["verdict"].replace("_", " "), fg=colour
            )
        out.append(_head("Timing     ") + line)
    elif t.get("target_s"):
        out.append(_head("Timing     ") + f"typed answer; target {_t(t['target_s'])}")
    if p.get("wpm") is not None:
        out.append(
            _head("Pace       ") + f"{p['wpm']:.0f} words/min overall, "
            f"{p['articulation_wpm']:.0f} while speaking"
        )
        if p.get("wpm_windows"):
            out.append(
                "           per 15 s: " + " ".join(f"{w['wpm']:.0f}" for w in p["wpm_windows"])
            )
    fillers = p.get("fillers", [])
    kinds: dict[str, int] = {}
    for f in fillers:
        kinds[f["text"]] = kinds.get(f["text"], 0) + 1
    detail = ", ".join(f"{k} x{n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    rate = f" ({p['fillers_per_min']:.1f}/min)" if p.get("fillers_per_min") is not None else ""
    out.append(_head("Fillers    ") + f"{len(fillers)}{rate}" + (f": {detail}" if detail else ""))
    pauses = p.get("pauses", [])
    if r["source"] == "audio":
        mid = sum(1 for x in pauses if x["kind"] == "mid_sentence")
        longp = sum(1 for x in pauses if x["long"])
        out.append(
            _head("Pauses     ") + f"{len(pauses)} of 1 s or more ({mid} mid-sentence, "
            f"{longp} long)"
            + "".join(
                f"\n           {_t(x['start'])} {x['duration']:.1f} s {x['kind'].replace('_', ' ')}"
                for x in pauses[:6]
            )
        )

    s = r["structure"]
    out.append(_head("Structure  ") + "(share of the answer; ideal split 20/10/60/10)")
    for sec in s["sections"]:
        bar = "#" * max(1, round(sec["share"] * _BAR))
        when = (
            f"{_t(sec['start'])}-{_t(sec['end'])} {sec['seconds']:5.0f} s "
            if sec.get("seconds") is not None
            else ""
        )
        ideal = f" (ideal {sec['ideal_share'] * 100:.0f}%)" if sec.get("ideal_share") else ""
        out.append(f"  {sec['label']:<11}{when}{sec['share'] * 100:4.0f}%{ideal:<14} {bar}")
    if s["missing"]:
        out.append("  " + click.style("missing: " + ", ".join(s["missing"]), fg="red"))

    out.append(_head("Signals"))
    for name, sig in r["signals"].items():
        good = sig["present"] != (name in ("blame", "hedging"))
        mark = click.style("+" if good else "-", fg="green" if good else "red")
        label = f"{name.replace('_', ' ')}: {'yes' if sig['present'] else 'no'}"
        ev = sig["evidence"][0] if sig["evidence"] else None
        quote = (
            f'  "{_clip(ev["text"])}"'
            + (f" ({_t(ev['start'])})" if ev and ev["start"] is not None else "")
            if ev
            else ""
        )
        out.append(f"  {mark} {label:<32}{quote}")
    iw = r.get("i_we") or {}
    if iw:
        out.append(f"    I/we in the action: {iw['i']} I, {iw['we']} we")
    if r.get("card_signals"):
        out.append(_head("What this interviewer listens for"))
        for c in r["card_signals"]:
            mark = click.style("+" if c["covered"] else "-", fg="green" if c["covered"] else "red")
            ev = f'  "{_clip(c["evidence"][0]["text"])}"' if c["evidence"] else ""
            out.append(f"  {mark} {c['name']:<30}{ev}")

    fb = r["feedback"]
    out.append(_head("Feedback"))
    for i, imp in enumerate(fb["improvements"], 1):
        out.append(_wrap(f"{i}. {imp}", "  ").replace("  ", "  ", 1))
    for st in fb["strengths"]:
        out.append(_wrap("Strength: " + st))
    llm = r.get("llm")
    if llm and llm.get("status") == "ok":
        rv = llm["review"]
        out.append(_head(f"LLM coach ({rv['model']})"))
        for i, imp in enumerate(rv["improvements"], 1):
            out.append(_wrap(f"{i}. {imp}"))
        for sig in rv["signals"]:
            out.append(f"  {sig['name']}: {sig['score']}/5")
        out.append(_wrap(f"Stronger {rv['rewrite_section']}: {rv['rewrite']}"))
    elif llm:
        out.append(
            click.style(
                f"LLM coach off ({llm.get('reason', '')}); local feedback only.", fg="yellow"
            )
        )
    fu = r.get("follow_up")
    if fu:
        out.append(_head("Follow-up ") + f"({fu['source']}): {fu['question']}")
    if attempt_id is not None:
        out.append(
            click.style(f"Saved as attempt {attempt_id} (voicecoach show {attempt_id})", dim=True)
        )
    return "\n".join(out)


def _clip(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
