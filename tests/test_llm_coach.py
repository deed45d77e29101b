"""The LLM coach against a real HTTP server on 127.0.0.1 speaking the chat completions API."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from voicecoach.errors import VoicecoachError
from voicecoach.speech.llm import (
    LlmCoach,
    LlmConfig,
    LlmReview,
    LlmSignal,
    LlmUnavailable,
    is_local_url,
    local_summary,
)

KEY = "sk-test-SECRET-7f3a9c1e5b"
MODEL = "coach-test-model"
TIMEOUT_S = 1.0
PATH = "/v1/chat/completions"
QUESTION = "Tell me about a time you fixed a recurring problem."
SIGNALS = ["ownership", "quantified_impact"]
TRANSCRIPT = (
    "At my last job our deploys kept failing every week. I was asked to fix the pipeline. "
    "I wrote tests and added a staging step. Failures dropped by half and I learned to "
    "automate early."
)
LOCAL_REPORT: dict[str, Any] = {
    "question": {"id": "fix-recurring", "prompt": QUESTION},
    "transcript": {
        "text": TRANSCRIPT,
        "words": [{"text": "At", "start": 0.0, "end": 0.2, "probability": 0.9}],
    },
    "structure": {"sentences": [], "sections": [], "missing": ["reflection"]},
    "signals": {
        "ownership": {"present": False, "evidence": []},
        "quantified_impact": {"present": True, "evidence": []},
        "growth": {"present": True, "evidence": []},
    },
    "card_signals": [
        {"name": "ownership", "covered": False, "via": None, "evidence": []},
        {"name": "quantified_impact", "covered": True, "via": "cue", "evidence": []},
    ],
    "feedback": {},
}
GOOD_REVIEW: dict[str, Any] = {
    "signals": [
        {
            "name": "ownership",
            "score": 3,
            "evidence": ["I wrote tests and added a staging step", "I invented this quote"],
        },
        {"name": "quantified_impact", "score": 4, "evidence": ["Failures dropped by half"]},
        {"name": "leadership", "score": 5, "evidence": []},  # not on the card: dropped
    ],
    "improvements": [
        "Say why the deploys failed.",
        "Give the numbers before and after.",
        "Name who you worked with.",
        "Slow down.",
    ],
    "rewrite_section": "result",
    "rewrite": "Failures dropped from [number] a week to [number], and I now automate early.",
    "follow_up": "How did you find the root cause?",
}


def completion(
    content: str | None,
    finish_reason: str = "stop",
    refusal: str | None = None,
    choices: bool = True,
) -> dict[str, Any]:
    message = {"role": "assistant", "content": content, "refusal": refusal}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1700000000,
        "model": MODEL,
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
        ]
        if choices
        else [],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def error_body(status: int) -> dict[str, Any]:
    # OpenAI echoes part of a bad key; the coach must not repeat server text.
    return {
        "error": {
            "message": f"Incorrect API key provided: {KEY}",
            "type": "error",
            "code": str(status),
            "param": None,
        }
    }


def make_config(
    base_url: str | None, api_key: str | None = KEY, timeout_s: float = TIMEOUT_S
) -> LlmConfig:
    return LlmConfig(model=MODEL, base_url=base_url, api_key=api_key, timeout_s=timeout_s)


@pytest.fixture
def coach(httpserver: HTTPServer) -> Iterator[LlmCoach]:
    c = LlmCoach(make_config(httpserver.url_for("/v1")))
    yield c
    c.close()


def review(c: LlmCoach) -> LlmReview:
    return c.review(QUESTION, SIGNALS, TRANSCRIPT, LOCAL_REPORT)


def expect_unavailable(c: LlmCoach, reason: str) -> LlmUnavailable:
    started = time.monotonic()
    with pytest.raises(LlmUnavailable) as info:
        review(c)
    elapsed = time.monotonic() - started
    assert elapsed < c.config.timeout_s + 0.5, elapsed
    message = str(info.value)
    assert message.startswith("LLM coach unavailable: ")
    assert reason in message, message
    assert "\n" not in message
    assert KEY not in message and KEY not in repr(info.value)
    assert isinstance(info.value, VoicecoachError)
    return info.value


# --- success ----------------------------------------------------------------------------------


def test_review_success(httpserver: HTTPServer, coach: LlmCoach) -> None:
    httpserver.expect_oneshot_request(PATH, method="POST").respond_with_json(
        completion(json.dumps(GOOD_REVIEW))
    )
    r = review(coach)
    httpserver.check_assertions()

    assert r.model == MODEL
    assert r.signals == (
        LlmSignal("ownership", 3, ("I wrote tests and added a staging step",)),  # no invented quote
        LlmSignal("quantified_impact", 4, ("Failures dropped by half",)),
    )
    assert r.improvements == tuple(GOOD_REVIEW["improvements"][:3])
    assert r.rewrite_section == "result"
    assert r.rewrite.startswith("Failures dropped from [number]")
    assert r.follow_up == "How did you find the root cause?"
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["signals"][0] == {
        "name": "ownership",
        "score": 3,
        "evidence": ["I wrote tests and added a staging step"],
    }


def test_request_body_and_headers(
    httpserver: HTTPServer, coach: LlmCoach, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the openai and httpx debug logs too
    httpserver.expect_oneshot_request(PATH, method="POST").respond_with_json(
        completion(json.dumps(GOOD_REVIEW))
    )
    review(coach)
    assert "LLM review by" in caplog.text and KEY not in caplog.text
    ((request, _response),) = httpserver.log

    assert request.headers["Authorization"] == f"Bearer {KEY}"
    raw = request.get_data(as_text=True)
    assert KEY not in raw and "SECRET" not in raw
    body = json.loads(raw)
    assert body["model"] == MODEL
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])
    item = schema["properties"]["signals"]["items"]
    assert item["additionalProperties"] is False
    assert set(item["required"]) == set(item["properties"])
    assert item["properties"]["name"]["enum"] == SIGNALS

    messages = body["messages"]
    assert all(isinstance(m["content"], str) for m in messages)  # text parts only, no audio
    assert "audio" not in raw.lower() and "input_audio" not in body and "modalities" not in body
    text = "\n".join(m["content"] for m in messages)
    assert TRANSCRIPT in text and QUESTION in text
    assert all(name in text for name in SIGNALS)
    assert "STAR sections missing: reflection" in text
    assert "behaviours detected: quantified_impact, growth" in text
    assert '"probability"' not in text  # the summary, not the whole report


def test_local_server_without_key_uses_placeholder(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(PATH, method="POST").respond_with_json(
        completion(json.dumps(GOOD_REVIEW))
    )
    c = LlmCoach(make_config(httpserver.url_for("/v1"), api_key=None))
    assert review(c).rewrite_section == "result"
    ((request, _),) = httpserver.log
    assert request.headers["Authorization"] == "Bearer local"
    c.close()


def test_summary_of_a_real_local_report() -> None:
    from voicecoach.analysis.report import AnalysisOptions, analyze
    from voicecoach.analysis.types import CardSignal, Transcript

    options = AnalysisOptions(card_signals=(CardSignal("ownership"),))
    report = analyze(Transcript.from_text(TRANSCRIPT), options).to_dict()
    summary = local_summary(report)
    assert summary.startswith("- STAR sections missing: ")
    assert "behaviours detected: " in summary and "card signals covered: " in summary
    assert local_summary({}) == "- STAR sections missing: none\n- behaviours detected: none"


# --- configuration ----------------------------------------------------------------------------


def settings(**changes: Any) -> SimpleNamespace:
    base = {
        "llm_model": MODEL,
        "llm_base_url": "",
        "llm_api_key_env": "OPENAI_API_KEY",
        "llm_timeout_s": 30.0,
    }
    return SimpleNamespace(**{**base, **changes})


def test_config_from_settings() -> None:
    cfg = LlmConfig.from_settings(
        settings(llm_api_key_env="MY_KEY"),
        {"MY_KEY": KEY, "OPENAI_API_KEY": "other", "OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"},
    )
    assert (cfg.model, cfg.api_key, cfg.base_url, cfg.timeout_s) == (
        MODEL,
        KEY,
        "http://127.0.0.1:8080/v1",
        30.0,
    )
    cfg = LlmConfig.from_settings(
        settings(llm_base_url="http://localhost:11434/v1"),
        {"OPENAI_BASE_URL": "https://elsewhere/v1"},
    )
    assert (cfg.base_url, cfg.api_key) == ("http://localhost:11434/v1", None)
    assert LlmConfig.from_settings(settings(), {}).base_url is None


def test_config_repr_hides_key() -> None:
    cfg = make_config("http://127.0.0.1:1/v1")
    assert KEY not in repr(cfg) and KEY not in str(cfg) and KEY not in f"{cfg}"
    assert "api_key=<set>" in repr(cfg)
    assert "api_key=None" in repr(make_config(None, api_key=None))


def test_is_local_url() -> None:
    for url in (
        "http://127.0.0.1:8080/v1",
        "http://localhost:11434/v1",
        "http://[::1]:8000",
        "http://192.168.1.20:11434/v1",
        "http://gpu-box.local/v1",
    ):
        assert is_local_url(url), url
    for url in (
        None,
        "",
        "https://api.openai.com/v1",
        "https://8.8.8.8/v1",
        "https://openrouter.ai/api/v1",
    ):
        assert not is_local_url(url), url


def test_no_key_and_no_base_url() -> None:
    expect_unavailable(LlmCoach(make_config(None, api_key=None)), "no API key: set OPENAI_API_KEY")


def test_no_key_with_a_remote_base_url() -> None:
    c = LlmCoach(make_config("https://api.example.com/v1", api_key=None))
    expect_unavailable(c, "no API key")


# --- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (400, "rejected the request (400)"),
        (401, "the server refused the API key (401)"),
        (403, "not allowed to use this model or endpoint (403)"),
        (404, f"no model '{MODEL}'"),
        (429, "rate limited or out of quota (429)"),
        (500, "the server failed (500)"),
        (503, "the server failed (503)"),
    ],
)
def test_http_errors(httpserver: HTTPServer, coach: LlmCoach, status: int, reason: str) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        error_body(status), status=status
    )
    expect_unavailable(coach, reason)
    assert len(httpserver.log) == 1  # no retries


def test_timeout(httpserver: HTTPServer, coach: LlmCoach) -> None:
    def slow(_request: Request) -> Response:
        time.sleep(TIMEOUT_S + 0.3)
        return Response(
            json.dumps(completion(json.dumps(GOOD_REVIEW))), content_type="application/json"
        )

    httpserver.expect_request(PATH, method="POST").respond_with_handler(slow)
    expect_unavailable(coach, "did not answer within 1 s (timeout)")


def test_total_time_is_bounded_when_the_server_trickles(
    httpserver: HTTPServer, coach: LlmCoach
) -> None:
    def trickle(_request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(4):  # each byte arrives well within the read timeout
                yield b" "
                time.sleep(0.4)
            yield json.dumps(completion(json.dumps(GOOD_REVIEW))).encode()

        return Response(body(), content_type="application/json")

    httpserver.expect_request(PATH, method="POST").respond_with_handler(trickle)
    expect_unavailable(coach, "(timeout)")


def test_connection_refused() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = LlmCoach(make_config(f"http://user:pw@127.0.0.1:{port}/v1"))
    err = expect_unavailable(c, f"cannot reach the server at http://127.0.0.1:{port}")
    assert "pw" not in str(err)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (completion("{not json"), "the reply was not valid JSON"),
        (completion("Sure! Here is my review: great answer."), "the reply was not valid JSON"),
        (
            completion(json.dumps({**GOOD_REVIEW, "rewrite_section": "intro"})),
            "did not follow the review format (rewrite_section",
        ),
        (
            completion(json.dumps({k: v for k, v in GOOD_REVIEW.items() if k != "follow_up"})),
            "did not follow the review format (the review lacks follow_up)",
        ),
        (
            completion(
                json.dumps(
                    {**GOOD_REVIEW, "signals": [{"name": "ownership", "score": 9, "evidence": []}]}
                )
            ),
            "score is not a whole number from 0 to 5",
        ),
        (
            completion(
                json.dumps(
                    {
                        **GOOD_REVIEW,
                        "signals": [{"name": "ownership", "score": "4", "evidence": []}],
                    }
                )
            ),
            "score is not a whole number",
        ),
        (
            completion(json.dumps({**GOOD_REVIEW, "improvements": "do better"})),
            "improvements is not a list of strings",
        ),
        (completion(json.dumps({**GOOD_REVIEW, "extra": 1})), "unknown fields: extra"),
        (completion(json.dumps([GOOD_REVIEW])), "the review is not an object"),
        (completion(json.dumps({**GOOD_REVIEW, "rewrite": "  "})), "rewrite is not a non-empty"),
        (completion(None), "the reply was empty"),
        (
            completion(json.dumps(GOOD_REVIEW), refusal="I can't help with that."),
            "the model refused to review this answer",
        ),
        (
            completion(None, finish_reason="content_filter"),
            "the model refused to review this answer",
        ),
        (completion('{"signals": [', finish_reason="length"), "the reply was too long"),
        (
            completion(json.dumps({**GOOD_REVIEW, "rewrite": "x" * 20_001})),
            "the reply was too long (over 20,000 characters)",
        ),
        (completion(None, choices=False), "the server returned no answer (empty choices)"),
        ({"id": "x", "object": "chat.completion"}, "the server returned no answer (empty choices)"),
    ],
    ids=[
        "malformed",
        "prose",
        "bad-section",
        "missing-field",
        "score-range",
        "score-type",
        "improvements-type",
        "extra-field",
        "not-object",
        "blank-rewrite",
        "no-content",
        "refusal",
        "content-filter",
        "length",
        "over-long",
        "empty-choices",
        "no-choices",
    ],
)
def test_bad_replies(
    httpserver: HTTPServer, coach: LlmCoach, body: dict[str, Any], reason: str
) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_json(body)
    expect_unavailable(coach, reason)


def test_non_json_http_body(httpserver: HTTPServer, coach: LlmCoach) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data(
        "<html>proxy error</html>", content_type="text/html"
    )
    expect_unavailable(coach, "the server's reply was not JSON")
