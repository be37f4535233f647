"""The per-agent Mesa baseline must apply the model's rules, or the speed-up is unfair.

The two implementations draw their random numbers from different streams, so they can
only agree statistically. The core test runs both over replicate seeds and compares the
replicate means of the outputs the model is read for — per-level innovate and avoid
shares and mean beliefs, sanctions per cadre-year by level, pushed-down and retroactive
cases, the township / province sanction ratio and the township's share of all
sanctions — with Welch's z (difference of means over its replicate standard error).

Design and tolerance:

* ``R`` = 20 replicates per model and scenario, each a classroom run (196 cadres) of
  ``T`` = 48 months; a replicate's value is its mean over the whole run. The seeds of
  the two models are disjoint, so the replicates are independent and the replicate
  standard error is an honest error of each mean (it includes every source of
  variation: draws, trajectories, feedbacks).
* Three scenarios: flexible and tightened (steady regimes), and a relayed one (a
  tightening issued at month 3 and a loosening at month 24, relay delay 2 months): the
  only one that exercises relay, documents, alertness and the unlearning of freed
  targets.
* 36 comparisons per scenario, 108 in all. If the implementations are equivalent, each
  z is approximately Student-t with about 38 degrees of freedom; P(|t| > 4.5) is about
  6e-5, so the chance that any of the 108 exceeds ``Z_MAX`` = 4.5 is below 1 % (a
  Bonferroni bound; 4.5 rather than the 4.3 that this gives leaves room for the skew of
  rare counts). The seeds are fixed, so the outcome is reproducible; the bound says how
  unlikely a spurious failure is after a legitimate change of the model.
* The test can fail: a baseline that drops one rule must fail the same comparison —
  without blame push-down in the tightened scenario (also on behaviour alone, with the
  reporter of pushed-down cases left out: sanctions stay at the upper levels), and
  without the documents of a new version in the relayed one (beliefs lag the regime).
  Dropping the JUDGED marking or the territorial cases is *not* reliably detected at
  this size (in trial runs the largest |z| was below 3, and about 4.5, at the
  threshold): an act is rarely judged twice, and few problems escalate out of a
  classroom tree. Those two rules rest on review of the code.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from benchmarks import bench_model
from benchmarks.baseline_agents import DROPPABLE, BaselineModel, prob_weight
from model import CadreModel
from model.decision import prob_weight as vec_prob_weight
from model.hierarchy import LEVELS
from model.metrics import ROW_LEVELS, VALUE_COLUMNS

R = 20
T = 48
Z_MAX = 4.5
VEC_SEEDS = range(R)
BASE_SEEDS = range(10_000, 10_000 + R)
SCENARIOS = {
    "flexible": {"scenario": "flexible_experimentation"},
    "tightened": {"scenario": "tightened_accountability"},
    "relayed": {
        "scenario": "flexible_experimentation",
        "relay_delay": 2.0,
        "schedule": [
            (
                3,
                {
                    "supervision": 0.0026,
                    "supervision_channels": 4,
                    "one_veto_targets": 8,
                    "vague_requirements": 5.0,
                    "retroactive_risk": 0.015,
                    "blame_shift": 0.3,
                    "tolerance": 0.3,
                    "sanction_scale": 12.0,
                },
            ),
            (
                24,
                {
                    "supervision": 0.0015,
                    "supervision_channels": 3,
                    "one_veto_targets": 2,
                    "vague_requirements": 1.0,
                    "retroactive_risk": 0.005,
                    "blame_shift": 0.1,
                    "tolerance": 0.85,
                },
            ),
        ],
    },
}
# Columns of both models' per-level reporters (baseline name: the vectorised model's).
SHARES_AND_BELIEFS = {
    "innovate": ("innovate",),
    "avoid": ("avoid",),
    "belief_detect": ("belief_detection",),
    "belief_omit": ("belief_omission",),
    "belief_retro": ("belief_retro",),
    "belief_severity": ("belief_severity",),
    "belief_tol": ("belief_tolerance",),
}
PER_CADRE_YEAR = {
    "sanctions": ("sanctions_mild", "sanctions_moderate", "sanctions_severe"),
    "cases_shifted": ("cases_shifted",),
    "retro_cases": ("retro_cases",),
}
COLUMNS = (*SHARES_AND_BELIEFS, *PER_CADRE_YEAR)
# What is compared: (level, column) means, and two ratios of sanctions.
COMPARED = (
    [(lv, c) for lv in ROW_LEVELS for c in ("innovate", "avoid", "belief_detect", "belief_tol")]
    + [
        ("all", c)
        for c in ("belief_omit", "belief_retro", "belief_severity", "cases_shifted", "retro_cases")
    ]
    + [(lv, "sanctions") for lv in ("province", "city", "county", "township", "all")]
)
RATIOS = {  # name: (numerator, denominator), both (level, column)
    "township / province sanctions per cadre-year": (
        ("township", "sanctions"),
        ("province", "sanctions"),
    ),
    "township share of sanctions": (("township", "sanction_count"), ("all", "sanction_count")),
}


def _vec_replicate(kwargs: dict, seed: int) -> dict[tuple[str, str], float]:
    m = CadreModel(rng=seed, agents=False, **kwargs).run(T)
    mean = m.history_array().mean(axis=0)  # (levels + all, VALUE_COLUMNS), over the run
    col = {c: i for i, c in enumerate(VALUE_COLUMNS)}
    out = {}
    for i, lv in enumerate(ROW_LEVELS):
        n = mean[i, col["n_cadres"]]
        for name, cols in SHARES_AND_BELIEFS.items():
            out[lv, name] = mean[i, col[cols[0]]]
        for name, cols in PER_CADRE_YEAR.items():
            out[lv, name] = 12 * sum(mean[i, col[c]] for c in cols) / n
        out[lv, "sanction_count"] = out[lv, "sanctions"] * n
    return out


def _base_replicate(
    kwargs: dict, seed: int, drop: tuple[str, ...] = ()
) -> dict[tuple[str, str], float]:
    m = BaselineModel(rng=seed, drop=drop, **kwargs).run(T)
    assert len(m.rows) == T * len(ROW_LEVELS)
    out = {}
    for lv in ROW_LEVELS:
        rows = [r for r in m.rows if r["level"] == lv]
        n = rows[0]["n_cadres"]
        for name in SHARES_AND_BELIEFS:
            out[lv, name] = sum(r[name] for r in rows) / T
        for name in PER_CADRE_YEAR:
            out[lv, name] = 12 * sum(r[name] for r in rows) / T / n
        out[lv, "sanction_count"] = out[lv, "sanctions"] * n
    return out


@functools.cache
def _replicates(model: str, scenario: str, drop: tuple[str, ...] = ()) -> dict[tuple, np.ndarray]:
    """Per (level, column): the R replicate values (cached: shared by the tests)."""
    kwargs = SCENARIOS[scenario]
    if model == "vectorised":
        reps = [_vec_replicate(kwargs, s) for s in VEC_SEEDS]
    else:
        reps = [_base_replicate(kwargs, s, drop) for s in BASE_SEEDS]
    return {key: np.array([r[key] for r in reps]) for key in reps[0]}


def _ratio(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Ratio of replicate means and its variance (delta method)."""
    mn, md = num.mean(), den.mean()
    if md == 0:
        return math.nan, math.nan
    r = mn / md
    c = np.cov(num, den, ddof=1)
    return r, (c[0, 0] - 2 * r * c[0, 1] + r**2 * c[1, 1]) / md**2 / len(num)


def compare(
    base: dict, vec: dict, skip: tuple[str, ...] = ()
) -> list[tuple[str, float, float, float]]:
    """Every comparison as (what, baseline, vectorised, z); z is Welch's statistic."""
    out = []
    for key in COMPARED:
        if key[1] in skip:
            continue
        b, v = base[key], vec[key]
        se = math.sqrt(b.var(ddof=1) / len(b) + v.var(ddof=1) / len(v))
        d = b.mean() - v.mean()
        z = d / se if se > 0 else (0.0 if d == 0 else math.inf)
        out.append((f"{key[0]} {key[1]}", b.mean(), v.mean(), z))
    for name, (num, den) in RATIOS.items():
        (rb, vb), (rv, vv) = _ratio(base[num], base[den]), _ratio(vec[num], vec[den])
        z = (rb - rv) / math.sqrt(vb + vv) if vb + vv > 0 else math.nan
        out.append((name, rb, rv, z))
    return out


def _failures(rows: list[tuple[str, float, float, float]]) -> list[str]:
    # NaN (a ratio with no sanction in the denominator) counts as a failure too.
    return [
        f"{what}: baseline {b:.4g} vs vectorised {v:.4g} (z = {z:+.1f})"
        for what, b, v, z in rows
        if not abs(z) <= Z_MAX
    ]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_baseline_is_statistically_equivalent_to_the_model(scenario: str) -> None:
    rows = compare(_replicates("baseline", scenario), _replicates("vectorised", scenario))
    assert len(rows) == len(COMPARED) + len(RATIOS)
    assert not _failures(rows), "\n".join(_failures(rows))


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("scenario", "rule"), [("tightened", "push_down"), ("relayed", "documents")]
)
def test_a_baseline_that_drops_a_rule_is_detected(scenario: str, rule: str) -> None:
    vec = _replicates("vectorised", scenario)
    broken = _replicates("baseline", scenario, (rule,))
    assert _failures(compare(broken, vec))
    # ... on behaviour alone, not only by the reporter of pushed-down cases (which
    # dropping push-down sets to zero): blame stays where the cases arise.
    assert _failures(compare(broken, vec, skip=("cases_shifted",)))


def test_drop_names_a_known_rule() -> None:
    with pytest.raises(ValueError, match="push_down"):
        BaselineModel(rng=0, drop=("no_such_rule",))
    assert "push_down" in DROPPABLE


def test_one_mesa_agent_per_cadre_on_the_model_tree() -> None:
    m = BaselineModel(preset="classroom", rng=0)
    ref = CadreModel(preset="classroom", rng=0, agents=False)
    assert m.n_cadres == len(m.agents) == ref.n_cadres
    assert [u.n_cadres for u in m.units] == ref.hierarchy.n_cadres.tolist()
    assert [u.level for u in m.units] == ref.hierarchy.level.tolist()
    assert sum(len(u.members) for u in m.units) == m.n_cadres
    # Mesa's own agent set drives the step: every cadre acts once a month.
    m.step()
    assert sum(sum(u.counts) for u in m.units) == m.n_cadres


def test_deterministic_from_seed() -> None:
    a = BaselineModel(preset="classroom", rng=7).run(6).rows
    b = BaselineModel(preset="classroom", rng=7).run(6).rows
    c = BaselineModel(preset="classroom", rng=8).run(6).rows
    assert a == b
    assert a != c
    assert [r["level"] for r in a[: len(ROW_LEVELS)]] == [*LEVELS, "all"]


def test_scalar_probability_weight_matches_vectorised() -> None:
    for p in (0.0, 1e-4, 0.01, 0.3, 0.99, 1.0):
        for g in (0.5, 0.69, 1.0):
            assert prob_weight(p, g) == pytest.approx(
                float(vec_prob_weight(p, g)), rel=1e-5, abs=1e-7
            )


def test_paired_measurement_times_both_models_on_one_world() -> None:
    paired = bench_model.measure(
        bench_model.ChildSpec("baseline", {"preset": "classroom"}, True, 1, 2)
    )
    assert paired["kind"] == "baseline" and paired["timed_steps"] == 2
    assert paired["n_cadres"] == paired["n_mesa_agents"] == CadreModel(rng=1, agents=False).n_cadres
    vec = paired["vectorised_interleaved"]
    assert paired["step_median_s"] > 0 and vec["step_median_s"] > 0
    assert math.isfinite(paired["speedup"]) and paired["speedup"] > 0


def test_targets_compare_in_the_right_direction() -> None:
    at_limit = {t.metric: t.limit for t in bench_model.TARGETS}
    assert {t["status"] for t in bench_model.evaluate_targets(at_limit)} == {"PASS"}
    worse = {t.metric: t.limit * (2.0 if t.op == "<=" else 0.5) for t in bench_model.TARGETS}
    assert {t["status"] for t in bench_model.evaluate_targets(worse)} == {"FAIL"}
    assert {t["status"] for t in bench_model.evaluate_targets({})} == {"SKIP"}
