"""Supervision, retroactive review and graded sanctions (seed 000, S000-05/06/17).

Pure functions over arrays of cadres. Detection is a per-act Bernoulli with the
multi-channel probability of :func:`model.decision.detection_probability`; retroactive
review re-reads a cadre's record within the look-back window under drifted standards.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from model.decision import INNOVATION_RECORD_EXPOSURE, ROUTINE_RECORD_EXPOSURE, SEVERITY
from model.state import REC_FAILED, REC_ROUTINE, REC_SUCCEEDED

MILD, MODERATE, SEVERE = 0, 1, 2
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")
SEVERITIES_ZH: tuple[str, ...] = ("轻微", "中等", "严重")
PROMOTION_BLOCK_MONTHS = 12  # influence period (影响期) after any sanction


def retro_review(records: np.ndarray, drift: float, u_innov: np.ndarray,
                 u_routine: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Judge reviewed records under drifted standards.

    ``records`` is (look-back months, k reviewed cadres) of record codes. Each past
    innovation is judged irregular with probability min(2·drift, 1), each past routine
    act with probability drift/2; inaction leaves nothing to judge ("不做不错").
    Returns (case found, case concerns an innovation) masks of length k.
    """
    n_innov = ((records == REC_FAILED) | (records == REC_SUCCEEDED)).sum(axis=0)
    n_routine = (records == REC_ROUTINE).sum(axis=0)
    d_innov = min(INNOVATION_RECORD_EXPOSURE * drift, 1.0)
    innov_case = u_innov < 1.0 - (1.0 - d_innov) ** n_innov
    routine_case = u_routine < 1.0 - (1.0 - ROUTINE_RECORD_EXPOSURE * drift) ** n_routine
    return innov_case | routine_case, innov_case


def draw_severity(kind: str, u: np.ndarray) -> np.ndarray:
    """Severity class (MILD, MODERATE, SEVERE) for cases of one kind."""
    return draw_severities((kind,), (len(u),), u)


# Upper bounds of MILD and MODERATE in a uniform draw, per kind of case.
_SEVERITY_BOUNDS = {kind: np.cumsum(w)[:2] for kind, w in SEVERITY.items()}


def draw_severities(kinds: Sequence[str], counts: Sequence[int], u: np.ndarray) -> np.ndarray:
    """:func:`draw_severity` for consecutive runs of cases in one pass.

    ``counts[i]`` cases of kind ``kinds[i]`` follow each other in ``u`` (one uniform per
    case); the classes equal drawing each run separately with its slice of ``u``.
    """
    mild, moderate = _bounds_of(tuple(kinds))
    # Bounds increase, so the number of bounds passed is the class: MILD, MODERATE, SEVERE.
    return (u >= mild.repeat(counts)).astype(np.int8) + (u >= moderate.repeat(counts))


@functools.lru_cache(maxsize=16)
def _bounds_of(kinds: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds of MILD and of MODERATE per kind in ``kinds`` (the step asks for the
    same kinds every month)."""
    bounds = np.array([_SEVERITY_BOUNDS[k] for k in kinds])
    return bounds[:, 0].copy(), bounds[:, 1].copy()
