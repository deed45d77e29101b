"""The `voicecoach` command (click). With no subcommand it opens the practice app."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from voicecoach.cli.context import AppContext, ProgressLine, setup_logging
from voicecoach.errors import VoicecoachError

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("voicecoach")


def friendly_errors(fn: F) -> F:
    """One line on stderr and a non-zero exit, never a traceback (that goes to the log file)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except VoicecoachError as e:
            click.echo(f"voicecoach: {e}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("voicecoach: interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Abort:
            click.echo("\nvoicecoach: not confirmed; nothing changed", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as e:
            log.exception("unexpected error")
            click.echo(
                f"voicecoach: unexpected error: {type(e).__name__}: {e} "
                f"(details in {setup_logging()})",
                err=True,
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where attempts and recordings are kept (or VOICECOACH_DATA_DIR).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (or VOICECOACH_CONFIG).",
)
@click.option("--no-voice", is_flag=True, help="Do not speak questions or feedback.")
@click.version_option(package_name="voicecoach")
@click.pass_context
def main(
    ctx: click.Context, data_dir: Path | None, config_file: Path | None, no_voice: bool
) -> None:
    """Rehearse interview answers out loud, with offline feedback.

    With no command, opens the practice app in the terminal."""
    setup_logging()
    ctx.obj = AppContext(data_dir=data_dir, config_file=config_file, no_voice=no_voice)
    if ctx.invoked_subcommand is None:
        ctx.invoke(practice)


@main.command()
@click.option("--question", "-q", "question_id", help="Start with this question id.")
@click.pass_obj
@friendly_errors
def practice(app: AppContext, question_id: str | None = None) -> None:
    """Open the practice app (the default command)."""
    from voicecoach.cli.launch import run_tui

    run_tui(app, question_id)


@main.command()
@click.argument("audio", required=False, type=click.Path(path_type=Path))
@click.option(
    "--text",
    "text_file",
    type=click.Path(path_type=Path),
    help="Analyse a typed answer from this file ('-' for stdin) instead of audio.",
)
@click.option("--question", "-q", "question_id", help="The question answered (see `questions`).")
@click.option("--target", type=click.FloatRange(min=1), help="Target length in seconds.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@click.option("--no-save", is_flag=True, help="Do not keep this attempt in the history.")
@click.option(
    "--coach",
    type=click.Choice(["local", "llm"]),
    help="llm adds an LLM review (sends the transcript, never audio).",
)
@click.pass_obj
@friendly_errors
def analyze(
    app: AppContext,
    audio: Path | None,
    text_file: Path | None,
    question_id: str | None,
    target: float | None,
    as_json: bool,
    no_save: bool,
    coach: str | None,
) -> None:
    """Analyse a recorded (or typed) answer and print feedback."""
    if (audio is None) == (text_file is None):
        raise click.UsageError("give an AUDIO file or --text FILE (one of them)")
    if coach:
        app.override(coach=coach)
    if app.settings().coach == "llm":
        # Asking for it on the command line is the consent: say once what is sent, never wait.
        from voicecoach.service.coach import PRIVACY_NOTICE, llm_where

        notice = PRIVACY_NOTICE.format(where=llm_where(app.settings()))
        click.echo(f"voicecoach: {notice}", err=True)
    analyzer = app.analyzer(need_store=not no_save)
    if text_file is not None:
        text = _read_text(text_file)
        outcome = analyzer.analyze_text(text, question_id, target, save=not no_save)
    else:
        with ProgressLine() as progress:
            outcome = analyzer.analyze_file(
                audio, question_id, target, save=not no_save, progress=progress
            )
    if as_json:
        click.echo(json.dumps({**outcome.report, "attempt_id": outcome.attempt_id}, indent=2))
    else:
        from voicecoach.cli.render import report_text  # not needed to open the app

        click.echo(report_text(outcome.report, outcome.attempt_id))


def _read_text(path: Path) -> str:
    from voicecoach.errors import VoicecoachError as _E

    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _E(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise _E(f"{path}: cannot read the text ({type(e).__name__})") from None
    if not text.strip():
        raise _E(f"{path}: the answer is empty")
    return text


@main.command()
@click.argument("audio", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print words with timings as JSON.")
@click.pass_obj
@friendly_errors
def transcribe(app: AppContext, audio: Path, as_json: bool) -> None:
    """Print what the recognizer hears in AUDIO (nothing is saved)."""
    from voicecoach.audio.files import load_audio

    analyzer = app.analyzer(need_store=False)
    samples = load_audio(audio).samples
    with ProgressLine() as progress:
        transcript = analyzer.transcribe(samples, progress)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "text": transcript.text,
                    "duration_s": transcript.duration_s,
                    "notes": list(transcript.notes),
                    "words": [
                        {
                            "text": w.text,
                            "start": w.start,
                            "end": w.end,
                            "probability": round(w.probability, 3),
                        }
                        for w in transcript.words
                    ],
                },
                indent=2,
            )
        )
    else:
        for note in transcript.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(transcript.text)


@main.command()
@click.option(
    "--category", help="behavioral, leadership, collaboration, execution, technical, growth"
)
@click.option("--competency", help="Part of a competency name, e.g. 'conflict'.")
@click.option("--level", type=click.Choice(["junior", "mid", "senior", "staff"]))
@click.option("--random", "pick_random", is_flag=True, help="Pick one matching card at random.")
@click.option("--unpractised", is_flag=True, help="Prefer cards not practised yet (with --random).")
@click.option("--show", "show_id", help="Print one whole card.")
@click.option("--check", is_flag=True, help="Validate every card; exit 1 on any error.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly_errors
def questions(
    app: AppContext,
    category: str | None,
    competency: str | None,
    level: str | None,
    pick_random: bool,
    unpractised: bool,
    show_id: str | None,
    check: bool,
    as_json: bool,
) -> None:
    """List the question cards."""
    bank = app.bank()
    for err in bank.errors:
        click.echo(f"voicecoach: {err}", err=True)
    if check:
        click.echo(f"{len(bank.cards)} cards valid, {len(bank.errors)} with errors")
        sys.exit(1 if bank.errors else 0)
    if show_id:
        card = bank.get(show_id)
        click.echo(
            json.dumps(
                {
                    **card.summary(),
                    "clarifying_questions": list(card.clarifying_questions),
                    "assumptions": card.assumptions,
                    "tip": card.tip,
                    "follow_ups": list(card.follow_ups),
                    "signals": [dataclasses.asdict(s) for s in card.signals],
                    "model_answer": card.model_answer,
                },
                indent=2,
            )
            if as_json
            else _card_text(card)
        )
        return
    cards = bank.filter(category, competency, level)
    if pick_random:
        practised = app.store().practised_questions() if unpractised else set()
        chosen = bank.pick(cards, practised, unpractised_first=unpractised)
        cards = [chosen] if chosen else []
    if as_json:
        click.echo(json.dumps([c.summary() for c in cards], indent=2))
        return
    if not cards:
        click.echo("no cards match", err=True)
        sys.exit(1)
    for c in cards:
        click.echo(f"{c.id:<36} {c.category:<13} {c.level:<7} {c.target_seconds:>4}s  {c.title}")


def _card_text(card: Any) -> str:
    lines = [
        click.style(card.title, bold=True),
        f"{card.id} | {card.category} | {card.level} | target {card.target_seconds}s | "
        + ", ".join(card.competencies),
        "",
        card.prompt,
        "",
        "Clarifying questions:",
    ]
    lines += [f"  - {q}" for q in card.clarifying_questions]
    lines += ["Assumptions:", f"  {card.assumptions}", "What the interviewer listens for:"]
    lines += [f"  - {s.name}: {s.description}" for s in card.signals]
    lines += ["Tip:", f"  {card.tip}", "Model answer:"]
    lines += [f"  {k.title()}: {v}" for k, v in card.model_answer.items()]
    lines += ["Follow-ups:"] + [f"  - {f}" for f in card.follow_ups]
    return "\n".join(lines)


@main.command()
@click.option("--question", "-q", "question_id", help="Only attempts at this question.")
@click.option("--competency", help="Only questions probing this competency (part of its name).")
@click.option("--since", help="Only attempts on or after this date (YYYY-MM-DD, UTC).")
@click.option("--until", help="Only attempts before this date (YYYY-MM-DD, UTC).")
@click.option("--limit", type=click.IntRange(min=1), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly_errors
def history(
    app: AppContext,
    question_id: str | None,
    competency: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List saved attempts, newest first."""
    from voicecoach.service.review import question_ids_for

    ids = question_ids_for(app.bank(), competency) if competency else None
    rows = app.store().list(
        question_id=question_id,
        limit=limit,
        since=_date(since),
        until=_date(until),
        question_ids=ids,
    )
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], indent=2))
        return
    if not rows:
        click.echo("no attempts yet: `voicecoach analyze FILE` or `voicecoach` to practise")
        return
    click.echo(
        f"{'id':>5}  {'when (UTC)':<19}  {'question':<32} {'spoke':>6} {'target':>6} "
        f"{'wpm':>4} {'fill/min':>8} {'STAR':>5}"
    )
    for r in rows:
        spoke = f"{r.speaking_s:.0f}s" if r.speaking_s is not None else "text"
        target = f"{r.target_s:.0f}s" if r.target_s else "-"
        wpm = f"{r.wpm:.0f}" if r.wpm is not None else "-"
        fpm = f"{r.fillers_per_min:.1f}" if r.fillers_per_min is not None else "-"
        star = f"{(r.star_coverage or 0) * 5:.0f}/5"
        click.echo(
            f"{r.id:>5}  {r.created_at[:19].replace('T', ' '):<19}  "
            f"{(r.question_id or '-'):<32} {spoke:>6} {target:>6} {wpm:>4} {fpm:>8} {star:>5}"
        )


@main.command()
@click.argument("attempt_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly_errors
def show(app: AppContext, attempt_id: int, as_json: bool) -> None:
    """Print a saved attempt again."""
    attempt = app.store().get(attempt_id)
    if as_json:
        click.echo(
            json.dumps(
                {
                    **attempt.report,
                    "attempt_id": attempt.id,
                    "created_at": attempt.summary.created_at,
                    "audio_path": str(attempt.audio_path) if attempt.audio_path else None,
                },
                indent=2,
            )
        )
    else:
        from voicecoach.cli.render import report_text

        click.echo(report_text(attempt.report, None))
        click.echo(
            click.style(
                f"Attempt {attempt.id}, {attempt.summary.created_at}"
                + (f", audio {attempt.audio_path}" if attempt.audio_path else ""),
                dim=True,
            )
        )


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly_errors
def devices(app: AppContext, as_json: bool) -> None:
    """List microphones (input devices); `input_device` in the settings picks one."""
    from voicecoach.audio.devices import NO_DEVICE_HELP, list_inputs
    from voicecoach.errors import AudioError

    inputs = list_inputs()
    if as_json:
        click.echo(json.dumps([d.__dict__ for d in inputs], indent=2))
        return
    if not inputs:
        raise AudioError(NO_DEVICE_HELP)
    chosen = app.settings().input_device
    for d in inputs:
        mark = "*" if d.is_default else " "
        click.echo(f"{mark} {d.index:>3}  {d.name:<40} {d.channels} ch, {d.samplerate:.0f} Hz")
    click.echo(f"(* system default; settings input_device = {chosen!r})")


def _date(text: str | None) -> str | None:
    if text is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a date like 2026-11-25") from None


@main.command()
@click.option("--question", "-q", "question_id", help="Only attempts at this question.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly_errors
def progress(app: AppContext, question_id: str | None, as_json: bool) -> None:
    """Trends per measure over time, and your own baseline beside the general ranges."""
    from voicecoach.service.review import GENERAL, MEASURES, baseline, sparkline, trends

    rows = app.store().list(question_id=question_id)
    series = trends(rows)
    base = baseline(rows)
    if as_json:
        click.echo(json.dumps({"trends": series, "baseline": base, "general": GENERAL}, indent=2))
        return
    if not rows:
        click.echo("no attempts yet: practise first")
        return
    click.echo(f"{len(rows)} attempts, oldest to newest")
    for m in MEASURES:
        values = [v for _, v in series[m.key]]
        if not values:
            continue
        click.echo(
            f"  {m.label:<24} {sparkline(values[-40:]):<40}  first {values[0]:.1f}, "
            f"last {values[-1]:.1f} {m.unit}"
        )
    if base["wpm"] is not None:
        lo, hi = GENERAL["wpm"]
        click.echo(
            f"Your usual pace {base['wpm']:.0f} words/min (general range {lo:.0f}-{hi:.0f}); "
            f"fillers {base['fillers_per_min']:.1f}/min (aim under "
            f"{GENERAL['fillers_per_min'][1]:.0f}), from your last {base['attempts']} "
            "spoken attempts"
        )


@main.command()
@click.argument("before", type=int, required=False)
@click.argument("after", type=int, required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly_errors
def compare(app: AppContext, before: int | None, after: int | None, as_json: bool) -> None:
    """Compare two takes: a word-level diff and the change in each measure.

    With one id, compares it with the previous take of the same question; with none, the newest
    attempt with its previous take."""
    from voicecoach.errors import StorageError
    from voicecoach.service.review import MEASURES
    from voicecoach.service.review import compare as compare_takes

    store = app.store()
    if after is None:
        latest = before if before is not None else next((r.id for r in store.list(limit=1)), None)
        if latest is None:
            raise StorageError("no attempts yet")
        prev = store.previous_take(latest)
        if prev is None:
            raise StorageError(f"attempt {latest} has no earlier take of the same question")
        before, after = prev.id, latest
    result = compare_takes(store.get(before), store.get(after))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(click.style(f"Attempt {before} -> {after}", bold=True))
    for m in MEASURES:
        a, b = result.changes[m.key]
        if a is None and b is None:
            continue
        delta = "" if a is None or b is None else f" ({b - a:+.2f})"
        fa = "-" if a is None else f"{a:.2f}"
        fb = "-" if b is None else f"{b:.2f}"
        click.echo(f"  {m.label:<24} {fa:>8} -> {fb:<8}{delta}")
    text = []
    for op, words in result.diff:
        if op == "=":
            text.append(words)
        elif op == "-":
            text.append(click.style(f"[-{words}-]", fg="red"))
        else:
            text.append(click.style(f"{{+{words}+}}", fg="green"))
    click.echo(" ".join(text))


@main.command()
@click.argument("attempt_id", type=int, required=False)
@click.option("--all", "everything", is_flag=True, help="The whole history as one file.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.pass_obj
@friendly_errors
def export(
    app: AppContext, attempt_id: int | None, everything: bool, fmt: str, output: Path | None
) -> None:
    """Export an attempt (or --all) as Markdown for a coach, or JSON."""
    from voicecoach.errors import VoicecoachError as _E
    from voicecoach.service.review import (
        all_attempts,
        export_json,
        export_markdown,
        history_markdown,
    )

    if (attempt_id is None) == (not everything):
        raise click.UsageError("give an attempt ID or --all")
    store = app.store()
    attempts = all_attempts(store) if everything else [store.get(attempt_id)]  # type: ignore[arg-type]
    if fmt == "json":
        text = export_json(attempts)
    elif everything:
        text = history_markdown(attempts, app.bank())
    else:
        text = export_markdown(attempts[0], app.bank())
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        tmp = output.with_name(output.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as e:
        raise _E(f"{output}: cannot write ({e.strerror or e})") from None
    click.echo(
        f"wrote {output} ({len(attempts)} attempt{'s' if len(attempts) != 1 else ''})", err=True
    )


@main.command()
@click.argument("attempt_id", type=int, required=False)
@click.option("--all", "everything", is_flag=True, help="Delete every attempt and recording.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
@friendly_errors
def delete(app: AppContext, attempt_id: int | None, everything: bool, yes: bool) -> None:
    """Delete one attempt (its recording and rows), or --all."""
    if (attempt_id is None) == (not everything):
        raise click.UsageError("give an attempt ID or --all")
    store = app.store()
    if everything:
        what = f"all {store.count()} attempts and their recordings"
    else:
        store.get(attempt_id)  # type: ignore[arg-type]  # an unknown id fails before asking
        what = f"attempt {attempt_id} and its recording"
    if not yes and not click.confirm(f"Delete {what}?", default=False, err=True):
        click.echo("nothing deleted", err=True)
        sys.exit(1)
    if everything:
        store.delete_all()
    else:
        store.delete(attempt_id)  # type: ignore[arg-type]
    click.echo(f"deleted {what}", err=True)
