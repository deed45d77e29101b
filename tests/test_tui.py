"""The practice app through Textual's Pilot, with audio, speech and recognizer adapters faked."""

from __future__ import annotations

import dataclasses

from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from tests.tui_fakes import FakeRecorder, make_practice
from voicecoach.config import Settings
from voicecoach.tui.app import VoicecoachApp
from voicecoach.tui.dialogs import NoMicrophoneScreen, RecoverTakeScreen, TypedAnswerScreen
from voicecoach.tui.feedback_screen import FeedbackScreen
from voicecoach.tui.history_screen import HistoryScreen
from voicecoach.tui.home import HomeScreen, card_content
from voicecoach.tui.practice_screen import PracticeScreen

SIZE = (120, 40)


async def wait_for(pilot, cond, timeout: float = 10.0) -> None:

    for _ in range(int(timeout / 0.05)):
        if cond():
            await pilot.pause(0.05)  # a screen that just became current may still be composing
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_home_lists_filters_and_opens_a_question(tmp_path, bank) -> None:
    practice = make_practice(tmp_path, bank)
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        options = app.screen.query_one("#questions", OptionList)
        assert options.option_count == len(bank.cards)
        first = bank.cards[options.get_option_at_index(0).id]
        shown = text_of(app.screen, "#card-text")
        assert first.prompt in " ".join(shown.split()) and first.signals[0].name in shown
        app.screen.query_one("#competency", Input).value = "conflict"
        await pilot.pause()
        assert 0 < options.option_count < len(bank.cards)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen))
        await wait_for(pilot, lambda: app.screen.state == "ready")
        card = app.screen.card
        assert "conflict" in " ".join(card.competencies).lower()
        assert practice.voice.spoken[0] == card.prompt  # the question was read aloud
        assert practice.player.played


def test_card_text_is_shown_literally(bank) -> None:
    card = next(iter(bank.cards.values()))
    odd = dataclasses.replace(card, tip="use [bold]brackets[/bold] and $money")
    assert card_content(odd).plain.endswith("use [bold]brackets[/bold] and $money")


async def test_a_whole_round_records_analyses_saves_and_speaks_feedback(tmp_path, bank) -> None:
    practice = make_practice(tmp_path, bank)
    app = VoicecoachApp(practice, start_question="professional-failure")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press("space")
        await wait_for(pilot, lambda: app.screen.state == "recording")
        await pilot.pause(0.3)
        assert "Fake USB microphone" in text_of(app.screen, "#device")
        assert "dB" in str(app.screen.query_one("#meter").render())
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        screen = app.screen
        assert "billing team" in text_of(screen, "#transcript")
        assert "spoken" in text_of(screen, "#headline")
        assert "Own the failure" in text_of(screen, "#feedback-text")  # blame comes first
        rows = practice.store.list()
        assert len(rows) == 1 and rows[0].question_id == "professional-failure"
        assert practice.store.get(rows[0].id).audio_path.exists()
        assert not list(practice.takes_dir.glob("*.wav"))  # the take moved into the history
        await wait_for(
            pilot, lambda: practice.voice.spoken[-1] == screen.report["feedback"]["spoken"]
        )
        # Retry links the new take to this attempt; history lists the attempt.
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen))
        assert app.screen.parent_id == rows[0].id
        await pilot.press("escape")
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        await pilot.press("p")
        await wait_for(
            pilot, lambda: practice.player.played[-1] == practice.store.get(rows[0].id).audio_path
        )


async def test_no_microphone_offers_a_typed_answer(tmp_path, bank) -> None:
    practice = make_practice(tmp_path, bank, inputs=())
    app = VoicecoachApp(practice, start_question="missed-deadline")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, NoMicrophoneScreen))
        assert "no microphone found" in str(app.screen.query("Static")[1].render()).lower()
        await pilot.click("#type")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedAnswerScreen))
        app.screen.query_one(TextArea).text = "At my last job I missed a deadline. I learned."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        assert "Typed answer" in text_of(app.screen, "#headline")


async def test_speech_off_is_said_once_and_practice_goes_on(tmp_path, bank) -> None:
    practice = make_practice(tmp_path, bank, voice_broken=True)
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.model_ready)
        await pilot.pause(0.1)
        notes = [n.message for n in app._notifications]
        assert sum("speech is off" in n for n in notes) == 1
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )  # no reading: ready at once
        assert practice.player.played == []


async def test_empty_take_is_not_analysed(tmp_path, bank) -> None:
    class Empty(FakeRecorder):
        seconds = 0.0

    practice = make_practice(tmp_path, bank, recorder=Empty)
    app = VoicecoachApp(practice, start_question="missed-deadline")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press("space", "space")
        await wait_for(pilot, lambda: "Nothing was recorded" in text_of(app.screen, "#status"))
        assert practice.store.list() == []


async def _notes_after_one_take(tmp_path, bank, recorder, *keys: str) -> tuple[list, list]:
    """Record one take with `recorder` (pressing `keys`), and the notes the feedback screen
    shows and the saved attempt keeps."""
    practice = make_practice(tmp_path, bank, recorder=recorder)
    app = VoicecoachApp(practice, start_question="missed-deadline")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press(*keys)
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        await pilot.pause(0.3)  # let the new screen finish mounting before the app exits
        attempts = practice.store.list()
        assert len(attempts) == 1
        shown = [str(n.render()) for n in app.screen.query(".note")]
        return shown, practice.store.get(attempts[0].id).report["notes"]


async def test_device_lost_mid_answer_keeps_what_was_recorded(tmp_path, bank) -> None:
    class Lost(FakeRecorder):
        lose_after = 0.2

    shown, saved = await _notes_after_one_take(tmp_path, bank, Lost, "space")
    assert any("microphone stopped mid-answer" in n for n in shown)
    assert any("microphone stopped mid-answer" in n for n in saved)


async def test_audio_lost_while_recording_is_told_with_the_feedback(tmp_path, bank) -> None:
    class Starved(FakeRecorder):
        seconds = 1.0
        gaps = 3

    shown, saved = await _notes_after_one_take(tmp_path, bank, Starved, "space", "space")
    assert any("audio was lost 3 times while recording" in n for n in shown), shown
    assert saved[0].startswith("audio was lost 3 times")


async def test_microphone_busy_is_a_message_not_a_crash(tmp_path, bank) -> None:
    class Busy(FakeRecorder):
        fail_to_start = True

    practice = make_practice(tmp_path, bank, recorder=Busy)
    app = VoicecoachApp(practice, start_question="missed-deadline")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press("space")
        await pilot.pause(0.1)
        assert "busy" in text_of(app.screen, "#status")
        assert app.screen.state == "ready"


async def test_unfinished_take_is_offered_at_start(tmp_path, bank) -> None:
    practice = make_practice(tmp_path, bank)
    rec = FakeRecorder(practice.new_take_path())
    rec.stop()  # a take left behind by a killed session
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RecoverTakeScreen))
        await pilot.click("#analyse")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        assert len(practice.store.list()) == 1
        assert practice.unfinished_takes() == []


async def test_clarifying_question_is_answered_from_the_card(tmp_path, bank) -> None:
    practice = make_practice(tmp_path, bank)
    app = VoicecoachApp(practice, start_question="professional-failure")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press("c")
        await pilot.press(*"should it be a technical failure or a people one?", "enter")
        await wait_for(pilot, lambda: "Interviewer:" in text_of(app.screen, "#reply"))
        card = bank.get("professional-failure")
        assert card.assumptions[:40] in text_of(app.screen, "#reply")
        await wait_for(pilot, lambda: card.assumptions in practice.voice.spoken[-1])


async def test_auto_stop_after_silence(tmp_path, bank) -> None:
    class Quiet(FakeRecorder):
        def level(self):
            return 0.0

    practice = make_practice(
        tmp_path, bank, recorder=Quiet, settings=Settings(silence_stop_s=0.5, voice=False)
    )
    app = VoicecoachApp(practice, start_question="missed-deadline")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        await pilot.pause(0.3)


def test_feedback_screen_snapshot(snap_compare, tmp_path, bank) -> None:
    import json
    from pathlib import Path

    report = json.loads((Path(__file__).parent / "data" / "feedback_report.json").read_text())
    practice = make_practice(tmp_path, bank, settings=Settings(voice=False))

    async def show_feedback(pilot) -> None:
        await pilot.app.push_screen(FeedbackScreen(report, 7, bank.get("professional-failure")))
        await pilot.pause(0.2)

    assert snap_compare(VoicecoachApp(practice), terminal_size=SIZE, run_before=show_feedback)


async def test_llm_coach_asks_consent_once_then_shows_its_review(
    tmp_path, bank, httpserver, monkeypatch
) -> None:
    import json

    from tests.test_llm_cli import REVIEW, completion
    from voicecoach.config import load_settings
    from voicecoach.tui.dialogs import LlmConsentScreen

    httpserver.expect_request("/v1/chat/completions").respond_with_json(
        completion(json.dumps(REVIEW))
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = Settings(coach="llm", llm_base_url=httpserver.url_for("/v1"), voice=False)
    practice = make_practice(tmp_path, bank, settings=settings)
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LlmConsentScreen))
        assert "never audio" in str(app.screen.query("Static")[1].render())
        await pilot.click("#yes")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert load_settings().llm_consent is True  # asked once: remembered
        app.start_practice(bank.get("professional-failure"))
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and app.screen.state == "ready"
        )
        await pilot.press("space")
        await pilot.pause(0.2)
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        feedback = text_of(app.screen, "#feedback-text")
        assert "LLM coach (test-model)" in feedback and "Own the failure" in feedback
        assert REVIEW["follow_up"] in text_of(app.screen, "#follow-up")
        first = app.screen.attempt_id
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen))
        assert app.screen.card.prompt == REVIEW["follow_up"]
        assert app.screen.parent_id == first
        await pilot.pause(0.2)


async def test_declining_consent_keeps_feedback_local(tmp_path, bank) -> None:
    from voicecoach.tui.dialogs import LlmConsentScreen

    practice = make_practice(tmp_path, bank, settings=Settings(coach="llm", voice=False))
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LlmConsentScreen))
        await pilot.click("#no")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert practice.settings.coach == "local"
        assert practice.analyzer.settings.coach == "local"


async def test_history_filter_compare_progress_and_delete(tmp_path, bank) -> None:
    from textual.widgets import Input as TInput

    from voicecoach.tui.history_screen import CompareScreen, ConfirmScreen, ProgressScreen

    practice = make_practice(tmp_path, bank, settings=Settings(voice=False))
    first = practice.analyze_text("We shipped late. The vendor kept missing deadlines.",
                                  bank.get("missed-deadline")).attempt_id
    practice.analyzer.analyze_text("We shipped late. I should have checked.", "missed-deadline",
                                   parent_id=first)
    practice.analyze_text("We disagreed in a review. I listened.", bank.get(
        "code-review-disagreement"))
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        app.show_history()
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen)
                       and app.screen.query(DataTable))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        app.screen.query_one(TInput).value = "conflict"
        await pilot.pause(0.1)
        assert table.row_count == 1
        app.screen.query_one(TInput).value = "missed-deadline"
        await pilot.pause(0.1)
        assert table.row_count == 2
        table.focus()
        await pilot.press("c")  # newest take against its parent
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert "I should have checked" in text_of(app.screen, "#diff")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: table.row_count == 1)
        assert practice.store.count() == 2
        await pilot.pause(0.2)


async def test_review_shows_model_answer_and_plays_from_a_sentence(tmp_path, bank) -> None:
    from voicecoach.tui.feedback_screen import SentencePicker

    practice = make_practice(tmp_path, bank, settings=Settings(voice=False))
    app = VoicecoachApp(practice, start_question="professional-failure")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen)
                       and app.screen.state == "ready")
        await pilot.press("space")
        await pilot.pause(0.2)
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        screen = app.screen
        assert not screen.query_one("#model-answer").display
        await pilot.press("m")
        await pilot.pause(0.1)
        assert screen.query_one("#model-answer").display
        assert "Dependency Risk Framework" in text_of(screen, "#model-answer")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SentencePicker))
        await pilot.press("down", "enter")
        second = screen.report["structure"]["sentences"][1]["start"]
        await wait_for(pilot, lambda: len(practice.player.played) == 1)
        assert practice.player.played[0] == practice.store.get(screen.attempt_id).audio_path
        assert second > 0


async def test_long_history_loads_a_page_then_more_at_the_end(tmp_path, bank) -> None:
    from voicecoach.devtools.seed_history import seed
    from voicecoach.tui.history_screen import PAGE

    practice = make_practice(tmp_path, bank, settings=Settings(voice=False))
    seed(practice.store, bank, PAGE * 2 + 5)
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        app.show_history()
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen)
                       and app.screen.query(DataTable))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == PAGE)
        await pilot.press("pagedown", "pagedown")  # to the last loaded row: the next page comes
        await wait_for(pilot, lambda: table.row_count == 2 * PAGE)
        await pilot.press("pagedown", "pagedown", "pagedown")
        await wait_for(pilot, lambda: table.row_count == 2 * PAGE + 5)
        assert "more below" not in text_of(app.screen, "#history-status")


async def test_settings_screen_chooses_the_microphone_and_remembers(tmp_path, bank) -> None:
    from textual.widgets import Select, Switch

    from tests.tui_fakes import MIC
    from voicecoach.config import load_settings
    from voicecoach.tui.settings_screen import SettingsScreen

    practice = make_practice(tmp_path, bank, settings=Settings(voice=False))
    app = VoicecoachApp(practice)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        app.screen.query_one("#input_device", Select).value = str(MIC.index)
        app.screen.query_one("#auto_record", Switch).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        saved = load_settings()
        assert saved.input_device == str(MIC.index) and saved.auto_record is True
        assert practice.settings.input_device == str(MIC.index)
