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
