"""Pure, vectorised choice rules: attention, prospect-theory utilities, logit choice.

Every function takes arrays (one entry per cadre) and returns arrays; none reads the
model. Cadres decide on their *beliefs* (``belief_detect``, ``belief_tol``), not on the
true probabilities the accountability and tolerance submodels later apply.
"""

from __future__ import annotations

import functools
from concurrent.futures import Executor

import numpy as np

from model.state import AVOID, INNOVATE, NO_FORM, PASS_DOWN, ROUTINE, SHARE, STALL

# Sanction magnitudes relative to `sanction_scale` for mild / moderate / severe.
SEVERITY_WEIGHT = np.array([0.25, 1.0, 2.5])
# Severity distributions (mild, moderate, severe) by kind of case. Commission is
# punished far more than omission (S000-17); one-veto failures are never tolerable.
SEVERITY = {
    "commission": np.array([0.4, 0.4, 0.2]),   # failed innovation
    "veto": np.array([0.4, 0.4, 0.2]),         # missed one-veto target in routine work
    "retro": np.array([0.3, 0.5, 0.2]),        # past act judged under drifted standards
    "omission": np.array([0.8, 0.2, 0.0]),     # detected inaction
}
# Task-specific forms of avoidance (S000-14 routine tasks, S000-15 innovative tasks):
# weights of (pass down, share / outsource, refuse-stall-divert).
FORM_WEIGHTS = {
    "routine_task": np.array([0.45, 0.35, 0.20]),
    "innovative_task": np.array([0.30, 0.20, 0.50]),
}
# How often drifted standards catch a past act, relative to `standard_drift`: innovations
# are non-standard (twice), routine acts follow procedure and leave a defensible record.
INNOVATION_RECORD_EXPOSURE = 2.0
ROUTINE_RECORD_EXPOSURE = 0.5


def expected_severity(kind: str) -> float:
    return float(SEVERITY[kind] @ SEVERITY_WEIGHT)


def prob_weight(p: np.ndarray | float, gamma: float) -> np.ndarray:
    """Tversky–Kahneman (1992) probability weighting; small risks loom large.

    Computed in float32 (see ``model.state.REAL``): three fractional powers per cadre
    dominate the step's cost, and 7 significant digits are far more than behaviour needs.
    """
    p = np.asarray(p, dtype=np.float32)
    if gamma == 1.0:
        return p
    g = np.float32(gamma)
    pg = p**g
    return pg / (pg + (np.float32(1.0) - p) ** g) ** (np.float32(1.0) / g)


@functools.lru_cache(maxsize=64)
def _prob_weight_scalar(p: float, gamma: float) -> np.float32:
    """``prob_weight`` of one number, remembered: the same few parameters recur every month."""
    return prob_weight(p, gamma)


def _prob_weight_of_chances(p: np.ndarray, gamma: float) -> np.ndarray:
    """``prob_weight`` of chances of which many are exactly 0 (overloaded situations).

    w(0) = 0 exactly, and a power of 0 takes numpy's slow path (about 7x the time of
    any other number), so only the positive chances are weighted.
    """
    p = np.asarray(p, dtype=np.float32)
    if p.ndim != 1:  # numpy's scalar and array powers may differ in the last bit: keep each
        return prob_weight(p, gamma)
    w = np.zeros_like(p)
    # Integer indices, not a boolean mask: masks select slowly when half of them is True.
    positive = (p > 0).nonzero()[0]
    w[positive] = prob_weight(p[positive], gamma)
    return w


def detection_probability(supervision: float, channels: int, visibility: float = 1.0) -> float:
    """Chance that at least one of ``channels`` independent channels detects an act."""
    return 1.0 - (1.0 - supervision * visibility) ** channels


def effective_veto_targets(p: dict, n_levels: int) -> np.ndarray:
    """One-veto targets per level after vague requirements inflate and levels amplify.

    Vague requirements turn into invisible one-veto targets in proportion to supervision
    (S000-10); each level below the centre adds its own margin (层层加码, S000-08).
    """
    base = p["one_veto_targets"] + p["vague_requirements"] * p["supervision"]
    return base * (1.0 + p["amplification"]) ** np.arange(n_levels)


def standing_demand(p: dict, veto_by_level: np.ndarray, level: np.ndarray,
                    leader: np.ndarray) -> np.ndarray:
    """Attention a cadre's post demands before any load passed down:
    (routine + paperwork + attention per target x targets) x leader duty.

    It changes only with the parameters, so the model keeps it between months.
    """
    duty = np.where(leader, p["leader_duty"], 1.0)
    return (p["routine_load"] + p["paperwork_load"] + p["veto_attention"] * veto_by_level[level]) * duty


def attention(p: dict, standing: np.ndarray,
              passed_down_load: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Free attention and overload ratio per cadre: the ``standing_demand`` plus this
    cadre's share of the load passed down from above last month, against the budget."""
    demand = standing + passed_down_load
    budget = p["attention_budget"] * p["resources"]
    free = np.maximum(budget - demand, 0.0)
    overload = np.maximum(demand - budget, 0.0) / budget
    return free, overload


def success_probability(p: dict, free: np.ndarray) -> np.ndarray:
    """True (and, for the cadre, known) chance that an innovation succeeds."""
    att = np.minimum(free / p["innovation_attention"], 1.0)
    return min(p["innovation_success"] * p["resources"], 1.0) * att


def irregularity_factors(p: dict, veto_by_level: np.ndarray, level: np.ndarray,
                         leader: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parts of :func:`irregularity_probability` that change only with the
    parameters: the failure rate per target before overload, and the number of targets."""
    duty = np.where(leader, p["leader_duty"], 1.0)
    return p["veto_failure_rate"] * duty, veto_by_level[level]


def irregularity_probability(rate: np.ndarray, targets: np.ndarray,
                             overload: np.ndarray) -> np.ndarray:
    """Chance that routine work misses at least one one-veto target this month, from the
    ``irregularity_factors``: overload raises the failure rate of every target."""
    per_target = np.minimum(rate * (1.0 + overload), 1.0)
    return 1.0 - (1.0 - per_target) ** targets


def retro_review_probability(p: dict) -> float:
    """Chance that an act is re-examined at some point while in the look-back window."""
    return 1.0 - (1.0 - p["retroactive_risk"]) ** p["lookback"]


def utilities(p: dict, belief_detect: np.ndarray, belief_tol: np.ndarray, intrinsic: np.ndarray,
              p_success: np.ndarray, p_irregular: np.ndarray,
              situation: np.ndarray | None = None) -> np.ndarray:
    """Prospect-theory utilities of (innovate, routine, avoid), shape (3, N).

    U = sum over gains w(p) v(x)  +  sum over losses w(p) v(-x), with v(x) = x^alpha for
    gains and -lambda x^alpha for losses (Tversky & Kahneman 1992).

    ``p_success`` and ``p_irregular`` depend only on a cadre's situation (unit and
    whether it leads); pass them per situation with ``situation`` (cadre -> situation
    index) so their weighting is computed once per situation rather than per cadre.
    """
    n = len(belief_detect)
    if situation is None:  # one situation per cadre
        situation = np.arange(n)
    terms = situation_terms(p, p_success, p_irregular)
    return cadre_utilities(p, terms, belief_detect, belief_tol, intrinsic, situation)


def situation_terms(p: dict, p_success: np.ndarray, p_irregular: np.ndarray) -> np.ndarray:
    """The parts of the utilities that depend only on the situation, shape (3, S):
    weighted gain of innovating, chance an innovation fails, chance of a missed target."""
    a, g = p["value_curvature"], p["probability_weighting"]
    gain_innov = p["promotion_value"] + p["recognition_value"] + p["problem_value"]
    return np.stack([_prob_weight_of_chances(p_success, g) * np.float32(gain_innov**a),
                     1.0 - np.asarray(p_success, dtype=np.float32),
                     np.asarray(p_irregular, dtype=np.float32)])


def cadre_utilities(p: dict, terms: np.ndarray, bd: np.ndarray, bt: np.ndarray,
                    intrinsic: np.ndarray, situation: np.ndarray) -> np.ndarray:
    """Utilities (3, n) of n cadres from their beliefs and their situations' ``terms``."""
    a, lam, g = p["value_curvature"], p["loss_aversion"], p["probability_weighting"]
    severity_value, retro_innov, routine_const, credit, relief = _utility_constants(
        a, lam, g, p["sanction_scale"], retro_review_probability(p), p["standard_drift"],
        p["routine_credit"], p["avoid_relief"])
    t = terms.take(situation, axis=1)  # 4x faster than terms[:, situation], same values

    def loss(chance: np.ndarray, kind: str) -> np.ndarray:
        """lam * w(chance) * v(S * expected severity), in that order of operations."""
        w = prob_weight(chance, g)
        w *= lam  # in place: the same product as lam * w, one array fewer
        w *= severity_value[kind]
        return w

    # Each row is built in place in ``u``, in the same order of operations as
    # ``x0 + x1 - x2 - ...`` (float32 results do not depend on where they are stored).
    u = np.empty((3, len(bd)), dtype=np.float32)
    not_tolerated = 1.0 - bt  # believed chance a case is not tolerated (used twice)
    # Innovate: gains if it works; if it fails and is detected and not tolerated, a
    # sanction; and the act stays on record for retroactive review.
    np.add(t[0], intrinsic**a, out=u[INNOVATE])
    u[INNOVATE] -= loss(t[1] * bd * not_tolerated, "commission")
    u[INNOVATE] -= loss(retro_innov * not_tolerated, "retro")
    # Routine compliance: credit, the risk of a missed one-veto target, and a record.
    np.subtract(credit, loss(t[2] * bd, "veto"), out=u[ROUTINE])
    u[ROUTINE] -= routine_const
    # Avoid: effort saved; only the small risk that inaction itself is noticed.
    np.subtract(relief, loss(bd * p["omission_visibility"], "omission"), out=u[AVOID])
    return u


@functools.lru_cache(maxsize=64)
def _utility_constants(a: float, lam: float, g: float, S: float, retro: float, drift: float,
                       routine_credit: float, avoid_relief: float) -> tuple:
    """The scalars of ``cadre_utilities``, which change only with the parameters (the
    same few recur every month): v(S x expected severity) per kind of case, the chance a
    past innovation is caught, the expected loss of a routine record, v(credit), v(relief).
    Each is computed as the utilities did, in the same order of operations."""

    def v(x: float) -> float:
        return x**a

    severity_value = {kind: v(S * expected_severity(kind)) for kind in SEVERITY}
    drift_innov = min(INNOVATION_RECORD_EXPOSURE * drift, 1.0)
    routine_const = (lam * _prob_weight_scalar(retro * drift * ROUTINE_RECORD_EXPOSURE, g)
                     * severity_value["retro"])
    return severity_value, retro * drift_innov, routine_const, v(routine_credit), v(avoid_relief)


CHUNK = 1 << 16  # cadres per chunk: the chunk's temporaries stay in the CPU's cache


def choose(p: dict, terms: np.ndarray, belief_detect: np.ndarray, belief_tol: np.ndarray,
           intrinsic: np.ndarray, situation: np.ndarray, unit: np.ndarray,
           observed: np.ndarray | None, u: np.ndarray, pool: Executor | None = None) -> np.ndarray:
    """Every cadre's action: utilities, logit, imitation of what it saw, one draw.

    ``terms`` are ``situation_terms`` per situation, ``observed`` the (3, U) action shares
    each unit saw last month (None: nothing to imitate), ``u`` one uniform per cadre.
    Runs in chunks of ``CHUNK`` cadres, on ``pool``'s threads if given; the result is
    the same either way.
    """
    n = len(u)
    action = np.empty(n, dtype=np.int8)

    def run(lo: int) -> None:
        sl = slice(lo, min(lo + CHUNK, n))
        util = cadre_utilities(p, terms, belief_detect[sl], belief_tol[sl], intrinsic[sl],
                               situation[sl])
        # ``sample`` reads only the chances of innovating and of routine: the rows
        # computed and mixed are those two (each row's numbers are unchanged).
        probs = logit(util, p["rationality"], rows=2)
        seen = None if observed is None else observed[:2].take(unit[sl], axis=1)
        action[sl] = sample(imitate(probs, seen, p["imitation"]), u[sl])

    starts = range(0, n, CHUNK)
    if pool is None:
        for lo in starts:
            run(lo)
    else:
        for f in [pool.submit(run, lo) for lo in starts]:
            f.result()  # re-raises a chunk's error here
    return action


def logit(u: np.ndarray, beta: float, rows: int = 3) -> np.ndarray:
    """Multinomial logit choice probabilities over axis 0 of (3, N), numerically stable.

    ``rows`` < 3 returns only the first ``rows`` actions' probabilities.
    """
    m = np.maximum(np.maximum(u[0], u[1]), u[2])
    e = u - m
    e *= np.float32(beta)  # in place: the same numbers as beta * (u - m), one array fewer
    np.exp(e, out=e)
    return e[:rows] / (e[0] + e[1] + e[2])


def imitate(p_choice: np.ndarray, observed: np.ndarray | None, strength: float) -> np.ndarray:
    """Mix own choice probabilities (3, N) with the action shares a cadre saw last month."""
    if observed is None or strength == 0.0:
        return p_choice
    return (1.0 - strength) * p_choice + strength * observed.astype(p_choice.dtype, copy=False)


def sample(probs: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Draw one of three actions per cadre from (3, N) probabilities and uniforms ``u``."""
    c0 = probs[0]
    return (u > c0).astype(np.int8) + (u > c0 + probs[1]).astype(np.int8)


def avoidance_forms(n: int, avoid_idx: np.ndarray, innovative_task: np.ndarray,
                    can_pass_down: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Form of avoidance for ``n`` cadres: NO_FORM except for the avoiders ``avoid_idx``.

    ``innovative_task``, ``can_pass_down`` and ``u`` are given per avoider. The task at
    hand decides the mix (S000-14, S000-15); a unit without subordinate units (township)
    cannot pass down, so its weights are renormalised over the rest.
    """
    form = np.full(n, NO_FORM, dtype=np.int8)
    # Four kinds of avoider (task x can pass down): look their bounds up, not recompute them.
    kind = 2 * np.asarray(innovative_task, dtype=np.intp) + np.asarray(can_pass_down, dtype=bool)
    x = u * _FORM_TOTAL.take(kind)
    # Counting the (increasing) bounds passed gives PASS_DOWN, SHARE or STALL.
    form[avoid_idx] = (x >= _FORM_PASS.take(kind)).astype(np.int8) + (x >= _FORM_PASS_SHARE.take(kind))
    return form


def _form_bounds() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per kind of avoider (2 x innovative task + can pass down): the weight of passing
    down, of passing down or sharing, and the total, in ``avoidance_forms``' arithmetic."""
    w = np.array([FORM_WEIGHTS[task] for task in ("routine_task", "innovative_task")
                  for _ in (False, True)])
    w_pass = w[:, PASS_DOWN] * np.array([False, True, False, True])
    return w_pass, w_pass + w[:, SHARE], w_pass + w[:, SHARE] + w[:, STALL]


_FORM_PASS, _FORM_PASS_SHARE, _FORM_TOTAL = _form_bounds()
