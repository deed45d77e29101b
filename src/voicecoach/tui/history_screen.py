"""History: attempts newest first, filterable; open one, compare takes, see progress, delete."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Sparkline, Static

from voicecoach.analysis.feedback import mmss
from voicecoach.errors import VoicecoachError
from voicecoach.service.review import GENERAL, MEASURES, baseline, compare, trends
from voicecoach.storage import AttemptSummary

PAGE = 40  # rows fetched at a time (about a screenful); more arrive as the cursor reaches the end


class HistoryScreen(Screen):
    SUB_TITLE = "history"
    AUTO_FOCUS = "DataTable"  # arrows and Enter work at once; the filter is a click or Tab away
    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("c", "compare", "Compare with previous take"),
        Binding("g", "progress", "Progress"),
        Binding("d", "delete", "Delete"),
        Binding("escape", "app.go_home", "Home"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="filter: question id or competency", id="history-filter")
        yield Static(id="history-status")
        yield DataTable(id="attempts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    @property
    def practice(self):
        return self.app.practice  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Fixed widths: auto width measures every row, which a long history cannot afford.
        for label, width in (("id", 6), ("when (UTC)", 16), ("question", 34), ("spoke", 6),
                             ("target", 6), ("wpm", 4), ("fillers/min", 11), ("STAR", 4),
                             ("signals", 7)):
            table.add_column(label, width=width)
        self.load()
        table.focus()

    def query_args(self, text: str) -> dict:
        text = text.strip().lower()
        if not text:
            return {}
        if text in self.practice.bank.cards:
            return {"question_id": text}
        ids = [
            c.id
            for c in self.practice.bank.cards.values()
            if text in c.id or any(text in x.lower() for x in c.competencies)
        ]
        return {"question_ids": ids}

    def rows(self, text: str) -> list[AttemptSummary]:
        return self.practice.store.list(**self.query_args(text))

    def load(self, text: str = "", more: bool = False) -> None:
        table = self.query_one(DataTable)
        if not more:
            table.clear()
            self._args = self.query_args(text)
            self._loaded = 0
        rows = self.practice.store.list(limit=PAGE, offset=self._loaded, **self._args)
        self._loaded += len(rows)
        self._exhausted = len(rows) < PAGE
        table.add_rows(
            (
                str(r.id),
                r.created_at[:16].replace("T", " "),
                r.question_id or "-",
                mmss(r.speaking_s) if r.speaking_s is not None else "typed",
                mmss(r.target_s) if r.target_s else "-",
                f"{r.wpm:.0f}" if r.wpm is not None else "-",
                f"{r.fillers_per_min:.1f}" if r.fillers_per_min is not None else "-",
                f"{round((r.star_coverage or 0) * 5)}/5",
                f"{r.signals_hit}/7" if r.signals_hit is not None else "-",
            )
            for r in rows
        )
        status = f"{self._loaded} attempts" + ("" if self._exhausted else " so far (more below)")
        self.query_one("#history-status", Static).update(
            status if self._loaded else "No attempts yet: practise a question first."
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not self._exhausted and event.cursor_row >= self._loaded - 1:
            self.load(more=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.load(event.value)

    def selected_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return int(table.get_row_at(table.cursor_row)[0])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        attempt_id = self.selected_id()
        if attempt_id is None:
            return
        attempt = self.practice.store.get(attempt_id)
        card = self.practice.bank.cards.get(attempt.summary.question_id or "")
        self.app.show_feedback(attempt.report, attempt.id, card, speak=False)  # type: ignore[attr-defined]

    def action_compare(self) -> None:
        attempt_id = self.selected_id()
        if attempt_id is None:
            return
        prev = self.practice.store.previous_take(attempt_id)
        if prev is None:
            self.notify("No earlier take of this question to compare with.", severity="warning")
            return
        store = self.practice.store
        self.app.push_screen(CompareScreen(compare(store.get(prev.id), store.get(attempt_id))))

    def action_progress(self) -> None:
        self.app.push_screen(ProgressScreen(self.rows(self.query_one(Input).value)))

    def action_delete(self) -> None:
        attempt_id = self.selected_id()
        if attempt_id is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                try:
                    self.practice.store.delete(attempt_id)
                except VoicecoachError as e:
                    self.notify(str(e), severity="error")
                self.load(self.query_one(Input).value)

        self.app.push_screen(
            ConfirmScreen(f"Delete attempt {attempt_id} and its recording?"), confirmed
        )


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="dialog"):
            yield Static(self.question, classes="heading")
            yield Button("Delete", id="yes", variant="error")
            yield Button("Keep", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ProgressScreen(Screen):
    """A trend per measure, and the person's own baseline beside the general ranges."""

    SUB_TITLE = "progress"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, attempts: list[AttemptSummary]) -> None:
        super().__init__()
        self.attempts = attempts

    def compose(self) -> ComposeResult:
        series = trends(self.attempts)
        base = baseline(self.attempts)
        yield Header()
        with VerticalScroll(id="progress"):
            yield Static(f"{len(self.attempts)} attempts, oldest to newest", classes="heading")
            for m in MEASURES:
                values = [v for _, v in series[m.key]]
                if not values:
                    continue
                yield Static(
                    f"{m.label}: first {values[0]:.1f}, last {values[-1]:.1f} {m.unit}",
                    classes="measure",
                )
                yield Sparkline(values[-200:], classes="trend")
            if base["wpm"] is not None:
                lo, hi = GENERAL["wpm"]
                yield Static(
                    f"Your usual pace: {base['wpm']:.0f} words/min "
                    f"(general range {lo:.0f}-{hi:.0f}). "
                    f"Your usual filler rate: {base['fillers_per_min']:.1f}/min (aim under "
                    f"{GENERAL['fillers_per_min'][1]:.0f}). From your last {base['attempts']} "
                    "spoken attempts.",
                    id="baseline",
                )
        yield Footer()


class CompareScreen(Screen):
    """Two takes of a question: the change in each measure and a word-level diff."""

    SUB_TITLE = "compare takes"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, comparison) -> None:
        super().__init__()
        self.comparison = comparison

    def compose(self) -> ComposeResult:
        c = self.comparison
        changes = Text()
        for m in MEASURES:
            a, b = c.changes[m.key]
            if a is None and b is None:
                continue
            fa = "-" if a is None else f"{a:.2f}"
            fb = "-" if b is None else f"{b:.2f}"
            changes.append(f"{m.label:<26}{fa:>8} → {fb:<8}")
            if a is not None and b is not None and b != a:
                good = (b > a) if m.better == "up" else (b < a) if m.better == "down" else None
                style = "" if good is None else ("green" if good else "red")
                changes.append(f" ({b - a:+.2f})", style=style)
            changes.append("\n")
        diff = Text()
        for op, words in c.diff:
            style = {"=": "", "-": "strike red", "+": "bold green"}[op]
            diff.append(words + " ", style=style)
        yield Header()
        with VerticalScroll(id="compare"):
            yield Static(f"Attempt {c.before.id} → attempt {c.after.id}", classes="heading")
            yield Static(changes, id="changes")
            yield Static("What changed in the words (red: dropped, green: new)", classes="heading")
            yield Static(diff, id="diff")
        yield Footer()
