"""What each view shows, computed from the model once per redraw.

A :class:`Snapshot` copies everything the charts need while the session lock is held,
so the SVG (screen) and matplotlib (PNG export) renderers both draw the same numbers
and never read a model that the play loop is stepping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model import CadreModel
from model.hierarchy import N_LEVELS, Hierarchy
from model.metrics import (
    ROW_LEVELS,
    SURVEY_ANSWERS,
    VALUE_COLUMNS,
    answer_shares,
    shares_by_level,
)
from model.state import BELIEFS, HISTORY_LEN

# Above this many units in a level the tree stops one level higher (province: counties).
MAX_DRAWN_PER_LEVEL = 160
BELIEF_BINS = 20
COL = {c: i for i, c in enumerate(VALUE_COLUMNS)}
ROW = {lv: i for i, lv in enumerate(ROW_LEVELS)}
FUNNEL_COLUMNS = ("cases", "applied", "accepted", "consulted", "approved", "recognised")


def draw_depth(h: Hierarchy, max_per_level: int = MAX_DRAWN_PER_LEVEL) -> int:
    """Deepest level whose units are few enough to draw one by one."""
    depth = 0
    for lv in range(N_LEVELS):
        if int(np.sum(h.level == lv)) <= max_per_level:
            depth = lv
        else:
            break
    return depth


def tree_layout(h: Hierarchy, max_level: int) -> tuple[np.ndarray, np.ndarray]:
    """x in (0, 1) and y = level / max_level for every unit down to ``max_level``.

    Units are stored level by level, so the drawn units are a prefix of the arrays.
    Leaves (units at ``max_level``) are spaced evenly in storage order, which keeps
    siblings together; each parent sits midway over its first and last child.
    """
    if not 0 <= max_level < N_LEVELS:
        raise ValueError(f"max_level = {max_level}: allowed is 0..{N_LEVELS - 1}")
    n = int(np.sum(h.level <= max_level))
    level = h.level[:n]
    x = np.zeros(n)
    leaves = np.flatnonzero(level == max_level)
    x[leaves] = (np.arange(len(leaves)) + 0.5) / len(leaves)
    for lv in range(max_level - 1, -1, -1):
        us = np.flatnonzero(level == lv)
        first = h.child_start[us]
        last = first + h.n_children[us] - 1
        x[us] = (x[first] + x[last]) / 2.0
    y = level / max(max_level, 1)
    return x, y.astype(float)


def ancestor_at(h: Hierarchy, units: np.ndarray, level: int) -> np.ndarray:
    """The ancestor at ``level`` of each unit (units at or above it map to themselves)."""
    out = np.asarray(units, dtype=np.int64).copy()
    for _ in range(N_LEVELS):
        deeper = h.level[out] > level
        if not deeper.any():
            break
        out[deeper] = h.parent[out[deeper]]
    return out


def _shares(counts: np.ndarray) -> np.ndarray:
    tot = counts.sum(axis=1, keepdims=True)
    return np.where(tot > 0, counts / np.where(tot > 0, tot, 1.0), np.nan)


@dataclass
class TreeData:
    x: np.ndarray
    y: np.ndarray
    level: np.ndarray
    parent: np.ndarray
    shares: np.ndarray  # (n_drawn, 3), NaN before the first month
    depth: int
    below: np.ndarray | None  # (n_leaves, 3) township shares summed per drawn leaf
    below_counts: np.ndarray | None  # townships under each drawn leaf
    leaves: np.ndarray  # indices of drawn leaves
    number: np.ndarray | None = None  # each drawn unit's number among its siblings (from 1)


@dataclass
class Snapshot:
    step: int
    scenario: str
    preset: str
    n_units: int
    n_cadres: int
    hist: np.ndarray  # (steps, levels + all, VALUE_COLUMNS)
    change_points: list[int]
    tree: TreeData
    belief_tol: np.ndarray  # (levels, bins) densities over [0, belief_tol_top]
    belief_det: np.ndarray  # ... over [0, belief_det_top]
    belief_tol_mean: np.ndarray  # (levels,)
    belief_det_mean: np.ndarray
    survey: dict[str, float]
    effective_tolerance: float
    # The survey asked of each level's cadres apart: level name -> answer -> share.
    survey_levels: dict[str, dict[str, float]] = field(default_factory=dict)
    # The truth of each belief at the cadres' posts (the regime in force at their unit),
    # averaged per level, and the upper end of each belief chart's axis.
    belief_tol_truth: np.ndarray = field(default_factory=lambda: np.full(N_LEVELS, np.nan))
    belief_det_truth: np.ndarray = field(default_factory=lambda: np.full(N_LEVELS, np.nan))
    belief_tol_top: float = 1.0
    belief_det_top: float = 1.0
    extra: dict = field(default_factory=dict)

    def series(self, column: str, level: str = "all") -> np.ndarray:
        return self.hist[:, ROW[level], COL[column]]

    def funnel(self, level: str = "all") -> dict[str, float]:
        """Cases at each stage of the tolerance procedure, summed over the run."""
        rows = self.hist[:, ROW[level], :] if len(self.hist) else np.zeros((0, len(VALUE_COLUMNS)))
        out = {c: float(rows[:, COL[c]].sum()) for c in FUNNEL_COLUMNS}
        out["coupons"] = float(rows[:, COL["coupons"]].sum())
        return out


def tree_data(model: CadreModel) -> TreeData:
    h = model.hierarchy
    depth = draw_depth(h)
    x, y = tree_layout(h, depth)
    n = len(x)
    counts = model.unit_counts if model.unit_counts is not None else np.zeros((h.n_units, 3))
    shares = _shares(counts[:n])
    leaves = np.flatnonzero(h.level[:n] == depth)
    below = below_counts = None
    if depth < N_LEVELS - 1:
        bottom = np.flatnonzero(h.level == N_LEVELS - 1)
        anc = ancestor_at(h, bottom, depth)
        agg = np.zeros((n, 3))
        np.add.at(agg, anc, counts[bottom])
        below = _shares(agg[leaves])
        below_counts = np.bincount(anc, minlength=n)[leaves]
    return TreeData(
        x,
        y,
        h.level[:n].astype(int),
        h.parent[:n],
        shares,
        depth,
        below,
        below_counts,
        leaves,
        sibling_number(h)[:n],
    )


def sibling_number(h: Hierarchy) -> np.ndarray:
    """Each unit's number among the children of its parent, counted from 1 (the centre: 0)."""
    out = np.zeros(h.n_units, dtype=np.int64)
    has = h.parent >= 0
    out[has] = np.arange(h.n_units)[has] - h.child_start[h.parent[has]] + 1
    return out


def place_path(h: Hierarchy, u: int, number: np.ndarray | None = None) -> list[tuple[int, int]]:
    """[(level, number among siblings)] from below the centre down to unit ``u``;
    ``number`` is ``sibling_number(h)`` when the caller names many units."""
    number = sibling_number(h) if number is None else number
    path = []
    while u >= 0 and h.level[u] > 0:
        path.append((int(h.level[u]), int(number[u])))
        u = int(h.parent[u])
    return path[::-1]


def belief_hist(
    values: np.ndarray, levels: np.ndarray, bins: int = BELIEF_BINS, top: float = 1.0
) -> np.ndarray:
    """Per level, the share of its cadres in each of ``bins`` equal bins of [0, ``top``]
    (values above ``top`` count in the last bin)."""
    b = np.clip((np.nan_to_num(values, nan=0.0) / top * bins).astype(int), 0, bins - 1)
    # one bincount over (level, bin): a quarter of np.add.at's time, the same counts
    counts = np.bincount(levels * bins + b, minlength=N_LEVELS * bins).reshape(N_LEVELS, bins)
    tot = counts.sum(axis=1, keepdims=True)
    return counts / np.where(tot > 0, tot, 1.0)


def _level_mean(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    n = np.bincount(levels, minlength=N_LEVELS).astype(float)
    return np.bincount(levels, np.nan_to_num(values), minlength=N_LEVELS) / np.maximum(n, 1.0)


# Axis ends a belief chart can take: chances of detection are a few per cent a month,
# tolerance anywhere in [0, 1].
BELIEF_TOPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


def belief_top(values: np.ndarray, truth: np.ndarray) -> float:
    """The smallest axis end of :data:`BELIEF_TOPS` that holds 95 % of the beliefs and
    every level's truth."""
    high = max(
        float(np.quantile(np.nan_to_num(values), 0.95)) if len(values) else 0.0,
        float(np.nanmax(truth)) if np.isfinite(truth).any() else 0.0,
    )
    return next((t for t in BELIEF_TOPS if high <= t), 1.0)


def snapshot(model: CadreModel, change_points: list[int] | None = None) -> Snapshot:
    """Copy what the views need; call with the session lock held."""
    s = model.state
    lv = s.level.astype(np.int64)
    truth = model.regime.truth.take(s.unit, axis=1)  # (beliefs, cadres): each post's truth
    det_truth = _level_mean(truth[BELIEFS.index("detect")], lv)
    tol_truth = _level_mean(truth[BELIEFS.index("tol")], lv)
    det_top = belief_top(s.belief_detect, det_truth)
    survey, survey_levels = {a: float("nan") for a in SURVEY_ANSWERS}, {}
    if model.steps > 0:  # one answer per cadre, counted overall and by level
        answers = model.survey_answers()
        survey, survey_levels = answer_shares(answers), shares_by_level(answers, s.level)
    return Snapshot(
        step=int(model.steps),
        scenario=model.scenario_name,
        preset=model.preset,
        n_units=int(model.n_units),
        n_cadres=int(model.n_cadres),
        hist=model.history_array(),
        change_points=list(change_points or []),
        tree=tree_data(model),
        belief_tol=belief_hist(s.belief_tol, lv),
        belief_det=belief_hist(s.belief_detect, lv, top=det_top),
        belief_tol_mean=_level_mean(s.belief_tol, lv),
        belief_det_mean=_level_mean(s.belief_detect, lv),
        survey=survey,
        effective_tolerance=float(model.effective_tolerance()),
        survey_levels=survey_levels,
        belief_tol_truth=tol_truth,
        belief_det_truth=det_truth,
        belief_det_top=det_top,
    )


# ------------------------------------------------------------------ unit detail
@dataclass
class UnitDetail:
    unit: int
    level: int
    parent: int
    n_cadres: int
    problems: float
    children: list[tuple[int, int, np.ndarray]]  # (unit, number among its siblings, shares)
    cadres: list[dict]
    path: list[tuple[int, int]] = field(default_factory=list)  # place in the tree (see place_path)


def unit_detail(model: CadreModel, u: int, months: int = 12, max_children: int = 60) -> UnitDetail:
    """State and recent record of the cadres of unit ``u``; call with the lock held."""
    h, s = model.hierarchy, model.state
    if not 0 <= u < h.n_units:
        raise ValueError(f"unit = {u}: allowed is 0..{h.n_units - 1}")
    idx = h.cadres_of(u)
    rec = (
        s.recent(min(months, HISTORY_LEN))[:, idx][::-1]
        if s.hist_pos >= 0
        else np.zeros((0, len(idx)))
    )
    shown = min(months, int(model.steps))
    rec = rec[-shown:] if shown > 0 else rec[:0]
    cadres = [
        {
            "cadre": int(i),
            "leader": bool(s.leader[i]),
            "action": int(s.action[i]) if model.steps > 0 else -1,
            "form": int(s.form[i]),
            "belief_tol": float(s.belief_tol[i]),
            "belief_det": float(s.belief_detect[i]),
            "free_attention": float(s.free_attention[i]),
            "sanctions": int(s.sanctions[i]),
            "tolerated": int(s.tolerated[i]),
            "tenure": int(s.tenure[i]),
            "history": [int(r) for r in rec[:, k]],
        }
        for k, i in enumerate(idx)
    ]
    counts = model.unit_counts if model.unit_counts is not None else np.zeros((h.n_units, 3))
    kids = h.children(u)[:max_children]
    children = [(int(c), int(c - h.child_start[u] + 1), _shares(counts[[c]])[0]) for c in kids]
    return UnitDetail(
        int(u),
        int(h.level[u]),
        int(h.parent[u]),
        int(h.n_cadres[u]),
        float(model.problems[u]),
        children,
        cadres,
        place_path(h, u),
    )
