"""Comparative statics of the four levers, with fixed seeds and replicates.

Each test compares a low and a high value of one lever over R replicates (a custom
tree of 10,081 cadres, so that a final window of 12 months averages enough cadres). The claim holds if the mean difference exceeds 3 standard errors of the
difference (one-sided, ~0.1% false-positive rate per comparison under normality) and a
minimum effect size, so a test can fail and a fluke cannot pass it.
"""

import numpy as np
import pytest

from model import CadreModel

R, STEPS = 5, 60
TREE = (5, 6, 6, 10)


def _final(scenario, seed0, **kw):
    rows = []
    for r in range(R):
        lv = (
            CadreModel(scenario=scenario, rng=seed0 + r, agents=False, branching=TREE, **kw)
            .run(STEPS)
            .summary()["levels"]
        )
        rows.append(
            (
                lv["all"]["innovate"],
                lv["all"]["avoid"],
                lv["township"]["innovate"],
                lv["township"]["avoid"],
            )
        )
    return np.array(rows)


def _diff(lo, hi):
    d = hi.mean(axis=0) - lo.mean(axis=0)
    se = np.sqrt(lo.var(axis=0, ddof=1) / R + hi.var(axis=0, ddof=1) / R)
    return d, se


# In the flexible regime few targets and little retroactive review make routine work
# nearly riskless, so more supervision moves cadres from innovation to routine rather
# than into avoidance: there the test only requires that avoidance does not fall.
@pytest.mark.parametrize(
    "scenario,lever,low,high,avoid_must_rise",
    [
        ("tightened_accountability", "supervision", 0.001, 0.008, True),
        ("flexible_experimentation", "supervision", 0.0005, 0.006, False),
        ("tightened_accountability", "one_veto_targets", 2, 16, True),
        ("flexible_experimentation", "one_veto_targets", 0, 12, True),
        ("tightened_accountability", "retroactive_risk", 0.0, 0.05, True),
        ("flexible_experimentation", "retroactive_risk", 0.0, 0.05, True),
    ],
)
def test_pressure_levers_cut_innovation_and_raise_avoidance(
    scenario, lever, low, high, avoid_must_rise
):
    d, se = _diff(_final(scenario, 100, **{lever: low}), _final(scenario, 100, **{lever: high}))
    innov_all, avoid_all, innov_twn, avoid_twn = range(4)
    assert d[innov_all] < -max(3 * se[innov_all], 0.01)
    assert d[innov_twn] < 0
    if avoid_must_rise:
        assert d[avoid_all] > max(3 * se[avoid_all], 0.005)
        assert d[avoid_twn] > 0
    else:
        assert d[avoid_all] > -3 * se[avoid_all]


def test_tolerance_raises_innovation_where_the_procedure_works():
    d, se = _diff(
        _final("reform_package", 200, tolerance=0.05), _final("reform_package", 200, tolerance=1.0)
    )
    assert d[0] > max(3 * se[0], 0.02)
    assert d[2] > 0
