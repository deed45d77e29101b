"""The voicecoach practice app. Adapters (a `Practice`) are passed in; nothing here touches
audio devices, models or SQL directly, and blocking work runs in thread workers."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from voicecoach.errors import VoicecoachError
from voicecoach.questions import Card
from voicecoach.service.practice import Practice
from voicecoach.tui.home import HomeScreen
from voicecoach.tui.messages import AnalysisDone, AnalysisFailed, WarmedUp, WarmUpFailed


class VoicecoachApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "voicecoach"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False)]

    def __init__(self, practice: Practice, start_question: str | None = None) -> None:
        super().__init__()
        self.practice = practice
        self.start_question = start_question
        self.model_ready = False

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self.start_question:
            try:
                card = self.practice.bank.get(self.start_question)
                # After the home screen's first paint: a screen covered before it ever rendered
                # leaves its header's pending title update to fail at exit.
                self.call_after_refresh(self.start_practice, card)
            except VoicecoachError as e:
                self.notify(str(e), severity="error")
        s = self.practice.settings
        if s.coach == "llm" and not s.llm_consent:
            from voicecoach.service.coach import PRIVACY_NOTICE, llm_where
            from voicecoach.tui.dialogs import LlmConsentScreen

            notice = PRIVACY_NOTICE.format(where=llm_where(s))
            self.push_screen(LlmConsentScreen(notice), self.consented)
        for take in self.practice.unfinished_takes()[:1]:
            from voicecoach.tui.dialogs import RecoverTakeScreen

            self.push_screen(
                RecoverTakeScreen(take), lambda choice, t=take: self.recover(t, choice)
            )

    def consented(self, yes: bool | None) -> None:
        if yes:
            self.practice.update_settings(llm_consent=True, save=True)
        else:
            self.practice.update_settings(coach="local")  # for this session only
            self.notify("The LLM coach is off for this session; feedback stays local.")

    # -- background start: the UI is usable while the model loads
    def on_ready(self) -> None:
        # Once the first frame is on screen: loading the model imports CTranslate2 and friends,
        # which holds the interpreter lock often enough to slow that first frame by a quarter.
        self.warm_up()

    @work(thread=True, exit_on_error=False, group="warmup")
    def warm_up(self) -> None:
        try:
            notes = self.practice.warm_up()
        except VoicecoachError as e:
            self.post_message(WarmUpFailed(str(e)))
            return
        self.post_message(WarmedUp(notes))

    def on_warmed_up(self, message: WarmedUp) -> None:
        self.model_ready = True
        for note in message.notes:  # said once: e.g. speech is off because pyttsx3 cannot start
            self.notify(note, severity="warning", timeout=8)

    def on_warm_up_failed(self, message: WarmUpFailed) -> None:
        self.notify(message.error, severity="error", timeout=15)

    # -- navigation used by the screens. Every screen but home is imported when first shown: the
    # dialogs pull in TextArea and the practice screen the recorder's widgets, about 30 ms of the
    # app's start between them.
    @staticmethod
    def _practice_screen(card: Card, parent_id: int | None = None) -> Screen:
        from voicecoach.tui.practice_screen import PracticeScreen

        return PracticeScreen(card, parent_id)

    def start_practice(
        self, card: Card, parent_id: int | None = None, replace: bool = False
    ) -> None:
        screen = self._practice_screen(card, parent_id)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def start_follow_up(self, card: Card, question: str, parent_id: int | None) -> None:
        """Answer the interviewer's follow-up as a new take linked to the first."""
        follow = dataclasses.replace(
            card,
            prompt=question,
            title=f"Follow-up: {card.title}",
            target_seconds=max(60, card.target_seconds // 2),
        )
        self.switch_screen(self._practice_screen(follow, parent_id))

    def next_question(self, current: Card | None) -> None:
        bank = self.practice.bank
        pool = [c for c in bank.cards.values() if current is None or c.id != current.id]
        card = bank.pick(
            pool, self.practice.store.practised_questions(), random.Random(), unpractised_first=True
        )
        if card is not None:
            self.switch_screen(self._practice_screen(card))

    def show_feedback(
        self, report: dict[str, Any], attempt_id: int | None, card: Card | None, speak: bool
    ) -> None:
        # With what they pull in (the review service, markdown), the report and history screens
        # would add a tenth of a second to the app's start.
        from voicecoach.tui.feedback_screen import FeedbackScreen

        screen = FeedbackScreen(report, attempt_id, card, speak)
        if self._practising():
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_history(self) -> None:
        from voicecoach.tui.history_screen import HistoryScreen

        self.push_screen(HistoryScreen())

    def _practising(self) -> bool:
        from voicecoach.tui.practice_screen import PracticeScreen  # already loaded if it is

        return isinstance(self.screen, PracticeScreen)

    def action_go_home(self) -> None:
        self.go_home()

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_list()

    def show_no_microphone(self, card: Card | None) -> None:
        def chosen(choice: str | None) -> None:
            if choice == "retry" and card is not None and self._practising():
                self.screen.begin()  # type: ignore[attr-defined]
            elif choice == "type":
                self.type_answer(card)
            elif choice and choice.startswith("file:"):
                self.analyze_file(Path(choice[5:]).expanduser(), card)

        from voicecoach.tui.dialogs import NoMicrophoneScreen

        self.push_screen(NoMicrophoneScreen(card), chosen)

    def type_answer(self, card: Card | None) -> None:
        def typed(text: str | None) -> None:
            if text:
                self.analyze_text(text, card)

        from voicecoach.tui.dialogs import TypedAnswerScreen

        self.push_screen(TypedAnswerScreen(card), typed)

    # -- analysis of a typed answer, a file or a recovered take (workers; report by messages)
    @work(thread=True, exit_on_error=False, group="analysis")
    def analyze_text(self, text: str, card: Card | None) -> None:
        try:
            self.post_message(AnalysisDone(self.practice.analyze_text(text, card)))
        except VoicecoachError as e:
            self.post_message(AnalysisFailed(str(e)))

    @work(thread=True, exit_on_error=False, group="analysis")
    def analyze_file(self, path: Path, card: Card | None, take: bool = False) -> None:
        try:
            if take:
                outcome = self.practice.analyze_take(path, card, lambda _: None)
            else:
                outcome = self.practice.analyzer.analyze_file(path, card.id if card else None)
        except VoicecoachError as e:
            self.post_message(AnalysisFailed(str(e)))
            return
        self.post_message(AnalysisDone(outcome))

    def on_analysis_done(self, message: AnalysisDone) -> None:
        o = message.outcome
        self.show_feedback(o.report, o.attempt_id, o.card, speak=True)

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self.notify(message.error, severity="error", timeout=10)

    def recover(self, take: Path, choice: str | None) -> None:
        if choice == "analyse":
            self.notify("Analysing the unfinished answer…")
            self.analyze_file(take, None, take=True)
        elif choice == "delete":
            self.practice.discard_take(take)
