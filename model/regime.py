"""What the regime in force at each unit means for its cadres: the true risks of a post.

From the transmitted parameters each unit has adopted (:mod:`model.transmission`) and
the global ones, this module computes per unit the chances the simulation applies —
detection by every watching level, targets in force, retroactive catch rates, the
tolerance procedure — and, from them, the *truth* of each belief a cadre holds
(:data:`model.state.BELIEFS`): what a cadre who had learnt its post perfectly would
believe. The same formulas serve the simulation, the cadres' initial beliefs, the
documents that announce a regime and the ``perfect_information`` switch, so that what
cadres weigh is always a belief about the process the simulation runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from model import accountability, decision, tolerance
from model.hierarchy import Hierarchy
from model.state import BELIEFS
from model.transmission import COLUMN


@dataclass(frozen=True)
class UnitRegime:
    """Per-unit arrays (U,) of the regime in force, and the truth of every belief."""

    detect: np.ndarray  # chance a misstep is detected (all watching levels)
    detect_omission: np.ndarray  # chance a month of inaction is detected
    shift: np.ndarray  # chance a case is pushed down (0 without subordinates)
    targets: np.ndarray  # binding one-veto targets in force
    review: np.ndarray  # chance per month a cadre's record is reviewed
    judge_innov: np.ndarray  # chance a reviewed open innovation is found irregular
    judge_routine: np.ndarray  # ... a reviewed open routine act
    retro_innov: np.ndarray  # monthly chance review catches an open innovation (before
    # it may be pushed down)
    severity: np.ndarray  # sanction_scale in force
    paperwork: np.ndarray
    tolerance: np.ndarray  # the provision's reach and strength (τ)
    eligible: np.ndarray  # (U, 3) eligibility of innovation / routine / retro cases
    stages: np.ndarray  # (U, 2, 5) stage factors (tolerance.stage_factors)
    sanction_publicity: np.ndarray
    tolerance_publicity: np.ndarray
    truth: np.ndarray  # (len(BELIEFS), U) true value of each belief
    announced: np.ndarray  # (len(BELIEFS), U) what the unit's documents announce

    def __post_init__(self) -> None:
        # The step remembers arrays derived from these by their identity
        # (model.memo.ArrayMemo): a write in place would leave those stale, so it raises.
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False


def _col(values: np.ndarray, name: str) -> np.ndarray:
    """One transmitted parameter per unit, as a contiguous array.

    perf: a column view of the (U, K) table has a stride of K elements; the step reads
    these arrays every month (gathers, products), a contiguous copy made once per regime
    reads several times faster."""
    return np.ascontiguousarray(values[:, COLUMN[name]])


def build(
    values: np.ndarray,
    p: Mapping[str, float],
    h: Hierarchy,
    levels: list[np.ndarray],
    share_form: np.ndarray,
    local_text: np.ndarray,
) -> UnitRegime:
    """The regime in force, from the (U, K) transmitted ``values`` each unit adopted.

    ``share_form`` (U,) is the chance an avoider of the unit shares responsibility (its
    form mix, ``decision.share_form_chance``), which can shed an omission case.
    ``local_text`` (U,): each unit's local text's departure (``tolerance.local_texts``),
    scaled by the ``local_text_spread`` it adopted.
    """
    values = _localised(values, local_text)
    s, ch = _col(values, "supervision"), _col(values, "supervision_channels")
    vis = _col(values, "omission_visibility")
    detect = accountability.detection_by_unit(s, ch, h, levels)
    detect_om = accountability.detection_by_unit(s * vis, ch, h, levels)
    # Every level below a unit is one more to push a case onto (责任层层下移): it keeps a
    # case with (1 - blame_shift) per level beneath it; the grassroots keep them all.
    shift = accountability.at_least_once(_col(values, "blame_shift"), levels_below(h))
    targets = decision.targets_in_force(
        _col(values, "one_veto_targets"),
        _col(values, "vague_requirements"),
        detect,
        _col(values, "amplification"),
        h.level,
    )
    # Retroactive review is done from above too: inspection tours of every level at and
    # above the unit re-read its records (上级秋后算账, S000-06).
    r = _col(values, "retroactive_risk")
    review = accountability.detection_by_unit(r, np.ones(h.n_units), h, levels)
    judge_innov, judge_routine = accountability.judging(_col(values, "standard_drift"))
    r_innov = review * judge_innov
    tol = _col(values, "tolerance")
    stages = tolerance.stage_factors(
        tol,
        _col(values, "standards_clarity"),
        _col(values, "discipline_stance"),
        _col(values, "inter_level_consensus"),
        p["public_tolerance"],
        p["consensus_to_start"],
    )
    severity = _col(values, "sanction_scale")
    omission_case = 1.0 - share_form * p["share_dilution"]
    tol_truth = tolerance.effective_tolerance(
        stages, tol, p["high_profile_share"], duty=p["application_duty"]
    )
    # Beliefs are about one's own cases: what is pushed down is not one's own.
    truth = np.stack(
        [
            detect * (1.0 - shift),
            detect_om * omission_case,
            r_innov * (1.0 - shift),
            severity,
            tol_truth,
        ]
    )
    announced = _announced(values, h, shift, omission_case, judge_innov)
    return UnitRegime(
        detect=detect,
        detect_omission=detect_om,
        shift=shift,
        targets=targets,
        review=review,
        judge_innov=judge_innov,
        judge_routine=judge_routine,
        retro_innov=r_innov,
        severity=severity,
        paperwork=_col(values, "paperwork_load"),
        tolerance=tol,
        eligible=tolerance.eligibility(tol),
        stages=stages,
        sanction_publicity=_col(values, "sanction_publicity"),
        tolerance_publicity=_col(values, "tolerance_publicity"),
        truth=truth.astype(np.float32),
        announced=announced.astype(np.float32),
    )


def _localised(values: np.ndarray, local_text: np.ndarray) -> np.ndarray:
    """``values`` with the provision each unit's local text details shifted by its
    departure times the ``local_text_spread`` it adopted (a copy; ``values`` if none)."""
    local = local_text * _col(values, "local_text_spread")
    if not np.any(local):
        return values
    values = values.copy()
    for name in tolerance.LOCAL_TEXT:
        values[:, COLUMN[name]] = tolerance.localised(values[:, COLUMN[name]], local)
    return values


def _announced(
    values: np.ndarray,
    h: Hierarchy,
    shift: np.ndarray,
    omission_case: np.ndarray,
    judge_innov: np.ndarray,
) -> np.ndarray:
    # A document describes the regime as if every level watching the unit ran it; what
    # the tolerance text promises is its strength, not the record of the procedure.
    s, ch = _col(values, "supervision"), _col(values, "supervision_channels")
    vis, r = _col(values, "omission_visibility"), _col(values, "retroactive_risk")
    watching = h.level.astype(float) + 1.0
    return np.stack(
        [
            accountability.announced_detection(s, ch, watching) * (1.0 - shift),
            accountability.announced_detection(s * vis, ch, watching) * omission_case,
            accountability.announced_detection(r, 1.0, watching) * judge_innov * (1.0 - shift),
            _col(values, "sanction_scale"),
            _col(values, "tolerance"),
        ]
    )


def levels_below(h: Hierarchy) -> np.ndarray:
    """How many levels of subordinate units each unit has below it."""
    return h.descendants[1].astype(bool).sum(axis=1).astype(float)


assert BELIEFS == ("detect", "omit", "retro", "severity", "tol")  # the rows of truth
