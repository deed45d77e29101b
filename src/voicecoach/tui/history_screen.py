"""History: saved attempts, newest first; Enter opens one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from voicecoach.analysis.feedback import mmss


class HistoryScreen(Screen):
    SUB_TITLE = "history"
    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("escape", "app.go_home", "Home"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="history-status")
        yield DataTable(id="attempts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        store = self.app.practice.store  # type: ignore[attr-defined]
        table = self.query_one(DataTable)
        table.add_columns("when", "question", "spoke", "target", "wpm", "fillers/min", "STAR")
        rows = store.list(limit=500)
        for r in rows:
            table.add_row(
                r.created_at[:16].replace("T", " "),
                r.question_id or "-",
                mmss(r.speaking_s) if r.speaking_s is not None else "typed",
                mmss(r.target_s) if r.target_s else "-",
                f"{r.wpm:.0f}" if r.wpm is not None else "-",
                f"{r.fillers_per_min:.1f}" if r.fillers_per_min is not None else "-",
                f"{round((r.star_coverage or 0) * 5)}/5",
                key=str(r.id),
            )
        self.query_one("#history-status", Static).update(
            f"{len(rows)} attempts" if rows else "No attempts yet: practise a question first."
        )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_attempt(int(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self.open_attempt(int(key.value))

    def open_attempt(self, attempt_id: int) -> None:
        practice = self.app.practice  # type: ignore[attr-defined]
        attempt = practice.store.get(attempt_id)
        card = practice.bank.cards.get(attempt.summary.question_id or "")
        self.app.show_feedback(attempt.report, attempt.id, card, speak=False)  # type: ignore[attr-defined]
