"""The uncertainty eval_coaching prints beside each figure."""

from __future__ import annotations

import pytest

from voicecoach.devtools.eval_coaching import interval


@pytest.mark.parametrize(
    ("hits", "n", "expected"),
    [
        # Wilson score intervals at 95%, as tabulated (Newcombe 1998, Table I)
        (5, 10, (0.237, 0.763)),
        (0, 10, (0.0, 0.278)),
        (10, 10, (0.722, 1.0)),
        (81, 263, (0.255, 0.366)),
    ],
)
def test_interval_is_the_wilson_score_interval(hits: int, n: int, expected: tuple) -> None:
    assert interval(hits, n) == pytest.approx(expected, abs=0.001)


def test_one_answer_either_way_stays_inside_the_interval_on_154() -> None:
    lo, hi = interval(135, 154)
    assert lo < 134 / 154 and hi > 136 / 154
    assert interval(0, 0) == (0.0, 1.0)
