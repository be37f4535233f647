"""Seed 003's survey question answered from what each cadre could know (S003-06)."""

from __future__ import annotations

import numpy as np
import pytest

from model import metrics
from model.hierarchy import build, get_spec
from model.params import DEFAULTS
from model.state import init_state

NOW = 100
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
    logs = (
        np.zeros((metrics.SURVEY_MEMORY, U), np.int32),
        np.zeros((metrics.SURVEY_MEMORY, U), np.int32),
    )
    return h, s, township, peers, leader, ordinary, logs


def answers(h, s, logs) -> np.ndarray:
    shares = metrics.survey(h, s, logs[0], logs[1], NOW)
    return np.rint(np.array([shares[a] for a in metrics.SURVEY_ANSWERS]) * s.n).astype(int)


def test_nobody_knows_anything_ordinary_cadres_dont_know(world) -> None:
    h, s, *_, logs = world
    counts = answers(h, s, logs)
    assert counts[ANSWER["none"]] == s.leader.sum()  # leaders would have known
    assert counts[ANSWER["dont_know"]] == (~s.leader).sum()


def test_own_case_and_own_application(world) -> None:
    h, s, township, peers, leader, ordinary, logs = world
    base = answers(h, s, logs)
    s.last_case[ordinary[0]] = NOW - 1  # taken up, did not apply
    s.last_case[ordinary[1]] = s.last_applied[ordinary[1]] = NOW - 2  # applied
    s.last_case[ordinary[2]] = NOW - metrics.SURVEY_MEMORY - 1  # forgotten
    got = answers(h, s, logs)
    assert got[ANSWER["none"]] - base[ANSWER["none"]] == 1
    assert got[ANSWER["few"]] - base[ANSWER["few"]] == 1
    assert got[ANSWER["dont_know"]] - base[ANSWER["dont_know"]] == -2


def test_leaders_know_their_units_applications_ordinary_cadres_do_not(world) -> None:
    h, s, township, peers, leader, ordinary, logs = world
    applied, _ = logs
    applied[3, township] = 2
    got = answers(h, s, logs)
    n_leaders = s.leader[s.unit == township].sum()
    assert got[ANSWER["few"]] == n_leaders
    assert got[ANSWER["dont_know"]] == (~s.leader).sum()


def test_publicised_cases_reach_the_unit_and_its_peers(world) -> None:
    h, s, township, peers, leader, ordinary, logs = world
    applied, public = logs
    applied[0, peers[0]] = public[0, peers[0]] = (
        metrics.SURVEY_MANY
    )  # tolerated cases were applied for
    got = answers(h, s, logs)
    group = np.isin(s.unit, np.r_[township, peers])
    # the whole sibling group hears of them (the unit's leaders count each once)
    assert got[ANSWER["many"]] == group.sum()
    assert got[ANSWER["dont_know"]] == (~s.leader & ~group).sum()


def test_own_publicised_case_counts_once(world) -> None:
    """An ordinary cadre whose own tolerated case was publicised knows of it once: with
    one more publicised case in its unit it knows of two ("few"), not three ("many")."""
    h, s, township, peers, leader, ordinary, logs = world
    applied, public = logs
    applied[2, township] = public[2, township] = 2  # its own case and one other
    me, other = ordinary[0], ordinary[1]
    s.last_case[me] = s.last_applied[me] = s.last_public[me] = NOW - 2
    # another cadre applied for a case that was not publicised: it knows of three
    s.last_case[other] = s.last_applied[other] = NOW - 5
    shares = metrics.survey(h, s, applied, public, NOW)
    counts = np.rint(np.array([shares[a] for a in metrics.SURVEY_ANSWERS]) * s.n).astype(int)
    group = np.isin(s.unit, np.r_[township, peers])
    # the unit's leaders know the 2 applications; peers' cadres hear of 2 publicised cases;
    # only `other` reaches three
    assert counts[ANSWER["many"]] == 1
    assert counts[ANSWER["few"]] == group.sum() - 1
