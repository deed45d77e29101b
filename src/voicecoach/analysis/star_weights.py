"""Weights of the STAR sentence labeller (see structure.py).

Hand-set starting weights; scripts/train_coaching replaces this file with weights fitted on the
labelled development set."""

EMISSION: dict[str, dict[str, float]] = {
    "situation": {"bias": 0.0, "sit_time": 2.0, "sit_context": 1.5, "sit_stakes": 0.8,
                  "pos_start": 1.5, "pos_early": 0.6, "first": 0.8, "past_be": 0.6,
                  "subj_they": 0.3, "act_i_past": -0.5, "pos_late": -1.0, "pos_end": -1.5},
    "task": {"bias": -0.8, "task_mine": 3.0, "task_goal": 2.0, "pos_early": 0.8, "pos_start": 0.3,
             "pos_late": -1.0, "pos_end": -1.5},
    "action": {"bias": 0.3, "act_i_past": 1.6, "act_we_past": 1.0, "act_sequence": 1.0,
               "subj_i": 0.5, "pos_mid": 0.8, "pos_early": 0.2, "hypothetical": -0.5},
    "result": {"bias": -0.3, "res_outcome": 2.2, "res_reception": 1.2, "number": 1.0,
               "pos_late": 1.0, "pos_end": 0.5, "pos_start": -1.0},
    "reflection": {"bias": -0.8, "ref_lesson": 3.0, "ref_change": 2.2, "present_i": 1.0,
                   "hypothetical": 1.2, "pos_end": 1.2, "pos_late": 0.6, "pos_start": -2.0},
    "other": {"bias": -2.5, "other_meta": 5.0, "short": 0.5},
}

# Log-probabilities of one label following another: stories mostly move forward.
_ORDER = ["situation", "task", "action", "result", "reflection"]


def _transition() -> dict[str, dict[str, float]]:
    t: dict[str, dict[str, float]] = {}
    for a in [*_ORDER, "other"]:
        t[a] = {}
        for b in [*_ORDER, "other"]:
            if a == "other" or b == "other":
                t[a][b] = -2.0
            else:
                step = _ORDER.index(b) - _ORDER.index(a)
                t[a][b] = {0: -0.3, 1: -1.5, 2: -2.5, 3: -3.5, 4: -4.0}.get(step, -3.0)
    return t


TRANSITION = _transition()
START = {"situation": -0.3, "task": -1.5, "action": -2.0, "result": -4.0, "reflection": -4.0,
         "other": -1.5}
