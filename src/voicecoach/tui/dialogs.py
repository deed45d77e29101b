"""Modal screens: no microphone, a typed answer, an unfinished take found at start."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static, TextArea

from voicecoach.audio.devices import NO_DEVICE_HELP
from voicecoach.questions import Card


class NoMicrophoneScreen(ModalScreen[str | None]):
    """Says there is no input device and how to fix it; offers a file or a typed answer."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, card: Card | None) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("No microphone", classes="heading")
            yield Static(NO_DEVICE_HELP[0].upper() + NO_DEVICE_HELP[1:] + ", then look again.")
            yield Static("You can still analyse a recording or a typed answer:")
            yield Input(placeholder="path to a recording, then Enter", id="file")
            yield Button("Look again for a microphone", id="retry")
            yield Button("Type my answer instead", id="type")
            yield Button("Back", id="back")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss({"retry": "retry", "type": "type", "back": None}[event.button.id or "back"])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss("file:" + event.value.strip())


class TypedAnswerScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Analyse"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, card: Card | None) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.card.prompt if self.card else "Your answer", id="typed-prompt")
            yield TextArea(id="typed")
            yield Button("Analyse (Ctrl+S)", id="go")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        text = self.query_one(TextArea).text
        self.dismiss(text if text.strip() else None)

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.action_submit()


class RecoverTakeScreen(ModalScreen[str]):
    """A take from a session that ended during an answer: analyse it, or let it go."""

    def __init__(self, take: Path) -> None:
        super().__init__()
        self.take = take

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("An unfinished answer was found", classes="heading")
            yield Static(
                f"{self.take.name} was recorded but never analysed "
                "(the app was closed during the answer)."
            )
            yield Button("Analyse it now", id="analyse", variant="primary")
            yield Button("Keep it for later", id="keep")
            yield Button("Delete it", id="delete", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "keep")


class LlmConsentScreen(ModalScreen[bool]):
    """Asked once, the first time the LLM coach is on: what leaves the machine, and to where."""

    def __init__(self, notice: str) -> None:
        super().__init__()
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Switch on the LLM coach?", classes="heading")
            yield Static(self.notice)
            yield Static("Local feedback always runs; the LLM adds a review beside it.")
            yield Button("Yes, send transcripts", id="yes", variant="primary")
            yield Button("No, keep everything local", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
