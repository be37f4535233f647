"""run_one: a pure function whose rows agree with the model's own summary and history."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import designs
from experiments.batch import Task
from experiments.rows import OUTPUT_COLUMNS, ROW_LEVELS, TS_COLUMNS, run_one
from model import CadreModel
from model.metrics import SURVEY_ANSWERS
from model.params import SCHEMA
from tests.experiments.conftest import TINY, tiny_spec


@pytest.fixture(scope="module")
def task() -> Task:
    spec = tiny_spec()
    return designs.tasks(spec, designs.build(spec))[5]


def test_rows_match_the_model_summary(task: Task) -> None:
    res = run_one(task)
    rows = res["rows"]
    assert rows["level"] == list(ROW_LEVELS)
    m = CadreModel(
        scenario=task.scenario, preset="classroom", rng=task.seed, agents=False, **dict(task.params)
    ).run(task.steps)
    summary = m.summary()
    for i, lv in enumerate(ROW_LEVELS):
        for key, value in summary["levels"][lv].items():
            assert rows[key][i] == pytest.approx(value, abs=1e-12, nan_ok=True), (lv, key)
        for a in SURVEY_ANSWERS:
            assert rows[f"survey_{a}"][i] == pytest.approx(summary["survey"][a])
    hist = m.history()
    # Totals are sums over the whole run; the problem stock is a final-window mean.
    for lv_i, lv in enumerate(ROW_LEVELS):
        h = hist[hist["level"] == lv]
        assert rows["escalations_total"][lv_i] == pytest.approx(h["escalations"].sum())
        assert rows["cases_total"][lv_i] == pytest.approx(h["cases"].sum())
        assert rows["n_cadres"][lv_i] == h["n_cadres"].iloc[-1]
    assert set(rows) >= set(OUTPUT_COLUMNS) | {"run_id", "seed", "supervision", "tolerance"}
    assert rows["supervision"][0] == dict(task.params)["supervision"]


def test_timeseries_is_the_model_history(task: Task) -> None:
    res = run_one(task)
    ts = res["ts"]
    m = CadreModel(
        scenario=task.scenario, preset="classroom", rng=task.seed, agents=False, **dict(task.params)
    ).run(task.steps)
    hist = m.history()
    assert len(ts["step"]) == len(hist)
    for c in TS_COLUMNS:
        np.testing.assert_allclose(ts[c], hist[c].to_numpy())
    assert list(ts["level"]) == list(hist["level"])


def test_timeseries_thinning() -> None:
    spec = tiny_spec(TINY + "every = 5\n")
    t = designs.tasks(spec, designs.build(spec))[0]
    ts = run_one(t)["ts"]
    assert sorted(set(ts["step"])) == [5, 10, 15]


def test_run_one_is_pure(task: Task) -> None:
    a, b = run_one(task), run_one(task)
    for c in OUTPUT_COLUMNS:
        np.testing.assert_array_equal(a["rows"][c], b["rows"][c])


def test_output_columns_do_not_collide_with_parameters() -> None:
    # Varied parameters become columns of the same table as the outputs.
    assert not set(SCHEMA) & (
        set(OUTPUT_COLUMNS)
        | {"run_id", "point", "replicate", "seed", "scenario", "steps", "level", "n_cadres"}
    )
