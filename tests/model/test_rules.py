"""Unit tests of each rule: pure functions with known answers."""

import numpy as np
import pytest

from model import decision, dynamics, learning, tolerance
from model.accountability import MILD, MODERATE, SEVERE, draw_severity, retro_review
from model.hierarchy import PRESETS, build
from model.params import DEFAULTS
from model.state import (
    AVOID,
    INNOVATE,
    NO_FORM,
    PASS_DOWN,
    REC_AVOID,
    REC_FAILED,
    REC_ROUTINE,
    ROUTINE,
)


def P(**kw):
    return {**DEFAULTS, **kw}


def test_probability_weighting_overweights_small_and_fixes_ends():
    w = decision.prob_weight(np.array([0.0, 0.01, 0.5, 0.99, 1.0]), 0.69)
    assert w[0] == 0 and w[-1] == pytest.approx(1.0)
    assert w[1] > 0.01 and w[3] < 0.99
    assert np.allclose(decision.prob_weight(np.array([0.3]), 1.0), 0.3)


def test_detection_combines_channels():
    assert decision.detection_probability(0.3, 1) == pytest.approx(0.3)
    assert decision.detection_probability(0.3, 3) == pytest.approx(1 - 0.7**3)
    assert decision.detection_probability(0.3, 3, 0.0) == 0.0


def test_targets_amplify_down_the_levels_and_vague_requirements_inflate_with_supervision():
    v = decision.effective_veto_targets(P(one_veto_targets=4, vague_requirements=2, supervision=0.5,
                                          amplification=0.1), 5)
    assert v[0] == pytest.approx(5.0)
    assert v[4] == pytest.approx(5.0 * 1.1**4)
    assert decision.effective_veto_targets(P(vague_requirements=2, supervision=0.0), 5)[0] == DEFAULTS["one_veto_targets"]


def test_attention_budget_is_consumed_and_leaders_carry_more():
    p = P(routine_load=0.3, paperwork_load=0.2, veto_attention=0.05, leader_duty=2.0,
          attention_budget=1.0, resources=1.0)
    veto = np.full(5, 4.0)
    standing = decision.standing_demand(p, veto, np.array([4, 4]), np.array([False, True]))
    free, over = decision.attention(p, standing, np.zeros(2))
    assert free[0] == pytest.approx(1.0 - 0.7) and over[0] == 0
    assert free[1] == 0.0 and over[1] == pytest.approx(0.4)


def test_success_needs_free_attention():
    p = P(innovation_success=0.6, resources=1.0, innovation_attention=0.2)
    ps = decision.success_probability(p, np.array([0.0, 0.1, 0.5]))
    assert ps.tolist() == pytest.approx([0.0, 0.3, 0.6])


def test_utilities_respond_to_beliefs_in_the_expected_direction():
    p = P()
    n = 3
    base = dict(intrinsic=np.full(n, 0.5), p_success=np.full(n, 0.5), p_irregular=np.full(n, 0.05))
    u = decision.utilities(p, np.array([0.1, 0.9, 0.9]), np.array([0.5, 0.5, 0.95]), **base)
    # more believed detection: innovating worse; more believed tolerance: innovating better
    assert u[INNOVATE, 1] < u[INNOVATE, 0]
    assert u[INNOVATE, 2] > u[INNOVATE, 1]
    # avoiding is hurt only a little by detection (omission is rarely punished)
    assert (u[AVOID, 0] - u[AVOID, 1]) < (u[INNOVATE, 0] - u[INNOVATE, 1])


def test_loss_aversion_makes_risky_options_worse():
    args = (np.array([0.5]), np.array([0.2]), np.array([0.5]), np.array([0.5]), np.array([0.05]))
    lo = decision.utilities(P(loss_aversion=1.0), *args)
    hi = decision.utilities(P(loss_aversion=4.0), *args)
    assert hi[INNOVATE, 0] < lo[INNOVATE, 0]


def test_logit_sums_to_one_and_prefers_best():
    u = np.array([[1.0, 0.0], [0.0, 0.0], [-1.0, 1000.0]])
    p = decision.logit(u, 2.0)
    assert np.allclose(p.sum(axis=0), 1)
    assert p[0, 0] > p[1, 0] > p[2, 0]
    assert p[2, 1] == pytest.approx(1.0)  # stable with huge utilities
    assert np.allclose(decision.logit(u, 0.0), 1 / 3)


def test_sample_follows_probabilities():
    rng = np.random.default_rng(0)
    probs = np.repeat(np.array([[0.2], [0.5], [0.3]]), 100_000, axis=1)
    a = decision.sample(probs, rng.random(100_000))
    assert np.allclose(np.bincount(a, minlength=3) / 1e5, [0.2, 0.5, 0.3], atol=0.01)


def test_imitation_mixes_toward_observed():
    own = np.array([[1.0], [0.0], [0.0]])
    seen = np.array([[0.0], [0.0], [1.0]])
    assert np.allclose(decision.imitate(own, seen, 0.25)[:, 0], [0.75, 0, 0.25])
    assert decision.imitate(own, None, 0.5) is own


def test_avoidance_forms_depend_on_task_and_townships_cannot_pass_down():
    rng = np.random.default_rng(1)
    n = 60_000
    idx = np.arange(10, n)
    innov_task = np.arange(n) % 2 == 0
    can = np.arange(n) % 3 != 0
    f = decision.avoidance_forms(n, idx, innov_task[idx], can[idx], rng.random(len(idx)))
    assert np.all(f[:10] == NO_FORM)
    f[:10] = 2  # make the first ten irrelevant to the shares below
    assert not np.any(f[~can] == PASS_DOWN)
    stall_innov = np.mean(f[innov_task & can] == 2)
    stall_routine = np.mean(f[~innov_task & can] == 2)
    assert stall_innov == pytest.approx(0.5, abs=0.02) and stall_routine == pytest.approx(0.2, abs=0.02)


def test_retro_review_judges_records_not_inaction():
    records = np.array([[REC_FAILED, REC_AVOID, REC_ROUTINE], [REC_FAILED, REC_AVOID, REC_ROUTINE]])
    found, innov = retro_review(records, drift=0.5, u_innov=np.zeros(3) + 1e-9, u_routine=np.zeros(3) + 1e-9)
    assert found.tolist() == [True, False, True]
    assert innov.tolist() == [True, False, False]
    found, _ = retro_review(records, drift=0.0, u_innov=np.zeros(3), u_routine=np.zeros(3))
    assert not found.any()


def test_omission_is_punished_far_more_mildly_than_commission():
    rng = np.random.default_rng(2)
    om = draw_severity("omission", rng.random(50_000))
    co = draw_severity("commission", rng.random(50_000))
    assert np.mean(om == SEVERE) == 0 and np.mean(co == SEVERE) == pytest.approx(0.2, abs=0.01)
    assert np.mean(om == MILD) > np.mean(co == MILD)
    assert decision.expected_severity("omission") < decision.expected_severity("commission") / 2
    assert set(np.unique(co)) == {MILD, MODERATE, SEVERE}


def test_tolerance_stages_and_paradox():
    clear = P(tolerance=0.9, standards_clarity=0.9, inter_level_consensus=0.9, discipline_stance=0.3,
              public_tolerance=0.7)
    paper = P(tolerance=0.9, standards_clarity=0.1, inter_level_consensus=0.1, discipline_stance=0.9,
              public_tolerance=0.2)
    assert tolerance.effective_tolerance(paper) < 0.25 * tolerance.effective_tolerance(clear)
    assert tolerance.effective_tolerance(P(tolerance=0.0)) == 0.0
    probs = tolerance.stage_probabilities(clear, np.array([0.5, 0.5]), np.array([False, True]))
    assert probs.shape == (2, 5) and np.all((probs >= 0) & (probs <= 1))
    # high-profile cases face the public at acceptance
    assert probs[1, 1] < probs[0, 1]


def test_procedure_is_monotone_funnel_and_counts_coupons():
    rng = np.random.default_rng(3)
    p = P(tolerance=1.0, standards_clarity=1.0, public_tolerance=1.0, discipline_stance=0.0,
          inter_level_consensus=0.3, high_profile_share=0.0)
    st = tolerance.run_procedure(p, np.ones(20_000), np.zeros(20_000, bool), rng.random((20_000, 5)))
    counts = st.sum(axis=0)
    assert np.all(np.diff(counts) <= 0)
    coupons = (st[:, 3] & ~st[:, 4]).mean() / st[:, 3].mean()
    assert coupons == pytest.approx(0.7, abs=0.02)  # not recognised above = 1 - consensus


def test_learning_moves_toward_signal_bad_news_faster():
    b = np.array([0.5, 0.5, 0.5])
    sig = np.array([1.0, 0.0, 1.0])
    has = np.array([True, True, False])
    new = learning.update(b, sig, has, 0.1, 3.0, bad_when_higher=True)
    assert new[0] == pytest.approx(0.5 + 0.3 * 0.5)   # bad news (more detection), x3
    assert new[1] == pytest.approx(0.5 - 0.1 * 0.5)
    assert new[2] == 0.5                              # no evidence, no change


def test_observed_rate_discounts_publicised_cases():
    rate, has = learning.observed_rate(np.array([1.0, 0.0]), np.array([2.0, 0.0]),
                                       np.array([0.0, 0.0]), np.array([0.0, 0.0]))
    assert rate[0] == 0.5 and has.tolist() == [True, False]


def test_observed_shares_mix_peers_and_superior():
    h = build(PRESETS["classroom"], np.random.default_rng(0))
    counts = np.zeros((h.n_units, 3))
    counts[:, ROUTINE] = 1
    townships = np.flatnonzero(h.level == 4)
    counts[townships[0]] = [0, 0, 5]  # one avoiding township
    seen = learning.observed_shares(counts, h.group, h.parent, peer_weight=1.0)
    sib = h.children(h.parent[townships[0]])
    assert np.all(seen[sib, AVOID] > 0) and seen[townships[-1], AVOID] == 0
    assert np.allclose(seen.sum(axis=1), 1)


def test_escalation_moves_excess_upward_and_conserves_problems():
    h = build(PRESETS["classroom"], np.random.default_rng(0))
    stock = np.zeros(h.n_units)
    t = np.flatnonzero(h.level == 4)[0]
    stock[t] = 100.0
    new, out = dynamics.escalate(stock, h, threshold_per_cadre=1.0, rate=0.5)
    assert out[t] == np.floor(0.5 * (100 - h.n_cadres[t]))
    assert new[h.parent[t]] == out[t]
    assert new.sum() == pytest.approx(stock.sum())


def test_random_child_is_a_child():
    h = build(PRESETS["classroom"], np.random.default_rng(0))
    units = np.flatnonzero(h.n_children > 0)
    kids = dynamics.random_child(h, units, np.random.default_rng(1).random(len(units)))
    assert np.all(h.parent[kids] == units)
