"""Practice: the question is shown and read aloud, the answer recorded and timed."""

from __future__ import annotations

import time

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, LoadingIndicator, Static

from voicecoach.errors import VoicecoachError
from voicecoach.questions import Card
from voicecoach.service.practice import RecorderLike, answer_clarifying
from voicecoach.tui.messages import AnalysisDone, AnalysisFailed, AnalysisProgress, SpeechDone
from voicecoach.tui.widgets import AnswerTimer, LevelMeter

SILENCE_LEVEL = 0.02  # peak below this counts as silence for auto-stop


class PracticeScreen(Screen):
    AUTO_FOCUS = None  # SPACE belongs to the answer, not to a focused widget
    BINDINGS = [
        Binding("space", "toggle", "Start/stop answer"),
        Binding("c", "clarify", "Ask a clarifying question"),
        Binding("k", "skip", "Skip speech"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, card: Card, parent_id: int | None = None) -> None:
        super().__init__()
        # Titles are set before mounting: a change after mount schedules a header update
        # that fails if the screen is switched away first (Textual 8).
        self.sub_title = f"{card.category} · {card.level}"
        self.card = card
        self.parent_id = parent_id
        self.recorder: RecorderLike | None = None
        self.state = "reading"
        self._last_voice = 0.0
        self._cued = False

    @property
    def practice(self):
        return self.app.practice  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="practice"):
            yield Static(self.card.title, id="q-title")
            yield Static(self.card.prompt, id="q-prompt")
            yield Static("", id="reply")
            with Horizontal(id="recording-bar"):
                yield AnswerTimer(self.card.target_seconds, id="timer")
                yield LevelMeter(id="meter")
            yield Static("", id="device")
            yield Static("", id="status")
            yield LoadingIndicator(id="busy")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#timer", AnswerTimer).elapsed = 0.0
        self.query_one("#meter", LevelMeter).level = 0.0
        if self.practice.voice is not None and self.practice.settings.voice:
            self.status("Reading the question aloud… (K to skip)")
            self.speak(self.card.prompt, "question")
        else:
            self.ready()

    def status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def ready(self) -> None:
        self.state = "ready"
        if self.practice.settings.auto_record:
            self.action_toggle()
        else:
            self.status("Press SPACE to start answering. C asks a clarifying question.")

    # -- speech (worker threads; the voice engine has its own thread)
    @work(thread=True, exit_on_error=False, group="speech")
    def speak(self, text: str, what: str) -> None:
        spoken = self.practice.say(text)
        self.post_message(SpeechDone(what, spoken))

    def on_speech_done(self, message: SpeechDone) -> None:
        if self.state == "reading":
            self.ready()

    def action_skip(self) -> None:
        self.practice.stop_speaking()

    # -- clarifying questions
    def action_clarify(self) -> None:
        if self.state not in ("ready", "reading"):
            return
        if self.query("#clarify"):
            return
        # Mounted only when asked for, so no text box ever holds the focus SPACE needs.
        box = Input(
            placeholder="Ask the interviewer a clarifying question, then Enter", id="clarify"
        )
        self.query_one("#practice").mount(box, after="#reply")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "clarify" or not event.value.strip():
            return
        reply = answer_clarifying(self.card, event.value)
        self.query_one("#reply", Static).update(f"Interviewer: {reply}")
        event.input.remove()
        if self.practice.voice is not None and self.practice.settings.voice:
            self.state = "reading"
            self.status("The interviewer answers… (K to skip)")
            self.speak(reply, "reply")

    # -- recording
    def action_toggle(self) -> None:
        if self.state == "recording":
            self.finish()
        elif self.state in ("ready", "reading"):
            self.begin()

    def begin(self) -> None:
        self.practice.stop_speaking()  # never record while speaking
        if not self.practice.inputs():
            self.app.show_no_microphone(self.card)  # type: ignore[attr-defined]
            return
        self.recorder = self.practice.recorder()
        try:
            self.recorder.start()
        except VoicecoachError as e:
            self.recorder = None
            self.status(f"[red]{e}[/]")
            return
        self.state = "recording"
        self._last_voice = time.monotonic()
        dev = self.recorder.device.name if self.recorder.device else "default input"
        self.query_one("#device", Static).update(f"Recording from: {dev}")
        self.status("Recording… press SPACE to stop.")
        self.add_class("-recording")
        self._ticker = self.set_interval(1 / 20, self.tick)

    def tick(self) -> None:
        rec = self.recorder
        if rec is None or self.state != "recording":
            return
        level = rec.level()
        if level is not None:
            self.query_one("#meter", LevelMeter).level = level
            if level >= SILENCE_LEVEL:
                self._last_voice = time.monotonic()
        elapsed = rec.elapsed_s
        self.query_one("#timer", AnswerTimer).elapsed = elapsed
        if not self._cued and elapsed >= self.card.target_seconds:
            self._cued = True
            self.app.bell()  # a sounded cue at the target; the terminal bell is not recorded
        s = self.practice.settings
        if rec.lost:
            self.finish("The microphone stopped; analysing what was recorded.")
        elif s.silence_stop_s and time.monotonic() - self._last_voice >= s.silence_stop_s:
            self.finish(f"Stopped after {s.silence_stop_s:.0f} s of silence.")
        elif elapsed >= s.max_answer_s:
            self.finish("Stopped at the time limit.")

    def finish(self, why: str = "") -> None:
        if self.recorder is None:
            return
        self._ticker.stop()
        self.state = "analysing"
        self.remove_class("-recording")
        try:
            take = self.recorder.stop()
        except VoicecoachError as e:
            self.status(f"[red]{e}[/]")
            self.state = "ready"
            return
        if take.duration_s < 0.3:
            self.practice.discard_take(take.path)
            self.state = "ready"
            self.status("Nothing was recorded. Press SPACE to try again.")
            return
        self.query_one("#busy").add_class("-open")
        self.status((why + " " if why else "") + "Transcribing…")
        self.analyze(take.path, take.notes)

    @work(thread=True, exit_on_error=False, group="analysis")
    def analyze(self, path, notes: tuple[str, ...] = ()) -> None:
        try:
            outcome = self.practice.analyze_take(
                path,
                self.card,
                lambda text: self.post_message(AnalysisProgress(text)),
                self.parent_id,
                notes,
            )
        except VoicecoachError as e:
            self.post_message(AnalysisFailed(str(e)))
            return
        self.post_message(AnalysisDone(outcome))

    def on_analysis_progress(self, message: AnalysisProgress) -> None:
        self.status(message.text.capitalize() + "…")

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self.query_one("#busy").remove_class("-open")
        self.state = "ready"
        self.status(f"[red]{message.error}[/] The take is kept; press SPACE to answer again.")

    def on_analysis_done(self, message: AnalysisDone) -> None:
        self.app.show_feedback(
            message.outcome.report,
            message.outcome.attempt_id,  # type: ignore[attr-defined]
            self.card,
            speak=True,
        )

    def action_back(self) -> None:
        if self.state == "recording" and self.recorder is not None:
            self._ticker.stop()
            take = self.recorder.stop()
            self.practice.discard_take(take.path)
        self.practice.stop_speaking()
        self.app.pop_screen()
