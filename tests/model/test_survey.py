"""Seed 003's survey question answered from what each cadre could know (S003-06)."""

from __future__ import annotations

import numpy as np
import pytest

from model import metrics
from model.hierarchy import build, get_spec
from model.params import DEFAULTS
from model.state import init_state

NOW = 100


def survey(*args, **kw) -> dict[str, float]:
    return metrics.answer_shares(metrics.survey_answers(*args, **kw))


ANSWER = {a: i for i, a in enumerate(metrics.SURVEY_ANSWERS)}


@pytest.fixture
def world():
    rng = np.random.default_rng(0)
    h = build(get_spec("classroom"), rng)
    s = init_state(h, dict(DEFAULTS), rng)
    U = h.n_units
    township = int(np.flatnonzero(h.level == h.level.max())[0])
    peers = np.flatnonzero((h.group == h.group[township]) & (np.arange(U) != township))
    cadres = np.flatnonzero(s.unit == township)
    leader = int(cadres[s.leader[cadres]][0])
    ordinary = cadres[~s.leader[cadres]]
    logs = tuple(np.zeros((metrics.SURVEY_MEMORY, U), np.int32) for _ in range(3))
    return h, s, township, peers, leader, ordinary, logs


def answers(h, s, logs) -> np.ndarray:
    shares = survey(h, s, *logs, NOW)
    return np.rint(np.array([shares[a] for a in metrics.SURVEY_ANSWERS]) * s.n).astype(int)


def test_nobody_knows_anything_ordinary_cadres_dont_know(world) -> None:
    h, s, *_, logs = world
    counts = answers(h, s, logs)
    assert counts[ANSWER["none"]] == s.leader.sum()  # leaders would have known
    assert counts[ANSWER["dont_know"]] == (~s.leader).sum()


def test_own_case_without_application_lets_a_cadre_say_none(world) -> None:
    h, s, township, peers, leader, ordinary, logs = world
    base = answers(h, s, logs)
    s.last_case[ordinary[0]] = NOW - 1  # taken up, did not apply: it would have known
    s.last_case[ordinary[1]] = NOW - metrics.SURVEY_MEMORY  # forgotten
    got = answers(h, s, logs)
    assert got[ANSWER["none"]] - base[ANSWER["none"]] == 1
    assert got[ANSWER["dont_know"]] - base[ANSWER["dont_know"]] == -1


def test_the_whole_department_knows_its_applications_not_its_peers(world) -> None:
    """An application goes through the unit: every cadre of the unit, leader or not,
    knows of it (the "department" of the question); peer units hear of it only if a
    tolerated case is publicised."""
    h, s, township, peers, leader, ordinary, logs = world
    applied, _, _ = logs
    applied[3, township] = 2
    got = answers(h, s, logs)
    mine = s.unit == township
    assert got[ANSWER["few"]] == mine.sum()
    assert got[ANSWER["dont_know"]] == (~s.leader & ~mine).sum()
    applied[metrics.SURVEY_MEMORY - 1, township] += 1  # the oldest month remembered
    assert answers(h, s, logs)[ANSWER["many"]] == mine.sum()


def test_publicised_cases_reach_the_unit_and_its_peers(world) -> None:
    h, s, township, peers, leader, ordinary, logs = world
    applied, public, _ = logs
    applied[0, peers[0]] = public[0, peers[0]] = (
        metrics.SURVEY_MANY
    )  # tolerated cases were applied for
    got = answers(h, s, logs)
    group = np.isin(s.unit, np.r_[township, peers])
    # the whole sibling group hears of them (the unit's own cadres count each once)
    assert got[ANSWER["many"]] == group.sum()
    assert got[ANSWER["dont_know"]] == (~s.leader & ~group).sum()


def test_own_units_publicised_case_counts_once(world) -> None:
    """A unit's publicised tolerated case is one of its applications: its cadres know of
    two cases, not four, and answer "few"; one more unpublicised application makes three
    ("many") in the unit but not among its peers."""
    h, s, township, peers, leader, ordinary, logs = world
    applied, public, _ = logs
    applied[2, township] = public[2, township] = 2
    mine = s.unit == township
    group = np.isin(s.unit, np.r_[township, peers])
    got = answers(h, s, logs)
    assert got[ANSWER["many"]] == 0
    assert got[ANSWER["few"]] == group.sum()
    applied[5, township] += 1
    got = answers(h, s, logs)
    assert got[ANSWER["many"]] == mine.sum()
    assert got[ANSWER["few"]] == (group & ~mine).sum()


def test_the_model_asks_about_its_whole_memory() -> None:
    """``CadreModel.survey`` hands the last ``SURVEY_MEMORY`` months of the unit logs to
    the rule: an application logged that long ago still counts, one older does not."""
    from model.model import CadreModel

    m = CadreModel(rng=3, agents=False).run(metrics.SURVEY_MEMORY + 5)
    m.applied_log[:] = 0
    m.public_tol_log[:] = 0
    m.referred_log[:] = 0
    m.state.last_case[:] = -(10**6)
    unit = int(np.flatnonzero(m.hierarchy.level == m.hierarchy.level.max())[0])
    mine = m.state.unit == unit
    rows = m.state.recent_rows(metrics.SURVEY_MEMORY + 1)
    m.applied_log[rows[-1], unit] = metrics.SURVEY_MANY  # just forgotten
    assert m.survey()["many"] == 0
    m.applied_log[rows[-2], unit] = metrics.SURVEY_MANY  # the oldest month remembered
    assert m.survey()["many"] == pytest.approx(mine.sum() / m.n_cadres)


def test_the_narrower_rule_leaders_know_their_units_applications_ordinary_cadres_their_own(
    world,
) -> None:
    """``department=False`` (the first model's rule): the unit's applications are known to
    its leaders only; an ordinary cadre knows its own application."""
    h, s, township, peers, leader, ordinary, logs = world
    applied, public, _ = logs
    applied[3, township] = 2
    s.last_case[ordinary[0]] = s.last_applied[ordinary[0]] = NOW - 3  # one of the two
    shares = survey(h, s, *logs, NOW, department=False)
    got = np.rint(np.array([shares[a] for a in metrics.SURVEY_ANSWERS]) * s.n).astype(int)
    n_leaders = s.leader[s.unit == township].sum()
    assert got[ANSWER["few"]] == n_leaders + 1
    assert got[ANSWER["dont_know"]] == (~s.leader).sum() - 1


def test_what_counts_as_many_is_a_choice_of_the_caller(world) -> None:
    h, s, township, peers, leader, ordinary, logs = world
    applied, public, _ = logs
    applied[1, township] = 2
    mine = (s.unit == township).sum()
    assert answers(h, s, logs)[ANSWER["many"]] == 0
    shares = survey(h, s, *logs, NOW, many=2)
    assert round(shares["many"] * s.n) == mine


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"memory": 0}, r"survey memory = 0 is invalid: allowed is an integer in \[1, 36\]"),
        ({"memory": 37}, r"survey memory = 37 is invalid"),
        ({"memory": 2.5}, r"survey memory = 2.5 is invalid: allowed is an integer"),
        ({"memory": True}, r"survey memory = True is invalid"),
        ({"many": 0}, r"survey many = 0 is invalid: allowed is an integer >= 1"),
        ({"department": "no"}, r"survey department = 'no' is invalid: allowed is True or False"),
        ({"area": 1}, r"survey area = 1 is invalid: allowed is True or False"),
    ],
)
def test_survey_assumptions_are_checked(kw, match) -> None:
    from model.model import CadreModel
    from model.params import ParamError

    m = CadreModel(rng=1, agents=False).run(2)
    with pytest.raises(ParamError, match=match):
        m.survey(**kw)


# The tightened regime's provision before model 2.1's calibration (tolerance 0.3, one
# text everywhere), so that these runs are the ones the digests were taken of.
_PROVISION_20 = {"tolerance": 0.3, "local_text_spread": 0.0}
MODEL_20: dict[str, dict] = {
    "tightened_accountability": _PROVISION_20,
    "tightening_then_loosening": {"schedule": [(40, _PROVISION_20)]},
    "tolerance_on_paper": {"local_text_spread": 0.0},
    "flexible_experimentation": {},
}


@pytest.mark.parametrize(
    "scenario, seed, steps, digest",
    [
        # the survey digests of tests/model/golden.json before the rule changed (b047868)
        ("tightened_accountability", 1, 120, "af155a2202576b7b"),
        ("tightening_then_loosening", 2, 200, "fbceb9660a7303c6"),
    ],
)
def test_the_first_rule_is_still_available(scenario, seed, steps, digest) -> None:
    """``department=False, memory=24, area=False`` answers exactly as the model did before the
    department channel (same runs, same digests as the golden file then held). The runs
    keep model 2.0's tightened provision (tolerance 0.3, one text everywhere)."""
    from model.model import CadreModel
    from tests.model.golden import _digest

    m = CadreModel(
        scenario=scenario, rng=seed, agents=False, preset="classroom", **MODEL_20[scenario]
    ).run(steps)
    old = m.survey(department=False, memory=24, area=False)
    assert _digest(np.array(list(old.values()))) == digest
    assert old != m.survey()


def test_memory_cuts_the_logs_and_the_own_cases_at_the_same_month() -> None:
    """With ``memory=k`` an application logged k - 1 months ago counts and one logged k
    months ago does not; a case of one's own taken up k - 1 months ago lets a cadre say
    "none", one k months ago does not."""
    from model.model import CadreModel

    k = 12
    m = CadreModel(rng=3, agents=False).run(30)
    m.applied_log[:] = 0
    m.public_tol_log[:] = 0
    m.referred_log[:] = 0
    s = m.state
    s.last_case[:] = -(10**6)
    unit = int(np.flatnonzero(m.hierarchy.level == m.hierarchy.level.max())[0])
    mine = s.unit == unit
    rows = s.recent_rows(k + 1)
    m.applied_log[rows[-1], unit] = 1  # k months ago
    assert m.survey(memory=k)["few"] == 0
    m.applied_log[rows[-2], unit] = 1  # k - 1 months ago
    assert m.survey(memory=k)["few"] == pytest.approx(mine.sum() / m.n_cadres)
    m.applied_log[:] = 0
    other = int(np.flatnonzero(~s.leader)[0])
    base = m.survey(memory=k)["none"]
    s.last_case[other] = m.steps - k
    assert m.survey(memory=k)["none"] == base
    s.last_case[other] = m.steps - k + 1
    assert m.survey(memory=k)["none"] == pytest.approx(base + 1 / m.n_cadres)


def test_a_unit_knows_the_cases_its_subordinate_units_referred_to_it(world) -> None:
    """The area channel: cases the procedure brought before a unit from the units
    directly below (for recognition or a decision above) are known to all its cadres,
    not to the referring unit's peers (unless publicised) nor to the level above."""
    h, s, township, peers, leader, ordinary, logs = world
    applied, _, referred = logs
    county = int(h.parent[township])
    applied[4, township] = referred[4, township] = 1
    applied[9, peers[0]] = referred[9, peers[0]] = 1
    applied[2, peers[1]] = 1  # dropped out below: never referred
    got = answers(h, s, logs)
    assert got[ANSWER["many"]] == 0
    upper = s.unit == county
    referring = np.isin(s.unit, peers[:2]) | (s.unit == township)
    assert got[ANSWER["few"]] == (upper | referring).sum()
    applied[20, peers[1]] = referred[20, peers[1]] = 1  # now the third before the county
    got = answers(h, s, logs)
    assert got[ANSWER["many"]] == upper.sum()
    assert got[ANSWER["few"]] == referring.sum()
    # the level above the county hears nothing of them
    assert got[ANSWER["dont_know"]] == (~s.leader & ~upper & ~referring).sum()
    shares = survey(h, s, *logs, NOW, area=False)
    assert round(shares["many"] * s.n) == 0
    assert round(shares["few"] * s.n) == referring.sum()
    # only leaders know their unit's business: the county's leaders hear of the three
    shares = survey(h, s, *logs, NOW, department=False)
    assert round(shares["many"] * s.n) == (upper & s.leader).sum() > 0


def test_what_reaches_the_superior() -> None:
    """An ordinary case reaches it once determined below (then recognition is asked for),
    a high-profile one once cleared in consultation (then decided with the upper level);
    a case that dropped out earlier does not."""
    from model.tolerance import referred_up

    stages = np.array(
        [
            [1, 1, 1, 1, 1],  # ordinary, recognised
            [1, 1, 1, 1, 0],  # ordinary, determined below, not recognised (a coupon)
            [1, 1, 1, 0, 0],  # ordinary, not determined
            [1, 1, 1, 0, 0],  # high-profile, cleared, not determined above
            [1, 1, 0, 0, 0],  # high-profile, not cleared
            [0, 0, 0, 0, 0],  # never applied
        ],
        dtype=bool,
    )
    high_profile = np.array([0, 0, 0, 1, 1, 0], dtype=bool)
    assert referred_up(stages, high_profile).tolist() == [1, 1, 0, 1, 0, 0]


def test_the_model_logs_what_each_unit_referred_up() -> None:
    """Per month and unit, ``referred_log`` counts the unit's eligible cases that reached
    its superior (``tolerance.referred_up``), in this month's row; never more than its
    applications. The centre's are logged but reach no one."""
    from model.model import CadreModel
    from model.tolerance import referred_up

    m = CadreModel(scenario="reform_package", rng=5, agents=False, preset="classroom")
    total = applied = 0
    for _ in range(60):
        m.step()
        ev = m.last_events
        up = referred_up(ev.stages, ev.high_profile)
        want = np.bincount(m.state.unit[ev.case_idx], up, minlength=m.n_units)
        row = m.referred_log[m.state.hist_pos]
        # the post may have changed hands since; the unit is the post's
        assert np.array_equal(row, want)
        assert (row <= m.applied_log[m.state.hist_pos]).all()
        total += int(row.sum())
        applied += int(m.applied_log[m.state.hist_pos].sum())
    assert 0 < total < applied


@pytest.mark.parametrize(
    "scenario, seed, digest",
    [
        # survey digests of tests/model/golden.json before the area channel (6af0d5b)
        ("flexible_experimentation", 1, "eb8782f03749331a"),
        ("tolerance_on_paper", 2, "ac33c194fc1d235e"),
    ],
)
def test_area_false_is_the_rule_without_referred_cases(scenario, seed, digest) -> None:
    from model.model import CadreModel
    from model.scenarios import SCENARIOS
    from tests.model.golden import _digest

    sc = SCENARIOS[scenario]
    m = CadreModel(
        scenario=scenario, rng=seed, agents=False, preset="classroom", **MODEL_20[scenario]
    ).run(sc.steps)
    before = m.survey(area=False)
    assert _digest(np.array(list(before.values()))) == digest
    assert before != m.survey()  # these runs have cases referred up


def test_the_survey_by_level_adds_up_to_the_survey() -> None:
    """Each level's shares, weighted by its cadres, give the whole survey."""
    from model.hierarchy import LEVELS
    from model.model import CadreModel

    m = CadreModel(scenario="reform_package", rng=4, agents=False, preset="classroom").run(80)
    whole, by_level = m.survey(area=False), m.survey_by_level(area=False)
    counts = np.bincount(m.state.level, minlength=len(LEVELS))
    assert list(by_level) == list(LEVELS)
    for a in metrics.SURVEY_ANSWERS:
        total = sum(by_level[lv][a] * counts[k] for k, lv in enumerate(LEVELS))
        assert total / m.n_cadres == pytest.approx(whole[a])
    assert by_level["township"] != by_level["county"]
