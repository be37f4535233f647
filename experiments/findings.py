"""Pre-registered criteria for the eight findings of the sources (issue 5).

Every criterion below was written, with its thresholds, before any experiment of
:mod:`experiments.reproduce` was run, and is not to be tuned after seeing results.
Each ``criterion_*`` function takes per-replicate statistics (replicates share seeds
across the conditions of one experiment: common random numbers, so differences are
paired) and returns a :class:`Verdict`: *reproduced*, *partly* or *not reproduced*,
with every check's estimate and 95% confidence interval. The docstring of each
criterion is its written-down rule and is printed verbatim in the report.

The measurement helpers (half-rise lags, the contagion regression, Sobol total
indices, the factorial variance decomposition) are here too, because *how* a
statistic is computed is part of the pre-registration.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import stats

REPRODUCED, PARTLY, NOT_REPRODUCED = "reproduced", "partly", "not reproduced"
VERDICTS: tuple[str, ...] = (REPRODUCED, PARTLY, NOT_REPRODUCED)

# Two-sided 95% intervals throughout: the usual convention, fixed before any run.
CONF = 0.95
BOOTSTRAP = 2000  # bootstrap resamples for statistics without a closed-form interval


@dataclass
class Check:
    """One tested statement: an estimate, its interval, and whether it passed."""

    name: str
    estimate: float
    lo: float
    hi: float
    passed: bool
    note: str = ""

    def as_dict(self) -> dict:
        return {"check": self.name, "estimate": self.estimate, "ci_low": self.lo,
                "ci_high": self.hi, "passed": bool(self.passed), "note": self.note}


@dataclass
class Verdict:
    finding: int
    verdict: str
    checks: list[Check]
    explanation: str
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r} not in {VERDICTS}")


@dataclass(frozen=True)
class Finding:
    """A claim of the sources, as tested here (claim text fixed before any run)."""

    number: int
    title: str
    claim: str
    sources: tuple[str, ...]   # passage IDs of docs/sources.md
    if_not: str                # mechanisms that might be missing if it fails (written beforehand)


FINDINGS: dict[int, Finding] = {f.number: f for f in [
    Finding(1, "Each lever on its own",
            "Higher supervision, more one-veto targets and higher retroactive risk lower innovation "
            "and raise blame avoidance at every level; a stronger tolerance provision does the opposite.",
            ("S000-05", "S000-06", "S000-08", "S000-11", "S003-01"),
            "a lever acting on one level only (e.g. through amplification or leader duty) or through "
            "a belief that never moves at that level would leave some cells flat."),
    Finding(2, "Avoidance spreads through the hierarchy after a tightening",
            "After the 2012 tightening blame-avoidance thinking spread through governments at every "
            "level: it rises first where exposure is greatest, then across levels, and it spreads "
            "from peers and superiors, not only through each cadre's own learning.",
            ("S000-04b", "S000-18", "S000-12b"),
            "if every level reacts at once, the model lacks a channel by which pressure reaches some "
            "levels later (e.g. tasks passed down with a delay, or beliefs formed from the level above); "
            "if the contagion coefficient is no larger than under learning alone, imitation is too weak "
            "relative to the publicised-sanction channel."),
    Finding(3, "Tolerance on paper does little",
            "Raising the formal tolerance provision while inter-level consensus and clarity of "
            "standards stay low changes innovation little; raising consensus and clarity with it does more.",
            ("S003-07", "S003-08", "S003-09", "S003-09c"),
            "if paper tolerance alone already works, the procedure's later stages do not bind "
            "enough, or cadres learn tolerance from the provision rather than from observed cases."),
    Finding(4, "Attention crowding",
            "Heavy targets plus meetings, documents, forms and ledgers exhaust attention and leave no "
            "energy for innovation, even where detection risk is unchanged.",
            ("S000-11", "S000-21b", "S000-09b"),
            "if attention does not bind, innovation's success chance is not limited by free attention "
            "strongly enough, or cadres do not take it into account when choosing."),
    Finding(5, "Risks move upward",
            "When grassroots cadres do not try new solutions, unsolved problems accumulate at the "
            "grassroots and escalate to higher levels.",
            ("S000-19",),
            "escalation depends on a threshold of unsolved problems; if townships pass problems down "
            "or solve them by routine work at the same rate under both regimes, nothing escalates."),
    Finding(6, "The value of experimentation",
            "Under flexible experimentation more innovations fail, but more are absorbed upward and "
            "scaled up, and the system solves more problems in the long run.",
            ("S000-01", "S000-01b", "S000-03", "S000-03b"),
            "if failures are not higher, flexible cadres innovate no more than tightened ones; if the "
            "stock is not lower, absorbed innovations solve too few problems elsewhere."),
    Finding(7, "The reform package beats any single remedy",
            "The remedies work together: less rigid targets, flexible supervision, a working tolerance "
            "procedure and a tolerant public achieve more as a package than any one of them alone.",
            ("S000-20", "S000-20b", "S000-20c", "S003-12", "S003-14"),
            "if one remedy alone matches the package, the other channels are saturated or the "
            "binding constraint is that one remedy's (e.g. accountability risk)."),
    Finding(8, "Which lever matters most",
            "Global sensitivity: the accountability-pressure levers matter more for township innovation "
            "and the problem stock than the formal tolerance provision.",
            ("S000-04b", "S000-17", "S003-07"),
            "if tolerance ranks as high as the pressure levers, the tolerance procedure passes enough "
            "cases that its formal strength alone shapes beliefs."),
    Finding(9, "Avoidance spreads down the hierarchy over years",
            "A tightening at the top is relayed down by documents and meetings, each level's "
            "supervision catches up and cadres learn the new regime from cases: avoidance reaches "
            "the grassroots a year or more later, level by level.",
            ("S000-04b", "S000-18", "S000-24", "S003-03c"),
            "if every level reacts at once, pressure is not relayed (relay delay) or cadres act on "
            "the true regime rather than on what they have seen; if the order is mixed, the "
            "grassroots are not reached through their superiors."),
    Finding(10, "Startled birds recover slowly",
            "After a loosening, cadres remain 'birds startled by the bow' and keep treating freed "
            "targets rigidly: innovation comes back more slowly than it went.",
            ("S000-12", "S000-12b", "S000-12c"),
            "if recovery is as fast as the fall, a loosening is believed and relayed as readily as "
            "a tightening, or freed targets are dropped as soon as they are freed."),
    Finding(11, "Tolerance works as a lever where the procedure works",
            "A strong, broad tolerance provision encourages innovation when levels agree and "
            "standards are clear, without raising avoidance; the same text with disagreement and "
            "unclear standards changes nothing; the reform package does much more.",
            ("S003-01", "S003-07", "S003-09", "S003-15b", "S000-23"),
            "if the lever does nothing where the procedure works, eligibility or binding are too "
            "weak or cadres cannot learn that cases are tolerated; if it works on paper too, the "
            "other stages do not block."),
]}


# --------------------------------------------------------------------- statistics
def paired_diff(a: Sequence[float], b: Sequence[float], conf: float = CONF) -> tuple[float, float, float]:
    """Mean of ``a - b`` over replicates and its t-interval.

    Replicates are paired (same seed in both conditions). With fewer than two
    replicates, or no variation, the interval collapses or is undefined (NaN), and a
    check on it cannot pass by accident: a NaN bound compares False.
    """
    d = np.asarray(a, float) - np.asarray(b, float)
    n = len(d)
    m = float(d.mean()) if n else float("nan")
    if n < 2:
        return m, float("nan"), float("nan")
    se = float(d.std(ddof=1)) / np.sqrt(n)
    h = float(stats.t.ppf(0.5 + conf / 2, n - 1)) * se
    return m, m - h, m + h


def mean_ci(a: Sequence[float], conf: float = CONF) -> tuple[float, float, float]:
    return paired_diff(a, np.zeros(len(a)), conf)


def bootstrap_ci(stat: Callable[[np.ndarray], float], n: int, seed: int = 0, reps: int = BOOTSTRAP,
                 conf: float = CONF) -> tuple[float, float, float]:
    """Percentile bootstrap over replicate indices ``0..n-1``: (estimate, lo, hi)."""
    est = float(stat(np.arange(n)))
    if n < 2:
        return est, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    vals = np.array([stat(rng.integers(0, n, n)) for _ in range(reps)], float)
    vals = vals[np.isfinite(vals)]
    if len(vals) < reps // 2:
        return est, float("nan"), float("nan")
    lo, hi = np.quantile(vals, [(1 - conf) / 2, (1 + conf) / 2])
    return est, float(lo), float(hi)


def _check_sign(name: str, est: tuple[float, float, float], sign: int, note: str = "") -> Check:
    """Passes when the whole interval lies on the predicted side of zero."""
    m, lo, hi = est
    ok = bool(lo > 0) if sign > 0 else bool(hi < 0)
    return Check(name, m, lo, hi, ok, note)


def criterion_text(fn: Callable) -> str:
    """The pre-registered rule of a criterion, as written in its docstring."""
    return inspect.cleandoc(fn.__doc__ or "")


# ------------------------------------------------------------------ finding 1
# Predicted direction of each lever's effect on the innovation share; avoidance is
# predicted to move the opposite way (S000-04 to S000-11; S003-01).
LEVER_SIGN: dict[str, int] = {
    "supervision": -1, "one_veto_targets": -1, "retroactive_risk": -1, "tolerance": +1,
}
LEVER_ALL_CONFIRMED = 0.90   # share of (lever, level, outcome) cells needed for "reproduced"
LEVER_PARTLY_CONFIRMED = 0.50
TIPPING_SHARE = 0.5          # one grid segment carrying half of the total change = tipping


def criterion_levers(effects: dict[tuple[str, str, str], tuple[Sequence[float], Sequence[float]]]) -> Verdict:
    """Finding 1 — each lever on its own moves innovation and avoidance at every level.

    Design: one lever at a time swept over its schema range, every other parameter at
    its schema default; outcome = share of cadre-months spent innovating / avoiding
    in the last 20% of the run, per level.
    A cell is one (lever, level, outcome): the paired difference between the highest
    and the lowest swept value over replicates. Predicted sign: supervision, one-veto
    targets and retroactive risk lower innovation and raise avoidance; tolerance the
    opposite. A cell is *confirmed* when its 95% t-interval lies entirely on the
    predicted side of zero and *contradicted* when it lies entirely on the other side.
    Verdict: *reproduced* if at least 90% of the 40 cells are confirmed and none is
    contradicted (10% slack because 40 cells at a few replicates will not all reach
    significance even for true effects, notably at the centre with six cadres);
    *partly* if at least 50% are confirmed; otherwise *not reproduced*.
    """
    checks = []
    for (lever, level, outcome), (high, low) in effects.items():
        sign = LEVER_SIGN[lever] * (1 if outcome == "innovate" else -1)
        est = paired_diff(high, low)
        c = _check_sign(f"{lever} · {level} · {outcome}", est, sign)
        m, lo, hi = est
        contradicted = bool(lo > 0) if sign < 0 else bool(hi < 0)
        c.note = "contradicted" if contradicted else ("confirmed" if c.passed else "inconclusive")
        checks.append(c)
    n = len(checks)
    confirmed = sum(c.passed for c in checks)
    contradicted = sum(c.note == "contradicted" for c in checks)
    share = confirmed / n if n else 0.0
    if share >= LEVER_ALL_CONFIRMED and contradicted == 0:
        v = REPRODUCED
    elif share >= LEVER_PARTLY_CONFIRMED:
        v = PARTLY
    else:
        v = NOT_REPRODUCED
    expl = f"{confirmed} of {n} cells confirmed ({share:.0%}), {contradicted} contradicted."
    return Verdict(1, v, checks, expl, {"confirmed_share": share, "contradicted": contradicted})


def tipping(x: Sequence[float], y: Sequence[float]) -> dict:
    """Where a response curve is steepest, and whether that is a tipping point.

    The steepest grid segment's share of the total absolute variation along the curve;
    a share of at least ``TIPPING_SHARE`` on a grid of four or more segments is
    reported as a tipping region (descriptive, not part of any verdict).
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    dy = np.abs(np.diff(y))
    total = float(dy.sum())
    if len(dy) == 0 or total == 0:
        return {"segment": (float("nan"), float("nan")), "share": float("nan"), "tipping": False}
    i = int(dy.argmax())
    share = float(dy[i] / total)
    return {"segment": (float(x[i]), float(x[i + 1])), "share": share,
            "tipping": bool(len(dy) >= 4 and share >= TIPPING_SHARE)}


# ------------------------------------------------------------------ finding 2
PRE_WINDOW = 10     # months before the tightening that define the baseline
SMOOTH = 5          # months in the centred moving average before reading a lag
HALF = 0.5          # a level has "risen" once half of its total rise is reached


def smooth(y: np.ndarray, k: int = SMOOTH) -> np.ndarray:
    """Centred moving average along the last axis (edges use the available months)."""
    y = np.asarray(y, float)
    pad = k // 2
    c = np.cumsum(np.pad(y, [(0, 0)] * (y.ndim - 1) + [(pad + 1, pad)], mode="edge"), axis=-1)
    return (c[..., k:] - c[..., :-k]) / k


def half_rise_lag(curve: np.ndarray, t0: int, t_end: int) -> float:
    """Months after ``t0`` until a (smoothed) curve first covers half of its rise.

    ``curve`` is indexed by step - 1. Baseline = mean of the ``PRE_WINDOW`` months
    before ``t0``; plateau = mean of the last quarter of ``[t0, t_end)``. If the curve
    does not rise, the lag is NaN.
    """
    return float(half_rise_lags(np.asarray(curve, float)[:, None], t0, t_end)[0])


def half_rise_lags(curves: np.ndarray, t0: int, t_end: int) -> np.ndarray:
    """:func:`half_rise_lag` of every column of ``curves`` (months, levels) at once.

    The same rule, vectorised so the bootstrap of criterion B stays cheap.
    """
    s = smooth(np.asarray(curves, float).T)          # (levels, months)
    pre = s[:, t0 - 1 - PRE_WINDOW:t0 - 1].mean(axis=1)
    q = max(1, (t_end - t0) // 4)
    plateau = s[:, t_end - 1 - q:t_end - 1].mean(axis=1)
    post = s[:, t0 - 1:t_end - 1]
    hit = post >= (pre + HALF * (plateau - pre))[:, None]
    first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1).astype(float)
    return np.where((plateau > pre) & (first >= 0), first, np.nan)


def contagion_coefficient(unit_avoid: np.ndarray, parent: np.ndarray, group: np.ndarray,
                          n_cadres: np.ndarray, start: int, stop: int) -> float:
    """Peer + superior coefficient of a lagged panel regression of unit avoidance.

    For every non-central unit ``u`` with at least one sibling and every step ``t`` in
    ``[start, stop)`` (indices into ``unit_avoid``, shape (T, U)):
    ``avoid_u(t) ~ avoid_u(t-1) + peers_u(t-1) + superior_u(t-1)`` with step fixed
    effects (everything demeaned within step, so the common shock of the tightening
    is absorbed). ``peers_u`` is the cadre-weighted avoidance share of u's siblings
    excluding u. Returns b_peers + b_superior.
    """
    T, U = unit_avoid.shape
    counts = unit_avoid * n_cadres
    # Group ids run to n_units (the centre is its own group, model.hierarchy), so the
    # bins need n_units + 1 slots; fewer would silently drop the centre's group.
    G = max(U, int(group.max()) + 1) if len(group) else U
    gcad = np.bincount(group, n_cadres.astype(float), minlength=G)[group]
    # Sum over each sibling group for every step at once: one scatter-add over (T, G).
    gsum_g = np.zeros((T, G))
    np.add.at(gsum_g, (slice(None), group), counts)
    gsum = gsum_g[:, group]
    sib_cad = gcad - n_cadres
    ok = (parent >= 0) & (sib_cad > 0)
    peers = (gsum - counts)[:, ok] / sib_cad[ok]
    sup = unit_avoid[:, np.maximum(parent, 0)][:, ok]
    own = unit_avoid[:, ok]
    rows = range(max(start, 1), min(stop, T))
    Y, X = [], []
    for t in rows:
        x = np.column_stack([own[t - 1], peers[t - 1], sup[t - 1]])
        Y.append(own[t] - own[t].mean())
        X.append(x - x.mean(axis=0))
    if not Y:
        return float("nan")
    Y, X = np.concatenate(Y), np.vstack(X)
    beta, *_ = np.linalg.lstsq(X, Y, rcond=None)
    return float(beta[1] + beta[2])


def criterion_diffusion(avoid: np.ndarray, exposure: np.ndarray, contagion_treat: Sequence[float],
                        contagion_control: Sequence[float], t0: int, t_end: int,
                        levels: Sequence[str], seed: int = 0) -> Verdict:
    """Finding 2 — after a tightening, avoidance spreads through the hierarchy.

    Data: ``tightening_then_loosening`` (tightening at month t0), avoidance share per
    level and month, replicates R; the same scenario with imitation = 0 as control.
    A. Spread: at every level, mean avoidance over the last quarter of [t0, t_end)
       exceeds the mean of the 10 months before t0 (paired 95% t-interval > 0).
    B. Order: exposure of a level = sanctions per cadre in the 24 months after t0.
       The half-rise lag (months after t0 until the 5-month smoothed, replicate-
       averaged curve covers half its rise) of the most exposed level is shorter than
       the mean lag of the other levels (95% bootstrap interval over replicates of the
       difference entirely < 0).
    C. Contagion beyond learning: the peer + superior coefficient of the lagged unit
       panel regression (step fixed effects, months [t0, t0 + 40)) is larger with
       imitation than in the imitation = 0 control (paired 95% t-interval > 0).
       Learning from publicised sanctions alone also correlates siblings, which is why
       the control, not zero, is the benchmark.
    Verdict: *reproduced* if A, B and C pass; *partly* if A and one of B, C pass;
    otherwise *not reproduced* (a rise at every level without order or contagion is a
    common response to the tightening, not a spread).
    """
    R, T, L = avoid.shape
    checks = []
    q = max(1, (t_end - t0) // 4)
    a_ok = True
    for j, lv in enumerate(levels):
        pre = avoid[:, t0 - 1 - PRE_WINDOW:t0 - 1, j].mean(axis=1)
        post = avoid[:, t_end - 1 - q:t_end - 1, j].mean(axis=1)
        c = _check_sign(f"A · rise at {lv}", paired_diff(post, pre), +1)
        a_ok &= c.passed
        checks.append(c)
    exp_mean = exposure.mean(axis=0)
    top = int(np.argmax(exp_mean))
    others = [j for j in range(L) if j != top]

    def lag_gap(idx: np.ndarray) -> float:
        lags = half_rise_lags(avoid[idx].mean(axis=0), t0, t_end)
        if not np.isfinite(lags[top]) or not np.isfinite(lags[others]).any():
            return float("nan")
        return float(lags[top] - np.nanmean(lags[others]))

    b = bootstrap_ci(lag_gap, R, seed=seed)
    cb = _check_sign(f"B · lag of most exposed level ({levels[top]}) − mean lag of others [months]", b, -1)
    checks.append(cb)
    cc = _check_sign("C · contagion coefficient: imitation − control",
                     paired_diff(contagion_treat, contagion_control), +1)
    checks.append(cc)
    if a_ok and cb.passed and cc.passed:
        v = REPRODUCED
    elif a_ok and (cb.passed or cc.passed):
        v = PARTLY
    else:
        v = NOT_REPRODUCED
    curve = avoid.mean(axis=0)
    lags = {lv: half_rise_lag(curve[:, j], t0, t_end) for j, lv in enumerate(levels)}
    expl = (f"rise at every level: {'yes' if a_ok else 'no'}; most exposed level: {levels[top]}; "
            f"order check {'passed' if cb.passed else 'failed'}; contagion check "
            f"{'passed' if cc.passed else 'failed'}.")
    return Verdict(2, v, checks, expl, {"lags": lags, "most_exposed": levels[top],
                                         "exposure": dict(zip(levels, exp_mean.tolist(), strict=True))})


# ------------------------------------------------------------------ finding 3
PAPER_SMALL_FRACTION = 1 / 3  # "does little": at most a third of the joint reform's effect


def criterion_tolerance_on_paper(lo_lo: Sequence[float], hi_lo: Sequence[float],
                                 hi_hi: Sequence[float]) -> Verdict:
    """Finding 3 — tolerance on paper does little unless consensus and clarity rise too.

    Base: ``tightened_accountability``. Innovation share (all levels, last 20% of the
    run) at three corners of the phase diagram, paired by seed: (tolerance low,
    consensus & clarity low) = ``lo_lo``; (tolerance high, low) = ``hi_lo``
    ("on paper"); (tolerance high, consensus & clarity high) = ``hi_hi``.
    Paper effect P = hi_lo − lo_lo; joint effect J = hi_hi − lo_lo.
    A. Raising consensus and clarity with tolerance does more: J − P = hi_hi − hi_lo
       has a 95% t-interval > 0.
    B. Paper tolerance does little: the upper 95% bound of P is at most one third of
       the point estimate of J (a third: "little" must be clearly smaller than what
       the working procedure achieves, yet allow a small non-zero effect).
    Verdict: *reproduced* if A and B; *partly* if exactly one; otherwise *not reproduced*.
    """
    a = _check_sign("A · joint − paper effect on innovation (hi,hi − hi,lo)", paired_diff(hi_hi, hi_lo), +1)
    p = paired_diff(hi_lo, lo_lo)
    j = paired_diff(hi_hi, lo_lo)
    b = Check("B · paper effect P (must have upper bound ≤ J/3)", p[0], p[1], p[2],
              bool(np.isfinite(p[2]) and p[2] <= PAPER_SMALL_FRACTION * j[0]),
              f"J = {j[0]:.4f} [{j[1]:.4f}, {j[2]:.4f}]")
    n = a.passed + b.passed
    v = REPRODUCED if n == 2 else PARTLY if n == 1 else NOT_REPRODUCED
    expl = (f"paper effect {p[0]:+.4f}, joint effect {j[0]:+.4f}; "
            f"A {'passed' if a.passed else 'failed'}, B {'passed' if b.passed else 'failed'}.")
    return Verdict(3, v, [a, b], expl, {"paper": p, "joint": j})


# ------------------------------------------------------------------ finding 4
def criterion_attention(targets: tuple[Sequence[float], Sequence[float]],
                        paperwork: tuple[Sequence[float], Sequence[float]],
                        control: tuple[Sequence[float], Sequence[float]]) -> Verdict:
    """Finding 4 — attention crowding: targets and paperwork cut innovation at fixed risk.

    Base: schema defaults with the risk channel of targets switched off:
    ``veto_failure_rate = 0`` (a target can no longer be missed, so more targets add no
    sanction risk) and ``vague_requirements = 0`` (the number of targets no longer
    moves with supervision). Detection probability in this model depends only on
    supervision and channels, both left at their defaults, so detection risk is held
    fixed. Each pair is (high, low) per replicate, innovation share of all levels.
    A. More one-veto targets lower innovation (high − low: 95% t-interval < 0).
    B. More paperwork lowers innovation (high − low: interval < 0).
    C. Manipulation check: with ``veto_attention = 0`` as well (targets cost no
       attention), more targets do *not* lower innovation (interval not entirely < 0);
       otherwise A is not evidence for the attention channel.
    Verdict: *reproduced* if A, B and C; *partly* if C and one of A, B, or if A and B
    pass but C fails; otherwise *not reproduced*.
    """
    a = _check_sign("A · innovation: many − few one-veto targets (risk off)", paired_diff(*targets), -1)
    b = _check_sign("B · innovation: heavy − light paperwork (risk off)", paired_diff(*paperwork), -1)
    cm = paired_diff(*control)
    c = Check("C · control: targets without attention cost (must not be < 0)", cm[0], cm[1], cm[2],
              not bool(cm[2] < 0))
    if a.passed and b.passed and c.passed:
        v = REPRODUCED
    elif (c.passed and (a.passed or b.passed)) or (a.passed and b.passed):
        v = PARTLY
    else:
        v = NOT_REPRODUCED
    expl = f"targets {'cut' if a.passed else 'did not clearly cut'} innovation; paperwork " \
           f"{'cut' if b.passed else 'did not clearly cut'} it; control {'clean' if c.passed else 'not clean'}."
    return Verdict(4, v, [a, b, c], expl)


# ------------------------------------------------------------------ finding 5
def criterion_escalation(high: dict[str, Sequence[float]], low: dict[str, Sequence[float]]) -> Verdict:
    """Finding 5 — under high avoidance, problems pile up at the grassroots and escalate.

    ``high`` = ``tightened_accountability``, ``low`` = ``flexible_experimentation``,
    paired by seed; per replicate, means over the last 20% of the run of:
    ``township_avoid`` (avoidance share at township level), ``township_problems``
    (unsolved problems per township cadre), ``township_escalations`` (problems
    escalated out of township units per month) and ``upper_problems`` (problems per
    cadre at central, province, city and county level together).
    0. Precondition: township avoidance is higher under ``high`` (interval > 0);
       without it the contrast does not test the claim.
    B. Township problems per cadre higher under ``high`` (interval > 0).
    C. Escalations out of townships higher under ``high`` (interval > 0).
    D. Problems per cadre at the upper levels higher under ``high`` (interval > 0).
    Verdict: *reproduced* if 0, B, C and D; *partly* if 0 and at least one of B, C, D;
    otherwise *not reproduced*.
    """
    names = [("0 · township avoidance", "township_avoid"),
             ("B · township problems per cadre", "township_problems"),
             ("C · escalations out of townships per month", "township_escalations"),
             ("D · problems per cadre above township", "upper_problems")]
    checks = [_check_sign(f"{n}: tightened − flexible", paired_diff(high[k], low[k]), +1) for n, k in names]
    pre, rest = checks[0].passed, sum(c.passed for c in checks[1:])
    v = REPRODUCED if pre and rest == 3 else PARTLY if pre and rest >= 1 else NOT_REPRODUCED
    expl = f"precondition {'met' if pre else 'not met'}; {rest} of 3 escalation checks passed."
    return Verdict(5, v, checks, expl)


# ------------------------------------------------------------------ finding 6
def criterion_experimentation(flex: dict[str, Sequence[float]], tight: dict[str, Sequence[float]]) -> Verdict:
    """Finding 6 — experimentation: more failures, more absorption, fewer problems.

    ``flex`` = ``flexible_experimentation``, ``tight`` = ``tightened_accountability``,
    paired by seed; per replicate, means over the last 20% of a long run of:
    ``failures`` and ``absorbed`` (failed innovations and successful innovations
    absorbed upward, per cadre per month, all levels) and ``problems`` (unsolved
    problems per cadre in the whole system).
    A. More innovations fail under flexible (flex − tight: interval > 0).
    B. More innovations are absorbed upward under flexible (interval > 0).
    C. The system's problem stock is lower under flexible (interval < 0).
    Verdict: *reproduced* if all three; *partly* if two; otherwise *not reproduced*.
    """
    a = _check_sign("A · failures per cadre-month: flexible − tightened", paired_diff(flex["failures"], tight["failures"]), +1)
    b = _check_sign("B · absorbed per cadre-month: flexible − tightened", paired_diff(flex["absorbed"], tight["absorbed"]), +1)
    c = _check_sign("C · problems per cadre: flexible − tightened", paired_diff(flex["problems"], tight["problems"]), -1)
    n = a.passed + b.passed + c.passed
    v = REPRODUCED if n == 3 else PARTLY if n == 2 else NOT_REPRODUCED
    return Verdict(6, v, [a, b, c], f"{n} of 3 checks passed.")


# ------------------------------------------------------------------ finding 7
@lru_cache(maxsize=8)
def _walsh(k: int) -> np.ndarray:
    """Walsh–Hadamard matrix H[mask, cell] = (-1)^popcount(mask & cell) of 2^k cells."""
    cells = np.arange(2 ** k)
    pop = np.zeros((2 ** k, 2 ** k), dtype=np.int64)
    both = cells[:, None] & cells[None, :]
    for i in range(k):
        pop += (both >> i) & 1
    return 1 - 2 * (pop % 2)


def factorial_indices(y: np.ndarray) -> dict[str, np.ndarray]:
    """Sobol indices of a full 2^k factorial with equiprobable binary factors.

    ``y`` has shape (..., 2^k), cell index bit i = factor i switched on. For binary
    uniform inputs the ANOVA (Walsh–Hadamard) decomposition is exact: returns first
    order ``S1`` (k), total ``ST`` (k) and the interaction share ``1 − sum(S1)``.
    """
    y = np.asarray(y, float)
    n = y.shape[-1]
    k = int(round(np.log2(n)))
    if 2 ** k != n:
        raise ValueError(f"factorial_indices needs 2^k cells, got {n}")
    masks = np.arange(n)
    coef = y @ _walsh(k).T / n
    var_terms = coef[..., 1:] ** 2
    V = var_terms.sum(axis=-1)
    V = np.where(V > 0, V, np.nan)
    msk = masks[1:]
    S1 = np.stack([var_terms[..., msk == (1 << i)].sum(axis=-1) / V for i in range(k)], axis=-1)
    ST = np.stack([var_terms[..., (msk >> i) & 1 == 1].sum(axis=-1) / V for i in range(k)], axis=-1)
    return {"S1": S1, "ST": ST, "interaction": 1 - S1.sum(axis=-1)}


def criterion_package(cells: np.ndarray, names: Sequence[str], seed: int = 0) -> Verdict:
    """Finding 7 — the reform package beats any single remedy.

    ``cells``: (replicates, 2^k) innovation share (all levels, last 20%) on the
    ``tightened_accountability`` base for every combination of the k remedies
    (bit i = remedy i applied; cell 0 = base, last cell = the whole package).
    The best single remedy is the one with the highest mean.
    A. Package − best single remedy: paired 95% t-interval > 0.
    Reported with it (not part of the verdict): exact factorial Sobol indices,
    interaction share 1 − ΣS1 and super-additivity (package effect − sum of single
    effects), each with a 95% bootstrap interval over replicates.
    Verdict: *reproduced* if A passes; *partly* if the package's mean exceeds the best
    single remedy's but the interval includes 0; otherwise *not reproduced*.
    """
    cells = np.asarray(cells, float)
    R, n = cells.shape
    k = len(names)
    singles = [1 << i for i in range(k)]
    best = singles[int(np.argmax(cells[:, singles].mean(axis=0)))]
    a = _check_sign(f"A · package − best single remedy ({names[singles.index(best)]})",
                    paired_diff(cells[:, n - 1], cells[:, best]), +1)

    def inter(idx: np.ndarray) -> float:
        return float(factorial_indices(cells[idx].mean(axis=0))["interaction"])

    def superadd(idx: np.ndarray) -> float:
        m = cells[idx].mean(axis=0)
        return float((m[n - 1] - m[0]) - sum(m[s] - m[0] for s in singles))

    ci_inter = bootstrap_ci(inter, R, seed=seed)
    ci_sup = bootstrap_ci(superadd, R, seed=seed + 1)
    checks = [a,
              Check("interaction share 1 − ΣS1 (reported)", *ci_inter, passed=True, note="descriptive"),
              Check("super-additivity: package effect − Σ single effects (reported)", *ci_sup, passed=True,
                    note="descriptive")]
    if a.passed:
        v = REPRODUCED
    elif a.estimate > 0:
        v = PARTLY
    else:
        v = NOT_REPRODUCED
    idx = factorial_indices(cells.mean(axis=0))
    return Verdict(7, v, checks, f"package beats the best single remedy: {'yes' if a.passed else 'no'}.",
                   {"S1": dict(zip(names, idx["S1"].tolist(), strict=True)),
                    "ST": dict(zip(names, idx["ST"].tolist(), strict=True)),
                    "best_single": names[singles.index(best)]})


# ------------------------------------------------------------------ finding 8
PRESSURE_LEVERS = ("supervision", "one_veto_targets", "retroactive_risk")


def sobol_total(blocks: np.ndarray) -> np.ndarray:
    """Jansen total-order indices from Saltelli blocks without second order.

    ``blocks`` has shape (N, k + 2): per base row, f(A), f(AB_1..AB_k), f(B) (SALib's
    row order). ST_i = mean((f(A) − f(AB_i))^2) / (2 Var), Var over f(A) and f(B).
    """
    fa, fab, fb = blocks[:, 0], blocks[:, 1:-1], blocks[:, -1]
    var = np.var(np.concatenate([fa, fb]))
    if not var > 0:
        return np.full(fab.shape[1], np.nan)
    return 0.5 * np.mean((fa[:, None] - fab) ** 2, axis=0) / var


def criterion_sensitivity(outputs: dict[str, np.ndarray], names: Sequence[str], seed: int = 0) -> Verdict:
    """Finding 8 — pressure, not the formal tolerance text, matters most.

    Which lever matters most is a question, but the sources imply an answer that can
    fail: seed 000 puts the blame on accountability pressure (supervision, one-veto
    targets, retroactive risk), and seed 003's "text rich, practice poor" says the
    formal tolerance provision on its own achieves little. For each output (township
    innovation share; log(1 + system problems per cadre), logged because the stock
    can run away when escalation outpaces solving and raw variance would be owned by a
    few runaway runs), the Sobol total index (Jansen estimator, Saltelli design over
    the schema ranges of the four levers and six mechanism parameters, common seed per
    base row) of the strongest pressure lever minus that of ``tolerance`` must have a
    95% bootstrap interval (resampling base rows) entirely > 0.
    Verdict: *reproduced* if this holds for both outputs; *partly* for one; otherwise
    *not reproduced*.
    """
    names = list(names)
    tol = names.index("tolerance")
    press = [names.index(p) for p in PRESSURE_LEVERS]
    checks = []
    for out, blocks in outputs.items():
        N = blocks.shape[0]
        st = sobol_total(blocks)
        if not np.isfinite(st[press]).any():  # a constant output: no index to rank
            checks.append(Check(f"{out}: ST(pressure lever) − ST(tolerance)", float("nan"),
                                float("nan"), float("nan"), False, "output constant"))
            continue
        top = press[int(np.nanargmax(st[press]))]

        def gap(idx: np.ndarray, top: int = top, blocks: np.ndarray = blocks) -> float:
            s = sobol_total(blocks[idx])
            return float(s[top] - s[tol])

        checks.append(_check_sign(f"{out}: ST({names[top]}) − ST(tolerance)", bootstrap_ci(gap, N, seed=seed), +1))
    n = sum(c.passed for c in checks)
    v = REPRODUCED if n == len(checks) else PARTLY if n >= 1 else NOT_REPRODUCED
    return Verdict(8, v, checks, f"{n} of {len(checks)} outputs rank a pressure lever above tolerance.")


# ------------------------------------------------------------------ finding 9
# Written with issue 11, before any run of the experiments that these criteria judge
# (findings 9-11). The lags are read as the issue states them: province preset, the
# replicate mean, a 3-month centred moving average, "half of the rise" between the mean
# of the 10 months before the change and the mean of the last quarter of its phase.
SPREAD_SMOOTH = 3            # months in the centred moving average of findings 9 and 10
SPREAD_MIN_TOWNSHIP_LAG = 12  # months: "over years", at least a year to reach half its rise
SPREAD_LEVELS = ("province", "city", "county", "township")


def half_lags(curves: np.ndarray, t0: int, t_end: int, rising: bool) -> np.ndarray:
    """Months after ``t0`` until each (replicate-mean) curve of ``curves`` (months,
    levels) first covers half of its move between the 10 months before ``t0`` and the
    last quarter of ``[t0, t_end)``, smoothed over ``SPREAD_SMOOTH`` months. ``rising``
    says the move is expected upwards; a curve that moves the other way gets NaN."""
    c = np.asarray(curves, float)
    if not rising:
        c = -c
    return half_rise_lags_k(c, t0, t_end, SPREAD_SMOOTH)


def half_rise_lags_k(curves: np.ndarray, t0: int, t_end: int, k: int) -> np.ndarray:
    """:func:`half_rise_lags` with a moving average of ``k`` months."""
    s = smooth(np.asarray(curves, float).T, k)
    pre = s[:, t0 - 1 - PRE_WINDOW:t0 - 1].mean(axis=1)
    q = max(1, (t_end - t0) // 4)
    plateau = s[:, t_end - 1 - q:t_end - 1].mean(axis=1)
    post = s[:, t0 - 1:t_end - 1]
    hit = post >= (pre + HALF * (plateau - pre))[:, None]
    first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1).astype(float)
    return np.where((plateau > pre) & (first >= 0), first, np.nan)


def criterion_spread_by_depth(avoid: np.ndarray, t0: int, t_end: int, levels: Sequence[str],
                              seed: int = 0) -> Verdict:
    """Finding 9 — after a tightening, avoidance spreads down the hierarchy over years.

    Data: ``tightening_then_loosening`` on the province preset (tightening at month
    t0, loosening at t_end), avoidance share per level and month, replicates R
    (array R x months x levels, levels in ``levels`` order).
    Lags: the half-rise lag of each level's replicate-mean curve (``half_lags``, 3-month
    moving average). Intervals: 95% percentile bootstrap over replicates.
    A. The township reaches half its rise no sooner than 12 months after the
       tightening: the lower bound of the township lag's interval is >= 12.
    B. The lag grows with depth: province <= city <= county <= township for the
       replicate-mean curves, and the township's lag minus the province's has an
       interval entirely > 0.
    Verdict: *reproduced* if A and B; *partly* if one; otherwise *not reproduced*.
    """
    R = avoid.shape[0]
    idx = [list(levels).index(lv) for lv in SPREAD_LEVELS]
    lags = half_lags(avoid.mean(axis=0)[:, idx], t0, t_end, rising=True)

    def township(sel: np.ndarray) -> float:
        return float(half_lags(avoid[sel].mean(axis=0)[:, idx[-1:]], t0, t_end, True)[0])

    def gap(sel: np.ndarray) -> float:
        lg = half_lags(avoid[sel].mean(axis=0)[:, [idx[0], idx[-1]]], t0, t_end, True)
        return float(lg[1] - lg[0])

    tw = bootstrap_ci(township, R, seed=seed)
    a = Check("A · township half-rise lag [months] (lower bound >= 12)", tw[0], tw[1], tw[2],
              bool(tw[1] >= SPREAD_MIN_TOWNSHIP_LAG))
    g = bootstrap_ci(gap, R, seed=seed)
    ordered = bool(np.all(np.isfinite(lags)) and np.all(np.diff(lags) >= 0))
    b = Check("B · lag grows with depth (township − province [months]; ordered "
              f"{' <= '.join(f'{lv} {x:.0f}' for lv, x in zip(SPREAD_LEVELS, lags, strict=True))})",
              g[0], g[1], g[2], ordered and bool(g[1] > 0))
    n = a.passed + b.passed
    v = REPRODUCED if n == 2 else PARTLY if n == 1 else NOT_REPRODUCED
    expl = (f"half-rise lags {', '.join(f'{lv} {x:.0f}' for lv, x in zip(SPREAD_LEVELS, lags, strict=True))} "
            f"months; A {'passed' if a.passed else 'failed'}, B {'passed' if b.passed else 'failed'}.")
    return Verdict(9, v, [a, b], expl, {"lags": dict(zip(SPREAD_LEVELS, lags.tolist(), strict=True))})


# ------------------------------------------------------------------ finding 10
def criterion_slow_recovery(innovate: np.ndarray, t0: int, t_end: int, t_stop: int,
                            levels: Sequence[str], seed: int = 0) -> Verdict:
    """Finding 10 — startled birds: after a loosening, innovation recovers more slowly
    than it fell after the tightening.

    Data: as finding 9, innovation share per level (R x months x levels); the fall is
    read over [t0, t_end) and the recovery over [t_end, t_stop) with the same rule
    (``half_lags``: months to half the move between the 10 months before the change
    and the last quarter of the phase).
    A. At the township level, the recovery lag minus the fall lag has a 95% bootstrap
       interval (over replicates) entirely > 0.
    B. At every level from province to township, the replicate-mean recovery lag is at
       least the fall lag.
    Verdict: *reproduced* if A and B; *partly* if A only; otherwise *not reproduced*.
    """
    R = innovate.shape[0]
    idx = [list(levels).index(lv) for lv in SPREAD_LEVELS]

    def lags(sel: np.ndarray, cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
        curve = innovate[sel].mean(axis=0)[:, cols]
        return (half_lags(curve, t0, t_end, rising=False),
                half_lags(curve, t_end, t_stop, rising=True))

    def township_gap(sel: np.ndarray) -> float:
        fall, rec = lags(sel, idx[-1:])
        return float(rec[0] - fall[0])

    fall, rec = lags(np.arange(R), idx)
    g = bootstrap_ci(township_gap, R, seed=seed)
    a = _check_sign("A · township: recovery lag − fall lag [months]", g, +1)
    slower = bool(np.all(np.isfinite(fall) & np.isfinite(rec)) and np.all(rec >= fall))
    b = Check("B · recovery no faster than the fall at every level (fall/recovery: "
              + ", ".join(f"{lv} {f:.0f}/{r:.0f}" for lv, f, r in zip(SPREAD_LEVELS, fall, rec, strict=True))
              + ")", float(np.nanmean(rec - fall)), float("nan"), float("nan"), slower)
    v = REPRODUCED if a.passed and b.passed else PARTLY if a.passed else NOT_REPRODUCED
    expl = f"township fall {fall[-1]:.0f} months, recovery {rec[-1]:.0f} months."
    return Verdict(10, v, [a, b], expl, {"fall": dict(zip(SPREAD_LEVELS, fall.tolist(), strict=True)),
                                         "recovery": dict(zip(SPREAD_LEVELS, rec.tolist(), strict=True))})


# ------------------------------------------------------------------ finding 11
TOLERANCE_LEVER_MIN = 0.03   # township innovation gained from tolerance 0.1 -> 0.9
PAPER_MAX_GAP = 0.01         # |on paper - tightened| township innovation
REFORM_MARGIN = 0.05         # reform package above both, in township innovation


def criterion_tolerance_lever(flex: tuple[Sequence[float], Sequence[float]],
                              working: tuple[Sequence[float], Sequence[float]],
                              flex_avoid: tuple[Sequence[float], Sequence[float]],
                              working_avoid: tuple[Sequence[float], Sequence[float]],
                              tight: Sequence[float], paper: Sequence[float],
                              reform: Sequence[float]) -> Verdict:
    """Finding 11 — the tolerance lever works where the procedure works; on paper it
    does not.

    Data: province preset, replicates paired by seed, township shares over the last
    20% of the run. ``flex`` and ``working`` are (tolerance 0.9, tolerance 0.1) pairs
    of innovation in ``flexible_experimentation`` and in ``tightened_accountability``
    with ``inter_level_consensus`` = ``standards_clarity`` = 0.8; ``*_avoid`` the same
    for avoidance; ``tight``, ``paper``, ``reform`` township innovation of the three
    scenarios.
    A. In both settings the replicate mean of innovation(0.9) − innovation(0.1) is at
       least 0.03 and its 95% t-interval is entirely > 0.
    B. In both settings avoidance does not rise: the upper bound of the 95% t-interval
       of avoidance(0.9) − avoidance(0.1) is below 0.005.
    C. Text rich, practice poor: ``tolerance_on_paper`` − ``tightened_accountability``
       has a 95% t-interval inside [−0.01, 0.01].
    D. The reform package is well above both: reform − max(tightened, on paper) has a
       95% t-interval entirely above 0.05.
    Verdict: *reproduced* if A, B, C and D; *partly* if A and at least one other;
    otherwise *not reproduced*.
    """
    checks = []
    a_ok = True
    for name, (hi, lo) in (("flexible", flex), ("tightened, working procedure", working)):
        est = paired_diff(hi, lo)
        c = Check(f"A · {name}: township innovation, tolerance 0.9 − 0.1 (>= 0.03)", *est,
                  bool(est[0] >= TOLERANCE_LEVER_MIN and est[1] > 0))
        a_ok &= c.passed
        checks.append(c)
    b_ok = True
    for name, (hi, lo) in (("flexible", flex_avoid), ("tightened, working procedure", working_avoid)):
        est = paired_diff(hi, lo)
        c = Check(f"B · {name}: township avoidance, tolerance 0.9 − 0.1 (upper bound < 0.005)", *est,
                  bool(est[2] < 0.005))
        b_ok &= c.passed
        checks.append(c)
    pe = paired_diff(paper, tight)
    c_chk = Check("C · on paper − tightened: township innovation (inside ±0.01)", *pe,
                  bool(pe[1] >= -PAPER_MAX_GAP and pe[2] <= PAPER_MAX_GAP))
    best = np.maximum(np.asarray(tight, float), np.asarray(paper, float))
    de = paired_diff(reform, best)
    d_chk = Check("D · reform − max(tightened, on paper): township innovation (> 0.05)", *de,
                  bool(de[1] > REFORM_MARGIN))
    checks += [c_chk, d_chk]
    others = b_ok + c_chk.passed + d_chk.passed
    v = REPRODUCED if a_ok and others == 3 else PARTLY if a_ok and others >= 1 else NOT_REPRODUCED
    expl = (f"lever {'works' if a_ok else 'does not clearly work'} in both settings; avoidance "
            f"{'not raised' if b_ok else 'raised'}; on paper {'=' if c_chk.passed else '≠'} tightened; "
            f"reform {'well above' if d_chk.passed else 'not clearly above'}.")
    return Verdict(11, v, checks, expl)


CRITERIA: dict[int, Callable[..., Verdict]] = {
    1: criterion_levers, 2: criterion_diffusion, 3: criterion_tolerance_on_paper,
    4: criterion_attention, 5: criterion_escalation, 6: criterion_experimentation,
    7: criterion_package, 8: criterion_sensitivity, 9: criterion_spread_by_depth,
    10: criterion_slow_recovery, 11: criterion_tolerance_lever,
}

# Calibration goal from the issue: total-variation distance to seed 003's survey.
CALIBRATION_GOAL = 0.05
