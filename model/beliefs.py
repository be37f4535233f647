"""What cadres believe about the regime, and how documents and cases move it.

Every risk a cadre weighs is a belief (:data:`model.state.BELIEFS`): that a misstep
becomes its case (detection, after blame is pushed down), that a month of inaction
does, that a review catches an open innovation in a month (and it stays its case), the
weight of a sanction, and that an eligible case is tolerated. Each unit also has a *perceived* number of
binding one-veto targets: the targets it treats rigidly.

Where beliefs come from:

* **At the start** cadres in post are settled in the starting regime: their beliefs
  scatter around the truth of their post (``settled``). A scenario sets them only
  through its starting regime.
* **Newcomers** take their beliefs from their unit's cadres (socialisation), with the
  same individual scatter (``socialise``).
* **Documents.** When a unit adopts a new version of the regime, its cadres move part
  of the way towards what the document announces (``announce``): ``document_credibility``
  of the way when it raises the risks, and that divided by ``negativity_bias`` when it
  lowers them ("birds startled by the bow", S000-12b). A loosening document is thus
  mostly disbelieved; what it promises has to be seen.
* **Cases.** Every month each belief moves a step towards the rate the cadre's evidence
  shows (``learn``): its unit's cases, peer units' circulated cases, its own outcome.
  The step is ``learning_rate`` times the unit's *alertness* to that belief, the same for
  good and bad news, so in a steady regime beliefs are right on average; without
  evidence a belief does not move. When the risks in force at a unit change — it
  adopts a new version, or a level watching it does — bad news for a belief sets its
  alertness to ``negativity_bias`` (cases are heeded more), good news to
  1 / ``negativity_bias`` (cases are discounted: it may not last); alertness then
  returns to 1 as the regime stays put (``calm``).
* **Freed targets** stay binding in a unit's eyes until it sees misses of them go
  unpunished (``unlearn_targets``, S000-12c); new targets bind at once.

With ``perfect_information`` = 1 every belief is the truth of the post, every month.
"""

from __future__ import annotations

import numpy as np

from model.state import BELIEF_CONCENTRATION, BELIEFS, REAL, run_starts

SEVERITY_ROW = BELIEFS.index("severity")
# A belief is bad news when it rises, except believed tolerance (bad when it falls).
BAD_WHEN_HIGHER = np.array([b != "tol" for b in BELIEFS])
SEVERITY_SHAPE = 25.0  # Gamma shape of the scatter of believed severity (CV 0.2)


# Beliefs below this are 0. perf: float32 subnormals (below 1.2e-38; Beta scatter and
# beliefs decaying towards a zero rate produce them) make every power and logarithm of
# the decision 2-3x slower; no behaviour depends on a chance of 1e-30.
FLUSH_BELOW = np.float32(1e-30)


def flush_tiny(beliefs: np.ndarray) -> None:
    """Set beliefs below ``FLUSH_BELOW`` to 0, in place."""
    beliefs *= beliefs >= FLUSH_BELOW


def scatter(mean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Individual beliefs (len(BELIEFS), k) scattered around per-cadre ``mean`` values:
    probabilities ~ Beta(κ m, κ (1 − m)), severity ~ Gamma with the same mean.

    perf: the rows are drawn in order, the probabilities before severity in one Beta
    call ((3, k) arrays are filled row by row: the same draws as a call per row), which
    saves the per-call cost of numpy's argument checks.
    """
    mean = np.asarray(mean, dtype=float)
    out = np.empty(mean.shape, dtype=REAL)
    # perf: np.minimum(np.maximum()) is np.clip's arithmetic without its Python wrapper.
    chance = np.minimum(np.maximum(mean, 1e-6), 1 - 1e-6)
    out[:SEVERITY_ROW] = _beta(chance[:SEVERITY_ROW], rng)
    sev = np.maximum(mean[SEVERITY_ROW], 1e-9)
    out[SEVERITY_ROW] = rng.gamma(SEVERITY_SHAPE, sev / SEVERITY_SHAPE)
    out[SEVERITY_ROW + 1 :] = _beta(chance[SEVERITY_ROW + 1 :], rng)
    return out


def _beta(m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return rng.beta(m * BELIEF_CONCENTRATION, (1 - m) * BELIEF_CONCENTRATION)


def settled(truth: np.ndarray, unit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Beliefs of the cadres in post at the start: scattered around their post's truth."""
    return scatter(truth.take(unit, axis=1), rng)


def socialise(
    beliefs: np.ndarray,
    cadre_start: np.ndarray,
    n_cadres: np.ndarray,
    unit: np.ndarray,
    newcomers: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Beliefs of ``newcomers``: scattered around the mean belief of their unit's cadres
    as the post changed hands (its cadres are contiguous from ``cadre_start``).

    perf: one ``reduceat`` over the contiguous cadres of the units that have newcomers
    (a few per cent of units in a month), gathered into one array. ``newcomers`` are
    sorted, so are their units: their distinct values are found without ``np.unique``.
    """
    their_unit = unit[newcomers]
    first = run_starts(their_unit)
    units = their_unit[first]
    pos = first.cumsum() - 1  # index in ``units`` of each newcomer's unit
    sizes = n_cadres[units]
    offsets = np.cumsum(sizes) - sizes
    members = np.repeat(cadre_start[units] - offsets, sizes) + np.arange(sizes.sum())
    sums = np.add.reduceat(beliefs.take(members, axis=1), offsets, axis=1, dtype=float)
    return scatter((sums / sizes).take(pos, axis=1), rng)


def announce(
    beliefs: np.ndarray, announced: np.ndarray, credibility: float, negativity_bias: float
) -> np.ndarray:
    """Beliefs (5, k) after a document announcing ``announced`` (5, k) arrives."""
    up = announced > beliefs
    bad = np.where(BAD_WHEN_HIGHER[:, None], up, ~up)
    step = np.where(bad, credibility, credibility / negativity_bias).astype(REAL)
    return (beliefs + step * (announced - beliefs)).astype(REAL)


def learn(
    belief: np.ndarray, rate: np.ndarray, has: np.ndarray, step: np.ndarray | float
) -> np.ndarray:
    """One belief (k,) a ``step`` towards the observed ``rate`` where there is evidence
    (``has``); elsewhere unchanged. The step does not depend on the direction of the
    news, so in a steady regime the belief is unbiased."""
    one, zero = REAL(1.0), REAL(0.0)
    step = np.where(has, np.minimum(step, one), zero).astype(REAL, copy=False)
    return belief + step * (rate.astype(REAL, copy=False) - belief)


def learn_own(
    belief: np.ndarray,
    who: np.ndarray,
    outcome: np.ndarray,
    unit_step: np.ndarray,
    unit: np.ndarray,
) -> np.ndarray:
    """:func:`learn` of one belief (N,) of the cadres ``who``, each towards its own
    ``outcome``, every one with evidence; ``unit_step`` per unit (of ``unit``, per
    cadre), already at most 1.

    perf: the same numbers as ``learn`` without its evidence mask, float64 detour and
    clipping, which change nothing here; a few hundred cadres a month, so numpy's
    per-call cost is most of it.
    """
    b = belief.take(who)
    return b + unit_step.take(unit.take(who)) * (outcome.astype(REAL) - b)


def learn_units(
    beliefs: np.ndarray, rate: np.ndarray, has: np.ndarray, step: np.ndarray, n_cadres: np.ndarray
) -> None:
    """:func:`learn` of every cadre's beliefs (k, N), in place, from its unit's evidence:
    ``rate``, ``has`` and ``step`` per unit (k, U); each unit's cadres are contiguous,
    ``n_cadres`` of them.

    perf: the step is settled per unit and the rows are spread to the cadres in one
    ``repeat`` each; the same numbers as :func:`learn` on each row of per-cadre arrays.
    """
    step = np.where(has, np.minimum(step, REAL(1.0)), REAL(0.0)).astype(REAL, copy=False)
    move = rate.astype(REAL).repeat(n_cadres, axis=1)
    move -= beliefs
    move *= step.repeat(n_cadres, axis=1)
    beliefs += move


def alertness(
    old_truth: np.ndarray, new_truth: np.ndarray, alert: np.ndarray, negativity_bias: float
) -> np.ndarray:
    """Alertness (5, k) of units whose regime changed from ``old_truth`` to ``new_truth``:
    ``negativity_bias`` for a belief the change makes worse, its inverse for one it makes
    better, unchanged where it does not move the truth."""
    up = new_truth > old_truth
    bad = np.where(BAD_WHEN_HIGHER[:, None], up, ~up)
    moved = new_truth != old_truth
    return np.where(moved, np.where(bad, negativity_bias, 1.0 / negativity_bias), alert)


def calm(alert: np.ndarray, learning_rate: float) -> np.ndarray:
    """Alertness returns towards 1 while the regime stays put (its log shrinks by the
    learning rate each month).

    perf: only alertness other than 1 is raised to the power (1^x = 1 exactly): in a
    steady regime every unit's alertness is 1 within months, and a float64 power costs
    the same ~2 ns per element whatever the number. Where none moves, ``alert`` itself
    is returned (never written to: a new alertness is a new array), so what the step
    derives from it can be remembered while the regime stays put.
    """
    moving = alert != 1.0
    if not moving.any():
        return alert
    out = alert.copy()
    out[moving] = np.power(alert[moving], 1.0 - learning_rate)
    return out


def observed(
    hits: np.ndarray,
    trials: np.ndarray,
    peer_hits: np.ndarray,
    peer_trials: np.ndarray,
    peer_weight: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    """Rate a unit's cadres observe (own unit's cases plus peers' circulated ones) and
    whether there was any evidence, per unit."""
    num = peer_weight * peer_hits
    num += hits
    den = peer_weight * peer_trials
    den += trials
    has = den > 0
    # perf: divided only where there is evidence (the same quotients), in place, and
    # set to 0 elsewhere by a product with ``has`` (x * 1 = x exactly): a fresh array of
    # zeros costs more than the product
    rate = np.divide(num, den, out=num, where=has)
    rate *= has
    return rate, has


def unlearn_targets(
    perceived: np.ndarray, real: np.ndarray, unpunished: np.ndarray, learning_rate: float
) -> np.ndarray:
    """Perceived binding targets after ``unpunished`` misses of freed targets were seen:
    each moves the excess over the real targets a step ``learning_rate`` down.

    perf: with no unpunished miss anywhere (the usual month) the factor is x^0 = 1
    exactly, so the power over every unit is skipped.
    """
    excess = np.maximum(perceived - real, 0.0)
    if not np.asarray(unpunished).any():
        return real + excess
    return real + excess * (1.0 - learning_rate) ** unpunished
