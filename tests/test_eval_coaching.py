"""The uncertainty eval_coaching prints beside each figure, and its command line."""

from __future__ import annotations

import sys

import pytest

from voicecoach.devtools import espeak, spoken_devset
from voicecoach.devtools.espeak import have_espeak
from voicecoach.devtools.eval_coaching import interval, main


@pytest.mark.parametrize(
    ("hits", "n", "expected"),
    [
        # the score interval without continuity correction: Newcombe (1998), Statistics in
        # Medicine 17:857-872, Table I, method 3
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_interval_is_the_wilson_score_interval(hits: int, n: int, expected: tuple) -> None:
    assert interval(hits, n) == pytest.approx(expected, abs=0.0006)


@pytest.mark.parametrize(("hits", "n"), [(0, 10), (3, 10), (135, 154), (81, 263)])
def test_misses_mirror_hits(hits: int, n: int) -> None:
    lo, hi = interval(hits, n)
    assert interval(n - hits, n) == pytest.approx((1 - hi, 1 - lo), abs=0.0011)


def test_one_answer_either_way_stays_inside_the_interval_on_154() -> None:
    lo, hi = interval(135, 154)
    assert lo < 134 / 154 and hi > 136 / 154
    assert interval(0, 0) == (0.0, 1.0)


def test_a_model_without_the_spoken_copy_is_a_usage_error(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["eval_coaching", "--model", "/models/base"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert "add --spoken" in capsys.readouterr().err


def test_a_model_that_cannot_load_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys) -> None:
    if not have_espeak():
        pytest.skip("espeak-ng is not installed (./scripts/setup installs it)")
    not_a_model = tmp_path / "base"
    not_a_model.mkdir()
    cache = tmp_path / "cache"
    monkeypatch.setattr(spoken_devset, "cache_dir", lambda: cache)

    def no_speaking(*_a, **_k):
        raise AssertionError("the model folder should have been refused before any speaking")

    monkeypatch.setattr(espeak, "speak", no_speaking)
    monkeypatch.setattr(
        sys, "argv", ["eval_coaching", "--spoken", "--summary", "--model", str(not_a_model)]
    )
    assert main() == 1
    err = capsys.readouterr().err.strip().splitlines()
    why = f"{not_a_model}: not a faster-whisper model folder (no model.bin)"
    assert err[-1] == f"eval_coaching: {why}"
    assert not (cache.exists() and any(cache.iterdir()))  # nothing half-saved
