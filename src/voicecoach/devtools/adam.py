"""The optimiser every training script here uses: full-batch Adam (Kingma and Ba's defaults)."""

from __future__ import annotations

import numpy as np


def adam_step(
    p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, step: int, lr: float
) -> None:
    """One update of `p` by gradient `g`, in place, as are the moments `m` and `v`; `step`
    counts from 1."""
    m *= 0.9
    m += 0.1 * g
    v *= 0.999
    v += 0.001 * g * g
    p -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
