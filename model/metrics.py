"""Per-level reporters, the tolerance survey and run summaries.

All reporters aggregate with ``np.bincount`` over the level of each cadre, case or
unit; rows come out in long form (one row per step and level, plus ``all``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.hierarchy import LEVELS, N_LEVELS, Hierarchy
from model.learning import group_sum
from model.state import ACTIONS, AVOID, FORMS, INNOVATE, ROUTINE, CadreState

SURVEY_MEMORY = 24   # months of cases a cadre can recall when asked
SURVEY_MANY = 3      # known applications from which a cadre answers "yes, many"
SURVEY_ANSWERS: tuple[str, ...] = ("many", "few", "none", "dont_know")
SURVEY_ANSWERS_ZH: tuple[str, ...] = ("有，很多", "有，较少", "没有", "不知道")
# Seed 003 (S003-06): "Has your area or department applied the tolerance mechanism?"
SURVEY_TARGET: dict[str, float] = {"many": 0.0595, "few": 0.1791, "none": 0.2595, "dont_know": 0.5019}

SHARE_COLUMNS = ("innovate", "routine", "avoid", "pass_down", "share", "stall")
MEAN_COLUMNS = ("belief_tolerance", "belief_detection", "free_attention", "overload")
COUNT_COLUMNS = (
    "innovations", "successes", "failures", "absorbed",
    "cases", "applied", "accepted", "consulted", "approved", "recognised", "coupons",
    "detections", "retro_cases", "sanctions_mild", "sanctions_moderate", "sanctions_severe",
    "sanctions_omission", "passed_down", "inflow", "solved", "escalations",
    "promotions", "retirements", "removals",
)
UNIT_COLUMNS = ("problems",)
COLUMNS = ("step", "level", "n_cadres", *SHARE_COLUMNS, *MEAN_COLUMNS, *COUNT_COLUMNS,
           *UNIT_COLUMNS, "problems_per_cadre")


@dataclass
class StepEvents:
    """What happened this month, as per-cadre masks and per-case index arrays."""

    overload: np.ndarray
    success: np.ndarray
    failed: np.ndarray
    detected: np.ndarray            # cadres with a current act detected (any kind)
    retro_idx: np.ndarray           # cadres with a retroactive case
    case_idx: np.ndarray            # cadres of tolerance-eligible cases
    stages: np.ndarray              # (cases, 5) stages passed
    sanction_idx: np.ndarray        # cadres of each sanction
    sanction_severity: np.ndarray   # severity of each sanction
    omission_sanction: np.ndarray   # bool per sanction: for inaction
    unit_counts: dict[str, np.ndarray]  # per-unit counts: absorbed, passed_down, inflow, solved, escalations
    promoted: np.ndarray
    retired: np.ndarray
    removed: np.ndarray


def _by_level(levels: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(levels, weights, minlength=N_LEVELS).astype(float)


def step_rows(step: int, h: Hierarchy, s: CadreState, ev: StepEvents, problems: np.ndarray) -> list[dict]:
    """Per-level rows for one step (plus an ``all`` row)."""
    lv = s.level
    n = _by_level(lv)
    sums: dict[str, np.ndarray] = {}
    for code, name in zip((INNOVATE, ROUTINE, AVOID), ACTIONS, strict=True):
        sums[name] = _by_level(lv, (s.action == code).astype(float))
    for code, name in enumerate(FORMS):
        sums[name] = _by_level(lv, (s.form == code).astype(float))
    sums["belief_tolerance"] = _by_level(lv, s.belief_tol)
    sums["belief_detection"] = _by_level(lv, s.belief_detect)
    sums["free_attention"] = _by_level(lv, s.free_attention)
    sums["overload"] = _by_level(lv, ev.overload)

    counts: dict[str, np.ndarray] = {
        "innovations": sums["innovate"],
        "successes": _by_level(lv, ev.success.astype(float)),
        "failures": _by_level(lv, ev.failed.astype(float)),
        "detections": _by_level(lv, ev.detected.astype(float)),
        "retro_cases": _by_level(lv[ev.retro_idx]),
        "promotions": _by_level(lv[ev.promoted]),
        "retirements": _by_level(lv[ev.retired]),
        "removals": _by_level(lv[ev.removed]),
    }
    case_lv = lv[ev.case_idx]
    counts["cases"] = _by_level(case_lv)
    for j, name in enumerate(("applied", "accepted", "consulted", "approved", "recognised")):
        counts[name] = _by_level(case_lv, ev.stages[:, j].astype(float))
    counts["coupons"] = _by_level(case_lv, (ev.stages[:, 3] & ~ev.stages[:, 4]).astype(float))
    s_lv = lv[ev.sanction_idx]
    for k, name in enumerate(("sanctions_mild", "sanctions_moderate", "sanctions_severe")):
        counts[name] = _by_level(s_lv, (ev.sanction_severity == k).astype(float))
    counts["sanctions_omission"] = _by_level(s_lv, ev.omission_sanction.astype(float))
    for name, per_unit in ev.unit_counts.items():
        counts[name] = _by_level(h.level, per_unit)
    unit_sums = {"problems": _by_level(h.level, problems)}

    rows = []
    for i, name in enumerate((*LEVELS, "all")):
        sel = slice(None) if name == "all" else slice(i, i + 1)
        nn = n[sel].sum()
        row: dict = {"step": step, "level": name, "n_cadres": int(nn)}
        for c in SHARE_COLUMNS + MEAN_COLUMNS:
            row[c] = float(sums[c][sel].sum() / nn) if nn else 0.0
        for c in COUNT_COLUMNS:
            row[c] = float(counts[c][sel].sum())
        row["problems"] = float(unit_sums["problems"][sel].sum())
        row["problems_per_cadre"] = row["problems"] / nn if nn else 0.0
        rows.append(row)
    return rows


def survey(h: Hierarchy, s: CadreState, applied_log: np.ndarray, public_tol_log: np.ndarray,
           sanction_log: np.ndarray) -> dict[str, float]:
    """Seed 003's question, answered by every cadre from what it could know (S003-06).

    A cadre knows the applications made in its own unit over the last
    ``SURVEY_MEMORY`` months and the tolerated cases peer units publicised. Knowing of
    ``SURVEY_MANY`` or more, it answers "many"; of one or two, "few"; of none, it says
    "none" if it would have known (it is a leader, or someone in its unit was held
    accountable in that time), and "don't know" otherwise.
    """
    applied = applied_log.sum(axis=0)
    pub = public_tol_log.sum(axis=0)
    known_u = applied + group_sum(pub, h.group) - pub
    informed_u = sanction_log.sum(axis=0) > 0
    known = known_u[s.unit]
    answer = np.where(known >= SURVEY_MANY, 0, np.where(known >= 1, 1,
                      np.where(s.leader | informed_u[s.unit], 2, 3)))
    shares = np.bincount(answer, minlength=4) / max(s.n, 1)
    return {a: float(x) for a, x in zip(SURVEY_ANSWERS, shares, strict=True)}


def total_variation(a: dict[str, float], b: dict[str, float]) -> float:
    return 0.5 * sum(abs(a[k] - b[k]) for k in SURVEY_ANSWERS)


def final_window_levels(rows: list[dict], fraction: float = 0.2) -> dict[str, dict[str, float]]:
    """Per-level shares (and key means) averaged over the last ``fraction`` of steps."""
    if not rows:
        return {}
    last = max(r["step"] for r in rows)
    k = max(1, int(round(last * fraction)))
    window = [r for r in rows if r["step"] > last - k]
    keys = (*SHARE_COLUMNS, "belief_tolerance", "belief_detection", "free_attention", "problems_per_cadre")
    out: dict[str, dict[str, float]] = {}
    for name in (*LEVELS, "all"):
        rs = [r for r in window if r["level"] == name]
        out[name] = {c: float(np.mean([r[c] for r in rs])) for c in keys}
    return out
