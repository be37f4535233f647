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


VALUE_COLUMNS = COLUMNS[2:]
_COL = {c: i for i, c in enumerate(VALUE_COLUMNS)}
ROW_LEVELS: tuple[str, ...] = (*LEVELS, "all")


def _by_level(levels: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(levels, weights, minlength=N_LEVELS).astype(float)


def _segment_sum(sorted_levels: np.ndarray):
    """Per-level sums for arrays aligned with ``sorted_levels`` (cadres and units are
    stored level by level, so contiguous segment sums replace scatter-adds)."""
    starts = np.searchsorted(sorted_levels, np.arange(N_LEVELS))

    def total(x: np.ndarray) -> np.ndarray:
        return np.add.reduceat(x, starts, dtype=float)

    return total


def step_matrix(h: Hierarchy, s: CadreState, ev: StepEvents, problems: np.ndarray) -> np.ndarray:
    """One step's reporters: array (levels + ``all``, VALUE_COLUMNS)."""
    lv = s.level
    by_cadre = _segment_sum(lv)
    by_unit = _segment_sum(h.level)
    m = np.zeros((N_LEVELS, len(VALUE_COLUMNS)))

    def put(col: str, values: np.ndarray) -> None:
        m[:, _COL[col]] = values

    put("n_cadres", h.n_cadres.astype(float) @ (h.level[:, None] == np.arange(N_LEVELS)))
    for code, name in zip((INNOVATE, ROUTINE, AVOID), ACTIONS, strict=True):
        put(name, by_cadre(s.action == code))
    for code, name in enumerate(FORMS):
        put(name, by_cadre(s.form == code))
    put("belief_tolerance", by_cadre(s.belief_tol))
    put("belief_detection", by_cadre(s.belief_detect))
    put("free_attention", by_cadre(s.free_attention))
    put("overload", by_cadre(ev.overload))
    put("innovations", m[:, _COL["innovate"]])
    put("successes", by_cadre(ev.success))
    put("failures", by_cadre(ev.failed))
    put("detections", by_cadre(ev.detected))
    put("retro_cases", _by_level(lv[ev.retro_idx]))
    put("promotions", _by_level(lv[ev.promoted]))
    put("retirements", _by_level(lv[ev.retired]))
    put("removals", _by_level(lv[ev.removed]))
    case_lv = lv[ev.case_idx]
    put("cases", _by_level(case_lv))
    for j, name in enumerate(("applied", "accepted", "consulted", "approved", "recognised")):
        put(name, _by_level(case_lv, ev.stages[:, j]))
    put("coupons", _by_level(case_lv, ev.stages[:, 3] & ~ev.stages[:, 4]))
    s_lv = lv[ev.sanction_idx]
    for k, name in enumerate(("sanctions_mild", "sanctions_moderate", "sanctions_severe")):
        put(name, _by_level(s_lv, ev.sanction_severity == k))
    put("sanctions_omission", _by_level(s_lv, ev.omission_sanction))
    for name, per_unit in ev.unit_counts.items():
        put(name, by_unit(per_unit))
    put("problems", by_unit(problems))

    out = np.vstack([m, m.sum(axis=0)])
    n = np.maximum(out[:, _COL["n_cadres"]], 1.0)[:, None]
    per_cadre = [_COL[c] for c in SHARE_COLUMNS + MEAN_COLUMNS]
    out[:, per_cadre] /= n
    out[:, _COL["problems_per_cadre"]] = out[:, _COL["problems"]] / n[:, 0]
    return out


def matrix_rows(step: int, mat: np.ndarray) -> list[dict]:
    """Long-form rows (dicts) of one step's matrix."""
    rows = []
    for i, name in enumerate(ROW_LEVELS):
        row: dict = {"step": step, "level": name}
        row.update(zip(VALUE_COLUMNS, mat[i].tolist(), strict=True))
        row["n_cadres"] = int(row["n_cadres"])
        rows.append(row)
    return rows


def survey(h: Hierarchy, s: CadreState, applied_log: np.ndarray, public_tol_log: np.ndarray,
           now: int) -> dict[str, float]:
    """Seed 003's question, answered by every cadre from what it could know (S003-06).

    Over the last ``SURVEY_MEMORY`` months (the rows of the logs), a leader knows every
    application made in its unit; an ordinary cadre knows only its own application.
    Both know the tolerated cases that their own or a peer unit publicised (rarely, by
    default: S003-07c). Knowing of ``SURVEY_MANY`` or more, a cadre answers "many"; of one
    or two, "few"; of none, it says "none" if it would have known (it is a leader, or a
    good-faith error of its own was taken up, so it could have applied), and "don't
    know" otherwise.
    """
    pub = public_tol_log.sum(axis=0)
    pub_seen = group_sum(pub, h.group)  # own unit's and its peers' publicised cases
    recent = lambda month: (now - month) < SURVEY_MEMORY  # noqa: E731
    leader_known = (applied_log.sum(axis=0) + pub_seen - pub)[s.unit]
    own_known = pub_seen[s.unit] + recent(s.last_applied)
    known = np.where(s.leader, leader_known, own_known)
    answer = np.where(known >= SURVEY_MANY, 0, np.where(known >= 1, 1,
                      np.where(s.leader | recent(s.last_case), 2, 3)))
    shares = np.bincount(answer, minlength=4) / max(s.n, 1)
    return {a: float(x) for a, x in zip(SURVEY_ANSWERS, shares, strict=True)}


def total_variation(a: dict[str, float], b: dict[str, float]) -> float:
    return 0.5 * sum(abs(a[k] - b[k]) for k in SURVEY_ANSWERS)


FINAL_KEYS = (*SHARE_COLUMNS, "belief_tolerance", "belief_detection", "free_attention",
              "problems_per_cadre")


def final_window_levels(mats: np.ndarray, fraction: float = 0.2) -> dict[str, dict[str, float]]:
    """Per-level shares (and key means) averaged over the last ``fraction`` of steps.

    ``mats`` is the stacked history (steps, levels + all, VALUE_COLUMNS).
    """
    if len(mats) == 0:
        return {}
    k = max(1, int(round(len(mats) * fraction)))
    mean = mats[-k:].mean(axis=0)
    return {name: {c: float(mean[i, _COL[c]]) for c in FINAL_KEYS} for i, name in enumerate(ROW_LEVELS)}
