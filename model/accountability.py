"""Supervision, retroactive review, blame pushed down and graded sanctions.

Pure functions over arrays of units, cadres or cases (seed 000, S000-05/06/17/25).

* **Who watches whom.** A unit is watched by the supervision channels of its own level
  and of every level above it: central and provincial inspection tours, city spot
  checks, district checks, cross checks (S000-05b). The grassroots are watched by five
  levels, the centre by one: "一个人干活N个人看" (S000-05).
* **Blame flows down.** A good-faith case arising in a unit that has subordinate units
  is, with probability ``blame_shift``, pushed down onto a cadre below it, chosen among
  all the cadres under the unit (most of them at the grassroots), who carries the
  sanction (背锅式问责, S000-25; S000-17, S000-17b).
* **Retroactive review** re-reads the record of the look-back window under today's
  standards (S000-06). Every act that has not yet been the subject of a case can be
  found irregular, independently, each time the record is reviewed: an act found
  compliant once can be found irregular later, because standards keep drifting
  ("今天对明天错"). An act that became a case is marked judged and never re-judged.
* **Sanctions** follow the CCDI's "four forms" (四种形态): mild = first form (criticism,
  talks, admonishment), moderate = second form (light discipline, organisational
  adjustment), severe = third and fourth forms (heavy discipline, demotion, expulsion,
  prosecution), which also remove the cadre from post.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from model.hierarchy import Hierarchy
from model.state import JUDGED, REC_FAILED, REC_ROUTINE, REC_SUCCEEDED

MILD, MODERATE, SEVERE = 0, 1, 2
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")
SEVERITIES_ZH: tuple[str, ...] = ("轻微", "中等", "严重")
# Disutility of a sanction of each severity, in units of ``sanction_scale`` (a moderate
# sanction). A first-form talk weighs little; heavy discipline ends a career.
SEVERITY_WEIGHT = np.array([0.25, 1.0, 4.0])
# Influence period (影响期): months without promotion after a sanction of each severity.
# Admonishment (诫勉) 6 months; a Party warning 12 (纪律处分条例 art. 10); removal from
# a post 24 (政务处分法 art. 7).
BLOCK_MONTHS = np.array([6, 12, 24], dtype=np.int16)
# The four forms in the CCDI's report on 2021 (2.125 million uses): first 70.0 %,
# second 23.2 %, third 3.3 %, fourth 3.5 %. The model's mix is compared with this.
FOUR_FORMS_2021 = np.array([0.700, 0.232, 0.068])

# Kinds of case. Good-faith errors (failed innovations, unintentional misses of a
# target, acts judged under drifted standards) can be eligible for tolerance;
# inaction cannot (容错 protects those who act, S003-15c).
COMMISSION, VETO, RETRO_INNOV, RETRO_ROUTINE, OMISSION = range(5)
CASE_KINDS: tuple[str, ...] = ("commission", "veto", "retro_innov", "retro_routine", "omission")
# Severity distributions (mild, moderate, severe) by kind. Their mix in the tightened
# regime lands near the four forms above; the differences between kinds are
# assumptions: a missed one-veto target is punished hardest by design (S000-08),
# inaction lightest (S000-17, S003-15).
SEVERITY = {
    "commission": np.array([0.72, 0.22, 0.06]),
    "veto": np.array([0.66, 0.26, 0.08]),
    "retro": np.array([0.70, 0.23, 0.07]),
    "omission": np.array([0.85, 0.13, 0.02]),
}
_SEVERITY_OF_KIND = ("commission", "veto", "retro", "retro", "omission")
# How often drifted standards catch a past act, relative to ``standard_drift``:
# innovations are non-standard (twice), routine acts follow procedure and leave a
# defensible record (1/20).
INNOVATION_RECORD_EXPOSURE = 2.0
ROUTINE_RECORD_EXPOSURE = 0.05


def expected_severity(kind: str) -> float:
    """Expected weight of a sanction of ``kind`` in units of ``sanction_scale``."""
    return float(SEVERITY[kind] @ SEVERITY_WEIGHT)


def detection_by_unit(
    intensity: np.ndarray, channels: np.ndarray, h: Hierarchy, levels: Sequence[np.ndarray]
) -> np.ndarray:
    """Chance that an act in each unit is detected by at least one channel of its own
    level or of a level above it.

    ``intensity`` and ``channels`` are each unit's own apparatus (per channel per month,
    channels); a unit's detection combines its own and every ancestor's:
    ``1 − Π_{a ∈ unit and ancestors} (1 − intensity_a)^channels_a``.
    """
    with np.errstate(divide="ignore"):
        log_miss = channels * np.log1p(-np.minimum(intensity, 1.0))
    for units in levels[1:]:  # top-down: each level adds its ancestors' channels
        log_miss[units] += log_miss[h.parent[units]]
    return -np.expm1(log_miss)


def announced_detection(
    intensity: np.ndarray, channels: np.ndarray, watching_levels: np.ndarray
) -> np.ndarray:
    """The detection a unit's regime announces: every watching level running it."""
    return at_least_once(intensity, channels * watching_levels)


def judging(drift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chance that a reviewed open innovation, and a reviewed open routine act, are
    judged irregular under today's standards."""
    drift = np.asarray(drift, dtype=float)
    return np.minimum(INNOVATION_RECORD_EXPOSURE * drift, 1.0), ROUTINE_RECORD_EXPOSURE * drift


def at_least_once(chance: np.ndarray | float, times: np.ndarray | float) -> np.ndarray:
    """1 - (1 - chance)^times, exact also at chance = 1 (and times = 0).

    perf: the operations in place, and the certain chances set only where there are
    any (usually none): the same numbers as ``np.where`` over all of them."""
    chance, times = np.asarray(chance, dtype=float), np.asarray(times, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.asarray(times * np.log1p(-np.minimum(chance, 1.0)))  # 0-d for scalars
        np.expm1(x, out=x)
        np.negative(x, out=x)
    certain = chance >= 1.0
    if certain.any():
        x = np.where(certain, (times > 0).astype(float), x)
    return x


def exposure(monthly: np.ndarray | float, months: int) -> np.ndarray:
    """Chance that an act on record is caught at least once while in the window."""
    return at_least_once(monthly, months)


def retro_review(
    records: np.ndarray, d_innov: np.ndarray, d_routine: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Acts found irregular in the reviewed records: bool (months, k).

    ``records`` (months, k) are record codes of the look-back window of k reviewed
    cadres; ``d_innov`` and ``d_routine`` (k,) the chance that an open innovation / open
    routine act is judged irregular under today's standards; ``u`` uniforms (months, k).
    Judged acts (the JUDGED bit) and inaction leave nothing to judge ("不做不错").
    """
    innov = (records == REC_FAILED) | (records == REC_SUCCEEDED)  # open: no JUDGED bit
    routine = records == REC_ROUTINE
    return (innov & (u < d_innov)) | (routine & (u < d_routine))


def mark_judged(history: np.ndarray, rows: np.ndarray, cadres: np.ndarray) -> None:
    """Set the JUDGED bit of the acts at (row, cadre) of the history ring."""
    history[rows, cadres] |= JUDGED


def scapegoats(
    h: Hierarchy, units: np.ndarray, u_level: np.ndarray, u_cadre: np.ndarray
) -> np.ndarray:
    """For cases pushed down from ``units``: a cadre chosen uniformly among all the
    cadres below each unit (most of them at the grassroots), who carries the case."""
    start, count = h.descendants
    count = count[units]
    cum = count.cumsum(axis=1)
    level = (u_level[:, None] * cum[:, -1:] >= cum).sum(axis=1)  # level by its cadres
    rows = np.arange(len(units))
    return start[units, level] + (u_cadre * count[rows, level]).astype(np.int64)


def draw_severities(kinds: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Severity class (MILD, MODERATE, SEVERE) of each case from its kind and a uniform."""
    mild, moderate = _bounds()
    kinds = np.asarray(kinds, dtype=np.intp)
    # Bounds increase, so the number of bounds passed is the class.
    return (u >= mild.take(kinds)).astype(np.int8) + (u >= moderate.take(kinds))


@functools.cache
def _bounds() -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds of MILD and of MODERATE per kind of case."""
    b = np.array([np.cumsum(SEVERITY[k])[:2] for k in _SEVERITY_OF_KIND])
    return b[:, 0].copy(), b[:, 1].copy()


def severity_of_kind(kind: int) -> str:
    """The severity distribution a case kind (COMMISSION …) is sanctioned with."""
    return _SEVERITY_OF_KIND[kind]
