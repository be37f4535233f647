"""The per-agent Mesa baseline must implement the model's rules, or the speed-up is unfair."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks import bench_model
from benchmarks.baseline_agents import BaselineModel, prob_weight
from model import CadreModel
from model.decision import prob_weight as vec_prob_weight
from model.hierarchy import LEVELS
from model.state import ACTIONS

SEEDS = (0, 1, 2)
STEPS = 40


def test_runs_classroom_and_action_shares_sum_to_one() -> None:
    m = BaselineModel(preset="classroom", rng=0).run(20)
    ref = CadreModel(preset="classroom", rng=0, agents=False)
    assert m.n_cadres == ref.n_cadres
    assert len(m.units) == ref.n_units
    assert len(m.rows) == 20 * (len(LEVELS) + 1)
    for row in m.rows:
        assert math.isclose(sum(row[a] for a in ACTIONS), 1.0, abs_tol=1e-12), row
    # cadres did not all make the same choice: the logit draw is live
    assert 0.0 < m.final_share("all", "routine") < 1.0


def test_deterministic_from_seed() -> None:
    a = BaselineModel(preset="classroom", rng=7).run(10).rows
    b = BaselineModel(preset="classroom", rng=7).run(10).rows
    c = BaselineModel(preset="classroom", rng=8).run(10).rows
    assert a == b
    assert a != c


def test_scalar_probability_weight_matches_vectorised() -> None:
    for p in (0.0, 0.01, 0.3, 0.99, 1.0):
        for g in (0.5, 0.69, 1.0):
            assert prob_weight(p, g) == pytest.approx(float(vec_prob_weight(p, g)), abs=1e-6)


def _township_innovate(scenario: str) -> tuple[float, float]:
    """Mean final township innovate share over SEEDS: (baseline, vectorised)."""
    base, vec = [], []
    for seed in SEEDS:
        b = BaselineModel(scenario, preset="classroom", rng=seed).run(STEPS)
        v = CadreModel(scenario, preset="classroom", rng=seed, agents=False).run(STEPS)
        base.append(b.final_share("township", "innovate"))
        vec.append(v.summary()["levels"]["township"]["innovate"])
    return float(np.mean(base)), float(np.mean(vec))


def test_lever_response_matches_vectorised_model() -> None:
    b_flex, v_flex = _township_innovate("flexible_experimentation")
    b_tight, v_tight = _township_innovate("tightened_accountability")
    assert np.sign(b_tight - b_flex) == np.sign(v_tight - v_flex) != 0
    # Same rules, different random streams: the levels agree within sampling noise
    # (120 township cadres x 8 final months x 3 seeds), not just the direction.
    assert b_flex == pytest.approx(v_flex, abs=0.12)
    assert b_tight == pytest.approx(v_tight, abs=0.12)


def test_measure_and_targets_plumbing() -> None:
    r = bench_model.measure(bench_model.ChildSpec("model", {"preset": "classroom"}, True, 1, 3))
    assert r["n_cadres"] == r["n_mesa_agents"] > 0
    assert r["timed_steps"] == 3 and r["step_min_s"] <= r["step_median_s"] <= r["step_max_s"]
    assert r["ns_per_cadre_step"] == pytest.approx(r["step_median_s"] / r["n_cadres"] * 1e9)
    paired = bench_model.measure(bench_model.ChildSpec("baseline", {"preset": "classroom"}, True, 1, 2))
    assert paired["n_cadres"] == r["n_cadres"]
    vec = paired["vectorised_interleaved"]
    assert paired["speedup"] == pytest.approx(paired["step_median_s"] / vec["step_median_s"])
    flat = {t.metric: t.limit for t in bench_model.TARGETS}
    assert {t["status"] for t in bench_model.evaluate_targets(flat)} == {"PASS"}
    worse = {t.metric: t.limit * (2.0 if t.op == "<=" else 0.5) for t in bench_model.TARGETS}
    assert {t["status"] for t in bench_model.evaluate_targets(worse)} == {"FAIL"}
    assert {t["status"] for t in bench_model.evaluate_targets({})} == {"SKIP"}
