"""Starting the practice app from the command line."""

from __future__ import annotations

from voicecoach.cli.context import AppContext


def run_tui(app: AppContext, question_id: str | None) -> None:
    from voicecoach.tui.app import VoicecoachApp, build_services

    services = build_services(app.settings(), app.bank(), app.store(), app.transcriber())
    VoicecoachApp(services, start_question=question_id).run()
