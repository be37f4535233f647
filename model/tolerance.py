"""The tolerance (容错) procedure, stage by stage (seed 003, S003-04/05/08–11).

A detected good-faith error (a failed innovation, or a past innovation caught by
retroactive review) passes, or drops out at, each stage:

1. application  — the cadre applies: formal provision x clarity x own belief that it works;
2. acceptance   — the case is accepted; public intolerance blocks high-profile cases;
3. consultation — joint investigation by discipline commission and organisation
                  department; the discipline commission only clears clearly listed errors;
4. determination — same-level party committee; high-profile cases go to the upper level;
5. recognition  — the upper level recognises the decision, else it is a 'local ration
                  coupon' (地方粮票): tolerated below, not above, and the sanction stands.

The user's ``tolerance`` lever scales stages 1 and 4 (the written provision); the
effective tolerance probability is the product of all stages and so *emerges*.
"""

from __future__ import annotations

import functools

import numpy as np

STAGES: tuple[str, ...] = ("cases", "applied", "accepted", "consulted", "approved", "recognised")
STAGES_ZH: tuple[str, ...] = ("被问责案例", "提出申请", "受理", "调查会商通过", "审议认定", "上级认可")
ORGANISATION_APPROVAL = 0.9  # the organisation department leans to incentive (S003-10)


def stage_probabilities(p: dict, belief_tol: np.ndarray, high_profile: np.ndarray) -> np.ndarray:
    """Conditional pass probability of each of the five stages, shape (k, 5)."""
    tol, clar = p["tolerance"], p["standards_clarity"]
    # Stages 2-5 depend only on whether the case is high-profile: look their row up.
    out = _later_stages(p).take(np.asarray(high_profile, dtype=np.intp), axis=0)
    out[:, 0] = tol * (0.5 + 0.5 * clar) * (0.5 + 0.5 * belief_tol)
    return out


def _later_stages(p: dict) -> np.ndarray:
    """Pass probabilities of stages 2-5 (column 0 left for stage 1), shape (2, 5):
    row 0 for an ordinary case, row 1 for a high-profile one. Read-only."""
    return _later_stages_of(p["tolerance"], p["standards_clarity"], p["public_tolerance"],
                            p["discipline_stance"], p["inter_level_consensus"])


@functools.lru_cache(maxsize=64)
def _later_stages_of(tol: float, clar: float, public: float, discipline: float,
                     consensus: float) -> np.ndarray:
    """:func:`_later_stages` of the parameters it reads, remembered: they change only
    when a lever moves, and a dozen small operations a month are a visible cost."""
    rows = np.zeros((2, 5))
    rows[:, 1] = 0.7 + 0.3 * public, public
    rows[:, 2] = discipline * clar + (1.0 - discipline) * ORGANISATION_APPROVAL
    committee = (0.5 + 0.5 * tol) * (0.5 + 0.5 * clar)
    # High-profile cases are decided by the upper level itself: its (dis)agreement acts here.
    rows[:, 3] = committee, committee * consensus
    rows[:, 4] = consensus, 1.0
    rows.flags.writeable = False  # shared by every call with these parameters
    return rows


def effective_tolerance(p: dict, belief_tol: float = 0.5) -> float:
    """Expected chance that a detected good-faith error ends tolerated and recognised."""
    hp = p["high_profile_share"]
    probs = [
        np.prod(stage_probabilities(p, np.array([belief_tol]), np.array([flag]))[0])
        for flag in (False, True)
    ]
    return float((1 - hp) * probs[0] + hp * probs[1])


def run_procedure(p: dict, belief_tol: np.ndarray, high_profile: np.ndarray,
                  u: np.ndarray) -> np.ndarray:
    """Stages passed per case: bool (k, 5); row i is True up to where case i dropped out."""
    passed = u < stage_probabilities(p, belief_tol, high_profile)
    return np.logical_and.accumulate(passed, axis=1)
