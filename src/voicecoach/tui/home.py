"""Home: pick a question (filter, random, next not yet practised) and read its card."""

from __future__ import annotations

import random

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from voicecoach.questions import CATEGORIES, LEVELS, Card


def card_content(card: Card) -> Content:
    """The card as styled text. One Static rather than a Markdown widget: Markdown mounts a
    widget per paragraph and bullet and imports markdown-it, about a tenth of the app's start."""
    t = card.target_seconds
    meta = f"{card.category} · {card.level} · target {t // 60}:{t % 60:02d}"
    parts: list[str | tuple[str, str]] = [
        (card.title, "bold $text-accent"),
        "\n",
        (f"{meta} · {', '.join(card.competencies)}", "italic $text-muted"),
        "\n\n",
        (card.prompt, "bold"),
        "\n\n",
        ("Clarifying questions you may ask", "bold $text-secondary"),
        "\n",
        *[f"• {q}\n" for q in card.clarifying_questions],
        "\n",
        ("What to assume: ", "bold $text-secondary"),
        card.assumptions,
        "\n\n",
        ("What the interviewer listens for", "bold $text-secondary"),
        "\n",
    ]
    for s in card.signals:
        parts += ["• ", (s.name, "bold"), f": {s.description}\n"]
    parts += ["\n", ("Tip: ", "bold $text-secondary"), card.tip]
    return Content.assemble(*parts)


class HomeScreen(Screen):
    SUB_TITLE = "pick a question"
    BINDINGS = [
        Binding("enter", "practice", "Practise"),
        Binding("r", "random", "Random"),
        Binding("n", "next_new", "Next new"),
        Binding("h", "history", "History"),
        Binding("w", "write", "Type answer"),
        Binding("s", "settings", "Settings"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="picker"):
                with Horizontal(id="filters"):
                    yield Select([(c, c) for c in CATEGORIES], prompt="category", id="category")
                    yield Select([(lvl, lvl) for lvl in LEVELS], prompt="level", id="level")
                yield Input(placeholder="competency, e.g. conflict", id="competency")
                yield OptionList(id="questions")
            with VerticalScroll(id="card"):
                yield Static(id="card-text")
        yield Static(id="home-status")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one("#questions", OptionList).focus()

    @property
    def practice(self):
        return self.app.practice  # type: ignore[attr-defined]

    def cards(self) -> list[Card]:
        cat = self.query_one("#category", Select).value
        lvl = self.query_one("#level", Select).value
        comp = self.query_one("#competency", Input).value.strip() or None
        return self.practice.bank.filter(
            cat if isinstance(cat, str) else None, comp, lvl if isinstance(lvl, str) else None
        )

    def refresh_list(self) -> None:
        options = self.query_one("#questions", OptionList)
        options.clear_options()
        done = self.practice.store.practised_questions()
        for c in self.cards():
            mark = "✔ " if c.id in done else "  "
            options.add_option(
                Option(f"{mark}{c.title}  [{c.level}, {c.target_seconds}s]", id=c.id)
            )
        if options.option_count:
            options.highlighted = 0
        self.query_one("#home-status", Static).update(
            f"{options.option_count} questions · Enter practises the highlighted one"
        )

    def on_select_changed(self, _: Select.Changed) -> None:
        self.refresh_list()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.refresh_list()

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.action_practice()  # Enter in the filter box practises the highlighted card

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        card = self.practice.bank.cards.get(event.option.id)
        if card:
            self.query_one("#card-text", Static).update(card_content(card))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.start(event.option.id)

    def selected(self) -> str | None:
        options = self.query_one("#questions", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def start(self, card_id: str | None) -> None:
        if card_id:
            self.app.start_practice(self.practice.bank.cards[card_id])  # type: ignore[attr-defined]

    def action_practice(self) -> None:
        self.start(self.selected())

    def action_random(self) -> None:
        card = self.practice.bank.pick(self.cards(), rng=random.Random())
        self.start(card.id if card else None)

    def action_next_new(self) -> None:
        card = self.practice.bank.pick(
            self.cards(), self.practice.store.practised_questions(), unpractised_first=True
        )
        self.start(card.id if card else None)

    def action_history(self) -> None:
        self.app.show_history()  # type: ignore[attr-defined]

    def action_settings(self) -> None:
        from voicecoach.tui.settings_screen import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_write(self) -> None:
        card_id = self.selected()
        if card_id:
            self.app.type_answer(self.practice.bank.cards[card_id])  # type: ignore[attr-defined]
