"""The Python API refuses bad input in one readable line (a CadreSimError), and every write
to the parameters in force is validated exactly as a scheduled change is."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model import CadreModel
from model.errors import CadreSimError
from model.params import SCHEMA, ParamDict, ParamError


@pytest.mark.parametrize("rng", [-1, "abc", 1.5, True, [3]], ids=repr)
def test_bad_seeds_are_refused(rng: object) -> None:
    with pytest.raises(CadreSimError, match=r"rng = .* is invalid: allowed is a seed"):
        CadreModel(rng=rng, agents=False)


def test_seed_keyword_points_to_rng() -> None:
    # Mesa's older keyword would otherwise read as a misspelt model parameter.
    with pytest.raises(ParamError, match=r"seed=7: CadreModel takes its seed as rng="):
        CadreModel(seed=7, agents=False)


def test_good_seeds_are_accepted() -> None:
    assert CadreModel(rng=np.int64(3), agents=False).seed == 3
    assert CadreModel(rng=None, agents=False).seed is None
    CadreModel(rng=np.random.default_rng(1), agents=False)


@pytest.mark.parametrize("branching", [5, (2, 3), (2, 3, 0, 5), (2.5, 3, 4, 5), "2345"], ids=repr)
def test_bad_branching_is_refused(branching: object) -> None:
    with pytest.raises(CadreSimError, match="branching = .*: need 4 integers >= 1"):
        CadreModel(branching=branching, agents=False)


def _int_param() -> str:
    return next(n for n, p in SCHEMA.items() if p.kind == "int" and p.high - p.low >= 2)


def _bad_values() -> list[tuple[str, object]]:
    f = next(n for n, p in SCHEMA.items() if p.kind == "float")
    i = _int_param()
    return [
        (f, math.nan),
        (f, math.inf),
        (f, SCHEMA[f].high + 1),
        (f, SCHEMA[f].low - 1),
        (f, "abc"),
        (f, True),
        (i, SCHEMA[i].low + 0.7),
        ("no_such_parameter", 1),
    ]


@pytest.mark.parametrize(("name", "value"), _bad_values(), ids=repr)
def test_a_write_is_refused_exactly_when_a_scheduled_change_is(name: str, value: object) -> None:
    with pytest.raises(ParamError) as scheduled:
        CadreModel(agents=False, schedule=[(1, {name: value})])
    m = CadreModel(rng=1, agents=False).run(2)
    before = dict(m.p)
    with pytest.raises(ParamError) as written:
        m.p[name] = value
    assert str(written.value) == str(scheduled.value)
    for write in (
        lambda: m.p.update({name: value}),
        lambda: m.p.update(**{name: value}),
        lambda: m.p.__ior__({name: value}),
    ):
        with pytest.raises(ParamError):
            write()
    assert dict(m.p) == before  # nothing half-written
    m.run(1)  # and the model goes on


def test_a_write_takes_effect_like_a_scheduled_change() -> None:
    i = _int_param()
    value = float(SCHEMA[i].low + 1)  # an integral float is that integer
    scheduled = CadreModel(rng=4, agents=False, schedule=[(4, {i: value})]).run(8)
    written = CadreModel(rng=4, agents=False).run(3)
    written.p[i] = value
    assert written.p[i] == SCHEMA[i].low + 1 and isinstance(written.p[i], int)
    written.run(5)
    np.testing.assert_array_equal(written.history_array(), scheduled.history_array())


def test_parameters_in_force_cannot_be_removed() -> None:
    m = CadreModel(agents=False)
    for remove in (
        lambda: m.p.pop("supervision"),
        lambda: m.p.__delitem__("supervision"),
        m.p.popitem,
        m.p.clear,
    ):
        with pytest.raises(ParamError, match="cannot be removed"):
            remove()
    assert set(m.p) == set(SCHEMA)
    assert m.p.setdefault("supervision", 0.0) == m.params["supervision"]
    with pytest.raises(ParamError):
        m.p.setdefault("no_such_parameter", 1)


def test_param_dict_validates_on_creation_and_copies_stay_validated() -> None:
    with pytest.raises(ParamError):
        ParamDict({"supervision": 2.0})
    p = ParamDict({"supervision": 0.005})
    q = p.copy()
    with pytest.raises(ParamError):
        q["supervision"] = -1


@pytest.mark.parametrize(
    ("actions", "applications", "match"),
    [
        ({0: 7}, {}, r"forced_actions\[0\] = 7 is invalid: allowed is 0 \(innovate\)"),
        (
            {-1: 0},
            {},
            r"forced_actions key = -1 is invalid: allowed is a cadre index in \[0, 195\]",
        ),
        ({}, {5: "yes"}, r"forced_applications\[5\] = 'yes' is invalid: allowed is True or False"),
        ({}, {10**6: True}, r"forced_applications key = 1000000 is invalid"),
    ],
)
def test_bad_forced_choices_are_refused_before_the_month(actions, applications, match) -> None:
    m = CadreModel(rng=1, agents=False).run(2)
    m.forced_actions, m.forced_applications = dict(actions), dict(applications)
    with pytest.raises(ParamError, match=match):
        m.step()
    assert m.steps == 2 and len(m.history()) == 2 * 6  # nothing of month 3 happened
    m.forced_actions, m.forced_applications = {}, {}
    m.step()  # the model goes on once the choice is mended
    assert m.steps == 3


def test_a_month_that_failed_stops_the_model_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mesa 3.5 reschedules the next month only after this one returns: without the check
    # every later step() would silently do nothing on a half-updated state.
    m = CadreModel(rng=1, agents=False).run(2)

    def boom(self: CadreModel, month: object) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(CadreModel, "_outcomes", boom)
    with pytest.raises(RuntimeError, match="interrupted"):
        m.step()
    monkeypatch.undo()
    with pytest.raises(CadreSimError, match="stopped during month 3 .* build a new model"):
        m.step()
    with pytest.raises(CadreSimError, match="stopped during month 3"):
        m.run(5)
    with pytest.raises(CadreSimError, match="stopped during month 3"):
        m.run_for(2)


def test_run_for_is_checked_like_step(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mesa's run_for reaches the month without going through step(): the same checks hold.
    m = CadreModel(rng=1, agents=False)
    m.run_for(2)
    assert m.steps == 2 and len(m.history()) == 2 * 6
    m.forced_actions = {0: 7}
    with pytest.raises(ParamError, match=r"forced_actions\[0\] = 7 is invalid"):
        m.run_for(1)
    m.forced_actions = {}
    m.run_until(4)
    assert m.steps == 4

    def boom(self: CadreModel, month: object) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(CadreModel, "_learn", boom)
    with pytest.raises(RuntimeError, match="interrupted"):
        m.run_for(3)
    monkeypatch.undo()
    with pytest.raises(CadreSimError, match="stopped during month 5"):
        m.step()
    with pytest.raises(CadreSimError, match="stopped during month 5"):
        m.run_until(10)


@pytest.mark.parametrize("cadre", [-1, 196, 1.5, True, "0"], ids=repr)
def test_cadre_odds_refuses_indices_outside_the_model(cadre: object) -> None:
    with pytest.raises(
        ParamError, match=r"cadre = .* is invalid: allowed is a cadre index in \[0, 195\]"
    ):
        CadreModel(rng=1, agents=False).cadre_odds(cadre)


@pytest.mark.parametrize("fraction", [0, -1, 2, math.nan, "x", True], ids=repr)
def test_summary_refuses_a_window_outside_0_1(fraction: object) -> None:
    m = CadreModel(rng=1, agents=False).run(3)
    with pytest.raises(
        ParamError, match=r"fraction = .* is invalid: allowed is a number in \(0, 1\]"
    ):
        m.summary(fraction=fraction)


def test_agents_must_be_a_bool() -> None:
    with pytest.raises(ParamError, match="agents = 'no' is invalid: allowed is True or False"):
        CadreModel(agents="no")


def test_schedule_steps_may_be_numpy_integers() -> None:
    # run() and rng= take numpy integers; so does a schedule (built e.g. from np.arange).
    m = CadreModel(rng=1, agents=False, schedule=[(np.int64(3), {"tolerance": 0.5})])
    assert m.schedule == ((3, {"tolerance": 0.5}),) and isinstance(m.schedule[0][0], int)


def test_a_tree_too_large_for_memory_is_one_line() -> None:
    with pytest.raises(CadreSimError, match=r"5,005,005,005,006 cadres .* does not fit"):
        CadreModel(branching=(1000, 1000, 1000, 1000), agents=False)
