"""The one t-interval of the figures and tables (the pre-registered criteria keep their
own, written down in :mod:`experiments.findings`; both give the same numbers)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

CONF = 0.95


def t_half_width(sd: np.ndarray | float, n: np.ndarray | float, conf: float = CONF) -> np.ndarray:
    """Half-width of the t confidence interval of a mean, elementwise; NaN where n < 2."""
    from scipy.special import stdtrit  # t quantiles without importing all of scipy.stats

    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = (
            stdtrit(np.maximum(n - 1, 1), 0.5 + conf / 2) * np.asarray(sd, dtype=float) / np.sqrt(n)
        )
    return np.where(n >= 2, half, np.nan)


def t_interval(values: Sequence[float], conf: float = CONF) -> tuple[float, float, float, int]:
    """Mean and the two ends of its t confidence interval, NaN values dropped (NaN ends
    for fewer than 2 values), and the count."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    half = float(t_half_width(x.std(ddof=1) if n > 1 else 0.0, n, conf))
    return mean, mean - half, mean + half, n
