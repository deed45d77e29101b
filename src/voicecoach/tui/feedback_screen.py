"""Feedback: the headline, STAR timeline, pace, signals, transcript; spoken feedback plays."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from voicecoach.errors import VoicecoachError
from voicecoach.questions import Card
from voicecoach.tui.messages import SpeechDone
from voicecoach.tui.report_view import feedback_text, headline, signals_text, transcript_text
from voicecoach.tui.widgets import star_timeline


class FeedbackScreen(Screen):
    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("n", "next", "Next question"),
        Binding("f", "follow_up", "Answer the follow-up"),
        Binding("p", "play", "Play my answer"),
        Binding("s", "play_from", "Play from a sentence"),
        Binding("m", "model_answer", "Model answer"),
        Binding("k", "skip", "Skip speech"),
        Binding("h", "history", "History"),
        Binding("escape", "home", "Home"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self, report: dict[str, Any], attempt_id: int | None, card: Card | None, speak: bool = False
    ) -> None:
        super().__init__()
        # Titles are set before mounting: a change after mount schedules a header update
        # that fails if the screen is switched away first (Textual 8).
        self.sub_title = f"attempt {attempt_id}" if attempt_id else "feedback"
        self.report = report
        self.attempt_id = attempt_id
        self.card = card
        self.speak_on_mount = speak

    @property
    def practice(self):
        return self.app.practice  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        r = self.report
        yield Header()
        with VerticalScroll(id="feedback"):
            yield Static(headline(r), id="headline")
            for note in r.get("notes", []):
                yield Static(f"Note: {note}", classes="note")
            yield Static("Feedback", classes="heading")
            yield Static(feedback_text(r), id="feedback-text")
            fu = r.get("follow_up")
            if fu:
                yield Static(
                    f"Follow-up ({fu['source']}, F to answer it): {fu['question']}", id="follow-up"
                )
            yield Static("Structure over time", classes="heading")
            yield Static(star_timeline(r["structure"]["sections"]), id="timeline")
            if r["structure"]["missing"]:
                yield Static("Missing: " + ", ".join(r["structure"]["missing"]), id="missing")
            windows = r["pacing"].get("wpm_windows") or []
            if windows:
                yield Static(
                    "Pace per 15 s (words/min): " + " ".join(f"{w['wpm']:.0f}" for w in windows),
                    classes="heading",
                )
                yield Sparkline([w["wpm"] for w in windows], id="pace")
            yield Static("Signals", classes="heading")
            yield Static(signals_text(r), id="signals")
            yield Static("Transcript (fillers in red, pauses marked)", classes="heading")
            yield Static(transcript_text(r), id="transcript")
            if self.card is not None:
                yield Static("Model answer from the card", classes="heading model")
                yield Static(
                    "\n".join(f"{k.title()}: {v}" for k, v in self.card.model_answer.items()),
                    id="model-answer",
                    classes="model",
                )
        yield Footer()

    def on_mount(self) -> None:
        if self.speak_on_mount and self.practice.voice is not None:
            self.speak(self.report["feedback"]["spoken"])

    @work(thread=True, exit_on_error=False, group="speech")
    def speak(self, text: str) -> None:
        self.post_message(SpeechDone("feedback", self.practice.say(text)))

    @work(thread=True, exit_on_error=False, group="speech")
    def play(self, start_s: float = 0.0) -> None:
        try:
            self.practice.play_attempt(self.attempt_id, start_s)
        except VoicecoachError as e:
            self.app.call_from_thread(self.notify, str(e), severity="warning")
        self.post_message(SpeechDone("playback", True))

    def action_skip(self) -> None:
        self.practice.stop_speaking()

    def action_play(self) -> None:
        if self.attempt_id is None:
            self.notify("This answer was not saved.", severity="warning")
            return
        self.practice.stop_speaking()
        self.play()

    def action_play_from(self) -> None:
        sentences = [x for x in self.report["structure"]["sentences"] if x.get("start") is not None]
        if self.attempt_id is None or not sentences:
            self.notify("No recording to play.", severity="warning")
            return

        def chosen(start: float | None) -> None:
            if start is not None:
                self.practice.stop_speaking()
                self.play(start)

        self.app.push_screen(SentencePicker(sentences), chosen)

    def action_model_answer(self) -> None:
        if self.card is None:
            self.notify("This attempt has no question card.", severity="warning")
            return
        self.toggle_class("-show-model")
        if self.has_class("-show-model"):
            self.query_one("#model-answer").scroll_visible()

    def action_retry(self) -> None:
        self.practice.stop_speaking()
        if self.card is not None:
            self.app.start_practice(self.card, parent_id=self.attempt_id, replace=True)  # type: ignore[attr-defined]

    def action_follow_up(self) -> None:
        fu = self.report.get("follow_up")
        if not fu or self.card is None:
            self.notify("No follow-up for this answer.", severity="warning")
            return
        self.practice.stop_speaking()
        self.app.start_follow_up(self.card, fu["question"], self.attempt_id)  # type: ignore[attr-defined]

    def action_next(self) -> None:
        self.practice.stop_speaking()
        self.app.next_question(self.card)  # type: ignore[attr-defined]

    def action_history(self) -> None:
        self.practice.stop_speaking()
        self.app.show_history()  # type: ignore[attr-defined]

    def action_home(self) -> None:
        self.practice.stop_speaking()
        self.app.go_home()  # type: ignore[attr-defined]


class SentencePicker(ModalScreen[float | None]):
    """Choose the sentence to play the recording from."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, sentences: list[dict]) -> None:
        super().__init__()
        self.sentences = sentences

    def compose(self) -> ComposeResult:
        from voicecoach.analysis.feedback import mmss

        yield OptionList(
            *[
                Option(f"{mmss(x['start'])}  {x['text']}", id=str(i))
                for i, x in enumerate(self.sentences)
            ],
            id="sentences",
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(float(self.sentences[int(event.option.id or 0)]["start"]))
