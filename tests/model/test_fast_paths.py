"""The step's shortcuts give the very numbers of the plain rules they replace: counts
summed in another order, draws merged into one call, rows kept while the regime is."""

from __future__ import annotations

import numpy as np

from model import beliefs, decision, learning
from model.hierarchy import build, custom_spec
from model.params import DEFAULTS
from model.state import BELIEF_CONCENTRATION


def test_count_sums_equal_group_sums_for_counts() -> None:
    h = build(custom_spec((3, 4, 5, 2)), np.random.default_rng(0))
    counts = np.random.default_rng(1).integers(0, 50, (4, h.n_units)).astype(float)
    np.testing.assert_array_equal(
        learning.count_sums(counts, h.group), learning.group_sums(counts, h.group)
    )
    np.testing.assert_array_equal(
        learning.count_sums(counts[0], h.group), learning.group_sums(counts[:1], h.group)[0]
    )


def test_count_sums_fall_back_when_a_group_is_split() -> None:
    group = np.array([3, 0, 0, 1, 0, 1, 3])
    rows = np.arange(14.0).reshape(2, 7)
    np.testing.assert_array_equal(
        learning.count_sums(rows, group), learning.group_sums(rows, group)
    )


def test_scatter_draws_as_one_call_per_belief() -> None:
    mean = np.random.default_rng(2).uniform(0.01, 0.9, (5, 40))
    got = beliefs.scatter(mean, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    chance = np.minimum(np.maximum(mean, 1e-6), 1 - 1e-6)
    for row in range(5):
        if row == beliefs.SEVERITY_ROW:
            want = rng.gamma(beliefs.SEVERITY_SHAPE, mean[row] / beliefs.SEVERITY_SHAPE)
        else:
            m = chance[row]
            want = rng.beta(m * BELIEF_CONCENTRATION, (1 - m) * BELIEF_CONCENTRATION)
        np.testing.assert_array_equal(got[row], want.astype(np.float32))


def test_utilities_with_the_reach_given_equal_those_taken_from_the_terms() -> None:
    rng = np.random.default_rng(4)
    terms = rng.uniform(0, 1, (7, 6)).astype(np.float32)
    situation = rng.integers(0, 6, 50)
    bel = rng.uniform(0, 1, (5, 50)).astype(np.float32)
    intrinsic = rng.uniform(0, 1, 50).astype(np.float32)
    reach = terms[decision.REACH].take(situation, axis=1)
    np.testing.assert_array_equal(
        decision.cadre_utilities(DEFAULTS, terms, bel, intrinsic, situation, reach),
        decision.cadre_utilities(DEFAULTS, terms, bel, intrinsic, situation),
    )


def _plain_weigh(p: np.ndarray, gamma: float) -> np.ndarray:
    p = np.asarray(p, dtype=np.float32)
    if gamma == 1.0:
        return p
    g = np.float32(gamma)
    pg = p**g
    return pg / (pg + (np.float32(1.0) - p) ** g) ** (np.float32(1.0) / g)


def _plain_utilities(p, terms, bel, intrinsic, situation) -> np.ndarray:
    """The utilities as one expression per action (the rule as written before its
    temporaries were reused)."""
    a, lam, g = p["value_curvature"], p["loss_aversion"], p["probability_weighting"]
    sev, credit = decision._utility_constants(a, p["routine_credit"])
    e_innov, e_routine, e_retro = terms[decision.REACH].take(situation, axis=1)
    gain, fail, miss, relief = terms.take(decision._MONTHLY, axis=0).take(situation, axis=1)
    bd, bo, br, bs, bt = bel
    f32, w = np.float32, _plain_weigh
    loss_unit = lam * np.power(bs, f32(a))
    fail_case, miss_case = fail * bd, miss * bd
    retro_tol = 1.0 - e_retro * bt
    with np.errstate(divide="ignore"):
        x_innov = -np.expm1(f32(p["lookback"]) * np.log1p(-br))
        x_routine = -np.expm1(
            f32(p["lookback"]) * np.log1p(-br * f32(decision.ROUTINE_RETRO_RATIO))
        )
    u = np.empty((3, len(bd)), dtype=np.float32)
    u[0] = (
        gain
        + intrinsic ** f32(a)
        - loss_unit
        * (
            sev["commission"] * w(fail_case * (1.0 - e_innov * bt), g)
            + sev["retro"] * w(x_innov * (1.0 - fail_case) * retro_tol, g)
        )
    )
    u[1] = credit - loss_unit * (
        sev["veto"] * w(miss_case * (1.0 - e_routine * bt), g)
        + sev["retro"] * w(x_routine * (1.0 - miss_case) * retro_tol, g)
    )
    u[2] = relief - loss_unit * sev["omission"] * w(bo, g)
    return u


def test_utilities_computed_in_place_equal_the_plain_expressions() -> None:
    rng = np.random.default_rng(5)
    terms = rng.uniform(0, 1, (7, 8)).astype(np.float32)
    terms[:, 0] = 0.0
    situation = rng.integers(0, 8, 400)
    bel = rng.uniform(0, 1, (5, 400)).astype(np.float32)
    bel[:, :30] = 0.0  # zero chances take prob_weight's skipping path
    bel[1, 30:300] = 0.0
    bel[2, 300:310] = 1.0  # review certain: an exposure of 1
    intrinsic = rng.uniform(0, 1, 400).astype(np.float32)
    for gamma, a in ((0.69, 0.88), (0.5, 0.5), (1.0, 1.0), (0.61, 2.0)):
        p = {**DEFAULTS, "probability_weighting": gamma, "value_curvature": a}
        np.testing.assert_array_equal(
            decision.cadre_utilities(p, terms, bel, intrinsic, situation),
            _plain_utilities(p, terms, bel, intrinsic, situation),
        )
        np.testing.assert_array_equal(
            decision.prob_weight(bel[1], gamma), _plain_weigh(bel[1], gamma)
        )


def test_at_least_once_equals_the_plain_expression() -> None:
    from model.accountability import at_least_once

    rng = np.random.default_rng(6)
    chance = rng.uniform(0, 1, 300)
    chance[:20] = 1.0
    chance[20:30] = 0.0
    times = rng.integers(0, 15, 300).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        plain = -np.expm1(times * np.log1p(-np.minimum(chance, 1.0)))
    plain = np.where(chance >= 1.0, (times > 0).astype(float), plain)
    np.testing.assert_array_equal(at_least_once(chance, times), plain)
    np.testing.assert_array_equal(at_least_once(chance[20:], times[20:]), plain[20:])
    assert at_least_once(1.0, 0.0) == 0.0 and at_least_once(0.5, 1.0) == 0.5


def test_observed_rates_equal_the_plain_expression() -> None:
    rng = np.random.default_rng(7)
    hits, peer_hits = rng.integers(0, 5, (2, 5, 60)).astype(float)
    trials, peer_trials = hits + rng.integers(0, 5, (2, 5, 60))
    trials[:, :10] = peer_trials[:, :10] = 0.0
    weight = rng.uniform(0, 1, (5, 1))
    num = hits + weight * peer_hits
    den = trials + weight * peer_trials
    has = den > 0
    rate, got_has = beliefs.observed(hits, trials, peer_hits, peer_trials, weight)
    np.testing.assert_array_equal(rate, np.where(has, num / np.where(has, den, 1.0), 0.0))
    np.testing.assert_array_equal(got_has, has)


def test_shares_seen_equal_the_plain_mix_of_peers_and_superiors() -> None:
    h = build(custom_spec((3, 4, 5, 2)), np.random.default_rng(8))
    counts = np.random.default_rng(9).integers(0, 6, (3, h.n_units)).astype(float)
    counts[:, :7] = 0.0  # units with no one acting: shares of 0
    superior = learning.superiors(h.parent)

    def shares(c: np.ndarray) -> np.ndarray:
        tot = c[0] + c[1] + c[2]
        return c / np.where(tot > 0, tot, 1.0)

    peer = shares(learning.group_totals(counts, h.group)).take(h.group, axis=1)
    plain = 0.3 * peer + (1.0 - 0.3) * shares(counts).take(superior, axis=1)
    np.testing.assert_array_equal(learning.shares_seen(counts, h.group, superior, 0.3), plain)
