"""Per-level reporters, the tolerance survey and run summaries.

All reporters aggregate with ``np.bincount`` over the level of each cadre, case or
unit; rows come out in long form (one row per step and level, plus ``all``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.hierarchy import LEVELS, N_LEVELS, Hierarchy
from model.learning import group_sum
from model.memo import ArrayMemo
from model.state import (
    ACTIONS,
    FORMS,
    MAX_LOOKBACK,
    CadreState,
    count_by,
)

# The question asks whether there *have been* cases (有适用过…吗), with no window, and the
# provisions had been in force for years when it was asked (the article's documents run
# 2013-2021): a respondent answers for as far back as the model keeps records.
SURVEY_MEMORY = MAX_LOOKBACK  # months of cases a cadre can recall when asked
SURVEY_MANY = 3  # known cases from which a cadre answers "yes, many"
SURVEY_ANSWERS: tuple[str, ...] = ("many", "few", "none", "dont_know")
SURVEY_ANSWERS_ZH: tuple[str, ...] = ("有，很多", "有，较少", "没有", "不知道")
# Seed 003 (S003-06): "Has your area or department applied the tolerance mechanism?"
SURVEY_TARGET: dict[str, float] = {
    "many": 0.0595,
    "few": 0.1791,
    "none": 0.2595,
    "dont_know": 0.5019,
}

SHARE_COLUMNS = ("innovate", "routine", "avoid", "pass_down", "share", "stall")
# Per-cadre means: beliefs (model.state.BELIEFS), attention, and the regime in force at
# each cadre's unit next to what the unit perceives (true detection, binding targets in
# force and as perceived, the effective tolerance of an eligible case, adoption of the
# centre's latest regime).
MEAN_COLUMNS = (
    "belief_tolerance",
    "belief_detection",
    "belief_omission",
    "belief_retro",
    "belief_severity",
    "free_attention",
    "overload",
    "true_detection",
    "targets",
    "perceived_targets",
    "true_tolerance",
    "adopted",
)
COUNT_COLUMNS = (
    "innovations",
    "successes",
    "failures",
    "absorbed",
    "cases",
    "applied",
    "accepted",
    "consulted",
    "approved",
    "recognised",
    "coupons",
    "detections",
    "retro_cases",
    "cases_all",
    "cases_shifted",
    "sanctions_mild",
    "sanctions_moderate",
    "sanctions_severe",
    "sanctions_omission",
    "passed_down",
    "inflow",
    "solved",
    "escalations",
    "promotions",
    "retirements",
    "removals",
)
UNIT_COLUMNS = ("problems",)
COLUMNS = (
    "step",
    "level",
    "n_cadres",
    *SHARE_COLUMNS,
    *MEAN_COLUMNS,
    *COUNT_COLUMNS,
    *UNIT_COLUMNS,
    "problems_per_cadre",
)
SANCTION_COLUMNS = ("sanctions_mild", "sanctions_moderate", "sanctions_severe")


@dataclass
class StepEvents:
    """What happened this month, as per-cadre masks and per-case index arrays.

    perf: the cadres who succeeded, failed and were detected are kept as index arrays
    (the reporters count them per level); their masks are made when read."""

    overload: np.ndarray
    action_counts: np.ndarray  # (3, U) cadres per action and unit
    avoid_idx: np.ndarray  # cadres who avoided
    success_idx: np.ndarray  # cadres whose innovation succeeded
    fail_idx: np.ndarray  # cadres whose innovation failed
    detected_idx: np.ndarray  # cadres with a current act detected (any kind)
    retro_idx: np.ndarray  # cadres of each retroactive case
    case_idx: np.ndarray  # cadres of the eligible cases that entered the procedure
    stages: np.ndarray  # (eligible cases, 5) stages passed
    sanction_idx: np.ndarray  # cadres of each sanction
    sanction_severity: np.ndarray  # severity of each sanction
    omission_sanction: np.ndarray  # bool per sanction: for inaction
    case_cadre: np.ndarray  # every case: the cadre who carries it
    case_kind: np.ndarray  # accountability.CASE_KINDS code per case
    case_shifted: np.ndarray  # bool per case: pushed down from a superior unit
    case_territorial: np.ndarray  # bool per case: an incident on the unit's territory
    # bool per case: it entered the tolerance procedure; the k-th such case is row k of
    # ``stages`` and ``case_idx``
    case_eligible: np.ndarray
    tolerated: np.ndarray  # bool per case
    high_profile: np.ndarray  # bool per eligible case (aligned with case_idx)
    unit_counts: dict[
        str, np.ndarray
    ]  # per-unit counts: absorbed, passed_down, inflow, solved, escalations
    promoted: np.ndarray
    retired: np.ndarray
    removed: np.ndarray

    @property
    def success(self) -> np.ndarray:
        """Per-cadre mask of ``success_idx``."""
        return self._mask(self.success_idx)

    @property
    def failed(self) -> np.ndarray:
        """Per-cadre mask of ``fail_idx``."""
        return self._mask(self.fail_idx)

    @property
    def detected(self) -> np.ndarray:
        """Per-cadre mask of ``detected_idx``."""
        return self._mask(self.detected_idx)

    def _mask(self, idx: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.overload), dtype=bool)
        mask[idx] = True
        return mask


@dataclass
class UnitState:
    """Per-unit (U,) quantities that reporters average over each unit's cadres."""

    detect: np.ndarray
    targets: np.ndarray
    perceived_targets: np.ndarray
    tolerance_truth: np.ndarray
    adopted: np.ndarray


VALUE_COLUMNS = COLUMNS[2:]
_COL = {c: i for i, c in enumerate(VALUE_COLUMNS)}
ROW_LEVELS: tuple[str, ...] = (*LEVELS, "all")


def _segment_sum(sorted_levels: np.ndarray):
    """Per-level sums for arrays aligned with ``sorted_levels`` (cadres and units are
    stored level by level, so contiguous segment sums replace scatter-adds)."""
    starts = _level_starts(sorted_levels)

    def total(x: np.ndarray) -> np.ndarray:
        return np.add.reduceat(x, starts, axis=-1, dtype=float)

    return total


def _first_of_each_level(sorted_levels: np.ndarray) -> np.ndarray:
    # Needles of the levels' own dtype: int64 needles would cast the whole array first.
    return np.searchsorted(sorted_levels, np.arange(N_LEVELS, dtype=sorted_levels.dtype))


# Cadres' and units' levels are fixed for a run: their segments are found once.
_level_starts = ArrayMemo(_first_of_each_level)


# Cadres per level who succeeded, failed or were detected (counted with the cases).
_ACT_COUNTS = ("successes", "failures", "detections")
# Beliefs summed per level (one reduction of the (5, N) beliefs), in the rows of
# model.state.BELIEFS.
_BELIEF_MEANS = (
    "belief_detection",
    "belief_omission",
    "belief_retro",
    "belief_severity",
    "belief_tolerance",
)
# Per-unit values weighted by each unit's cadres, summed per level.
_UNIT_MEANS = ("true_detection", "targets", "perceived_targets", "true_tolerance", "adopted")
# Per-unit values summed per level (stacked: one reduction).
_UNIT_SUMS = ("n_cadres", "absorbed", "passed_down", "inflow", "solved", "escalations", "problems")
_CASE_COUNTS = (
    "retro_cases",
    "cases_all",
    "cases_shifted",
    "promotions",
    "retirements",
    "removals",
    "cases",
    "applied",
    "accepted",
    "consulted",
    "approved",
    "recognised",
    "coupons",
    "sanctions_mild",
    "sanctions_moderate",
    "sanctions_severe",
    "sanctions_omission",
)


def _column_span(names: tuple[str, ...]) -> slice:
    """The slice of VALUE_COLUMNS holding ``names``: lets a group of columns be filled, or
    divided, in one operation. The names must be contiguous and in this order."""
    start = _COL[names[0]]
    if VALUE_COLUMNS[start : start + len(names)] != names:
        raise AssertionError(f"columns {names} are not contiguous in VALUE_COLUMNS")
    return slice(start, start + len(names))


_PER_CADRE = _column_span(SHARE_COLUMNS + MEAN_COLUMNS)
# Positions in VALUE_COLUMNS of each group of reporters ``step_matrix`` fills at once.
_COLUMN_INDEX = {
    cols: np.array([_COL[c] for c in cols])
    for cols in (
        ACTIONS,
        FORMS,
        _ACT_COUNTS,
        ("innovations",),
        _BELIEF_MEANS,
        ("free_attention",),
        ("overload",),
        _CASE_COUNTS,
        _UNIT_SUMS,
        _UNIT_MEANS,
    )
}


def step_matrix(
    h: Hierarchy, s: CadreState, ev: StepEvents, problems: np.ndarray, units: UnitState
) -> np.ndarray:
    """One step's reporters: array (levels + ``all``, VALUE_COLUMNS).

    perf: the unit means' rows are written into one array (``np.stack`` costs ~15 µs of
    Python a month). Cadres are counted from the units' action counts, the avoiders'
    forms and the small index arrays of successes, failures and detections (a count
    over all N cadres cost twice as much)."""
    lv = s.level
    by_cadre = _segment_sum(lv)
    by_unit = _segment_sum(h.level)
    out = np.zeros((N_LEVELS + 1, len(VALUE_COLUMNS)))
    m = out[:N_LEVELS]  # rows of the levels; the last row is their total

    def put(cols: tuple[str, ...], values: np.ndarray) -> None:
        m[:, _COLUMN_INDEX[cols]] = values  # (levels, len(cols)) values

    # Counts are sums of integers: exact whichever way they are added up.
    put(ACTIONS, by_unit(ev.action_counts).T)
    put(("innovations",), m[:, _COL["innovate"], None])
    put(_BELIEF_MEANS, by_cadre(s.belief).T)
    put(("free_attention",), by_cadre(s.free_attention)[:, None])
    put(("overload",), by_cadre(ev.overload)[:, None])
    # Cadres of every kind of case, and who succeeded ..., per level in one bincount.
    st, sev = ev.stages, ev.sanction_severity
    counts = count_by(
        lv,
        N_LEVELS,
        ev.retro_idx,
        ev.case_cadre,
        ev.case_cadre[ev.case_shifted],
        ev.promoted,
        ev.retired,
        ev.removed,
        ev.case_idx,
        *(ev.case_idx[st[:, j]] for j in range(5)),  # cases, then each stage
        ev.case_idx[st[:, 3] & ~st[:, 4]],  # coupons: approved, not recognised
        *(ev.sanction_idx[sev == k] for k in range(3)),  # mild, moderate, severe
        ev.sanction_idx[ev.omission_sanction],
        ev.success_idx,
        ev.fail_idx,
        ev.detected_idx,
    ).T
    put(_CASE_COUNTS, counts[:, : len(_CASE_COUNTS)])
    put(_ACT_COUNTS, counts[:, len(_CASE_COUNTS) :])
    # Avoiders per level and form (codes 0-2 in FORMS order), one bincount of level x 3 + form.
    key = lv.take(ev.avoid_idx) * np.int8(len(FORMS)) + s.form.take(ev.avoid_idx)
    put(FORMS, np.bincount(key, minlength=N_LEVELS * len(FORMS)).reshape(N_LEVELS, -1))
    uc = ev.unit_counts
    put(
        _UNIT_SUMS,
        by_unit(
            np.concatenate([h.n_cadres, *(uc[c] for c in _UNIT_SUMS[1:-1]), problems]).reshape(
                len(_UNIT_SUMS), -1
            )
        ).T,
    )
    weighted = np.empty((len(_UNIT_MEANS), h.n_units))
    weighted[0], weighted[1], weighted[2] = units.detect, units.targets, units.perceived_targets
    weighted[3], weighted[4] = units.tolerance_truth, units.adopted
    weighted *= h.n_cadres
    put(_UNIT_MEANS, by_unit(weighted).T)

    np.sum(m, axis=0, out=out[N_LEVELS])
    n = np.maximum(out[:, _COL["n_cadres"]], 1.0)[:, None]
    out[:, _PER_CADRE] /= n
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


def answer_shares(answer: np.ndarray) -> dict[str, float]:
    """Shares of each of ``SURVEY_ANSWERS`` among the answer codes given (0 = many ...)."""
    shares = np.bincount(answer, minlength=len(SURVEY_ANSWERS)) / max(len(answer), 1)
    return {a: float(x) for a, x in zip(SURVEY_ANSWERS, shares, strict=True)}


def shares_by_level(answer: np.ndarray, level: np.ndarray) -> dict[str, dict[str, float]]:
    """:func:`answer_shares` of each level's cadres (``level`` per cadre), by level name."""
    return {name: answer_shares(answer[level == k]) for k, name in enumerate(LEVELS)}


def survey_answers(
    h: Hierarchy,
    s: CadreState,
    applied_log: np.ndarray,
    public_tol_log: np.ndarray,
    referred_log: np.ndarray,
    now: int,
    *,
    memory: int = SURVEY_MEMORY,
    many: int = SURVEY_MANY,
    department: bool = True,
    area: bool = True,
) -> np.ndarray:
    """Seed 003's question, answered by every cadre from what it could know (S003-06):
    per cadre the index of its answer in ``SURVEY_ANSWERS``.

    The question asks about the respondent's "area or department" (所在地区或部门).
    Over the last ``memory`` months (the rows of the logs) a cadre knows every
    application made in its own unit, its department: an application goes through the
    unit (its department tells the cadre the error qualifies and helps it apply, S003-05;
    the same-level committee decides, S003-10b), so colleagues hear of it even when it is
    not made public. Of its area, the jurisdiction its unit oversees, it knows the cases
    the procedure brought before its unit from the units directly below (``referred_log``,
    counted at the unit that referred them): an ordinary case determined below goes up
    for recognition (stage 5, S003-09c), a high-profile one is decided with the upper
    committee (stage 4, S003-05c); the unit handles them as it handles its own
    applications. Cases that dropped out below never reach it. Beyond that it knows the
    tolerated cases that its own or a peer unit publicised (rarely, by default: S003-07c);
    a unit's publicised case counts once.
    Knowing of ``many`` or more, a cadre answers "many"; of fewer but at least one, "few".
    Knowing of none, it says "none" if it would have known of a case: it is a leader
    (it signs its unit's applications off), or a case of its own was taken up in that
    time (it went through accountability and knows whether tolerance was used); hearing
    nothing, an ordinary cadre says "don't know".

    ``area=False`` leaves out the cases referred from below (the rule of commit
    ``cb2222c``). With ``department=False`` only leaders know their unit's business (its
    applications and, with ``area``, the cases referred to it), an ordinary cadre its own
    application and the publicised cases; with ``area=False`` and ``memory=24`` as well,
    that is the first model's rule.
    """
    pub = public_tol_log.sum(axis=0)
    pub_seen = group_sum(pub, h.group)  # own unit's and its peers' publicised cases
    per_unit = applied_log.sum(axis=0) + pub_seen - pub
    if area:  # the centre (parent -1) refers to no one
        ref = referred_log.sum(axis=0)
        below = h.parent >= 0
        per_unit = per_unit + np.bincount(h.parent[below], ref[below], minlength=h.n_units)
    known = per_unit[s.unit]
    if not department:  # its own latest application, unless among the publicised ones
        recent = (now - s.last_applied) < memory
        own = pub_seen[s.unit] + (recent & (s.last_public != s.last_applied))
        known = np.where(s.leader, known, own)
    would_know = s.leader | ((now - s.last_case) < memory)
    return np.where(known >= many, 0, np.where(known >= 1, 1, np.where(would_know, 2, 3)))


def total_variation(a: dict[str, float], b: dict[str, float]) -> float:
    return 0.5 * sum(abs(a[k] - b[k]) for k in SURVEY_ANSWERS)


# Summaries are means over the last FINAL_FRACTION of a run's months.
FINAL_FRACTION = 0.2
FINAL_KEYS = (
    *SHARE_COLUMNS,
    "belief_tolerance",
    "belief_detection",
    "free_attention",
    "problems_per_cadre",
)
# Rates per cadre-year over the final window (12 x monthly counts / cadres), and the
# mix of sanction severities (compare accountability.FOUR_FORMS_2021).
RATE_KEYS = (
    "sanctions_per_cadre_year",
    "removals_per_cadre_year",
    "cases_shifted_per_cadre_year",
    "share_mild",
    "share_moderate",
    "share_severe",
)


def rates(mean: np.ndarray) -> np.ndarray:
    """``RATE_KEYS`` per row of a (rows, VALUE_COLUMNS) matrix of monthly means."""
    n = np.maximum(mean[:, _COL["n_cadres"]], 1.0)
    sev = mean[:, [_COL[c] for c in SANCTION_COLUMNS]]
    total = sev.sum(axis=1)
    mix = sev / np.where(total > 0, total, np.nan)[:, None]
    return np.column_stack(
        [
            12 * total / n,
            12 * mean[:, _COL["removals"]] / n,
            12 * mean[:, _COL["cases_shifted"]] / n,
            mix,
        ]
    )


def final_window(mats: np.ndarray, fraction: float = FINAL_FRACTION) -> np.ndarray:
    """Mean of the last ``fraction`` of months (at least one) of a stacked history
    (steps, levels + all, VALUE_COLUMNS): the window every summary averages."""
    k = max(1, int(round(len(mats) * fraction)))
    return mats[-k:].mean(axis=0)


def final_window_levels(
    mats: np.ndarray, fraction: float = FINAL_FRACTION
) -> dict[str, dict[str, float]]:
    """Per-level shares, key means and yearly rates averaged over the last ``fraction``
    of steps.

    ``mats`` is the stacked history (steps, levels + all, VALUE_COLUMNS).
    """
    if len(mats) == 0:
        return {}
    mean = final_window(mats, fraction)
    yearly = rates(mean)
    return {
        name: {
            **{c: float(mean[i, _COL[c]]) for c in FINAL_KEYS},
            **{c: float(yearly[i, j]) for j, c in enumerate(RATE_KEYS)},
        }
        for i, name in enumerate(ROW_LEVELS)
    }
