"""Settings: the microphone, the voice and how answers start and stop; saved to config.toml."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Switch


class SettingsScreen(Screen):
    SUB_TITLE = "settings"
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "app.pop_screen", "Back")]

    @property
    def practice(self):
        return self.app.practice  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        s = self.practice.settings
        inputs = self.practice.inputs()
        options = [("system default", "")]
        options += [(f"{d.index}: {d.name}", str(d.index)) for d in inputs]
        current = s.input_device if s.input_device in {v for _, v in options} else ""
        yield Header()
        with VerticalScroll(id="settings"):
            yield Label("Microphone" + ("" if inputs else " (none found)"))
            yield Select(options, value=current, allow_blank=False, id="input_device")
            with Horizontal(classes="setting"):
                yield Label("Read questions and feedback aloud")
                yield Switch(value=s.voice, id="voice")
            yield Label("Voice rate (words per minute, roughly)")
            yield Input(str(s.voice_rate), id="voice_rate", type="integer")
            with Horizontal(classes="setting"):
                yield Label("Start recording when the question has been read")
                yield Switch(value=s.auto_record, id="auto_record")
            yield Label("Stop after this many seconds of silence (0: never)")
            yield Input(f"{s.silence_stop_s:g}", id="silence_stop_s", type="number")
            yield Button("Save", id="save", variant="primary")
        yield Footer()

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.action_save()

    def action_save(self) -> None:
        rate = self.query_one("#voice_rate", Input).value.strip()
        silence = self.query_one("#silence_stop_s", Input).value.strip()
        try:
            changes = {
                "input_device": str(self.query_one("#input_device", Select).value or ""),
                "voice": self.query_one("#voice", Switch).value,
                "voice_rate": max(80, min(400, int(rate or 170))),
                "auto_record": self.query_one("#auto_record", Switch).value,
                "silence_stop_s": max(0.0, float(silence or 0)),
            }
        except ValueError:
            self.notify("Voice rate and silence must be numbers.", severity="error")
            return
        try:
            self.practice.update_settings(save=True, **changes)
        except OSError as e:
            self.notify(f"Could not save the settings ({e.strerror or e}).", severity="error")
            return
        self.notify("Settings saved.")
        self.app.pop_screen()
