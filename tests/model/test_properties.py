"""Property tests: invariants hold for any valid parameters."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import CadreModel
from model.params import SCHEMA
from model.scenarios import SCENARIOS


def _value(p):
    if p.kind == "int":
        return st.integers(int(p.low), int(p.high))
    return st.floats(p.low, p.high, allow_nan=False)


LEVER_STRATEGY = st.fixed_dictionaries(
    {
        name: _value(SCHEMA[name])
        for name in (
            "supervision",
            "one_veto_targets",
            "retroactive_risk",
            "tolerance",
            "imitation",
            "learning_rate",
            "negativity_bias",
            "rationality",
            "attention_budget",
            "resources",
            "standards_clarity",
            "inter_level_consensus",
            "tolerance_publicity",
            "lookback",
            "turnover_rate",
            "problem_inflow",
            "escalation_rate",
            "loss_aversion",
            "probability_weighting",
            "paperwork_load",
            "sanction_scale",
            "relay_delay",
            "document_credibility",
            "perfect_information",
            "blame_shift",
            "standard_drift",
            "omission_visibility",
        )
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    params=LEVER_STRATEGY, scenario=st.sampled_from(sorted(SCENARIOS)), seed=st.integers(0, 2**31)
)
def test_invariants_hold_for_any_valid_parameters(params, scenario, seed):
    m = CadreModel(scenario=scenario, rng=seed, agents=False, **params)
    n = m.n_cadres
    m.run(25)
    s = m.state
    for b in (s.belief_tol, s.belief_detect, s.belief_omit, s.belief_retro):
        assert np.all((b >= 0) & (b <= 1))
    assert np.all(s.belief_sev >= 0)
    assert np.all(m.perceived_targets >= m.regime.targets - 1e-9)
    arr = m.history_array()
    assert np.isfinite(arr).all()
    df = m.history()
    assert np.allclose(df[["innovate", "routine", "avoid"]].sum(axis=1), 1)
    assert (df["n_cadres"].groupby(df["step"]).max() == n).all()
    assert (df["problems"] >= 0).all()
    assert np.all(s.free_attention >= 0)
    assert abs(sum(m.survey().values()) - 1) < 1e-9


def test_no_nan_after_a_long_run_at_extremes():
    for extreme in ("low", "high"):
        kw = {
            n: getattr(SCHEMA[n], extreme)
            for n in ("supervision", "one_veto_targets", "retroactive_risk", "tolerance")
        }
        m = CadreModel(rng=1, agents=False, **kw).run(300)
        assert np.isfinite(m.history_array()).all()
        assert np.all(m.state.belief >= 0) and np.all(m.state.belief[[0, 1, 2, 4]] <= 1)
