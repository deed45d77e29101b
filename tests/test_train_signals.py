"""The signal trainer's threshold search, on scores small enough to check by hand."""

from __future__ import annotations

from voicecoach.devtools.coaching_data import SIGNALS as ALL_SIGNALS
from voicecoach.devtools.coaching_data import Answer
from voicecoach.devtools.train_signals import (
    SIGNALS,
    Example,
    answer_scores,
    best_thresholds,
    found,
)


def _answer(i: int, root_cause: bool) -> Answer:
    signals = {s: False for s in ALL_SIGNALS}
    signals["root_cause"] = root_cause
    return Answer(f"t-{i}", "failure", (), (("x.", "other"),), signals, {}, problem=root_cause)


def test_the_problem_cut_is_chosen_with_the_root_cause_threshold() -> None:
    """Every answer's best sentence scores as a cause; only the stories whose problem score is
    high have one, so the search must cut on the problem score. Blame implying a cause is not
    held to that cut: a failure put on others is a story where something went wrong."""
    # (root-cause score, rule fires, implied by blame, problem logit) -> coach's label
    rows = [
        ((2.0, False, False, 3.0), True),
        ((1.5, True, False, 2.0), True),
        ((2.5, False, False, 1.0), True),
        ((2.0, True, False, -1.0), False),
        ((3.0, False, False, -2.0), False),
        ((-3.0, False, False, 2.5), False),
        ((-3.0, False, True, -3.0), True),  # blame, in a story the problem score doubts
    ]
    answers = [_answer(i, gold) for i, (_, gold) in enumerate(rows)]
    quiet = (-5.0, False, False, 0.0)
    scores = [
        {s: [v, v] if s == "root_cause" else [quiet, quiet] for s in SIGNALS} for v, _ in rows
    ]
    thr, _ = best_thresholds(scores, answers)
    assert 1 / (1 + 2.718**1.0) < thr["problem"] < 1 / (1 + 2.718**-1.0)  # between -1 and 1
    got = found(scores, "root_cause", thr, ["root_cause"])
    assert [g[1] for g in got] == [gold for _, gold in rows]


def test_a_rule_that_decides_a_signal_counts_in_training_as_at_run_time() -> None:
    """Ownership said outright is found whatever the score (signals.DECIDED_BY); the threshold
    search must see it the same way, so an answer where it fires scores as found."""
    gold = dict.fromkeys(ALL_SIGNALS, False)
    rows = [
        Example("t-1", punct, ["bias", "w:accountability"], frozenset(fired), gold)
        for punct in (True, False)
        for fired in ((), ("ownership", "owned_outright"))
    ]
    quiet = [Example("t-2", punct, ["bias"], frozenset(), gold) for punct in (True, False)]
    weights = {s: {"bias": -4.0} for s in SIGNALS}
    said, unsaid = answer_scores([rows, quiet], weights, {})
    assert [v[2] for v in said["ownership"]] == [True, True]
    assert [v[2] for v in unsaid["ownership"]] == [False, False]
    assert [v[2] for v in said["stakeholder_communication"]] == [False, False]
