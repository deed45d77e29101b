"""Starting the practice app from the command line."""

from __future__ import annotations

from voicecoach.cli.context import AppContext


def run_tui(app: AppContext, question_id: str | None) -> None:
    from voicecoach.service.practice import build_practice
    from voicecoach.tui.app import VoicecoachApp

    if question_id:
        app.bank().get(question_id)  # an unknown id is a one-line error before the screen opens
    practice = build_practice(app.settings(), app.bank(), app.store(), app.analyzer())
    VoicecoachApp(practice, start_question=question_id).run()
