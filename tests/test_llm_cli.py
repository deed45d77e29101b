"""`voicecoach analyze --coach llm` against a real chat-completions server on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.test_cli import TYPED, vc

KEY = "sk-test-SECRET-1234567890"
REVIEW = {
    "signals": [{"name": "Accountability", "score": 3, "evidence": ["I led the migration"]}],
    "improvements": ["Name the moment you realised the plan was at risk.", "Say what it cost."],
    "rewrite_section": "result",
    "rewrite": "We moved all four hundred customers two weeks early and saved ninety hours.",
    "follow_up": "What would you do differently in the first week?",
}


def completion(content: str, finish: str = "stop") -> dict:
    return {
        "id": "c1",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": content},
            }
        ],
    }


def llm_env(httpserver: HTTPServer) -> dict[str, str]:
    return {"OPENAI_BASE_URL": httpserver.url_for("/v1"), "OPENAI_API_KEY": KEY}


def test_llm_review_is_added_and_marked(httpserver: HTTPServer, data_dir: Path) -> None:
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        completion(json.dumps(REVIEW))
    )
    r = vc(
        "analyze",
        "--text",
        "-",
        "-q",
        "professional-failure",
        "--coach",
        "llm",
        "--json",
        input=TYPED,
        env=llm_env(httpserver),
    )
    assert r.returncode == 0, r.stderr
    notice = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(notice) == 1 and "never audio" in notice[0]
    report = json.loads(r.stdout)
    assert report["llm"]["status"] == "ok" and report["llm"]["source"] == "llm"
    assert report["llm"]["review"]["improvements"][0].startswith("Name the moment")
    assert report["feedback"]["improvements"]  # local feedback stands beside it
    assert report["follow_up"] == {"question": REVIEW["follow_up"], "source": "llm"}
    body = httpserver.log[0][0].get_json()
    assert KEY not in json.dumps(body)
    assert "four hundred customers" in json.dumps(body)
    # The key is never stored.
    db = sqlite3.connect(data_dir / "voicecoach.db")
    dump = "\n".join(db.iterdump())
    assert KEY not in dump and "Name the moment" in dump
    text = vc("show", str(report["attempt_id"])).stdout
    assert "LLM coach (test-model)" in text and "Follow-up (llm)" in text


def test_server_failure_falls_back_to_local_feedback(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_data("boom", status=500)
    r = vc(
        "analyze",
        "--text",
        "-",
        "-q",
        "professional-failure",
        "--coach",
        "llm",
        input=TYPED,
        env=llm_env(httpserver),
    )
    assert r.returncode == 0, r.stderr
    assert "LLM coach off (LLM coach unavailable: the server failed (500)" in r.stdout
    assert "Feedback" in r.stdout and "Traceback" not in r.stderr


def test_connection_refused_falls_back(tmp_path: Path) -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": KEY}
    r = vc("analyze", "--text", "-", "--coach", "llm", "--json", input=TYPED, env=env)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["llm"]["status"] == "unavailable"
    assert "cannot reach the server" in report["llm"]["reason"]
    assert KEY not in r.stdout + r.stderr


def test_local_coach_follow_up_comes_from_the_card() -> None:
    r = vc("analyze", "--text", "-", "-q", "professional-failure", "--json", input=TYPED)
    report = json.loads(r.stdout)
    assert "llm" not in report
    assert report["follow_up"]["source"] == "card"
    from voicecoach.questions import load_bank

    assert report["follow_up"]["question"] in load_bank().get("professional-failure").follow_ups
