"""Unit tests of each rule: pure functions with known answers."""

import numpy as np
import pytest

from model import accountability, beliefs, decision, dynamics, learning, tolerance
from model.accountability import MILD, SEVERE, SEVERITY, retro_review
from model.hierarchy import PRESETS, build
from model.params import DEFAULTS
from model.state import (
    AVOID,
    INNOVATE,
    JUDGED,
    NO_FORM,
    PASS_DOWN,
    REC_AVOID,
    REC_FAILED,
    REC_ROUTINE,
    REC_SUCCEEDED,
    ROUTINE,
    SHARE,
)


def P(**kw):
    return {**DEFAULTS, **kw}


@pytest.fixture(scope="module")
def classroom():
    return build(PRESETS["classroom"], np.random.default_rng(0))


def test_probability_weighting_overweights_small_and_fixes_ends():
    w = decision.prob_weight(np.array([0.0, 0.01, 0.5, 0.99, 1.0]), 0.69)
    assert w[0] == 0 and w[-1] == pytest.approx(1.0)
    assert w[1] > 0.01 and w[3] < 0.99
    assert np.allclose(decision.prob_weight(np.array([0.3]), 1.0), 0.3)


def test_every_level_at_and_above_a_unit_watches_it(classroom):
    h = classroom
    levels = h.level_units
    s = np.full(h.n_units, 0.1)
    d = accountability.detection_by_unit(s, np.ones(h.n_units), h, levels)
    for lv in range(5):  # one channel per watching level: 1 - 0.9^(levels watching)
        assert d[h.level == lv] == pytest.approx(1 - 0.9 ** (lv + 1))
    # only the centre supervises: everyone is watched by the centre alone
    only_centre = np.where(h.level == 0, 0.1, 0.0)
    d = accountability.detection_by_unit(only_centre, np.full(h.n_units, 2.0), h, levels)
    assert d == pytest.approx(np.full(h.n_units, 1 - 0.9**2))
    # a unit whose own level adopted more channels is watched more than its siblings
    ch = np.ones(h.n_units)
    town = np.flatnonzero(h.level == 4)[0]
    ch[town] = 3
    d = accountability.detection_by_unit(s, ch, h, levels)
    assert d[town] == pytest.approx(1 - 0.9**7)


def test_targets_amplify_down_the_levels_and_vague_requirements_inflate_with_detection():
    level = np.arange(5)
    t = decision.targets_in_force(
        np.full(5, 4.0), np.full(5, 2.0), np.full(5, 0.5), np.full(5, 0.1), level
    )
    assert t[0] == pytest.approx(5.0) and t[4] == pytest.approx(5.0 * 1.1**4)
    # no supervision: vague requirements stay vague
    t0 = decision.targets_in_force(
        np.full(5, 4.0), np.full(5, 2.0), np.zeros(5), np.zeros(5), level
    )
    assert t0 == pytest.approx(np.full(5, 4.0))


def test_attention_budget_is_consumed_and_leaders_carry_more():
    p = P(
        routine_load=0.3, veto_attention=0.05, leader_duty=2.0, attention_budget=1.0, resources=1.0
    )
    standing = decision.standing_demand(
        p, np.full(2, 0.2), np.full(2, 4.0), np.array([False, True])
    )
    free, over, load = decision.attention(p, standing, np.zeros(2))
    assert free[0] == pytest.approx(1.0 - 0.7) and over[0] == 0 and load[0] == pytest.approx(0.7)
    assert free[1] == 0.0 and over[1] == pytest.approx(0.4) and load[1] == pytest.approx(1.4)


def test_success_needs_free_attention():
    p = P(innovation_success=0.6, resources=1.0, innovation_attention=0.2)
    ps = decision.success_probability(p, np.array([0.0, 0.1, 0.5]))
    assert ps.tolist() == pytest.approx([0.0, 0.3, 0.6])


def test_missing_at_least_one_of_several_targets():
    q = decision.miss_probability(np.array([0.1, 0.1, 0.0]), np.array([1.0, 2.0, 10.0]))
    assert q.tolist() == pytest.approx([0.1, 0.19, 0.0])
    # overload raises the failure rate of every target; leaders fail more
    f = decision.target_failure(
        P(veto_failure_rate=0.01, leader_duty=2.0),
        np.array([False, True, False]),
        np.array([0.0, 0.0, 0.5]),
    )
    assert f.tolist() == pytest.approx([0.01, 0.02, 0.015])


def test_share_form_chance_is_the_frequency_avoidance_forms_draw():
    rng = np.random.default_rng(4)
    n = 200_000
    p = P(innovative_task_share=0.3)
    for can in (False, True):
        f = decision.avoidance_forms(
            n, np.arange(n), rng.random(n) < 0.3, np.full(n, can), rng.random(n)
        )
        want = decision.share_form_chance(p, np.array([can]))[0]
        assert np.mean(f == SHARE) == pytest.approx(want, abs=0.005)


def _utilities(p, **b):
    """Utilities of one cadre per column, from belief rows and one common situation."""
    n = len(next(iter(b.values())))
    bel = np.array(
        [
            b.get(k, np.full(n, v))
            for k, v in (
                ("detect", 0.05),
                ("omit", 0.002),
                ("retro", 0.002),
                ("severity", 12.0),
                ("tol", 0.1),
            )
        ],
        dtype=np.float32,
    )
    terms = decision.situation_terms(
        p, np.array([0.3]), np.array([0.05]), np.array([[1.0, 0.5, 0.5]]), np.array([0.8])
    )
    return decision.cadre_utilities(p, terms, bel, np.full(n, 0.5, np.float32), np.zeros(n, int))


def test_utilities_respond_to_beliefs_in_the_expected_direction():
    p = P()
    u = _utilities(p, detect=np.array([0.01, 0.2, 0.2]), tol=np.array([0.1, 0.1, 0.9]))
    assert u[INNOVATE, 1] < u[INNOVATE, 0]  # more believed detection: worse
    assert u[INNOVATE, 2] > u[INNOVATE, 1]  # more believed tolerance: better
    assert u[ROUTINE, 1] < u[ROUTINE, 0]  # a missed target is detected too
    assert u[AVOID, 0] == u[AVOID, 1]  # inaction is judged by its own belief
    u = _utilities(p, omit=np.array([0.0, 0.05]))
    assert u[AVOID, 1] < u[AVOID, 0] and u[INNOVATE, 1] == u[INNOVATE, 0]
    u = _utilities(p, retro=np.array([0.0, 0.05]))
    assert u[INNOVATE, 1] < u[INNOVATE, 0] and u[ROUTINE, 1] < u[ROUTINE, 0]
    assert (
        u[INNOVATE, 0] - u[INNOVATE, 1] > u[ROUTINE, 0] - u[ROUTINE, 1]
    )  # innovations more exposed
    u = _utilities(p, severity=np.array([5.0, 30.0]))
    assert np.all(u[:, 1] < u[:, 0])


def test_loss_aversion_makes_risky_options_worse_and_load_makes_avoiding_attractive():
    lo, hi = (
        _utilities(P(loss_aversion=1.0), detect=np.array([0.2])),
        _utilities(P(loss_aversion=4.0), detect=np.array([0.2])),
    )
    assert hi[INNOVATE, 0] < lo[INNOVATE, 0]
    p = P()
    light = decision.situation_terms(
        p, np.array([0.3]), np.array([0.05]), np.ones((1, 3)), np.array([0.4])
    )
    heavy = decision.situation_terms(
        p, np.array([0.3]), np.array([0.05]), np.ones((1, 3)), np.array([1.2])
    )
    assert heavy[decision.RELIEF, 0] > light[decision.RELIEF, 0]


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
    assert stall_innov == pytest.approx(0.5, abs=0.02) and stall_routine == pytest.approx(
        0.2, abs=0.02
    )


def test_retro_review_judges_open_acts_not_inaction_nor_judged_acts():
    records = np.array(
        [[REC_FAILED, REC_AVOID, REC_ROUTINE, REC_SUCCEEDED | JUDGED, REC_SUCCEEDED]]
    )
    found = retro_review(records, np.ones(5), np.ones(5), np.zeros((1, 5)))
    assert found[0].tolist() == [True, False, True, False, True]
    found = retro_review(records, np.zeros(5), np.zeros(5), np.zeros((1, 5)))
    assert not found.any()
    # each open act is judged on its own draw: 2 of 4 open acts below their chance
    found = retro_review(
        records, np.full(5, 0.5), np.full(5, 0.5), np.array([[0.4, 0.0, 0.6, 0.0, 0.49]])
    )
    assert found[0].tolist() == [True, False, False, False, True]


def test_severity_mix_by_kind_follows_the_four_forms_and_omission_is_mildest():
    for kind, dist in SEVERITY.items():
        assert dist.sum() == pytest.approx(1.0)
        assert dist[MILD] >= 0.6 and dist[SEVERE] <= 0.12, kind
    rng = np.random.default_rng(2)
    kinds = np.repeat(np.arange(5), 40_000)
    sev = accountability.draw_severities(kinds, rng.random(len(kinds)))
    for k in range(5):
        dist = SEVERITY[accountability.severity_of_kind(k)]
        assert np.bincount(sev[kinds == k], minlength=3) / 40_000 == pytest.approx(dist, abs=0.01)
    assert accountability.expected_severity("omission") < accountability.expected_severity("veto")


def test_exposure_is_the_chance_of_being_caught_at_least_once():
    rng = np.random.default_rng(5)
    caught = (rng.random((12, 100_000)) < 0.02).any(axis=0).mean()
    assert accountability.exposure(0.02, 12) == pytest.approx(caught, abs=0.003)


def test_provision_reach_covers_innovation_first_then_routine_and_retro_errors():
    e = tolerance.eligibility(np.array([0.0, 0.25, 0.5, 0.75, 1.0]))
    assert e[:, tolerance.ELIGIBLE_INNOVATION].tolist() == pytest.approx([0, 0.5, 1, 1, 1])
    assert e[:, tolerance.ELIGIBLE_ROUTINE].tolist() == pytest.approx([0, 0, 0, 0.5, 1])
    assert np.array_equal(e[:, tolerance.ELIGIBLE_RETRO], e[:, tolerance.ELIGIBLE_ROUTINE])


def _stages(tol, clarity, consensus, discipline, public):
    return tolerance.stage_factors(
        np.array([tol]), np.array([clarity]), np.array([discipline]), np.array([consensus]), public
    )


def test_text_rich_practice_poor_and_a_working_procedure():
    paper = _stages(0.9, 0.1, 0.1, 0.9, 0.2)
    working = _stages(0.9, 0.9, 0.9, 0.3, 0.7)
    weak = _stages(0.1, 0.9, 0.9, 0.3, 0.7)
    e_paper = tolerance.effective_tolerance(paper, np.array([0.9]), 0.1)[0]
    e_working = tolerance.effective_tolerance(working, np.array([0.9]), 0.1)[0]
    e_weak = tolerance.effective_tolerance(weak, np.array([0.1]), 0.1)[0]
    assert e_paper < 0.1 * e_working  # the text cannot make up for the other stages
    assert e_working > 2 * e_weak  # where they work, the provision's strength does
    assert e_working > 0.4
    # high-profile cases face the public at acceptance
    assert working[0, 1, 1] < working[0, 0, 1]


def test_effective_tolerance_is_the_fixed_point_of_what_the_procedure_does():
    rng = np.random.default_rng(3)
    factors = _stages(0.6, 0.7, 0.7, 0.5, 0.5)
    b = tolerance.effective_tolerance(factors, np.array([0.6]), 0.0)[0]
    n = 200_000
    st = tolerance.run_procedure(
        np.repeat(factors[:, 0], n, axis=0), np.full(n, 0.6), np.full(n, b), rng.random((n, 5))
    )
    assert st[:, 4].mean() == pytest.approx(b, abs=0.005)  # believing b, b is what happens


@pytest.mark.parametrize("duty", [0.0, 0.5])
def test_the_fixed_point_holds_whatever_the_duty_to_help_apply(duty):
    rng = np.random.default_rng(4)
    factors = _stages(0.8, 0.7, 0.7, 0.5, 0.5)
    b = tolerance.effective_tolerance(factors, np.array([0.8]), 0.0, duty=duty)[0]
    n = 200_000
    st = tolerance.run_procedure(
        np.repeat(factors[:, 0], n, axis=0),
        np.full(n, 0.8),
        np.full(n, b),
        rng.random((n, 5)),
        duty=duty,
    )
    assert st[:, 4].mean() == pytest.approx(b, abs=0.005)


def test_the_duty_to_help_apply_is_how_far_the_text_binds_stage_1():
    """Without the duty a cadre applies on its own belief alone (with the floor of those
    who apply anyway); with it, a strong text makes nearly every cadre apply; the
    strength of a weak text obliges little either way."""
    belief = np.array([0.0, 0.5, 1.0])
    own = tolerance.APPLY_FLOOR + (1 - tolerance.APPLY_FLOOR) * belief
    assert tolerance.application(0.9, belief, 0.0) == pytest.approx(own)
    assert tolerance.application(0.9, belief, 1.0) == pytest.approx(0.9 + 0.1 * own)
    assert tolerance.application(0.9, belief, 0.5) == pytest.approx(0.45 + 0.55 * own)
    # a stronger text raises the believed chance of being tolerated only with the duty
    factors = _stages(0.9, 0.8, 0.8, 0.3, 0.7)
    with_duty = tolerance.effective_tolerance(factors, np.array([0.9]), 0.1, duty=1.0)[0]
    without = tolerance.effective_tolerance(factors, np.array([0.9]), 0.1, duty=0.0)[0]
    assert with_duty > 2 * without > 0


def test_procedure_is_monotone_funnel_and_counts_coupons():
    rng = np.random.default_rng(3)
    factors = _stages(1.0, 1.0, 0.3, 0.0, 1.0)[:, 0]
    n = 20_000
    st = tolerance.run_procedure(
        np.repeat(factors, n, axis=0), np.ones(n), np.ones(n), rng.random((n, 5))
    )
    counts = st.sum(axis=0)
    assert np.all(np.diff(counts) <= 0)
    coupons = (st[:, 3] & ~st[:, 4]).mean() / st[:, 3].mean()
    assert coupons == pytest.approx(0.7, abs=0.02)  # not recognised above = 1 - consensus


def test_learning_is_symmetric_so_a_steady_belief_is_unbiased():
    rng = np.random.default_rng(6)
    n, q = 20_000, 0.2
    b = np.full(n, 0.9, dtype=np.float32)
    for _ in range(400):  # monthly evidence: the observed rate of 5 Bernoulli(q) trials
        rate = rng.binomial(5, q, n) / 5
        b = beliefs.learn(b, rate, np.ones(n, bool), 0.1)
    assert b.mean() == pytest.approx(q, abs=0.005)
    new = beliefs.learn(
        np.array([0.5, 0.5], np.float32), np.array([1.0, 0.0]), np.array([True, False]), 0.1
    )
    assert new.tolist() == pytest.approx([0.55, 0.5])  # no evidence, no change


def test_documents_are_believed_more_when_they_bring_bad_news():
    b = np.full((5, 1), 0.5, dtype=np.float32)
    b[3] = 10.0
    worse = np.array([[0.9], [0.9], [0.9], [20.0], [0.1]])  # every belief worse
    better = np.array([[0.1], [0.1], [0.1], [5.0], [0.9]])
    after_bad = beliefs.announce(b, worse, 0.5, 2.0)
    after_good = beliefs.announce(b, better, 0.5, 2.0)
    assert after_bad[:, 0] == pytest.approx([0.7, 0.7, 0.7, 15.0, 0.3])
    assert after_good[:, 0] == pytest.approx([0.4, 0.4, 0.4, 8.75, 0.6])
    assert beliefs.announce(b, better, 0.5, 1.0)[0, 0] == pytest.approx(0.3)  # no asymmetry


def test_alertness_after_news_and_calm_in_a_steady_regime():
    old = np.array([[0.1], [0.1], [0.1], [10.0], [0.5]])
    new = np.array([[0.2], [0.1], [0.05], [10.0], [0.8]])
    a = beliefs.alertness(old, new, np.ones((5, 1)), 2.0)
    assert a[:, 0].tolist() == [2.0, 1.0, 0.5, 1.0, 0.5]
    calmed = a
    for _ in range(60):
        calmed = beliefs.calm(calmed, 0.1)
    assert calmed == pytest.approx(np.ones((5, 1)), abs=0.01)


def test_freed_targets_are_unlearnt_only_from_unpunished_misses():
    perceived, real = np.array([10.0, 10.0, 5.0]), np.array([4.0, 4.0, 5.0])
    after = beliefs.unlearn_targets(perceived, real, np.array([0, 3, 2]), 0.1)
    assert after.tolist() == pytest.approx([10.0, 4 + 6 * 0.9**3, 5.0])


def test_observed_rate_pools_own_unit_and_weighted_peers():
    rate, has = beliefs.observed(
        np.array([1.0, 0.0, 0.0]),
        np.array([2.0, 0.0, 0.0]),
        np.array([0.0, 3.0, 0.0]),
        np.array([10.0, 6.0, 0.0]),
        0.5,
    )
    assert rate.tolist() == pytest.approx([1 / 7, 0.5, 0.0]) and has.tolist() == [True, True, False]


def test_observed_shares_mix_peers_and_superior(classroom):
    h = classroom
    counts = np.zeros((h.n_units, 3))
    counts[:, ROUTINE] = 1
    townships = np.flatnonzero(h.level == 4)
    counts[townships[0]] = [0, 0, 5]  # one avoiding township
    seen = learning.observed_shares(counts, h.group, h.parent, peer_weight=1.0)
    sib = h.children(h.parent[townships[0]])
    assert np.all(seen[sib, AVOID] > 0) and seen[townships[-1], AVOID] == 0
    assert np.allclose(seen.sum(axis=1), 1)


def test_escalation_moves_any_excess_upward_and_conserves_problems(classroom):
    h = classroom
    stock = np.zeros(h.n_units)
    t = np.flatnonzero(h.level == 4)[0]
    stock[t] = h.n_cadres[t] + 3.0  # an excess of 3: escalates, although under 5
    new, out = dynamics.escalate(stock, h, threshold_per_cadre=1.0, rate=0.5)
    assert out[t] == pytest.approx(1.5)
    assert new[h.parent[t]] == pytest.approx(1.5)
    assert new.sum() == pytest.approx(stock.sum())


def test_random_child_is_a_child(classroom):
    h = classroom
    units = np.flatnonzero(h.n_children > 0)
    kids = dynamics.random_child(h, units, np.random.default_rng(1).random(len(units)))
    assert np.all(h.parent[kids] == units)


def test_scapegoats_are_cadres_below_the_unit_chosen_uniformly(classroom):
    h = classroom
    unit_of = np.repeat(np.arange(h.n_units), h.n_cadres)
    rng = np.random.default_rng(7)
    units = np.zeros(60_000, dtype=int)  # blame pushed down from the centre
    goats = accountability.scapegoats(h, units, rng.random(len(units)), rng.random(len(units)))
    assert not np.any(unit_of[goats] == 0)
    share = np.bincount(h.level[unit_of[goats]], minlength=5) / len(goats)
    below = h.n_cadres[h.level > 0].sum()
    for lv in range(1, 5):  # uniform over every cadre under the unit
        assert share[lv] == pytest.approx(h.n_cadres[h.level == lv].sum() / below, abs=0.01)
    county = np.flatnonzero(h.level == 3)[0]
    goats = accountability.scapegoats(h, np.full(500, county), rng.random(500), rng.random(500))
    assert np.all(h.parent[unit_of[goats]] == county)
