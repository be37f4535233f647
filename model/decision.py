"""Pure, vectorised choice rules: attention, prospect-theory utilities, logit choice.

Every function takes arrays and returns arrays; none reads the model. Cadres decide on
their *beliefs* (:data:`model.state.BELIEFS`) about the very process the accountability
and tolerance submodels run (:mod:`model.regime`), and on the targets their unit treats
as binding, never on the true probabilities.
"""

from __future__ import annotations

import functools
from concurrent.futures import Executor

import numpy as np

from model.accountability import (
    INNOVATION_RECORD_EXPOSURE,
    ROUTINE_RECORD_EXPOSURE,
    at_least_once,
    expected_severity,
)
from model.state import AVOID, INNOVATE, NO_FORM, PASS_DOWN, ROUTINE, SHARE, STALL

# Task-specific forms of avoidance (S000-14 routine tasks, S000-15 innovative tasks):
# weights of (pass down, share / outsource, refuse-stall-divert).
FORM_WEIGHTS = {
    "routine_task": np.array([0.45, 0.35, 0.20]),
    "innovative_task": np.array([0.30, 0.20, 0.50]),
}
# A routine act is this much less exposed to drifted standards than an innovation.
ROUTINE_RETRO_RATIO = ROUTINE_RECORD_EXPOSURE / INNOVATION_RECORD_EXPOSURE
# Rows of ``situation_terms``.
GAIN, FAIL, MISS, ELIG_INNOV, ELIG_ROUTINE, ELIG_RETRO, RELIEF = range(7)
REACH = slice(ELIG_INNOV, ELIG_RETRO + 1)  # the provision's reach: fixed with the regime
_MONTHLY = np.array([GAIN, FAIL, MISS, RELIEF])  # the rows that change every month
# prob_weight skips the zeros when more than 1 / ZERO_SHARE_TO_SKIP of the chances are 0
# (below that, selecting them costs more than their slow powers; measured at 10k cadres).
ZERO_SHARE_TO_SKIP = 5


def prob_weight(p: np.ndarray | float, gamma: float) -> np.ndarray:
    """Tversky–Kahneman (1992) probability weighting; small risks loom large.

    perf: float32 (``model.state.REAL``): the fractional powers per cadre dominate the
    step's cost, and 7 significant digits are far more than behaviour needs. A power of
    an exact 0 takes numpy's slow path (the vector power calls out per element, about 10x
    the time of any other number), and chances are often 0 (beliefs flushed to 0 by
    ``model.beliefs.flush_tiny``, overloaded situations): where many are, only the
    others are weighted; w(0) = 0 exactly, and each element's power is the same number
    either way. ``np.zeros`` rather than ``zeros_like``: a few µs of Python less.
    """
    p = np.asarray(p, dtype=np.float32)
    if gamma == 1.0:
        return p
    if p.ndim == 1:
        # A float array's own nonzero() and count are several times slower than a mask's.
        nonzero = p != 0
        if len(p) - np.count_nonzero(nonzero) > len(p) // ZERO_SHARE_TO_SKIP:
            w = np.zeros(len(p), dtype=p.dtype)
            idx = nonzero.nonzero()[0]
            w[idx] = _weigh(p.take(idx), np.float32(gamma))
            return w
    return _weigh(p, np.float32(gamma))


def _weigh(p: np.ndarray, g: np.float32) -> np.ndarray:
    """p^g / (p^g + (1 - p)^g)^(1/g), a new array; the temporaries are reused in place
    (``**=`` takes the same exponent shortcuts as ``**``)."""
    pg = p**g
    q = np.float32(1.0) - p
    q **= g
    q += pg
    q **= np.float32(1.0) / g
    pg /= q
    return pg


def targets_in_force(
    targets: np.ndarray,
    vague: np.ndarray,
    detect: np.ndarray,
    amplification: np.ndarray,
    level: np.ndarray,
) -> np.ndarray:
    """Binding one-veto targets at each unit.

    Each vague requirement becomes an invisible one-veto target with the chance that
    supervision notices a miss in the unit (S000-10: loose supervision lets them be
    handled flexibly, strong supervision stretches them into vetoes); each level below
    the centre adds its margin (层层加码, S000-08, S000-24).
    """
    return (targets + vague * detect) * (1.0 + amplification) ** level


def _duty(leader: np.ndarray, leader_duty: float) -> np.ndarray:
    """Duty factor per post: ``leader_duty`` for leaders, 1 for staff.

    perf: not remembered: the model passes the leader flags of the situations it
    recomputes, a new array every month (``pressure``)."""
    return np.where(leader, leader_duty, 1.0)


def standing_demand(
    p: dict, paperwork: np.ndarray, perceived_targets: np.ndarray, leader: np.ndarray
) -> np.ndarray:
    """Attention a post demands before any passed-down load: (routine + paperwork +
    attention per target x the targets the unit treats as binding) x leader duty."""
    duty = _duty(leader, p["leader_duty"])
    return (p["routine_load"] + paperwork + p["veto_attention"] * perceived_targets) * duty


def attention(
    p: dict, standing: np.ndarray, passed_down_load: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Free attention, overload ratio and load (demand / budget): the ``standing_demand``
    plus this cadre's share of the load passed down from above last month, against the
    budget."""
    demand = standing + passed_down_load
    budget = p["attention_budget"] * p["resources"]
    free = np.maximum(budget - demand, 0.0)
    overload = np.maximum(demand - budget, 0.0) / budget
    return free, overload, demand / budget


def success_probability(p: dict, free: np.ndarray) -> np.ndarray:
    """True (and, for the cadre, known) chance that an innovation succeeds."""
    att = np.minimum(free / p["innovation_attention"], 1.0)
    return min(p["innovation_success"] * p["resources"], 1.0) * att


def target_failure(p: dict, leader: np.ndarray, overload: np.ndarray) -> np.ndarray:
    """Chance per month that routine work misses one given target: overload raises it,
    leaders carry more duties (S003-13)."""
    duty = _duty(leader, p["leader_duty"])
    return np.minimum(p["veto_failure_rate"] * duty * (1.0 + overload), 1.0)


def miss_probability(per_target: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Chance that routine work misses at least one of ``targets`` targets this month."""
    return at_least_once(per_target, targets)


def share_form_chance(p: dict, can_pass_down: np.ndarray) -> np.ndarray:
    """Chance that an avoider shares responsibility (the form that can shed a case),
    for avoiders who can or cannot pass work down."""
    out = np.zeros(len(can_pass_down))
    for task, weight in (
        ("innovative_task", p["innovative_task_share"]),
        ("routine_task", 1.0 - p["innovative_task_share"]),
    ):
        w = FORM_WEIGHTS[task]
        total = w[SHARE] + w[STALL] + np.where(can_pass_down, w[PASS_DOWN], 0.0)
        out += weight * w[SHARE] / total
    return out


def situation_terms(
    p: dict, p_success: np.ndarray, p_miss: np.ndarray, eligible: np.ndarray, load: np.ndarray
) -> np.ndarray:
    """The parts of the utilities that depend only on the situation, shape (7, S):
    weighted gain of innovating, chance an innovation fails, chance of missing a target
    the unit treats as binding, the provision's reach (innovation, routine, retro), and
    the value of the effort avoiding saves, v(avoid_relief x load): the heavier the post
    (targets, forms, meetings, passed-down work), the more dodging saves (S000-09b,
    S000-11, S000-21c).

    The rows that change every month are ``monthly_terms``; the model keeps only those
    (it gives ``cadre_utilities`` the reach per cadre).
    """
    out = np.empty((RELIEF + 1, len(p_success)), dtype=np.float32)
    out[_MONTHLY] = monthly_terms(p, p_success, p_miss, load)
    out[ELIG_INNOV : ELIG_RETRO + 1] = np.asarray(eligible).T
    return out


def monthly_terms(
    p: dict, p_success: np.ndarray, p_miss: np.ndarray, load: np.ndarray
) -> np.ndarray:
    """The rows ``_MONTHLY`` (GAIN, FAIL, MISS, RELIEF) of ``situation_terms``, (4, S)
    float32, each situation's from its own chances and load alone.

    perf: each row is written into one float32 array (assignment casts float64 the
    way ``astype`` does) instead of temporaries joined by a concatenate.
    """
    a, g = p["value_curvature"], p["probability_weighting"]
    gain_innov = p["promotion_value"] + p["recognition_value"] + p["problem_value"]
    out = np.empty((len(_MONTHLY), len(p_success)), dtype=np.float32)
    out[0] = prob_weight(p_success, g) * np.float32(gain_innov**a)
    out[1] = 1.0 - np.asarray(p_success, dtype=np.float32)
    out[2] = p_miss
    out[3] = (p["avoid_relief"] * np.asarray(load, dtype=np.float32)) ** np.float32(a)
    return out


class Pressure:
    """Stage 1 per situation (unit x leader): free attention, overload ratio, load
    (demand / budget), chance an innovation succeeds, chance of missing one binding
    target and any of them, and the decision's ``monthly_terms`` (4, S).

    perf: the float64 quantities are the rows of one (6, S) array, so the model updates
    a few situations of all of them in one assignment (``update``)."""

    QUANTITIES = ("free", "overload", "load", "p_success", "fail_per_target", "p_miss")

    def __init__(self, values: np.ndarray, terms: np.ndarray) -> None:
        self.values = values  # (len(QUANTITIES), S) float64
        self.terms = terms

    def update(self, at: np.ndarray, new: Pressure) -> None:
        """Write ``new``, the pressure of the situations ``at``, over theirs, in place."""
        self.values[:, at] = new.values
        self.terms[:, at] = new.terms

    free = property(lambda self: self.values[0])
    overload = property(lambda self: self.values[1])
    load = property(lambda self: self.values[2])
    p_success = property(lambda self: self.values[3])
    fail_per_target = property(lambda self: self.values[4])
    p_miss = property(lambda self: self.values[5])


def pressure(
    p: dict,
    paperwork: np.ndarray,
    perceived_targets: np.ndarray,
    leader: np.ndarray,
    passed_down_load: np.ndarray,
) -> Pressure:
    """The ``Pressure`` of situations from their post (paperwork, the targets their unit
    treats as binding, leader or not) and the load passed down to them.

    Every quantity is computed element by element, one situation's from its own inputs
    and the parameters alone: the pressure of a few situations is the very numbers they
    have in the pressure of all (the model recomputes only the situations whose inputs
    changed)."""
    standing = standing_demand(p, paperwork, perceived_targets, leader)
    free, overload, load = attention(p, standing, passed_down_load)
    p_success = success_probability(p, free)
    per_target = target_failure(p, leader, overload)
    p_miss = miss_probability(per_target, perceived_targets)
    terms = monthly_terms(p, p_success, p_miss, load)
    return Pressure(np.array([free, overload, load, p_success, per_target, p_miss]), terms)


def cadre_utilities(
    p: dict,
    terms: np.ndarray,
    beliefs: np.ndarray,
    intrinsic: np.ndarray,
    situation: np.ndarray,
    reach: np.ndarray | None = None,
    *,
    motivation: np.ndarray | None = None,
) -> np.ndarray:
    """Prospect-theory utilities (3, n) of innovate, routine, avoid.

    ``beliefs`` (5, n) in ``model.state.BELIEFS`` order: b_d (a misstep becomes one's
    case), b_o (a month of inaction does), b_r (review catches an open innovation, and it
    stays one's case, in a
    month), b_s (weight of a moderate sanction), b_t (an eligible case is tolerated).
    U = Σ w(p)·v(x) over gains − λ Σ w(p)·v(x) over losses, v(x) = x^α (Tversky &
    Kahneman 1992), each risk weighed separately:

    * innovate: w(p_s) v(G) + m^α − λ v(b_s E_com) w((1 − p_s) b_d (1 − e_I b_t))
      − λ v(b_s E_retro) w(X(b_r) (1 − (1 − p_s) b_d) (1 − e_R b_t));
    * routine: v(credit) − λ v(b_s E_veto) w(q b_d (1 − e_U b_t))
      − λ v(b_s E_retro) w(X(b_r/40) (1 − q b_d) (1 − e_R b_t));
    * avoid: v(relief x load) − λ v(b_s E_omit) w(b_o);

    with X(c) = 1 − (1 − c)^lookback the chance an act left open is caught while on
    record, q the chance of missing a binding target, e the provision's reach.

    ``reach`` (3, n) is e per cadre (the ``REACH`` rows of ``terms`` at each cadre's
    situation, the same float32 numbers), for callers that keep it while the regime is;
    with it, ``terms`` may be the ``monthly_terms`` alone (4, S). ``motivation`` is
    m^α of ``intrinsic`` (float32, ``**``), for callers that keep it (perf: a power per
    cadre a month).

    perf: ``take`` is 4x faster than ``terms[:, situation]``; with ``reach`` given only
    the four rows that change every month are taken. Temporaries are reused in place
    (a third fewer new arrays of n): the same float32 operations on the same values as
    the plain expressions, products and sums only swapped where they commute exactly;
    the inputs are float32 (``model.state.REAL``), as the model passes them.
    """
    a, lam, g = p["value_curvature"], p["loss_aversion"], p["probability_weighting"]
    sev, credit = _utility_constants(a, p["routine_credit"])
    if reach is None:
        reach = terms[REACH].take(situation, axis=1)
    e_innov, e_routine, e_retro = reach
    monthly = terms if len(terms) == len(_MONTHLY) else terms.take(_MONTHLY, axis=0)
    gain, fail_case, miss_case, relief = monthly.take(situation, axis=1)
    bd, bo, br, bs, bt = beliefs
    f32 = np.float32
    loss_unit = np.power(bs, f32(a))
    loss_unit *= lam  # λ v(b_s), the common factor of every loss
    fail_case *= bd  # each a term of two risks below
    miss_case *= bd
    open_innov = np.subtract(1.0, fail_case)  # not a case when it happened
    open_routine = np.subtract(1.0, miss_case)
    retro_tol = _one_minus_product(e_retro, bt)
    x_innov, x_routine = _exposures(br, lookback=f32(p["lookback"]))
    x_innov *= open_innov
    x_innov *= retro_tol
    x_routine *= open_routine
    x_routine *= retro_tol

    u = np.empty((3, len(bd)), dtype=np.float32)
    loss = _weighted_pair(
        _one_minus_product(e_innov, bt, fail_case), sev["commission"], x_innov, sev["retro"], g
    )
    loss *= loss_unit
    # ``**``, not np.power: its exponent shortcuts
    u[INNOVATE] = intrinsic ** f32(a) if motivation is None else motivation
    u[INNOVATE] += gain
    u[INNOVATE] -= loss
    loss = _weighted_pair(
        _one_minus_product(e_routine, bt, miss_case), sev["veto"], x_routine, sev["retro"], g
    )
    loss *= loss_unit
    np.subtract(credit, loss, out=u[ROUTINE])
    loss_unit *= sev["omission"]
    loss_unit *= prob_weight(bo, g)
    np.subtract(relief, loss_unit, out=u[AVOID])
    return u


def _one_minus_product(e: np.ndarray, b: np.ndarray, times: np.ndarray | None = None) -> np.ndarray:
    """A new array ``times * (1 - e * b)`` (or ``1 - e * b``), the float32 operations of
    the plain expression in its order (products commute exactly)."""
    out = np.multiply(e, b)
    np.subtract(1.0, out, out=out)
    if times is not None:
        out *= times
    return out


def _exposures(br: np.ndarray, lookback: np.float32) -> tuple[np.ndarray, np.ndarray]:
    """X(b_r) and X(b_r x ``ROUTINE_RETRO_RATIO``), new arrays: 1 − (1 − c)^lookback as
    −expm1(lookback · log1p(−c)), each operation in place."""
    out = []
    for scale in (None, np.float32(ROUTINE_RETRO_RATIO)):
        x = np.negative(br)
        if scale is not None:
            x *= scale
        with np.errstate(divide="ignore"):  # a belief of 1: log1p(-1) = -inf, exposure 1
            np.log1p(x, out=x)
        x *= lookback
        np.expm1(x, out=x)
        np.negative(x, out=x)
        out.append(x)
    return out[0], out[1]


def _weighted_pair(
    p1: np.ndarray, v1: np.float32, p2: np.ndarray, v2: np.float32, g: float
) -> np.ndarray:
    """v1 w(p1) + v2 w(p2), a new array (``p1`` and ``p2`` are the caller's temporaries:
    where ``prob_weight`` returns them unweighted, they are overwritten)."""
    w = prob_weight(p1, g)
    w *= v1
    w2 = prob_weight(p2, g)
    w2 *= v2
    w += w2
    return w


@functools.lru_cache(maxsize=64)
def _utility_constants(a: float, routine_credit: float) -> tuple:
    """v(E_k) per kind of case (the expected weight of its sanction, in units of the
    believed weight of a moderate one), and v(credit)."""
    sev = {
        k: np.float32(expected_severity(k) ** a)
        for k in ("commission", "veto", "retro", "omission")
    }
    return sev, np.float32(routine_credit**a)


CHUNK = 1 << 16  # cadres per chunk: the chunk's temporaries stay in the CPU's cache


def choose(
    p: dict,
    terms: np.ndarray,
    beliefs: np.ndarray,
    intrinsic: np.ndarray,
    situation: np.ndarray,
    unit: np.ndarray,
    observed: np.ndarray | None,
    u: np.ndarray,
    pool: Executor | None = None,
    reach: np.ndarray | None = None,
    motivation: np.ndarray | None = None,
) -> np.ndarray:
    """Every cadre's action: utilities, logit, imitation of what it saw, one draw.

    ``terms`` are ``situation_terms`` per situation, ``beliefs`` (5, N), ``observed`` the
    (3, U) action shares each unit saw last month (None: nothing to imitate), ``u`` one
    uniform per cadre, ``reach`` and ``motivation`` optionally what ``cadre_utilities``
    would derive.
    Runs in chunks of ``CHUNK`` cadres, on ``pool``'s threads if given; the result is
    the same either way.
    """
    n = len(u)
    action = np.empty(n, dtype=np.int8)

    def run(lo: int) -> None:
        sl = slice(lo, min(lo + CHUNK, n))
        util = cadre_utilities(
            p,
            terms,
            beliefs[:, sl],
            intrinsic[sl],
            situation[sl],
            None if reach is None else reach[:, sl],
            motivation=None if motivation is None else motivation[sl],
        )
        # ``sample`` reads only the chances of innovating and of routine.
        probs = logit(util, p["rationality"], rows=2, overwrite=True)
        seen = None if observed is None else observed[:2].take(unit[sl], axis=1)
        action[sl] = sample(imitate(probs, seen, p["imitation"], overwrite=True), u[sl])

    starts = range(0, n, CHUNK)
    if pool is None:
        for lo in starts:
            run(lo)
    else:
        for f in [pool.submit(run, lo) for lo in starts]:
            f.result()  # re-raises a chunk's error here
    return action


def logit(u: np.ndarray, beta: float, rows: int = 3, *, overwrite: bool = False) -> np.ndarray:
    """Multinomial logit choice probabilities over axis 0 of (3, N), numerically stable.

    ``rows`` < 3 returns only the first ``rows`` actions' probabilities. ``overwrite``
    computes them in ``u``'s memory (perf: no new arrays of 3N; the same operations).
    """
    m = np.maximum(np.maximum(u[0], u[1]), u[2])
    e = np.subtract(u, m, out=u if overwrite else None)
    e *= np.float32(beta)
    np.exp(e, out=e)
    total = e[0] + e[1]
    total += e[2]
    if not overwrite:
        return e[:rows] / total
    e[:rows] /= total
    return e[:rows]


def imitate(
    p_choice: np.ndarray,
    observed: np.ndarray | None,
    strength: float,
    *,
    overwrite: bool = False,
) -> np.ndarray:
    """Mix own choice probabilities (3, N) with the action shares a cadre saw last month.

    ``overwrite`` mixes in ``p_choice``'s and ``observed``'s memory (the same products
    and sum)."""
    if observed is None or strength == 0.0:
        return p_choice
    if not overwrite:
        return (1.0 - strength) * p_choice + strength * observed.astype(p_choice.dtype, copy=False)
    p_choice *= 1.0 - strength
    seen = observed.astype(p_choice.dtype, copy=False)
    seen *= strength
    p_choice += seen
    return p_choice


def sample(probs: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Draw one of three actions per cadre from (3, N) probabilities and uniforms ``u``.

    perf: the two comparisons are added as bytes (a bool's byte is 0 or 1), no casts."""
    c0 = probs[0]
    action = (u > c0).view(np.int8)
    action += u > c0 + probs[1]
    return action


def avoidance_forms(
    n: int,
    avoid_idx: np.ndarray,
    innovative_task: np.ndarray,
    can_pass_down: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """Form of avoidance for ``n`` cadres: NO_FORM except for the avoiders ``avoid_idx``.

    ``innovative_task``, ``can_pass_down`` and ``u`` are given per avoider. The task at
    hand decides the mix (S000-14, S000-15); a unit without subordinate units (township)
    cannot pass down, so its weights are renormalised over the rest.
    """
    form = np.full(n, NO_FORM, dtype=np.int8)
    kind = np.multiply(innovative_task, 2, dtype=np.intp)
    kind += can_pass_down
    x = u * _FORM_TOTAL.take(kind)
    # perf: the two comparisons are added as bytes (as in ``sample``), no casts
    chosen = (x >= _FORM_PASS.take(kind)).view(np.int8)
    chosen += x >= _FORM_PASS_SHARE.take(kind)
    form[avoid_idx] = chosen
    return form


def _form_bounds() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per kind of avoider (2 x innovative task + can pass down): the weight of passing
    down, of passing down or sharing, and the total."""
    w = np.array(
        [FORM_WEIGHTS[task] for task in ("routine_task", "innovative_task") for _ in (False, True)]
    )
    w_pass = w[:, PASS_DOWN] * np.array([False, True, False, True])
    return w_pass, w_pass + w[:, SHARE], w_pass + w[:, SHARE] + w[:, STALL]


_FORM_PASS, _FORM_PASS_SHARE, _FORM_TOTAL = _form_bounds()
