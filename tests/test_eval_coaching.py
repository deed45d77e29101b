"""The uncertainty eval_coaching prints beside each figure."""

from __future__ import annotations

import pytest

from voicecoach.devtools.eval_coaching import interval


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
